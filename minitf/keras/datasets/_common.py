"""What the dataset loaders share: where Keras downloads from, and safe array loading.

The base URLs are module attributes read at call time, so tests (or a mirror) can point
the loaders elsewhere; the defaults are the public locations Keras 3 uses.
"""
import io
import pickle
import zipfile

import numpy as np

from .. import file_utils

#: Keras's bucket for mnist, imdb, reuters, boston_housing and california_housing.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: The CIFAR authors' site, which Keras downloads cifar10 and cifar100 from.
CIFAR_ORIGIN = "https://www.cs.toronto.edu/~kriz/"

# The only globals a dataset pickle may name: what NumPy needs to rebuild an array.
# Anything else (os.system, ...) could run code, so it is refused.
_ARRAY_GLOBALS = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays, lists, dicts and numbers, and nothing else."""

    def find_class(self, module, name):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to deserialize `{module}.{name}` while loading "
                                     "a Keras dataset. The file may be corrupted or malicious.")


def fetch(fname, file_hash, base=None, **kwargs):
    """``get_file`` for a file named ``fname`` under ``base`` (default: Keras's bucket)."""
    origin = (KERAS_ORIGIN if base is None else base) + fname
    return file_utils.get_file(kwargs.pop("path", fname), origin=origin, file_hash=file_hash,
                               **kwargs)


def _read_npy(raw):
    """One ``.npy`` member; object arrays (lists of word ids) go through RestrictedUnpickler."""
    try:
        return np.lib.format.read_array(raw, allow_pickle=False)
    except ValueError:
        raw.seek(0)
        major, _ = np.lib.format.read_magic(raw)
        if major == 1:
            np.lib.format.read_array_header_1_0(raw)
        elif major in (2, 3):
            np.lib.format.read_array_header_2_0(raw)
        else:
            raise ValueError(f"Unsupported `.npy` file version: {major}.") from None
        return RestrictedUnpickler(raw).load()


def load_npz(path):
    """All arrays of an ``.npz`` file as a dict, without trusting arbitrary pickles."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-4]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def shuffled(seed, *arrays):
    """``arrays`` permuted by one ``np.random.RandomState(seed)`` shuffle (Keras's order)."""
    indices = np.arange(len(arrays[0]))
    np.random.RandomState(seed).shuffle(indices)
    return tuple(a[indices] for a in arrays)


def check_test_split(test_split):
    """Keras's check: ``test_split`` must lie in [0, 1)."""
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")


def split(x, y, test_split):
    """The first ``int(len(x) * (1 - test_split))`` rows train, the rest test (as Keras)."""
    n = int(len(x) * (1 - test_split))
    return (np.array(x[:n]), np.array(y[:n])), (np.array(x[n:]), np.array(y[n:]))
