"""``gather_nd``, ``scatter_nd`` and the ``tensor_scatter_nd_*`` family: indexing by coordinate
tuples, each the other's gradient.

``indices[..., :k]`` holds coordinates into the first ``k`` axes of ``params`` (k = the last
axis of ``indices``); each picks an element (k = rank) or a slice. ``scatter_nd`` writes
``updates`` at such coordinates into zeros of a given shape, adding where coordinates repeat.
Out-of-range coordinates are TF's InvalidArgumentError (not NumPy's IndexError, and never a
negative index counted from the end).

>>> import minitf as tf
>>> tf.gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]]).numpy()
array([2, 3], dtype=int32)
>>> tf.scatter_nd([[1], [3], [1]], [9., 10., 11.], [5]).numpy()
array([ 0., 20.,  0., 10.,  0.], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from ._registry import TAPES, Tensor, _make, dtype_mismatch, int_args, record, tensor
from .math_ops import add, subtract

_INDEX = (dtypes.int16, dtypes.int32, dtypes.int64)


def _indices_arg(op: str, indices) -> Tensor:
    idx = tensor(indices)
    if idx._dtype not in _INDEX:
        raise invalid_argument(f"Value for attr 'Tindices' of {idx._dtype.kernel_name} is not "
                               f"in the list of allowed values: int16, int32, int64", op)
    return idx


def _check_in_range(op: str, iv, shape: tuple, what: str) -> None:
    """Every coordinate inside ``shape`` (checked on the host; skipped for GPU or traced
    values, as TF's GPU kernels skip it)."""
    if not B.checkable(iv) or iv.size == 0:
        return
    k = iv.shape[-1]
    flat = iv.reshape(-1, k)
    bad = (flat < 0) | (flat >= np.asarray(shape[:k], dtype=np.int64))
    if bad.any():
        i = int(np.argmax(bad.any(axis=1)))
        dims = ",".join(map(str, shape))
        raise invalid_argument(f"indices[{i}] = [{', '.join(map(str, flat[i].tolist()))}] "
                               f"does not index into {what} [{dims}]", op)


def _unchecked(iv, shape: tuple):
    """Indices that could not be checked on the host (on the GPU, or traced): TF's GPU kernels
    give 0 for an out-of-range coordinate in gather_nd and ignore it in scatter_nd. Returns the
    indices with such rows replaced by zeros and the mask of in-range rows (None when the
    indices were checked already, or when there are none)."""
    if B.checkable(iv) or iv.size == 0 or not iv.shape[-1]:
        return iv, None
    ok = None
    for j in range(iv.shape[-1]):        # Python bounds: no host array meets a device one
        c = iv[..., j]
        inside = (c >= 0) & (c < shape[j])
        ok = inside if ok is None else ok & inside
    return np.where(ok[..., None], iv, iv.dtype.type(0)), ok


def _masked(v, ok, dt):
    """``v`` (rows of shape ok.shape + slice) with the rows outside ``ok`` set to 0."""
    return v if ok is None else \
        np.where(ok.reshape(ok.shape + (1,) * (v.ndim - ok.ndim)), v, dt._np.type(0))


@B._recorded()
def _at(a, iv):
    """``a`` at the coordinates in ``iv``'s last axis. A helper, so that a tf.function trace
    records it when only one side is traced (indexing a host array with traced indices
    would ask the trace for a value it does not have yet)."""
    return a[tuple(np.moveaxis(iv, -1, 0))]


def _gather(x: Tensor, iv, ok=None) -> Tensor:
    k = iv.shape[-1]
    v = _at(x._value, iv) if k else \
        np.broadcast_to(x._value, iv.shape[:-1] + x._value.shape).copy()
    z = _make(B.asarray(_masked(v, ok, x._dtype)), x._dtype)
    if TAPES.recording:
        shape = x._value.shape
        record("GatherNd", (x,), z, (lambda g: _scatter(g, iv, shape, ok),))
    return z


def _scatter(u: Tensor, iv, shape: tuple, ok=None) -> Tensor:
    v = B.zeros(shape, u._dtype._np, like_array=u._value)
    k = iv.shape[-1]
    if k:
        B.scatter_add(v, tuple(np.moveaxis(iv, -1, 0)), _masked(u._value, ok, u._dtype))
    else:
        v = v + np.sum(u._value.reshape((-1,) + shape), axis=0)
    z = _make(v, u._dtype)
    if TAPES.recording:
        record("ScatterNd", (u,), z, (lambda g: _gather(g, iv, ok),))
    return z


def gather_nd(params, indices, batch_dims=0, name=None) -> Tensor:
    """Elements or slices of ``params`` at the coordinates in ``indices``' last axis: the result
    has shape ``indices.shape[:-1] + params.shape[k:]``. With ``batch_dims=b`` the first ``b``
    axes of both are batch axes, indexed together. The gradient scatters back (adding at
    repeated coordinates).

    >>> import minitf as tf
    >>> tf.gather_nd([[1, 2], [3, 4]], [[1], [0]]).numpy()
    array([[3, 4],
           [1, 2]], dtype=int32)"""
    x = tensor(params)
    idx = _indices_arg("GatherNd", indices)
    iv = idx._value
    if iv.ndim < 1:
        raise invalid_argument("indices must be at least a vector", "GatherNd")
    b = int_args("GatherNd", batch_dims)[0]
    if b:
        if b < 0 or b >= iv.ndim or b > x._value.ndim or \
                x._value.shape[:b] != iv.shape[:b]:
            raise invalid_argument(f"batch_dims = {b}: the first batch_dims dimensions of "
                                   f"params {list(x._value.shape)} and indices "
                                   f"{list(iv.shape)} must be equal", "GatherNd")
        xp = B.xp_of(iv)
        grids = xp.meshgrid(*[xp.arange(n, dtype=iv.dtype) for n in iv.shape[:-1]],
                            indexing="ij")[:b]
        iv = xp.concatenate([xp.stack(grids, -1), iv], -1) if grids else iv
    if iv.shape[-1] > x._value.ndim:
        raise invalid_argument(f"index innermost dimension length must be <= params rank; "
                               f"saw: {iv.shape[-1]} vs. {x._value.ndim}", "GatherNd")
    _check_in_range("GatherNd", iv, x._value.shape, "param shape")
    iv, ok = _unchecked(iv, x._value.shape)
    if B.is_device_array(x._value) and not B.is_device_array(iv):
        iv = B.like(x._value, iv)
    return _gather(x, iv, ok)


def scatter_nd(indices, updates, shape, name=None) -> Tensor:
    """Zeros of ``shape`` (the dtype of ``updates``) with ``updates`` added at the coordinates
    in ``indices``' last axis: repeated coordinates add up. ``updates`` has shape
    ``indices.shape[:-1] + shape[k:]``. The gradient for ``updates`` gathers back.

    >>> import minitf as tf
    >>> tf.scatter_nd([[1]], [[9., 1.]], [3, 2]).numpy()
    array([[0., 0.],
           [9., 1.],
           [0., 0.]], dtype=float32)"""
    idx = _indices_arg("ScatterNd", indices)
    u = tensor(updates)
    dims = int_args("ScatterNd", shape, "Tindices", float_type_error=False)
    for d in dims:
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", "ScatterNd")
    iv = idx._value
    if iv.ndim < 1:
        raise invalid_argument(f"Indices shape must have rank at least one. Found:"
                               f"{list(iv.shape)}", "ScatterNd")
    k = iv.shape[-1]
    if k > len(dims):
        raise invalid_argument(f"Output must have rank at least {k}: shape {dims}",
                               "ScatterNd")
    want = tuple(iv.shape[:-1]) + tuple(dims[k:])
    if tuple(u._value.shape) != want:
        n = iv.ndim - 1
        raise invalid_argument(f"Dimensions [0,{n}) of indices[shape="
                               f"[{','.join(map(str, iv.shape))}]] must match dimensions "
                               f"[0,{n}) of updates[shape=[{','.join(map(str, u._value.shape))}"
                               f"]] (updates must have shape {list(want)})", "ScatterNd")
    _check_in_range("ScatterNd", iv, tuple(dims), "shape")
    iv, ok = _unchecked(iv, tuple(dims))
    if B.is_device_array(u._value) and not B.is_device_array(iv):
        iv = B.like(u._value, iv)
    return _scatter(u, iv, tuple(dims), ok)


def _dims(shape) -> str:
    return "[" + ",".join(map(str, shape)) + "]"      # TF's TensorShape::DebugString


def _tensor_scatter_args(op: str, tensor_, indices, updates):
    """(tensor, indices' array, updates) checked as TF's TensorScatter kernels check them:
    ``updates`` must have shape ``indices.shape[:-1] + tensor.shape[k:]`` exactly (the outer
    dimensions first, then the inner ones), coordinates inside ``tensor``'s shape."""
    x = tensor(tensor_)
    idx = _indices_arg(op, indices)
    u = tensor(updates) if isinstance(updates, Tensor) else tensor(updates, x._dtype)
    if u._dtype is not x._dtype:
        raise dtype_mismatch(op, 2, x._dtype, u._dtype)
    iv = idx._value
    shape, ushape = tuple(x._value.shape), tuple(u._value.shape)
    if iv.ndim == 0:
        raise invalid_argument(f"Indices shape must have rank at least one. Found:"
                               f"{_dims(iv.shape)}", op)
    k, outer = iv.shape[-1], tuple(iv.shape[:-1])
    if ushape[:len(outer)] != outer:
        raise invalid_argument(f"Outer dimensions of indices and update must match. Indices "
                               f"shape: {_dims(iv.shape)}, updates shape:{_dims(ushape)}", op)
    if k > len(shape) or ushape[len(outer):] != shape[k:]:
        raise invalid_argument(f"Inner dimensions of output shape must match inner dimensions "
                               f"of updates shape. Output: {_dims(shape)} updates: "
                               f"{_dims(ushape)}", op)
    if (k == 0 or not x._value.size) and (iv.size or u._value.size):
        # (TF's kernels take coordinates of length 0 for an empty output too)
        raise invalid_argument("Indices and updates specified for empty output shape", op)
    _check_in_range(op, iv, shape, "shape")
    if B.is_device_array(x._value) and not B.is_device_array(iv):
        iv = B.like(x._value, iv)
    return x, iv, u


@B._recorded()
def _written(a, iv, u):
    """A copy of ``a`` with the rows of ``u`` written at ``iv``'s coordinates; where coordinates
    repeat, the last row wins (NumPy's and TF's CPU kernel's order). Coordinates that could not
    be checked (GPU or traced indices) and fall outside ``a`` are ignored, as TF's GPU kernel
    ignores them: they are sent to a spare row past the end, which is then dropped (no
    data-dependent shape, so a CUDA graph can hold it)."""
    xp = B.xp_of(a)
    k = iv.shape[-1]
    lead = a.shape[:k]
    n = int(np.prod(lead, dtype=np.int64))
    flat = iv.reshape(-1, k).astype(np.int64)
    lin = xp.zeros(flat.shape[0], np.int64)
    ok = xp.ones(flat.shape[0], bool)
    for j in range(k):
        c = flat[:, j]
        ok &= (c >= 0) & (c < lead[j])
        lin = lin * lead[j] + c
    rows = a.shape[k:]
    out = xp.empty((n + 1,) + rows, a.dtype)
    out[:n] = a.reshape((n,) + rows)
    out[xp.where(ok, lin, n)] = u.reshape((flat.shape[0],) + rows)
    return out[:n].reshape(a.shape)


def _update(x: Tensor, iv, u: Tensor) -> Tensor:
    z = _make(_written(x._value, iv, u._value), x._dtype)
    if TAPES.recording:
        masked, ok = _unchecked(iv, tuple(x._value.shape))

        def grad_x(g):       # the written positions take nothing from x
            return _update(g, iv, _make(B.zeros(u._value.shape, g._dtype._np,
                                                like_array=g._value), g._dtype))
        record("TensorScatterUpdate", (x, u), z,
               (grad_x, lambda g: _gather(g, masked, ok)))
    return z


def tensor_scatter_nd_update(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` written at the coordinates in ``indices``' last
    axis (elements, or slices when the coordinates are shorter than the rank): ``updates`` has
    shape ``indices.shape[:-1] + tensor.shape[k:]``. Gradients: ``tensor``'s is the upstream
    gradient with zeros where something was written, ``updates``' gathers it back. Works inside
    ``tf.function`` (the coordinates may be computed there too).

    >>> import minitf as tf
    >>> tf.tensor_scatter_nd_update([1., 2., 3., 4.], [[1], [3]], [10., 20.]).numpy()
    array([ 1., 10.,  3., 20.], dtype=float32)"""
    x, iv, u = _tensor_scatter_args("TensorScatterUpdate", tensor, indices, updates)
    return _update(x, iv, u)


def _combined(op: str, combine, tensor_, indices, updates) -> Tensor:
    x, iv, u = _tensor_scatter_args(op, tensor_, indices, updates)
    iv, ok = _unchecked(iv, tuple(x._value.shape))
    return combine(x, _scatter(u, iv, tuple(x._value.shape), ok))


def tensor_scatter_nd_add(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` plus ``updates`` added at the coordinates in ``indices``' last axis
    (repeated coordinates add up): ``tensor + tf.scatter_nd(indices, updates, tensor.shape)``.

    >>> import minitf as tf
    >>> tf.tensor_scatter_nd_add([1., 2., 3.], [[1], [1]], [10., 20.]).numpy()
    array([ 1., 32.,  3.], dtype=float32)"""
    return _combined("TensorScatterAdd", add, tensor, indices, updates)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` minus ``updates`` at the coordinates in ``indices``' last axis (repeated
    coordinates subtract each of theirs).

    >>> import minitf as tf
    >>> tf.tensor_scatter_nd_sub([1., 2., 3.], [[0]], [10.]).numpy()
    array([-9.,  2.,  3.], dtype=float32)"""
    return _combined("TensorScatterSub", subtract, tensor, indices, updates)
