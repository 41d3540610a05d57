"""``tf.random``: seeded random tensors, drawn as TensorFlow draws them (Philox streams)."""
from .ops.random_ops import (categorical, normal, set_seed, shuffle,  # noqa: F401
                             truncated_normal, uniform)
from .ops.stateless_random_ops import (stateless_random_normal as stateless_normal,  # noqa: F401
                                       stateless_random_uniform as stateless_uniform,
                                       stateless_categorical, stateless_truncated_normal)
from .ops.stateful_random_ops import (Generator, create_rng_state,  # noqa: F401
                                      get_global_generator, set_global_generator)
