"""Reductions. Each gradient broadcasts the upstream back over the reduced axes.

reduce_max/min split the gradient evenly between tied maxima; reduce_prod's gradient uses
exclusive cumulative products (no division), so it is right when one element is zero.

>>> import minitf as tf
>>> x = tf.constant([1., 3., 3., 2.])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.reduce_max(x)
>>> tape.gradient(y, x).numpy().tolist()
[0.0, 0.5, 0.5, 0.0]
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _kernels as K
from .. import dtypes
from ..errors import invalid_argument
from . import math_ops as M
from .complex_ops import conj_of
from ._registry import (TAPES, Tensor, _make, axes_of, axis_index, floating, not_allowed,
                        numeric, record, tensor)


def _kept_shape(shape: tuple, axes) -> tuple:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _back(g: Tensor, x: Tensor, axes, mean: bool = False) -> Tensor:
    """Upstream gradient of a reduction, broadcast back to the input's shape (divided by the
    count of elements reduced, for a mean)."""
    from .array_ops import broadcast_to, reshape
    if B.TRACING and _shape_at_run_time(x._value):
        return _spread_t(g, x, axes, mean)
    out = broadcast_to(reshape(g, _kept_shape(x._value.shape, axes)), x._value.shape)
    if mean:
        n = x._value.size // max(g._value.size, 1) if x._value.size else 0
        return out / n
    return out


# Inside tf.function, a value whose shape changes while the program runs (a loop variable with
# a relaxed shape invariant: a dynamic_size TensorArray's rows, and what is computed from it)
# takes the gradient of a reduction as one recorded operation that reads the shapes when it
# runs, never from the trace. Linear in the upstream gradient, its adjoint is the reduction.

def _shape_at_run_time(v) -> bool:
    return type(v) is B.SYMBOLIC and B.TRACER.shape_at_run_time(v)


def _count(x, g) -> int:
    return x.size // max(g.size, 1) if x.size else 0


def _spread(g, x, axes, mean):
    """``g`` broadcast back over ``x``'s reduced ``axes`` (divided by the count: a mean)."""
    out = B.xp_of(g).broadcast_to(g.reshape(_kept_shape(x.shape, axes)), x.shape)
    return out / _count(x, g) if mean else out.copy()


def _gather_back(h, x, axes, mean, g):
    """``_spread``'s adjoint: ``h`` summed over ``axes`` into ``g``'s shape."""
    out = _sum(h, axes, True, h.dtype).reshape(g.shape)
    return out / _count(x, g) if mean else out


def _spread_t(g: Tensor, x: Tensor, axes, mean: bool) -> Tensor:
    z = _make(B.record_call(_spread, g._value, x._value, axes, mean), g._dtype)
    if TAPES.recording:
        record("BroadcastTo", (g,), z, (lambda h: _gather_back_t(h, x, axes, mean, g),))
    return z


def _gather_back_t(h: Tensor, x: Tensor, axes, mean: bool, g: Tensor) -> Tensor:
    z = _make(B.record_call(_gather_back, h._value, x._value, axes, mean, g._value), h._dtype)
    if TAPES.recording:
        record("Sum", (h,), z, (lambda k: _spread_t(k, x, axes, mean),))
    return z


def _np_axis(axes):
    return axes  # None or a tuple: both mean what NumPy expects


# NumPy's np.sum, np.mean, np.prod and np.cumsum are Python wrappers: a floating-point
# warning from inside them (inf - inf in a sum) is reported from numpy's frame, which the
# package's RuntimeWarning filter (TF's kernels stay silent) does not cover. The ufunc methods
# below run from minitf's own frame and are quicker too. CuPy arrays keep the NumPy API
# (they never warn); a traced array records the ufunc method like any other call.
_HOST_SCAN = {np.cumsum: np.add.accumulate, np.cumprod: np.multiply.accumulate}


def _host_or_device(host_fn, device_fn, v):
    return device_fn if B.is_device_array(v) else host_fn


