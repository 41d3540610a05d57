"""Ordering: ``sort``, ``argsort``, ``math.top_k``, ``searchsorted`` and ``unique``.

Ties keep the lower index first, in both directions (TF's sort is stable; its descending order
comes from top_k, which also prefers the lower index). The gradient of a sort or top_k scatters
the upstream values back to the positions they were taken from; argsort, searchsorted and
unique's indices are integers (no gradient). ``unique`` has no gradient in TF at all (its
values are still given here; TF raises LookupError at ``tape.gradient``, minitf gives None).

>>> import minitf as tf
>>> tf.sort([3, 1, 2], direction='DESCENDING').numpy()
array([3, 2, 1], dtype=int32)
>>> tf.math.top_k([1., 3., 3., 2.], k=2).indices.numpy()
array([1, 2], dtype=int32)
"""
from __future__ import annotations

import collections

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from ..record import record_cut
from ._registry import TAPES, Tensor, _make, dtype_mismatch, int_args, record, tensor

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
Unique = collections.namedtuple("Unique", ["y", "idx"])


# ---- take along an axis, and its adjoint (each the other's gradient) ----------------------------

def _take_along(x: Tensor, idx, axis: int) -> Tensor:
    z = _make(np.take_along_axis(x._value, idx, axis), x._dtype)
    if TAPES.recording:
        shape = x._value.shape
        record("GatherAlong", (x,), z, (lambda g: _put_along(g, idx, axis, shape),))
    return z


def _put_along(g: Tensor, idx, axis: int, shape: tuple) -> Tensor:
    """Zeros of ``shape`` with ``g``'s values added at ``idx`` along ``axis``."""
    v = B.zeros(shape, g._dtype._np, like_array=g._value)
    xp = B.xp_of(g._value)
    # An open grid (np.indices(..., sparse=True), which CuPy lacks): one broadcastable arange
    # per axis.
    grid = [xp.arange(n).reshape((1,) * i + (n,) + (1,) * (idx.ndim - i - 1))
            for i, n in enumerate(idx.shape)]
    grid[axis] = idx
    B.scatter_add(v, tuple(grid), g._value)
    z = _make(v, g._dtype)
    if TAPES.recording:
        record("ScatterAlong", (g,), z, (lambda gg: _take_along(gg, idx, axis),))
    return z


def _order(v, axis: int, descending: bool):
    """Stable order along ``axis``; descending keeps equal values in ascending index order too.
    NaN counts as the largest value (TF's top_k puts it first)."""
    key = v
    if v.dtype.kind == "f":
        key = np.where(np.isnan(v), np.inf, v)
    if not descending:
        return np.argsort(key, axis=axis, kind="stable")
    n = v.shape[axis]
    rev = np.flip(key, axis)
    return (n - 1) - np.flip(np.argsort(rev, axis=axis, kind="stable"), axis)


_SORT_TYPES = "bfloat16, half, float, double, int8, int16, int32, int64"


def _sort_args(op: str, values, axis, direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. "
                         f"Received: direction={direction}")
    x = tensor(values)
    if x._dtype.is_bool or x._dtype.is_string or x._dtype.is_complex:     # no order
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: {_SORT_TYPES}", op)
    nd = x._value.ndim
    a = int_args(op, axis)
    if len(a) != 1 or not -nd <= a[0] < nd:
        raise invalid_argument(f"slice index {a[0] if a else axis} of dimension 0 out of "
                               f"bounds: axis {axis} for a tensor of rank {nd}", op)
    return x, a[0] % nd


