"""Reading the CIFAR archives' pickled batches (shared by cifar10 and cifar100)."""
import numpy as np

from ._common import RestrictedUnpickler


def load_batch(fpath, label_key="labels"):
    """``(data, labels)`` of one CIFAR batch file: data uint8 (N, 3, 32, 32), labels a list.

    The batches are Python 2 pickles of a dict with byte-string keys (``b"data"``: N rows of
    3072 bytes, red then green then blue planes).
    """
    with open(fpath, "rb") as f:
        batch = RestrictedUnpickler(f, encoding="bytes").load()
    batch = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in batch.items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def channels_last(x):
    """(N, 3, 32, 32) -> (N, 32, 32, 3): Keras's default ``image_data_format``."""
    return x.transpose(0, 2, 3, 1)


def labels_column(labels, dtype=None):
    """Labels as an (N, 1) column; without ``dtype``, NumPy's own choice (int64 for a list)."""
    y = np.reshape(labels, (len(labels), 1))
    return y if dtype is None else y.astype(dtype)
