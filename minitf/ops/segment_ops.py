"""Segment reductions: rows of ``data`` summed (or averaged, or their max/min taken) by the id
each row carries.

* ``segment_*``: ids are sorted, non-negative, one per row of ``data``; the result has
  ``ids[-1] + 1`` rows and an id that no row has gives 0 (also for max and min).
* ``unsorted_segment_*``: ids in any order, of any shape that begins ``data``'s shape, and
  ``num_segments`` rows out; a negative id drops its row; an empty segment gives 0 for sum and
  mean, and the dtype's lowest (max) or highest (min) value, as TF.

Gradients: the sum's is the upstream row gathered back to each input row (0 for dropped rows);
max and min share the upstream value evenly among the rows that attain it, as TF.

>>> import minitf as tf
>>> tf.math.segment_sum([[1., 2.], [3., 4.], [5., 6.]], [0, 0, 2]).numpy()
array([[4., 6.],
       [0., 0.],
       [5., 6.]], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from . import array_ops as A
from . import math_ops as M
from ._registry import TAPES, Tensor, _make, int_args, numeric, record, tensor

_INDEX = (dtypes.int16, dtypes.int32, dtypes.int64)


def _ids_arg(op: str, segment_ids) -> Tensor:
    ids = tensor(segment_ids)
    if ids._dtype not in _INDEX:
        raise invalid_argument(f"Value for attr 'Tindices' of {ids._dtype.kernel_name} is not "
                               f"in the list of allowed values: int16, int32, int64", op)
    return ids


def _scatter_reduce(kind: str, target, index, values) -> None:
    """target[index] = kind(target[index], values), repeated indices included."""
    B.scatter_reduce(target, index, values, kind)


def _rows(data: Tensor, ids: Tensor, op: str):
    """``data`` as [n, ...] rows and the ids flattened to n, checking that the ids' shape
    begins the data's."""
    d, i = data._value.shape, ids._value.shape
    if tuple(d[:len(i)]) != tuple(i):
        raise invalid_argument(f"data.shape = [{','.join(map(str, d))}] does not start with "
                               f"segment_ids.shape = [{','.join(map(str, i))}]", op)
    n = int(np.prod(i)) if i else 1
    return A.reshape(data, [n] + list(d[len(i):])), ids._value.reshape(-1)


def _segment_sum_rows(rows: Tensor, ids, num: int) -> Tensor:
    """Sum of ``rows`` into ``num`` segments by ``ids`` (negative ids dropped); the gradient
    gathers each segment's upstream row back to its input rows."""
    keep = (ids >= 0) & (ids < num)     # ids >= num reach here only unchecked (GPU)
    safe = np.where(keep, ids, 0)
    out = B.zeros((num,) + rows._value.shape[1:], rows._dtype._np, like_array=rows._value)
    vals = np.where(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)), rows._value,
                    rows._dtype._np.type(0))    # a dropped row adds 0 (even when it is inf)
    _scatter_reduce("add", out, safe, vals)
    z = _make(out, rows._dtype)
    if TAPES.recording:
        idx = _make(safe.astype(np.int64), dtypes.int64)
        mask = _make(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)), dtypes.bool)
        record("UnsortedSegmentSum", (rows,), z,
               (lambda g: M.where(mask, A.gather(g, idx), A.zeros_like(rows)),))
    return z


def _sorted_ids(op: str, data, segment_ids, complex_ok: bool = False):
    x = numeric(op, data, complex_ok=complex_ok)     # complex: the sums only
    ids = _ids_arg(op, segment_ids)
    iv = ids._value
    if iv.ndim != 1:
        raise invalid_argument(f"segment_ids should be a vector, got shape "
                               f"{list(iv.shape)}", op)
    if x._value.ndim < 1 or iv.shape[0] != x._value.shape[0]:
        raise invalid_argument("segment_ids should be the same size as dimension 0 of input.",
                               op)
    # ids given as a Python list stay readable on the host even inside a traced function on
    # the GPU, where the tensor made from them is a traced device value
    host = np.asarray(segment_ids) if isinstance(segment_ids, (list, tuple, np.ndarray)) \
        else np.asarray(B.to_host(iv))
    num = int(host[-1]) + 1 if host.size else 0
    if host.size and host[0] < 0:
        raise invalid_argument(f"Segment id {int(host[0])} out of range [0, {num}), possibly "
                               f"because 'segment_ids' input is not sorted.", op)
    if np.any(np.diff(host) < 0):
        raise invalid_argument("segment ids are not increasing", op)
    return x, iv, num


def _unsorted_ids(op: str, data, segment_ids, num_segments, complex_ok: bool = False):
    x = numeric(op, data, complex_ok=complex_ok)
    ids = _ids_arg(op, segment_ids)
    num = int_args(op, num_segments, "Tnumsegments")
    if len(num) != 1:
        raise invalid_argument(f"num_segments should be a scalar, not shape [{len(num)}]", op)
    num = num[0]
    if num < 0:
        raise invalid_argument(f"Dimension -{-num} must be >= 0", op)
    rows, iv = _rows(x, ids, op)
    if B.checkable(iv) and iv.size and np.any(iv >= num):
        k = int(np.argmax(iv >= num))
        raise invalid_argument(f"segment_ids[{k}] = {int(iv[k])} is out of range [0, {num})",
                               op)
    return x, rows, iv, num


