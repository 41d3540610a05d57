"""``minitf.keras`` (also ``tf.keras``): Keras 3's API and numerics on minitf.

>>> import minitf as tf
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
>>> model.compile(optimizer="sgd", loss="mse")
>>> h = model.fit([[1., 2.], [3., 4.]], [[1.], [2.]], epochs=2, verbose=0)
>>> len(h.history["loss"])
2
"""
from . import (activations, backend, callbacks, constraints, datasets,  # noqa: F401
               initializers, layers, losses, metrics, optimizers, regularizers)
from . import random  # noqa: F401,E402  (keras.random)
from . import model_visualization, models, saving  # noqa: F401,E402  (keras.models.load_model, keras.saving)
from .file_utils import get_file as _get_file
from .layers import Input, Layer  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from .variables import KerasVariable as Variable  # noqa: F401
from . import applications  # noqa: E402,F401 - needs layers and models first


class utils:  # noqa: N801 - Keras's namespace name
    """A few of ``keras.utils``."""

    get_file = staticmethod(_get_file)
    Progbar = callbacks.Progbar
    # keras.utils re-exports these from keras.saving (serialization.py).
    register_keras_serializable = staticmethod(saving.register_keras_serializable)
    serialize_keras_object = staticmethod(saving.serialize_keras_object)
    deserialize_keras_object = staticmethod(saving.deserialize_keras_object)
    custom_object_scope = staticmethod(saving.custom_object_scope)
    get_custom_objects = staticmethod(saving.get_custom_objects)
    # Graphviz drawings of a model (pydot and Graphviz, both optional).
    model_to_dot = staticmethod(model_visualization.model_to_dot)
    plot_model = staticmethod(model_visualization.plot_model)

    @staticmethod
    def set_random_seed(seed: int) -> None:
        """Seed every random source, as ``keras.utils.set_random_seed``: Python's ``random``
        (the seeds of unseeded initializers and SeedGenerators come from it), NumPy's global
        generator, the global op seed (``tf.random.set_seed``), and forget Keras's global
        SeedGenerator (remade from ``random`` on next use). Only an int is accepted.

        >>> import minitf as tf
        >>> tf.keras.utils.set_random_seed(1); a = tf.keras.initializers.GlorotUniform()((2, 2))
        >>> tf.keras.utils.set_random_seed(1); b = tf.keras.initializers.GlorotUniform()((2, 2))
        >>> bool(tf.reduce_all(a == b))
        True
        """
        import random as python_random

        import numpy as np
        from ..ops import random_ops
        from . import random as keras_random
        if not isinstance(seed, int):
            raise ValueError("Expected `seed` argument to be an integer. "
                             f"Received: seed={seed} (of type {type(seed)})")
        keras_random.reset_global_seed_generator()
        python_random.seed(seed)
        np.random.seed(seed)
        random_ops.set_seed(seed)

    @staticmethod
    def to_categorical(x, num_classes=None):
        """One-hot encode integer class labels, as ``keras.utils.to_categorical``: a trailing
        axis of size 1 is dropped, then a last axis of ``num_classes`` (default ``max + 1``)
        is added. Arrays and lists give a float64 NumPy array, a tensor gives a float32 tensor.

        >>> import minitf as tf
        >>> tf.keras.utils.to_categorical([[1], [2]])
        array([[0., 1., 0.],
               [0., 0., 1.]])
        """
        import numpy as np
        from ..tensor import is_tensor
        if is_tensor(x):
            from ..ops.array_ops import one_hot, reshape
            shape = tuple(x.shape)
            if len(shape) > 1 and shape[-1] == 1:
                x = reshape(x, shape[:-1])
            return one_hot(x, num_classes)
        x = np.array(x, dtype="int64")
        shape = x.shape
        if len(shape) > 1 and shape[-1] == 1:
            shape = shape[:-1]
        x = x.reshape(-1)
        n = int(num_classes) if num_classes else int(np.max(x)) + 1
        out = np.zeros((x.shape[0], n))
        out[np.arange(x.shape[0]), x] = 1
        return out.reshape(shape + (n,))

    @staticmethod
    def normalize(x, axis=-1, order=2):
        """Divide by the ``order``-norm along ``axis`` (zero norms left alone), as
        ``keras.utils.normalize``. As in Keras, ``axis=0`` counts as "not given" (``-1``),
        and the norm keeps a leading axis, so a 1-D input comes back 2-D.

        >>> import numpy as np, minitf as tf
        >>> tf.keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
        """
        import numpy as np
        from ..tensor import is_tensor
        if is_tensor(x):      # Keras's ops.normalize: epsilon = keras.backend.epsilon()
            from ..ops import math_ops as M, reduction_ops as R
            from . import backend
            eps = backend.epsilon()
            if order == 2:
                inv = M.rsqrt(R.reduce_sum(M.square(x), axis=axis, keepdims=True))
                return x * M.minimum(inv, M.cast(1.0 / eps, x.dtype))
            norm = R.reduce_sum(M.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
            return x / M.maximum(norm, M.cast(eps, x.dtype))
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)


# Keras's own loss and metric namespaces (long function names only); tf.keras, with the TF
# spellings, is the view minitf/__init__.py installs (api_namespaces.py).
import sys as _sys  # noqa: E402
from . import api_namespaces as _api_namespaces  # noqa: E402
losses, metrics, _TF_KERAS = _api_namespaces.views(  # noqa: F811
    _sys.modules[__name__], losses, metrics)
