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
from .file_utils import get_file as _get_file
from .layers import Input, Layer  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from .variables import KerasVariable as Variable  # noqa: F401


class utils:  # noqa: N801 - Keras's namespace name
    """A few of ``keras.utils``."""

    get_file = staticmethod(_get_file)

    @staticmethod
    def set_random_seed(seed: int) -> None:
        """Seed Python-side randomness for reproducible runs: NumPy's global generator and
        minitf's global op seed (``tf.random.set_seed``), as Keras seeds its backends."""
        import numpy as np
        from ..ops import random_ops
        np.random.seed(seed)
        random_ops.set_seed(seed)

    @staticmethod
    def to_categorical(y, num_classes=None, dtype="float32"):
        """One-hot encode integer class labels: row i has a 1 in column ``y[i]``;
        ``num_classes`` defaults to ``max(y) + 1``."""
        import numpy as np
        y = np.asarray(y, dtype="int64").reshape(-1)
        n = num_classes or int(y.max()) + 1
        out = np.zeros((y.size, n), dtype=dtype)
        out[np.arange(y.size), y] = 1
        return out
