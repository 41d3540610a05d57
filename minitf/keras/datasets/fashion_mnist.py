"""Fashion-MNIST: 70,000 28x28 grayscale clothing images (``keras.datasets.fashion_mnist``).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
7 Sneaker, 8 Bag, 9 Ankle boot.
"""
import gzip
import os

import numpy as np

from . import _common

_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def _idx(path, header):
    """The uint8 payload of a gzipped IDX file, after its ``header`` bytes."""
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header)


def load_data():
    """Return ``(x_train, y_train), (x_test, y_test)`` of Fashion-MNIST, as Keras does.

    uint8 images (60000, 28, 28) and (10000, 28, 28), uint8 labels 0..9.  Keras downloads the
    four IDX files (no hash is checked, as in Keras) into ``~/.keras/datasets/fashion-mnist``.
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [_common.fetch(name, None, cache_subdir=subdir) for name in _FILES]
    y_train, y_test = _idx(paths[0], 8), _idx(paths[2], 8)
    x_train = _idx(paths[1], 16).reshape(len(y_train), 28, 28)
    x_test = _idx(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