def _sum(v, axes, keepdims: bool, dtype):
    return _host_or_device(np.add.reduce, np.sum, v)(v, axis=axes, keepdims=keepdims,
                                                      dtype=dtype)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Sum over ``axis`` (all axes when None), dropping reduced axes unless ``keepdims``.
    Integers sum in their own dtype; the gradient broadcasts ones back.

    >>> import minitf as tf
    >>> tf.reduce_sum([[1, 2], [3, 4]], axis=0).numpy()
    array([4, 6], dtype=int32)"""
    x = numeric("Sum", input_tensor, complex_ok=True)
    axes = axes_of("Sum", axis, x._value.ndim)
    v = x._value
    dt = x._dtype
    if K.sum_supported(v, axes):     # small GPU sums: one launch, not CuPy's reduction machinery
        z = _make(B.record_call(_column_sum, v, axes, keepdims), dt)
    else:
        z = _make(B.asarray(_sum(v, axes, keepdims, dt._np)), dt)
    if TAPES.recording:
        record("Sum", (x,), z, (lambda g: _back(g, x, axes),))
    return z


def _mean(v, axes, keepdims: bool, np_dtype):
    """The mean of ``v`` over ``axes``, its element count read from ``v``: floats sum and
    divide in their own dtype (as np.mean rounds), integers truncate toward zero."""
    if v.size == 0 and np.issubdtype(np_dtype, np.floating):
        # 0 / 0 without NumPy's "Mean of empty slice"
        return np.full_like(np.sum(v, axis=axes, keepdims=keepdims, dtype=np_dtype), np.nan)
    if np.issubdtype(np_dtype, np.inexact):
        r = _sum(v, axes, keepdims, np_dtype)
        return r / (v.size // max(r.size, 1))
    n = v.size if axes is None else int(np.prod([v.shape[a] for a in axes]))
    s = np.sum(v, axis=axes, keepdims=keepdims, dtype=np.int64)
    return np.trunc(s / max(n, 1)).astype(np_dtype)


def _column_sum(v, axes, keepdims: bool, mean: bool = False):
    """The GPU's sum (or mean) over leading axes (``K.sum_``'s column kernel, NumPy's
    rounding), kept dimensions restored: one recorded operation, TF's Sum (or Mean)."""
    r = K.sum_(v, axes, mean)
    return r.reshape(_kept_shape(v.shape, axes)) if keepdims else r


