"""Static shapes inside a ``tf.function`` traced with unknown dimensions (an input_signature
with ``None``): what ``t.shape`` shows the body, for the ops whose TF rule is not the shadow
computation's (``minitf/function/static_shapes.py``). The expected shapes are TF 2.21's,
printed by real TensorFlow for the same bodies (``parity/test_function_signatures_parity.py``
runs them side by side)."""
import numpy as np
import pytest

import minitf as tf


def static_shape(specs, body, sizes=4):
    """The static shape of ``body(*args)`` seen inside a trace with ``specs`` as its
    signature, called with arguments whose unknown dimensions are ``sizes`` long."""
    seen = []

    def f(*args):
        out = body(*args)
        seen.append(str(out.shape))
        return out

    fn = tf.function(f, input_signature=[tf.TensorSpec(s, tf.float32) for s in specs])
    args = []
    for s in specs:
        shape = [sizes if d is None else d for d in s]
        args.append(tf.constant(np.arange(np.prod(shape), dtype=np.float32).reshape(shape)))
    fn(*args)
    return seen[0]


# (signature, body, TF 2.21's static shape)
SLICES = [
    ([[None]], lambda x: x[:2], "(None,)"),
    ([[None]], lambda x: x[1:], "(None,)"),
    ([[None]], lambda x: x[::2], "(None,)"),
    ([[None]], lambda x: x[-2:], "(None,)"),
    ([[None]], lambda x: x[:-1], "(None,)"),
    ([[None]], lambda x: x[::-1], "(None,)"),
    ([[None]], lambda x: x[0:0], "(None,)"),
    ([[None, 3]], lambda x: x[:, 0], "(None,)"),
    ([[None, 3]], lambda x: x[0], "(3,)"),
    ([[None, 3]], lambda x: x[-1], "(3,)"),
    ([[None, 3]], lambda x: x[:, 1:], "(None, 2)"),
    ([[None, 3]], lambda x: x[:, 5:], "(None, 0)"),
    ([[3, None]], lambda x: x[:, :2], "(3, None)"),
    ([[None, 3]], lambda x: x[1:3, 1:], "(None, 2)"),
    ([[None, 3]], lambda x: x[..., :2], "(None, 2)"),
    ([[None, 3]], lambda x: x[None, :, None], "(1, None, 1, 3)"),
    ([[5]], lambda x: x[:2], "(2,)"),
    ([[None, 4]], lambda x: tf.split(x, 2, axis=0)[0], "(None, 4)"),
]

MERGES = [   # broadcasting, matmul, concat and stack merge an unknown size with a known one
    ([[None]], lambda x: x + tf.ones([4]), "(4,)"),
    ([[None, 3]], lambda x: x + tf.ones([4, 3]), "(4, 3)"),
    ([[None, 1]], lambda x: x + tf.ones([4, 3]), "(4, 3)"),
    ([[None]], lambda x: tf.where(x > 0, x, tf.ones([4])), "(4,)"),
    ([[None]], lambda x: tf.stack([x, tf.ones([4])]), "(2, 4)"),
    ([[None, 3]], lambda x: tf.concat([x, tf.ones([4, 2])], 1), "(4, 5)"),
    ([[3, None]], lambda x: tf.matmul(x, tf.ones([4, 2])), "(3, 2)"),
    ([[None]], lambda x: x[:2] + tf.ones([2]), "(2,)"),
]


@pytest.mark.parametrize("specs, body, expected", SLICES)
def test_slices_of_unknown_dimensions_have_unknown_lengths(specs, body, expected):
    # whatever the trace's concrete size: x[:2] of a (None,) is (None,) also when it is 4 long
    assert static_shape(specs, body) == expected
    assert static_shape(specs, body, sizes=2) == expected


@pytest.mark.parametrize("specs, body, expected", MERGES)
def test_an_unknown_size_merged_with_a_known_one_is_known(specs, body, expected):
    assert static_shape(specs, body) == expected
