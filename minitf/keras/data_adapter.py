"""Turning ``fit``'s ``x, y, sample_weight`` (arrays, tensors, lists, dicts) into batches."""
from __future__ import annotations

import numpy as np

from .. import nest
from ..tensor import Tensor, convert_to_tensor, is_tensor, is_variable


def _array(a):
    if is_tensor(a):
        return a.numpy()
    return np.asarray(a)


def _to_floatx(a: np.ndarray) -> np.ndarray:
    """A floating array as ``floatx()`` (a copy; the caller's array is left alone).

    Keras's array adapter casts every floating input, target and sample weight that ``fit``,
    ``evaluate`` and ``predict`` are given (validation data too) to ``floatx()``: float64 and
    float16 NumPy data both reach ``train_step`` as float32, so a user's loss or metric that
    computes ``y_true - y_pred`` meets two float32 tensors. Integer and bool arrays keep their
    dtype (integer labels stay integers). Datasets and ``train_on_batch`` are not cast.
    """
    from .backend import floatx
    if a.dtype.kind == "f" and a.dtype != np.dtype(floatx()):
        return a.astype(floatx())
    return a


def _array_floatx(a) -> np.ndarray:
    return _to_floatx(_array(a))


def to_device(batch):
    """Move a batch's tensors to the current backend, once per batch (a no-op on the CPU)."""
    from .. import _backend as B
    from ..tensor import _make
    if B.get_backend() == "numpy":
        return batch

    def move(t):
        if isinstance(t, Tensor) and not t.dtype.is_string and not B.is_device_array(t._value) \
                and getattr(t._value, "ndim", 0) > 0:
            return _make(B.to_current(t._value), t.dtype)
        return t
    return nest.map_structure(move, batch)


def _structure(x):
    """Lists of numbers are one array; lists of arrays/tensors are several inputs."""
    if isinstance(x, (list, tuple)) and x and not any(
            isinstance(e, (np.ndarray, Tensor, dict)) or is_variable(e)
            for e in nest.flatten(x)):
        return np.asarray(x)
    return x


class ArrayData:
    """In-memory arrays sliced into batches along the first axis."""

    def __init__(self, x, y=None, sample_weight=None):
        self.x = nest.map_structure(_array_floatx, _structure(x))
        self.y = None if y is None else nest.map_structure(_array_floatx, _structure(y))
        self.sw = None if sample_weight is None else _array_floatx(sample_weight)
        sizes = {a.shape[0] for a in nest.flatten(self.x) + (nest.flatten(self.y)
                                                             if self.y is not None else [])}
        if self.sw is not None:
            sizes.add(self.sw.shape[0])
        if len(sizes) > 1:
            raise ValueError(f"Data cardinality is ambiguous: the inputs, targets and sample "
                             f"weights have different numbers of samples {sorted(sizes)}. Make "
                             f"sure all arrays contain the same number of samples.")
        self.n = sizes.pop() if sizes else 0

    def num_batches(self, batch_size: int) -> int:
        return -(-self.n // batch_size)

    def _slice(self, idx):
        def conv(a):
            return convert_to_tensor(a[idx])
        x = nest.map_structure(conv, self.x)
        if self.y is None:
            return (x,)
        y = nest.map_structure(conv, self.y)
        if self.sw is None:
            return (x, y)          # what Keras hands train_step: (x, y), or (x, y, sw)
        return (x, y, convert_to_tensor(self.sw[idx]))

    def batches(self, batch_size, shuffle, rng, steps=None):
        order = rng.permutation(self.n) if shuffle and rng is not None else np.arange(self.n)
        count = self.num_batches(batch_size)
        if steps is not None:
            count = min(count, steps)
        for i in range(count):
            yield self._slice(order[i * batch_size:(i + 1) * batch_size])


class IterableData:
    """A dataset-like iterable of ``(x, y)`` or ``(x, y, sample_weight)`` batches. With
    ``steps`` given, one iterator carries on across epochs (as Keras does), so an infinite,
    repeated dataset is read in order; without, each epoch iterates the dataset afresh."""

    def __init__(self, ds):
        self.ds = ds
        self._it = None

    def num_batches(self, batch_size):
        try:
            return len(self.ds)
        except TypeError:
            return None

    def batches(self, batch_size, shuffle, rng, steps=None):
        if steps is None:
            for b in self.ds:
                yield to_device(b if isinstance(b, tuple) else (b,))
            return
        for _ in range(steps):
            if self._it is None:
                self._it = iter(self.ds)
            try:
                b = next(self._it)
            except StopIteration:
                self._it = None
                return
            yield to_device(b if isinstance(b, tuple) else (b,))


def as_data(x, y, sample_weight):
    if x is None:
        raise ValueError("Expected input data `x`, got None.")
    if hasattr(x, "__iter__") and not isinstance(x, (np.ndarray, Tensor, list, tuple, dict)) \
            and not is_variable(x):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a dataset as input.")
        return IterableData(x)
    return ArrayData(x, y, sample_weight)


def split_validation(data: ArrayData, split: float):
    """The last ``split`` fraction of the samples (before any shuffling) becomes validation.

    ``split`` must lie strictly between 0 and 1 and leave at least one sample on each side;
    otherwise this is a ValueError, raised before any training. (Keras raises it too when a side
    would be empty, but lets a split below 0 or above 1 through, with an empty validation set.)
    """
    if not isinstance(data, ArrayData):
        raise ValueError("`validation_split` is only supported for arrays and tensors.")
    if not isinstance(split, (int, float, np.integer, np.floating)) or not 0 < split < 1:
        raise ValueError(f"`validation_split` must be a number between 0 and 1 (the fraction "
                         f"of the samples held out for validation). Received: "
                         f"validation_split={split!r}")
    cut = int(np.floor(data.n * (1 - split)))
    if cut in (0, data.n):
        raise ValueError(f"`validation_split={split}` of {data.n} samples leaves "
                         f"{'no training' if cut == 0 else 'no validation'} samples. Provide "
                         f"more data or another `validation_split`.")
    head, tail = np.arange(cut), np.arange(cut, data.n)

    def part(idx):
        x = nest.map_structure(lambda a: a[idx], data.x)
        y = None if data.y is None else nest.map_structure(lambda a: a[idx], data.y)
        sw = None if data.sw is None else data.sw[idx]
        return x, y, sw
    x, y, sw = part(head)
    vx, vy, vsw = part(tail)
    return ArrayData(x, y, sw), (vx, vy, vsw) if vsw is not None else (vx, vy)
