"""CIFAR-100: 60,000 32x32 colour images, 100 fine / 20 coarse classes (``keras.datasets.cifar100``)."""
import os

from . import _common, cifar

_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Return ``(x_train, y_train), (x_test, y_test)`` of CIFAR-100, as Keras does.

    ``label_mode="fine"`` gives the 100 classes, ``"coarse"`` the 20 superclasses.  Images
    are uint8 (50000, 32, 32, 3) and (10000, 32, 32, 3); labels have shape (N, 1) and,
    unlike CIFAR-10's, are int64 (Keras leaves them as NumPy makes them from the list).

    >>> load_data(label_mode="medium")
    Traceback (most recent call last):
    ValueError: `label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode=medium.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    root = _common.fetch("cifar-100-python.tar.gz", _SHA256, base=_common.CIFAR_ORIGIN,
                         path="cifar-100-python-target", extract=True)
    root = os.path.join(root, "cifar-100-python")
    key = f"{label_mode}_labels"
    x_train, y_train = cifar.load_batch(os.path.join(root, "train"), label_key=key)
    x_test, y_test = cifar.load_batch(os.path.join(root, "test"), label_key=key)
    return ((cifar.channels_last(x_train), cifar.labels_column(y_train)),
            (cifar.channels_last(x_test), cifar.labels_column(y_test)))