def _counts(iv, num: int, dt) -> np.ndarray:
    keep = (iv >= 0) & (iv < num)     # ids >= num reach here only unchecked (GPU)
    c = B.zeros((num,), dt._np, like_array=iv)
    _scatter_reduce("add", c, np.where(keep, iv, 0), keep.astype(dt._np))
    return c


def _per_row(counts, rows: Tensor) -> Tensor:
    return _make(counts.reshape((-1,) + (1,) * (rows._value.ndim - 1)), rows._dtype)


# ---- sums and means ----------------------------------------------------------------------------

def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    """Sum the rows of ``data`` by id into ``num_segments`` rows (ids in any order; negative
    ids dropped; an id >= num_segments is an InvalidArgumentError).

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_sum([1., 2., 3.], [2, 0, 2], 4).numpy()
    array([2., 0., 4., 0.], dtype=float32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentSum", data, segment_ids, num_segments,
                                       True)
    return _segment_sum_rows(rows, iv, num)


def segment_sum(data, segment_ids, name=None) -> Tensor:
    """Sum the rows of ``data`` by sorted ``segment_ids``; ``ids[-1] + 1`` rows out.

    >>> import minitf as tf
    >>> tf.math.segment_sum([1., 2., 3.], [0, 0, 1]).numpy()
    array([3., 3.], dtype=float32)"""
    x, iv, num = _sorted_ids("SegmentSum", data, segment_ids, True)
    return _segment_sum_rows(x, iv, num)


def _mean(x: Tensor, rows: Tensor, iv, num: int, scale) -> Tensor:
    if not x._dtype.is_floating:
        s = _segment_sum_rows(rows, iv, num)
        c = np.maximum(_counts(iv, num, x._dtype), 1)
        return _make(s._value // c.reshape((-1,) + (1,) * (s._value.ndim - 1)), x._dtype)
    c = scale(np.maximum(_counts(iv, num, x._dtype), 1))
    return _segment_sum_rows(rows, iv, num) / _per_row(c, rows)


def segment_mean(data, segment_ids, name=None) -> Tensor:
    """The mean of the rows of each sorted segment (0 for an id no row has).

    >>> import minitf as tf
    >>> tf.math.segment_mean([1., 2., 3.], [0, 0, 2]).numpy()
    array([1.5, 0. , 3. ], dtype=float32)"""
    x, iv, num = _sorted_ids("SegmentMean", data, segment_ids)
    return _mean(x, x, iv, num, lambda c: c)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None) -> Tensor:
    """The mean of the rows of each segment, ids in any order (0 for an empty segment).

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_mean([1., 2., 3.], [2, 0, 2], 4).numpy()
    array([2., 0., 2., 0.], dtype=float32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentMean", data, segment_ids, num_segments)
    return _mean(x, rows, iv, num, lambda c: c)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None) -> Tensor:
    """The sum of each segment divided by the square root of its row count (0 if empty).

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_sqrt_n([1., 3.], [0, 0], 1).numpy().round(4)
    array([2.8284], dtype=float32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentSqrtN", data, segment_ids, num_segments)
    if not x._dtype.is_floating:
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: half, bfloat16, float, double", "Sqrt")
    return _mean(x, rows, iv, num, np.sqrt)


# ---- max and min -------------------------------------------------------------------------------

def _extreme(kind: str, x: Tensor, rows: Tensor, iv, num: int, empty) -> Tensor:
    """max or min per segment; ``empty`` fills segments no row reaches. The gradient is TF's:
    the upstream value shared evenly by the rows equal to their segment's result."""
    dt = x._dtype
    info = np.finfo(dt._np) if dt.is_floating else np.iinfo(dt._np)
    start = info.min if kind == "max" else info.max
    out = B.zeros((num,) + rows._value.shape[1:], dt._np, like_array=rows._value) + \
        dt._np.type(start)
    keep = (iv >= 0) & (iv < num)     # ids >= num reach here only unchecked (GPU)
    _scatter_reduce(kind, out, np.where(keep, iv, 0),
                    np.where(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)),
                             rows._value, dt._np.type(start)))
    if empty is not None:
        filled = _counts(iv, num, dt) > 0
        out = np.where(filled.reshape((-1,) + (1,) * (out.ndim - 1)), out, dt._np.type(empty))
    z = _make(B.asarray(out), dt)
    if TAPES.recording:
        idx = _make(np.where(keep, iv, 0).astype(np.int64), dtypes.int64)
        mask = _make(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)), dtypes.bool)

        def grad(g):
            chosen = M.logical_and(M.equal(rows, A.gather(z, idx)), mask)
            n_chosen = _segment_sum_rows(M.cast(chosen, dt), iv, num)
            share = A.gather(M.divide_no_nan(g, n_chosen), idx)
            return M.where(chosen, share, A.zeros_like(share))
        record(f"Segment{kind.title()}", (rows,), z, (grad,))
    return z


