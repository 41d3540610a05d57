"""MNIST: 70,000 28x28 grayscale handwritten digits (``keras.datasets.mnist``)."""
import numpy as np

from . import _common

_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Return ``(x_train, y_train), (x_test, y_test)`` of MNIST, as Keras does.

    ``x_train``: uint8 (60000, 28, 28), pixels 0..255; ``y_train``: uint8 (60000,) digits
    0..9; the test arrays hold 10000 rows.  The file is downloaded once into
    ``~/.keras/datasets/<path>`` (``path`` is a file name there) and its sha256 checked.
    """
    path = _common.fetch("mnist.npz", _SHA256, path=path)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
