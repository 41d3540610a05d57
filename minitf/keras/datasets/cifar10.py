"""CIFAR-10: 60,000 32x32 colour images in 10 classes (``keras.datasets.cifar10``).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck.
"""
import os

import numpy as np

from . import _common, cifar

_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """Return ``(x_train, y_train), (x_test, y_test)`` of CIFAR-10, as Keras does.

    ``x_train`` uint8 (50000, 32, 32, 3) (channels last), ``y_train`` uint8 (50000, 1); the
    test arrays hold 10000 rows.  The archive is downloaded to
    ``~/.keras/datasets/cifar-10-batches-py-target_archive`` and unpacked next to it.
    """
    root = _common.fetch("cifar-10-python.tar.gz", _SHA256, base=_common.CIFAR_ORIGIN,
                         path="cifar-10-batches-py-target", extract=True)
    root = os.path.join(root, "cifar-10-batches-py")
    parts = [cifar.load_batch(os.path.join(root, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(y) for _, y in parts]).astype("uint8")
    x_test, y_test = cifar.load_batch(os.path.join(root, "test_batch"))
    return ((cifar.channels_last(x_train), cifar.labels_column(y_train)),
            (cifar.channels_last(x_test.astype("uint8")), cifar.labels_column(y_test, "uint8")))