def segment_max(data, segment_ids, name=None) -> Tensor:
    """The largest row entries per sorted segment (0 for an id no row has).

    >>> import minitf as tf
    >>> tf.math.segment_max([1., 2., 3.], [0, 0, 2]).numpy()
    array([2., 0., 3.], dtype=float32)"""
    x, iv, num = _sorted_ids("SegmentMax", data, segment_ids)
    return _extreme("max", x, x, iv, num, 0)


def segment_min(data, segment_ids, name=None) -> Tensor:
    """The smallest row entries per sorted segment (0 for an id no row has).

    >>> import minitf as tf
    >>> tf.math.segment_min([1., 2., 3.], [0, 0, 2]).numpy()
    array([1., 0., 3.], dtype=float32)"""
    x, iv, num = _sorted_ids("SegmentMin", data, segment_ids)
    return _extreme("min", x, x, iv, num, 0)


def unsorted_segment_max(data, segment_ids, num_segments, name=None) -> Tensor:
    """The largest entries per segment; an empty segment holds the dtype's lowest value.

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_max([1, 2, 3], [2, 0, 2], 3).numpy()
    array([          2, -2147483648,           3], dtype=int32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentMax", data, segment_ids, num_segments)
    return _extreme("max", x, rows, iv, num, None)


def unsorted_segment_min(data, segment_ids, num_segments, name=None) -> Tensor:
    """The smallest entries per segment; an empty segment holds the dtype's highest value.

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_min([1, 2, 3], [2, 0, 2], 3).numpy()
    array([         2,  2147483647,          1], dtype=int32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentMin", data, segment_ids, num_segments)
    return _extreme("min", x, rows, iv, num, None)


# ---- products ----------------------------------------------------------------------------------

def _prod(x: Tensor, rows: Tensor, iv, num: int, op: str) -> Tensor:
    """The product per segment (1 for an empty one). The gradient is TF's, written so zeros
    need no division by them: with no zero in a segment a row's derivative is the product over
    the row; with one zero, only the zero row gets a derivative (the product of the others);
    with two or more zeros every derivative is 0."""
    dt = x._dtype
    keep = (iv >= 0) & (iv < num)     # ids >= num reach here only unchecked (GPU)
    out = B.zeros((num,) + rows._value.shape[1:], dt._np, like_array=rows._value) + \
        dt._np.type(1)
    # a dropped row multiplies by 1 (even when it is inf or nan)
    _scatter_reduce("multiply", out, np.where(keep, iv, 0),
                    np.where(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)),
                             rows._value, dt._np.type(1)))
    z = _make(B.asarray(out), dt)
    if TAPES.recording:
        idx = _make(np.where(keep, iv, 0).astype(np.int64), dtypes.int64)
        mask = _make(keep.reshape((-1,) + (1,) * (rows._value.ndim - 1)), dtypes.bool)

        def back(t: Tensor) -> Tensor:
            """A segment's row gathered to each input row; 0 for a dropped row."""
            g = A.gather(t, idx)
            return M.where(mask, g, A.zeros_like(g))

        def grad(g):
            is_zero = M.equal(rows, A.zeros_like(rows))
            zeros = _segment_sum_rows(M.cast(is_zero, dtypes.int32), iv, num)
            g = M.where(M.greater(zeros, 1), A.zeros_like(g), g)
            nonzero = M.where(is_zero, A.ones_like(rows), rows)
            nonzero_prod = _prod(nonzero, nonzero, iv, num, op)
            partial = M.where(is_zero, back(nonzero_prod), back(z) / nonzero)
            return back(g) * partial
        record(op, (rows,), z, (grad,))
    return z


def segment_prod(data, segment_ids, name=None) -> Tensor:
    """The product of the rows of each sorted segment; 1 for an id no row has (the empty
    product). Zeros in a segment are differentiated exactly, as TF: no division by them.

    >>> import minitf as tf
    >>> tf.math.segment_prod([2., 3., 4.], [0, 0, 2]).numpy()
    array([6., 1., 4.], dtype=float32)"""
    x, iv, num = _sorted_ids("SegmentProd", data, segment_ids)
    return _prod(x, x, iv, num, "SegmentProd")


def unsorted_segment_prod(data, segment_ids, num_segments, name=None) -> Tensor:
    """The product of the rows of each segment, ids in any order; negative ids dropped, and 1
    for an empty segment.

    >>> import minitf as tf
    >>> tf.math.unsorted_segment_prod([2, 3, 4], [2, 0, 2], 4).numpy()
    array([3, 1, 8, 1], dtype=int32)"""
    x, rows, iv, num = _unsorted_ids("UnsortedSegmentProd", data, segment_ids, num_segments)
    return _prod(x, rows, iv, num, "UnsortedSegmentProd")