def sort(values, axis=-1, direction="ASCENDING", name=None) -> Tensor:
    """``values`` sorted along ``axis`` (the last by default), ``'ASCENDING'`` or
    ``'DESCENDING'``. The gradient sends each upstream value back to where its element came
    from (equal elements in index order).

    >>> import minitf as tf
    >>> tf.sort([[3., 1.], [0., 2.]], axis=0).numpy()
    array([[0., 1.],
           [3., 2.]], dtype=float32)"""
    x, ax = _sort_args("Sort", values, axis, direction)
    idx = _order(x._value, ax, direction == "DESCENDING")
    return _take_along(x, idx, ax)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None) -> Tensor:
    """The int32 indices that sort ``values`` along ``axis``. The order is always stable
    (equal values keep their index order), which is also a valid answer for ``stable=False``.

    >>> import minitf as tf
    >>> tf.argsort([1, 1, 0, 1], direction='DESCENDING').numpy()
    array([0, 1, 3, 2], dtype=int32)"""
    x, ax = _sort_args("Sort", values, axis, direction)
    z = _make(_order(x._value, ax, direction == "DESCENDING").astype(np.int32), dtypes.int32)
    if TAPES.recording:
        record_cut("ArgSort", (x,), z)
    return z


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None) -> TopKV2:
    """The ``k`` largest entries along the last axis and their indices, largest first; among
    equal values the lower index comes first (also with ``sorted=False``, where TF may return
    another order). ``k`` must lie in [0, n] (InvalidArgumentError). The gradient of
    ``values`` scatters back to ``indices``.

    >>> import minitf as tf
    >>> r = tf.math.top_k([[1, 3], [2, 0]], k=1)
    >>> r.values.numpy().tolist(), r.indices.numpy().tolist()
    ([[3], [2]], [[1], [0]])"""
    x = tensor(input)
    if x._dtype.is_bool or x._dtype.is_string or x._dtype.is_complex:     # no order
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: {_SORT_TYPES}", "TopKV2")
    if x._value.ndim < 1:
        raise invalid_argument("input must be >= 1-D, got shape []", "TopKV2")
    kk = int_args("TopKV2", k)
    if len(kk) != 1:
        raise invalid_argument(f"k must be 0-D, got shape [{len(kk)}]", "TopKV2")
    kk = kk[0]
    n = x._value.shape[-1]
    if kk < 0:
        raise invalid_argument(f"Need k >= 0, got {kk}", "TopKV2")
    if kk > n:
        raise invalid_argument(f"input must have at least k columns. Had {n}, needed {kk}",
                               "TopKV2")
    idx = _order(x._value, -1, True)[..., :kk]
    values = _take_along(x, idx, x._value.ndim - 1)
    it = dtypes.as_dtype(index_type)
    indices = _make(B.asarray(idx).astype(it._np), it)
    if TAPES.recording:
        record_cut("TopKV2 indices", (x,), indices)
    return TopKV2(values, indices)


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32,
                 name=None) -> Tensor:
    """For each of ``values``, the index in the sorted last axis of ``sorted_sequence`` where
    it would be inserted to keep the order: before equal entries (``side='left'``) or after
    them (``'right'``). Leading axes must match (each row is searched separately).

    >>> import minitf as tf
    >>> tf.searchsorted([0., 1., 2., 3.], [1., 2.5], side='right').numpy()
    array([2, 3], dtype=int32)"""
    if side not in ("left", "right"):
        raise ValueError(f"Argument `side` must be either 'right' or 'left'. Received: "
                         f"`side` = '{side}'.")
    op = "LowerBound" if side == "left" else "UpperBound"
    s, v = tensor(sorted_sequence), tensor(values)     # converted separately, as TF does
    if s._dtype is not v._dtype:
        raise dtype_mismatch(op, 1, s._dtype, v._dtype)
    sv, vv = s._value, v._value
    if sv.ndim < 1 or vv.ndim < 1:
        raise invalid_argument(f"sorted_sequence and values must have rank >= 1, got "
                               f"{sv.ndim} and {vv.ndim}", op)
    if sv.shape[:-1] != vv.shape[:-1]:
        raise invalid_argument("Leading dim_size of both tensors must match.", op)
    lead = sv.shape[:-1]
    s2 = sv.reshape(-1, sv.shape[-1])
    v2 = vv.reshape(-1, vv.shape[-1])
    # each row of the sequence is searched on its own
    out = np.stack([np.searchsorted(s2[r], v2[r], side=side) for r in range(s2.shape[0])]) \
        if s2.shape[0] else np.zeros(v2.shape, np.int64)
    dt = dtypes.as_dtype(out_type)
    z = _make(B.asarray(out).astype(dt._np).reshape(lead + vv.shape[-1:]), dt)
    if TAPES.recording:
        record_cut(op, (s, v), z)
    return z


def unique(x, out_idx=dtypes.int32, name=None) -> Unique:
    """The distinct elements of a 1-D tensor in the order they first appear, and for each
    input element the index of its value in ``y`` (``out_idx``: int32 or int64). NaNs are all
    distinct, as in TF. Not differentiable (TF has no gradient for it).

    >>> import minitf as tf
    >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    >>> y.numpy().tolist(), idx.numpy().tolist()
    ([1, 2, 4, 7, 8], [0, 0, 1, 2, 2, 2, 3, 4, 4])"""
    t = tensor(x)
    if t._value.ndim != 1:
        raise invalid_argument("unique expects a 1D vector.", "Unique")
    host = np.asarray(B.to_host(t._value))
    kw = {} if host.dtype == object else {"equal_nan": False}
    _, first, inverse = np.unique(host, return_index=True, return_inverse=True, **kw)
    rank = np.empty_like(first)
    order = np.argsort(first, kind="stable")       # sorted-unique position -> appearance order
    rank[order] = np.arange(len(first))
    y = host[np.sort(first)]
    dt = dtypes.as_dtype(out_idx)
    yt = _make(B.like(t._value, y) if host.dtype != object else y, t._dtype)
    it = _make(B.like(t._value, rank[inverse.reshape(-1)].astype(dt._np)), dt)
    if TAPES.recording:
        record_cut("Unique", (t,), yt)
    return Unique(yt, it)