def _column_mean(v, axes, keepdims: bool):
    """``_column_sum``'s mean (listed as TF's Mean)."""
    return _column_sum(v, axes, keepdims, True)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Mean; integer inputs give an integer mean, truncated toward zero as TF does."""
    x = numeric("Mean", input_tensor, complex_ok=True)
    axes = axes_of("Mean", axis, x._value.ndim)
    v = x._value
    dt = x._dtype
    # one recorded operation either way (TF's Mean): the count is read when a program runs
    if K.sum_supported(v, axes):
        r = B.record_call(_column_mean, v, axes, keepdims)
    else:
        r = B.record_call(_mean, v, axes, keepdims, dt._np)
    z = _make(B.asarray(r), dt)
    if TAPES.recording:
        record("Mean", (x,), z, (lambda g: _back(g, x, axes, mean=True),))
    return z


def _min_or_max(op: str, fn, input_tensor, axis, keepdims) -> Tensor:
    x = numeric(op, input_tensor)
    axes = axes_of(op, axis, x._value.ndim)
    if x._value.size == 0:
        z = _make(_empty_min_or_max(op, x, axes, keepdims), x._dtype)
    else:
        z = _make(B.asarray(fn(x._value, axis=axes, keepdims=keepdims)), x._dtype)
    if TAPES.recording:
        def vjp(g):
            from .array_ops import reshape
            if B.TRACING and _shape_at_run_time(x._value):
                spread = _back(z, x, axes)      # the shapes read when the program runs
            else:
                spread = reshape(z, _kept_shape(x._value.shape, axes))
            ind = M.cast(M.equal(spread, x), g._dtype)
            count = reduce_sum(ind, axes, keepdims=True)
            return (ind / count) * _back(g, x, axes)
        record(op, (x,), z, (vjp,))
    return z


def _empty_min_or_max(op: str, x: Tensor, axes, keepdims: bool):
    """A max over no elements is the lowest value of the dtype (-inf for floats), a min the
    highest, as TF returns (the identity of the reduction); NumPy would raise instead."""
    dt = x._dtype
    if dt.is_floating:
        init = -np.inf if op == "Max" else np.inf
    else:
        init = dt.min if op == "Max" else dt.max
    shape_like = np.sum(x._value, axis=axes, keepdims=keepdims, dtype=dt._np)
    return B.asarray(np.full_like(shape_like, init))


def reduce_max(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Maximum over ``axis`` (all axes when None). The gradient is split evenly between tied
    maxima, as TF does."""
    return _min_or_max("Max", np.max, input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Minimum over ``axis`` (all axes when None). The gradient is split evenly between tied
    minima, as TF does."""
    return _min_or_max("Min", np.min, input_tensor, axis, keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Product over ``axis`` (all axes when None); the gradient is correct with zeros in
    the input (it does not divide by the product)."""
    x = numeric("Prod", input_tensor, complex_ok=True)
    nd = x._value.ndim
    axes = axes_of("Prod", axis, nd)
    z = _make(B.asarray(_host_or_device(np.multiply.reduce, np.prod, x._value)(
        x._value, axis=axes, keepdims=keepdims, dtype=x._dtype._np)),
              x._dtype)
    if TAPES.recording:
        def vjp(g):
            from .array_ops import reshape, transpose
            red = tuple(range(nd)) if axes is None else axes
            if B.TRACING and _shape_at_run_time(x._value):
                return conj_of(_others_product(x, red)) * _back(g, x, axes)
            rest = tuple(i for i in range(nd) if i not in red)
            perm = red + rest
            shape = x._value.shape
            n_red = int(np.prod([shape[i] for i in red]))
            xt = reshape(transpose(x, perm), (n_red, -1))
            # Product of all the others = (product before) * (product after): no division.
            left = cumprod(xt, axis=0, exclusive=True)
            right = cumprod(xt, axis=0, exclusive=True, reverse=True)
            others = reshape(left * right, [shape[i] for i in perm])
            inv = tuple(int(i) for i in np.argsort(perm))
            return conj_of(transpose(others, inv)) * _back(g, x, axes)
        record("Prod", (x,), z, (vjp,))
    return z


def _others_product(x: Tensor, red: tuple) -> Tensor:
    """For each element of ``x``, the product of the other elements of its slice over the
    axes ``red``, without division and without reshaping to sizes the trace saw (a value
    whose shape is known only when the program runs). Axis by axis: with ``p`` the product
    over the axes done so far (kept as size 1), the others over one more axis ``b`` are the
    others so far times ``p``'s exclusive products along ``b`` from both ends."""
    others = None
    p = x
    for b in red:
        e = cumprod(p, b, exclusive=True) * cumprod(p, b, exclusive=True, reverse=True)
        others = e if others is None else others * e
        p = reduce_prod(p, b, keepdims=True)
    return others


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """log(sum(exp(x))), shifted by the (gradient-stopped) max so it never overflows."""
    x = floating("Logsumexp", input_tensor)
    axes = axes_of("Logsumexp", axis, x._value.ndim)
    raw_max = reduce_max(x, axes, keepdims=True)
    my_max = M.stop_gradient(M.where(M.is_finite(raw_max), raw_max, M.zeros_like_(raw_max)))
    r = M.log(reduce_sum(M.exp(x - my_max), axes, keepdims=keepdims))
    if not keepdims:
        from .array_ops import reshape
        my_max = reshape(my_max, r._value.shape)
    return r + my_max


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The mean squared deviation (for complex tensors, of the modulus: a real result). Integers
    are a TypeError (TF's Python wrapper refuses them before any kernel runs); bool and string
    fail in the kernel."""
    x = tensor(input_tensor)
    if x._dtype.is_integer:     # after the mean, which checks the axes first (as TF's order)
        reduce_mean(x, axis)
        raise TypeError(f"Input must be either real or complex. Received integer type "
                        f"{x._dtype} (reduce_variance)")
    x = floating("Variance", x, True)
    means = reduce_mean(x, axis, keepdims=True)
    if x._dtype.is_complex:     # |x - mean|², in the real dtype, as TF
        return reduce_mean(M.square(M.abs(x - means)), axis, keepdims=keepdims)
    return reduce_mean(M.squared_difference(x, means), axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Population standard deviation (divides by N, not N - 1) over ``axis``, for floating
    tensors."""
    return M.sqrt(reduce_variance(input_tensor, axis, keepdims))


def _boolean(op: str, x) -> Tensor:
    """reduce_any/all take bool tensors only (Python values are converted to bool, strictly)."""
    x = tensor(x, dtypes.bool)
    if not x._dtype.is_bool:
        raise invalid_argument(f"cannot compute {op} as input #0(zero-based) was expected to be "
                               f"a bool tensor but is a {x._dtype.kernel_name} tensor", op)
    return x


def reduce_any(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical OR of a bool tensor over ``axis`` (all axes when None)."""
    x = _boolean("Any", input_tensor)
    axes = axes_of("Any", axis, x._value.ndim)
    return _make(B.asarray(np.any(x._value, axis=axes, keepdims=keepdims)), dtypes.bool)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical AND of a bool tensor over ``axis`` (all axes when None)."""
    x = _boolean("All", input_tensor)
    axes = axes_of("All", axis, x._value.ndim)
    return _make(B.asarray(np.all(x._value, axis=axes, keepdims=keepdims)), dtypes.bool)


def _arg(op, fn, input, axis, output_type):
    x = tensor(input)
    if x._dtype.is_string or x._dtype.is_complex:   # bools are ordered; text, complex not
        raise not_allowed(op, x._dtype, _NUMBER_AND_BOOL)
    axis = axis_index(op, 0 if axis is None else axis, x._value.ndim,
                      "Expected dimension in the range [{lo}, {rank}), but got {axis}",
                      numpy_floats=False)     # TF: "axis tensor dtypes float64 is not supported"
    if x._value.shape[axis] == 0:       # NumPy would raise ValueError: no element to pick
        raise invalid_argument(f"Reduction axis {axis} is empty in shape "
                               f"[{','.join(map(str, x._value.shape))}]", op)
    ot = dtypes.as_dtype(output_type)
    z = _make(B.asarray(fn(_nan_skipped(x._value, fn is np.argmax), axis=axis)).astype(ot._np),
              ot)
    if TAPES.recording:
        from ..record import record_cut
        record_cut(op, (x,), z)
    return z


def _nan_skipped(v, largest: bool):
    """TF's arg-max kernel keeps a running best that starts at the dtype's lowest finite value
    and is replaced only by a strictly greater element. So NaN (never greater) is never chosen,
    the first of tied elements wins, and a slice with nothing above the lowest finite value (all
    NaN, -inf or -max) gives index 0. Replacing those elements by -inf lets NumPy's argmax (first
    index among the largest) give the same answer. Arg-min mirrors this with the highest value."""
    if v.dtype.kind != "f":
        return v
    info = np.finfo(v.dtype)
    if largest:
        return np.where(v > info.min, v, v.dtype.type(-np.inf))
    return np.where(v < info.max, v, v.dtype.type(np.inf))


def argmax(input, axis=None, output_type=dtypes.int64, name=None) -> Tensor:
    """Index of the largest value along ``axis`` (default 0; it must lie in [-rank, rank)).
    Ties give the first index; NaN is never the largest: ``argmax([1, nan, 3])`` is 2 and an
    all-NaN slice gives 0, as TF's kernel does. Not differentiable."""
    return _arg("ArgMax", np.argmax, input, axis, output_type)


def argmin(input, axis=None, output_type=dtypes.int64, name=None) -> Tensor:
    """Index of the smallest value; ties, NaN and ``axis`` as in ``argmax``."""
    return _arg("ArgMin", np.argmin, input, axis, output_type)


_NUMBER_AND_BOOL = "bfloat16, half, float, double, int8, int16, int32, int64, uint8, uint16, bool"


def _cum(fn, v, axis, exclusive, reverse, identity):
    if reverse:
        v = np.flip(v, axis)
    r = _host_or_device(_HOST_SCAN[fn], fn, v)(v, axis=axis, dtype=v.dtype)
    if exclusive and r.shape[axis]:
        pad = np.full_like(np.take(r, [0], axis=axis), identity)
        head = r[(slice(None),) * axis + (slice(0, -1),)]
        r = np.concatenate([pad, head], axis=axis)
    return np.flip(r, axis) if reverse else r


def _scan_axis(op: str, axis, x: Tensor) -> int:
    return axis_index(op, axis, x._value.ndim,
                      "ScanOp: Expected scan axis in the range [{lo}, {rank}), but got {axis}")


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Cumulative sum; the gradient is the cumulative sum of the upstream in the other direction.

    ``axis`` must lie in [-rank, rank), as in TF (InvalidArgumentError otherwise; a scalar has
    no axis to scan)."""
    x = numeric("Cumsum", x, complex_ok=True)
    axis = _scan_axis("Cumsum", axis, x)
    z = _make(_cum(np.cumsum, x._value, axis, exclusive, reverse, 0), x._dtype)
    if TAPES.recording:
        record("Cumsum", (x,), z,
               (lambda g: cumsum(g, axis, exclusive=exclusive, reverse=not reverse),))
    return z


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Cumulative product; ``axis`` as in ``cumsum``."""
    x = numeric("Cumprod", x, complex_ok=True)
    axis = _scan_axis("Cumprod", axis, x)
    z = _make(_cum(np.cumprod, x._value, axis, exclusive, reverse, 1), x._dtype)
    if TAPES.recording:
        def vjp(g):
            out = cumsum(z * g, axis, exclusive=exclusive, reverse=not reverse)
            return M.divide_no_nan(out, x)  # as TF: 0, not nan, where x is 0
        record("Cumprod", (x,), z, (vjp,))
    return z
