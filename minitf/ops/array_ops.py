"""Creation, shape and indexing ops. Most gradients are the op's own inverse or adjoint:
reshape ↔ reshape, concat ↔ slices, stack ↔ unstack, gather ↔ scatter-add, slice ↔ pad.

>>> import minitf as tf
>>> x = tf.reshape(tf.range(6), (2, 3))
>>> print(x[:, ::2])
tf.Tensor(
[[0 2]
 [3 5]], shape=(2, 2), dtype=int32)
"""
from __future__ import annotations

import builtins
import functools
import math

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument, kernel_invalid_argument
from ..tensor import TensorShape, is_tensor, is_variable, register_autopacking
from . import math_ops as M
from .complex_ops import conj
from ._registry import (TAPES, Tensor, _make, axis_index, dtype_arg, int_args, match,
                        record, tensor)


def _ints(v) -> list:
    """A shape or list of ints given as a list, tuple, TensorShape or int tensor."""
    if isinstance(v, Tensor):
        return [int(i) for i in np.asarray(B.to_host(v._value)).reshape(-1)]
    if is_variable(v):
        return _ints(v._read_for_op())
    if isinstance(v, (int, np.integer)):
        return [int(v)]
    return [int(i) for i in v]


def _dims(op: str, shape, attr: str = "index_type", float_type_error: bool = True,
          numpy_floats: bool = True) -> list:
    """A shape for a new tensor, as TF checks it: integers only (``ones([2.5])`` and
    ``ones([2.0])`` are errors, not rounded; see ``int_args``), and no negative size
    (InvalidArgumentError, where NumPy would raise ValueError)."""
    dims = int_args(op, shape, attr, float_type_error, numpy_floats)
    for d in dims:
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", op)
    if math.prod(dims) >= 2 ** 63:      # NumPy: "array is too big"
        raise invalid_argument(f"Encountered overflow when multiplying the dimensions of "
                               f"{dims}", op)
    return dims


# ---- creation ---------------------------------------------------------------------------------

def zeros(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """A tensor of zeros. ``shape`` holds integers, as in TF: a Python float (even 2.0) is a
    TypeError, a float tensor or a negative size an InvalidArgumentError; a NumPy float array
    is truncated, as TF's conversion of NumPy values does."""
    dt = dtypes.as_dtype(dtype)
    return _make(B.current_xp().zeros(_dims("Fill", shape), dt._np), dt)


def ones(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """A tensor of ones; ``shape`` as in ``zeros``."""
    dt = dtypes.as_dtype(dtype)
    return _make(B.current_xp().ones(_dims("Fill", shape), dt._np), dt)


def zeros_like(input, dtype=None, name=None) -> Tensor:
    """Zeros of ``input``'s shape (and dtype unless given); for strings the zero is b''."""
    x = tensor(input)
    dt = dtype_arg(dtype, x._dtype)
    if dt.is_string:
        return _make(np.full(x._value.shape, b"", dtype=object), dt)
    return _make(np.zeros_like(x._value, dtype=dt._np), dt)


def ones_like(input, dtype=None, name=None) -> Tensor:
    """Ones of ``input``'s shape; strings have no one (InvalidArgumentError, as TF)."""
    x = tensor(input)
    dt = dtype_arg(dtype, x._dtype)
    if dt.is_string:
        raise invalid_argument("Value for attr 'T' of string is not in the list of allowed "
                               "values: bfloat16, half, float, double, int8, uint8, int16, "
                               "int32, int64, bool", "OnesLike")
    return _make(np.ones_like(x._value, dtype=dt._np), dt)


def fill(dims, value, name=None) -> Tensor:
    """``value`` repeated over the shape ``dims``: integers only (TF converts a list without a
    dtype, so ``fill([2.0], 1.)`` is the kernel's InvalidArgumentError; a bare 2.0 is a
    TypeError), no negative size."""
    v = tensor(value)
    shape = _dims("Fill", dims, float_type_error=isinstance(dims, float))
    return _make(B.to_current(np.full(shape, B.to_host(v._value), v._dtype._np)), v._dtype)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None) -> Tensor:
    """An identity matrix of ``num_rows`` × ``num_columns`` (square when omitted), optionally
    repeated over ``batch_shape``.

    >>> import minitf as tf
    >>> tf.eye(2, 3).numpy()
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)"""
    dt = dtypes.as_dtype(dtype)
    sizes = [num_rows] + ([] if num_columns is None else [num_columns])
    if builtins.any(isinstance(n, (float, np.floating)) for n in sizes):
        raise TypeError(f"Arguments `num_rows` and `num_columns` must be positive integer "
                        f"values. Received: num_rows={num_rows}, num_columns={num_columns}")
    rows, *cols = _dims("Fill", sizes)
    m = np.eye(rows, cols[0] if cols else None, dtype=dt._np)
    if batch_shape is not None:
        m = np.broadcast_to(m, tuple(_dims("Fill", batch_shape)) + m.shape).copy()
    return _make(B.to_current(m), dt)


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:  # noqa: A001
    """Like Python's range; ints give int32, any float gives float32 (unless ``dtype``)."""
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    if dtype is None:
        ds = [a.dtype for a in args if is_tensor(a)]
        if ds:
            dt = ds[0]
        elif builtins.any(isinstance(a, float) for a in args):
            dt = dtypes.float32
        else:
            dt = dtypes.int32
    else:
        dt = dtypes.as_dtype(dtype)
    s, l, d = (np.asarray(B.to_host(tensor(a)._value) if isinstance(a, Tensor) else a).item()
               for a in args)
    for v in (s, l, d):
        if isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63:   # NumPy: OverflowError
            raise ValueError(f"Can't convert Python sequence with out-of-range integer to "
                             f"Tensor (Range: {v})")
    if d == 0:
        raise invalid_argument("Requires delta != 0: 0", "Range")
    _check_range(s, l, d)
    return _make(B.to_current(np.arange(s, l, d).astype(dt._np)), dt)


def _check_range(s, l, d):
    """TF refuses a range that walks away from its limit (NumPy returns it empty) and one whose
    length does not fit in int64 (NumPy fails with its own ValueError)."""
    if (d > 0 and s > l) or (d < 0 and s < l):
        rel = "<=" if d > 0 else ">="
        raise invalid_argument(f"Requires start {rel} limit when delta {'>' if d > 0 else '<'} "
                               f"0: {s}/{l}", "Range")
    if abs((l - s) / d) > 2 ** 63 - 1:
        raise invalid_argument("Requires ((limit - start) / delta) <= 9223372036854775807",
                               "Range")


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``, both included; vector
    ``start``/``stop`` (broadcast together) lay the sequences along ``axis``. As TF: ``stop``
    is converted to ``start``'s dtype, and integers give floats (int32/int64 give float64,
    smaller ints float32), so ``linspace(0, 10, 5)`` is float64. The values are
    ``start + i·(stop - start)/(num - 1)`` with the last exactly ``stop``, as TF computes
    them, and they are differentiable in ``start`` and ``stop``.

    >>> import minitf as tf
    >>> tf.linspace(0, 10, 5).numpy()
    array([ 0. ,  2.5,  5. ,  7.5, 10. ])
    >>> tf.linspace([0., 1.], [1., 3.], 3, axis=1).numpy()
    array([[0. , 0.5, 1. ],
           [1. , 2. , 3. ]], dtype=float32)"""
    s = tensor(start)
    e = tensor(stop, s._dtype)
    if e._dtype is not s._dtype:
        raise ValueError(f"stop: Tensor conversion requested dtype {s._dtype.name} for Tensor "
                         f"with dtype {e._dtype.name}: {e!r}")
    if s._dtype.is_integer:
        ft = dtypes.float64 if s._dtype in (dtypes.int32, dtypes.int64) else dtypes.float32
        s, e = M.cast(s, ft), M.cast(e, ft)
    elif not s._dtype.is_floating and not s._dtype.is_complex:
        raise invalid_argument(f"Value for attr 'T' of {s._dtype.name} is not in the list of "
                               "allowed values: bfloat16, half, float, double", "Sub")
    if isinstance(num, (float, np.floating)) or (isinstance(num, Tensor) and
                                                 not num._dtype.is_integer):
        raise TypeError(f"Argument `tensor` (name: num) must be of type integer. Received "
                        f"`tensor` = {num} of dtype: {tensor(num).dtype!r}")
    n = int_args("LinSpace", num)[0]
    if n < 0:
        raise invalid_argument(f"Requires start <= limit when delta > 0: 1/{n}", "Range")
    try:
        shape_ = np.broadcast_shapes(s._value.shape, e._value.shape)
    except ValueError:
        raise invalid_argument(f"Incompatible shapes: {list(s._value.shape)} vs. "
                               f"{list(e._value.shape)}", "BroadcastArgs") from None
    nd = len(shape_)
    ax = int_args("LinSpace", axis)[0]
    if not -nd - 1 <= ax <= nd:   # the new axis goes where expand_dims would put it
        raise invalid_argument(f"Tried to expand dim index {ax} for tensor with {nd} "
                               f"dimensions.", "ExpandDims")
    ax %= nd + 1
    first = expand_dims(broadcast_to(s, shape_), ax)
    last = expand_dims(broadcast_to(e, shape_), ax)
    steps = max(n - 1, 1)
    delta = (last - first) / tensor(steps, s._dtype)
    inner = [1] * (nd + 1)
    inner[ax] = max(steps - 1, 0)
    # On the device of `first` (a Python-number start stays a host array even on CuPy).
    i = _make(B.like(first._value, np.arange(1, steps, dtype=s._dtype._np).reshape(inner)),
              s._dtype)
    seq = concat([first, first + i * delta, last], axis=ax)
    return strided_slice(seq, (slice(None),) * ax + (slice(0, n),))


def _one_hot_seed(y: Tensor, i: int) -> Tensor:
    """Seed for row ``i`` of a Jacobian: 1 at flat position i, 0 elsewhere."""
    v = np.zeros(y._value.size, y._dtype._np)
    v[i] = 1
    return _make(B.like(y._value, v.reshape(y._value.shape)), y._dtype)


def _batch_one_hot_seed(y: Tensor, k: int) -> Tensor:
    """Seed for column ``k`` of every example of a batch Jacobian."""
    b = y._value.shape[0]
    v = np.zeros((b, y._value.size // b), y._dtype._np)
    v[:, k] = 1
    return _make(B.like(y._value, v.reshape(y._value.shape)), y._dtype)


# ---- shape queries ----------------------------------------------------------------------------

def shape(input, out_type=dtypes.int32, name=None) -> Tensor:
    """The shape of ``input`` as a 1-D int32 (or ``out_type``) tensor, known at run time;
    ``x.shape`` gives the static TensorShape instead.

    >>> import minitf as tf
    >>> tf.shape(tf.zeros([2, 3])).numpy()
    array([2, 3], dtype=int32)"""
    dt = dtypes.as_dtype(out_type)
    v = tensor(input)._value
    if B.TRACING and type(v) is B.SYMBOLIC and B.TRACER.shape_at_run_time(v):
        # Inside tf.function a value whose shape changes while the program runs (a loop
        # variable with a relaxed shape invariant, and what is computed from it) has its
        # shape read at run time. An input_signature's None dimension does not need it: each
        # concrete shape gets its own program, so the shape is a constant there and ops that
        # take a shape (tf.reshape(x, [tf.shape(x)[0], -1]), tf.random.normal) can use it.
        return _make(B.record_call(_shape_of(dt._np), v), dt)
    return _make(np.array(v.shape, dt._np), dt)


def _shape_of(np_dtype):
    def shape_of(a):
        return np.array(a.shape, np_dtype)
    return shape_of


def size(input, out_type=dtypes.int32, name=None) -> Tensor:
    """The number of elements of ``input`` as a 0-d int32 (or ``out_type``) tensor."""
    dt = dtypes.as_dtype(out_type)
    return _make(np.array(tensor(input)._value.size, dt._np), dt)


def rank(input, name=None) -> Tensor:
    """The number of dimensions of ``input`` as a 0-d int32 tensor."""
    return _make(np.array(tensor(input)._value.ndim, np.int32), dtypes.int32)


# ---- reshaping --------------------------------------------------------------------------------

def reshape(tensor_, shape, name=None) -> Tensor:
    """``tensor_`` with a new ``shape`` (one entry may be -1: inferred). The shape holds
    integers (floats, even 2.0, are TF's InvalidArgumentError) and sizes >= -1."""
    x = tensor(tensor_)
    new = int_args("Reshape", shape, "Tshape", float_type_error=False)

    def error(text: str):
        # The kernel's wording; TF's fast path (a tensor shape) adds " name: ...".
        return kernel_invalid_argument(text, "Reshape", B.device_name(x._value),
                                       (name or "") if is_tensor(shape) else None)
    for i, d in enumerate(new):
        if d < -1:
            raise error(f"Size {i} must be non-negative, not {d}")
    unknown = [i for i, d in enumerate(new) if d == -1]
    if len(unknown) > 1:
        raise error(f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    if x._value.size == 0 and unknown:
        new = _inferred_for_empty(x._value.shape, new)
    try:
        v = x._value.reshape(new)
    except ValueError:
        known = int(np.prod([d for d in new if d != -1]))
        wanted = f"requires a multiple of {known}" if unknown and known else f"has {known}"
        raise error(f"Input to reshape is a tensor with {x._value.size} values, but the "
                    f"requested shape {wanted}") from None
    z = _make(v, x._dtype)
    if TAPES.recording:
        record("Reshape", (x,), z, (lambda g: reshape(g, x._value.shape),))
    return z


def _inferred_for_empty(shape: tuple, new: list) -> list:
    """Reshaping a tensor of no elements, NumPy cannot infer the -1 (any size fits); TF does.
    If a requested dimension is 0, the -1 is the product of the input's non-zero dimensions
    over that of the requested ones (``reshape(zeros([2, 0]), [0, -1])`` has shape [0, 2]);
    otherwise it is 0 (``reshape(zeros([0, 3]), [4, -1])`` has shape [4, 0])."""
    if 0 not in new:
        return [0 if d == -1 else d for d in new]
    have = int(np.prod([d for d in shape if d]))
    want = int(np.prod([d for d in new if d > 0]))
    return [have // want if d == -1 else d for d in new]


def expand_dims(input, axis, name=None) -> Tensor:
    """Insert a length-1 axis at ``axis`` (negative counts from the end, ``-1`` appends).

    >>> import minitf as tf
    >>> tf.expand_dims(tf.zeros([2, 3]), 0).shape
    TensorShape([1, 2, 3])"""
    x = tensor(input)
    nd = x._value.ndim
    a = int_args("ExpandDims", axis)[0]
    if not -nd - 1 <= a <= nd:
        raise invalid_argument(f"Tried to expand dim index {a} for tensor with {nd} dimensions.",
                               "ExpandDims")
    shape = list(x._value.shape)
    shape.insert(a if a >= 0 else nd + 1 + a, 1)
    return reshape(x, shape)


def squeeze(input, axis=None, name=None) -> Tensor:
    """Remove size-1 dimensions: all of them, or those in ``axis``, each in [-rank, rank) and of
    size 1 (InvalidArgumentError otherwise, as TF). Naming a dimension twice is allowed."""
    x = tensor(input)
    if axis is not None:
        if isinstance(axis, float) and axis.is_integer():   # TF's Python code accepts 0.0
            axis = int(axis)
        nd = x._value.ndim
        axes = set()
        for a in int_args("Squeeze", axis):
            axes.add(axis_index("Squeeze", a, nd, "Tried to squeeze dim index {axis} for "
                                "tensor with {rank} dimensions."))
        for a in sorted(axes):
            if x._value.shape[a] != 1:
                raise invalid_argument(f"Can not squeeze dim[{a}], expected a "
                                       f"dimension of 1, got {x._value.shape[a]}", "Squeeze")
        new = np.squeeze(x._value, axis=tuple(sorted(axes))).shape
    else:
        new = np.squeeze(x._value).shape
    return reshape(x, new)


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    """Permute the axes by ``perm`` (default: reverse them all); ``conjugate=True`` also
    conjugates complex values."""
    x = tensor(a)
    nd = x._value.ndim
    p = tuple(builtins.range(nd))[::-1] if perm is None else tuple(
        int_args("Transpose", perm, "Tperm", float_type_error=False))
    for i in p:
        if not -nd <= i < nd:    # TF accepts [-rank, rank) (a negative entry counts from the end)
            raise invalid_argument(f"{i if i >= 0 else i + nd} is out of range [0 .. {nd})",
                                   "Transpose")
    if len(p) != nd or sorted(i % nd for i in p) != list(builtins.range(nd)):
        raise invalid_argument(f"transpose expects a vector of size {nd}. But input(1) is a "
                               f"vector of size {len(p)}", "Transpose")
    z = _make(np.transpose(x._value, p), x._dtype)
    if TAPES.recording:
        inv = tuple(int(i) for i in np.argsort([i % nd for i in p]))
        record("Transpose", (x,), z, (lambda g: transpose(g, inv),))
    if conjugate and x._dtype.is_complex:
        return conj(z)
    return z


def broadcast_to(input, shape, name=None) -> Tensor:
    """Broadcast to ``shape``; the tape sums the gradient back (tape._sum_to_shape)."""
    x = tensor(input)
    s = tuple(int_args("BroadcastTo", shape, float_type_error=False))
    try:
        v = np.broadcast_to(x._value, s)
    except ValueError:
        raise invalid_argument(f"Unable to broadcast tensor of shape {list(x._value.shape)} to "
                               f"tensor of shape {list(s)}", "BroadcastTo") from None
    z = _make(v, x._dtype)
    if TAPES.recording:
        record("BroadcastTo", (x,), z, (M._ident,))
    return z


def tile(input, multiples, name=None) -> Tensor:
    """Repeat ``input`` ``multiples[i]`` times along axis ``i`` (``multiples`` has one entry per
    axis); the gradient sums the copies back."""
    x = tensor(input)
    rank = multiples.ndim if isinstance(multiples, Tensor) else np.ndim(multiples)
    if rank == 0:       # int_args would read a scalar as a list of one
        raise invalid_argument("Expected multiples to be 1-D, but got shape []", "Tile")
    m = int_args("Tile", multiples, "Tmultiples", float_type_error=False)
    if len(m) != x._value.ndim:
        raise invalid_argument(f"Expected multiples argument to be a vector of length "
                               f"{x._value.ndim} but got length {len(m)}", "Tile")
    for i, k in enumerate(m):
        if k < 0:
            raise invalid_argument(f"Expected multiples[{i}] >= 0, but got {k}", "Tile")
    z = _make(np.tile(x._value, m), x._dtype)
    if TAPES.recording:
        def vjp(g):
            from .reduction_ops import reduce_sum
            split = [d for pair in zip(m, x._value.shape) for d in pair]
            return reduce_sum(reshape(g, split), axis=list(builtins.range(0, len(split), 2)))
        record("Tile", (x,), z, (vjp,))
    return z


# ---- joining and splitting --------------------------------------------------------------------

def concat(values, axis, name="concat") -> Tensor:
    """Join tensors along an existing ``axis``, which must lie in [-rank, rank)
    (InvalidArgumentError otherwise, as TF; scalars cannot be concatenated)."""
    ts = match("ConcatV2", *values)
    nd = ts[0]._value.ndim if ts else 0
    if nd == 0:
        raise invalid_argument("ConcatOp : Can't concatenate scalars (use tf.stack instead)",
                               "ConcatV2")
    ax = axis_index("ConcatV2", axis, nd, "ConcatOp : Expected concatenating dimensions in the "
                    "range [{lo}, {rank}), but got {axis}")
    try:
        # (on one device first, as stack does: TF copies an op's inputs to its device)
        z = _make(np.concatenate(B.unify(*[t._value for t in ts], scalars=False), axis=ax),
                  ts[0]._dtype)
    except (ValueError, np.exceptions.AxisError) as e:
        raise invalid_argument(f"ConcatOp : Dimension mismatch or bad axis: {e}", "ConcatV2") \
            from None
    if TAPES.recording:
        if B.TRACING and any(type(t._value) is B.SYMBOLIC and
                             B.TRACER.shape_at_run_time(t._value) for t in ts):
            # an input whose size changes while the program runs (a TensorArray's piece,
            # out of a tf.cond or a loop): the gradient's bounds are read when it runs
            record("ConcatV2", tuple(ts), z, tuple(
                (lambda i: lambda g: _concat_piece_t(g, ts, ax, i))(i)
                for i in builtins.range(len(ts))))
            return z
        bounds = np.cumsum([0] + [t._value.shape[ax] for t in ts])

        def piece(i):
            lo, hi = int(bounds[i]), int(bounds[i + 1])
            return lambda g: _slice_axis(g, ax, lo, hi)
        record("ConcatV2", tuple(ts), z, tuple(piece(i) for i in builtins.range(len(ts))))
    return z


def _piece_index(g, ax: int, k: int, parts) -> tuple:
    """The index of concat input ``k``'s part of ``g`` along ``ax``, from the inputs' sizes."""
    lo = sum(p.shape[ax] for p in parts[:k])
    index = [slice(None)] * g.ndim
    index[ax] = slice(lo, lo + parts[k].shape[ax])
    return tuple(index)


def _concat_piece(g, ax, k, *parts):
    """Input ``k``'s part of the concat gradient ``g`` (the sizes read as the program runs)."""
    return g[_piece_index(g, ax, k, parts)].copy()


def _concat_unpiece(h, g, ax, k, *parts):
    """Zeros shaped as ``g`` holding ``h`` as input ``k``'s part (``_concat_piece``'s adjoint)."""
    out = B.xp_of(h).zeros(g.shape, h.dtype)
    out[_piece_index(g, ax, k, parts)] = h
    return out


def _concat_piece_t(g: Tensor, ts, ax: int, k: int) -> Tensor:
    z = _make(B.record_call(_concat_piece, g._value, ax, k, *[t._value for t in ts]),
              g._dtype)
    if TAPES.recording:
        record("Slice", (g,), z, (lambda h: _concat_unpiece_t(h, g, ts, ax, k),))
    return z


def _concat_unpiece_t(h: Tensor, g: Tensor, ts, ax: int, k: int) -> Tensor:
    z = _make(B.record_call(_concat_unpiece, h._value, g._value, ax, k,
                            *[t._value for t in ts]), h._dtype)
    if TAPES.recording:
        record("Pad", (h,), z, (lambda q: _concat_piece_t(q, ts, ax, k),))
    return z


def _slice_axis(g: Tensor, axis: int, lo: int, hi: int) -> Tensor:
    key = (slice(None),) * axis + (slice(lo, hi),)
    return strided_slice(g, key)


def stack(values, axis=0, name="stack") -> Tensor:
    """Join same-shape tensors along a new ``axis`` in [-(rank+1), rank+1) of the result;
    outside it TF raises ValueError (its Python wrapper checks). An empty list stacks to an
    empty float32 vector, as TF's conversion of [] does."""
    if not values:
        return _make(B.current_xp().zeros((0,), np.float32), dtypes.float32)
    ts = match("Pack", *values)
    if isinstance(axis, float) and axis.is_integer():   # TF's Python code accepts 1.0
        axis = int(axis)
    # TF checks the axis against the first value's rank before it compares the shapes
    ax = axis_index("Pack", axis, ts[0]._value.ndim + 1,
                    "Argument `axis` = {axis} not in range [{lo}, {rank})", ValueError)
    for i, t in enumerate(ts[1:], 1):
        if t._value.shape != ts[0]._value.shape:
            raise invalid_argument(f"Shapes of all inputs must match: values[0].shape = "
                                   f"{list(ts[0]._value.shape)} != values[{i}].shape = "
                                   f"{list(t._value.shape)}", "Pack")
    z = _make(np.stack(B.unify(*[t._value for t in ts], scalars=False), axis=ax), ts[0]._dtype)
    if TAPES.recording:
        def piece(i):
            return lambda g: strided_slice(g, (slice(None),) * ax + (i,))
        record("Pack", tuple(ts), z, tuple(piece(i) for i in builtins.range(len(ts))))
    return z


register_autopacking(stack)     # convert_to_tensor([t1, t2]) packs with tf.stack, as in TF


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """Split ``value`` along ``axis`` into a Python list of tensors, one per position, each
    without that axis. ``num`` must match when given."""
    x = tensor(value)
    nd = x._value.ndim
    if isinstance(axis, float):
        raise TypeError(f"list indices must be integers or slices, not float (axis={axis})")
    ax = int(axis)
    if not -nd <= ax < nd:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-nd}, {nd})")
    ax %= nd
    n = x._value.shape[ax]
    if num is not None and num != n:
        raise ValueError(f"Cannot infer argument `num` from shape {x.shape}")
    outs = tuple(_make(np.take(x._value, i, axis=ax), x._dtype) for i in builtins.range(n))
    if TAPES.recording and outs:
        record("Unpack", (x,), outs, (lambda gs: stack(list(gs), axis=ax),))
    return list(outs)


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Pieces of ``value`` along ``axis``, which must lie in [-rank, rank) (InvalidArgumentError
    otherwise, as TF; a scalar cannot be split)."""
    x = tensor(value)
    op = "Split" if isinstance(num_or_size_splits, (int, np.integer)) else "SplitV"
    ax = axis_index(op, axis, x._value.ndim, "-input rank(-{rank}) <= split_dim < input rank "
                    "({rank}), but got {axis}")
    n = x._value.shape[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        if k < 1:
            raise invalid_argument(f"Value for attr 'num_split' of {k} must be at least "
                                   f"minimum 1", "Split")
        if n % k:
            raise invalid_argument(f"Number of ways to split should evenly divide the split "
                                   f"dimension, but got split_dim {ax} (size = {n}) and "
                                   f"num_split {k}", "Split")
        sizes = [n // k] * k
    else:
        if isinstance(num_or_size_splits, float) or np.ndim(num_or_size_splits) == 0:
            raise ValueError(f"Rank-0 tensors are not supported as the num_or_size_splits "
                             f"argument to split. Argument provided: {num_or_size_splits}")
        sizes = int_args("SplitV", num_or_size_splits, "Tlen", float_type_error=False)
        if -1 in sizes:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n:
            raise invalid_argument(f"Determined shape must either match input shape along "
                                   f"split_dim exactly if fully specified, or be less than the "
                                   f"size of the input along split_dim if not fully specified.  "
                                   f"Got: {sum(sizes)}", "SplitV")
    bounds = np.cumsum([0] + sizes)
    outs = tuple(_make(x._value[(slice(None),) * ax + (slice(int(bounds[i]), int(bounds[i + 1])),)],
                       x._dtype) for i in builtins.range(len(sizes)))
    if TAPES.recording:
        record("SplitV", (x,), outs, (lambda gs: concat(list(gs), axis=ax),))
    return list(outs)


# ---- indexing ---------------------------------------------------------------------------------

_INDEX_HELP = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
               "tf.int32/tf.int64 tensors are valid indices")


def _norm_key(key) -> tuple:
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if is_tensor(k):
            k = tensor(k)
            if not k._dtype.is_integer or k._value.ndim != 0:
                raise TypeError(f"{_INDEX_HELP}, got {k!r}")
            # a traced index (a tf.while_loop counter) stays symbolic: strided_slice records it
            k = k._value if B.is_symbolic(k._value) else int(k._value)
        elif isinstance(k, slice):
            k = slice(*(None if p is None else int(tensor(p)._value) if isinstance(p, Tensor)
                        else int(p) for p in (k.start, k.stop, k.step)))
        elif isinstance(k, (list, np.ndarray)):
            # TF reads a list as one rank-1 index tensor, which strided slicing cannot use.
            raise invalid_argument(f"Index out of range using input dim {len(key)}; a list "
                                   f"index {k!r} is not a valid slice spec", "StridedSlice")
        elif isinstance(k, (bool, np.bool_)) or not (
                k is None or k is Ellipsis or isinstance(k, (int, np.integer))):
            raise TypeError(f"{_INDEX_HELP}, got {k!r}")
        _check_int64(k.start, k.stop, k.step) if isinstance(k, slice) else _check_int64(k)
        out.append(k)
    return tuple(out)


def _check_int64(*ints):
    """TF packs indices into an int64 tensor: a Python int beyond it is a ValueError (NumPy's
    indexing would raise IndexError)."""
    for i in ints:
        if isinstance(i, int) and not -2 ** 63 <= i < 2 ** 63:
            raise ValueError(f"Can't convert Python sequence with out-of-range integer to "
                             f"Tensor (index {i})")


def _out_of_bounds(shape: tuple, key) -> str | None:
    """TF's words for an integer index outside its dimension (a negative one is reported after
    adding the size, as TF's kernel does), or for more indices than dimensions."""
    keys = key if isinstance(key, tuple) else (key,)
    real = sum(k is not None and k is not Ellipsis for k in keys)
    if real > len(shape):
        return (f"Index out of range using input dim {len(shape)}; input has only "
                f"{len(shape)} dims")
    d = 0
    for k in keys:
        if k is Ellipsis:
            d += len(shape) - real
            continue
        if k is None:
            continue
        if isinstance(k, (int, np.integer)) and not -shape[d] <= k < shape[d]:
            return f"slice index {k + shape[d] if k < 0 else k} of dimension {d} out of bounds."
        d += 1
    return None


def _split_symbolic(key: tuple) -> tuple:
    """(key with 0 for each traced index, their positions, the traced indices)."""
    positions = tuple(j for j, k in enumerate(key) if B.is_symbolic(k))
    plain = tuple(0 if j in positions else k for j, k in enumerate(key))
    return plain, positions, [key[j] for j in positions]


def _with_indices(key: tuple, positions: tuple, indices) -> tuple:
    key = list(key)
    for j, i in zip(positions, indices):
        key[j] = int(i)
    return tuple(key)


def _getitem_at(arr, key, positions, *indices):
    """``arr[key]`` with the integers ``indices`` at ``positions`` of key: how a traced
    program indexes by a value known only when it runs (a loop counter)."""
    return arr[_with_indices(key, positions, indices)]


def _placed_at(g, shape, key, positions, *indices):
    """``g`` placed at such a key in zeros of ``shape`` (the slice's gradient)."""
    v = B.zeros(shape, g.dtype, like_array=g)
    v[_with_indices(key, positions, indices)] = g
    return v


def strided_slice(x, key) -> Tensor:
    """``x[key]`` for ints, slices (with steps), ``...`` and ``tf.newaxis``."""
    x = tensor(x)
    key = _norm_key(key)
    plain, positions, indices = _split_symbolic(key)
    if positions:               # recorded as one call taking the traced indices
        try:
            v = B.record_call(_getitem_at, x._value, plain, positions, *indices)
        except IndexError as e:
            raise invalid_argument(f"slice index out of bounds: {e}", "StridedSlice") from None
        z = _make(B.asarray(v), x._dtype)
        if TAPES.recording:
            shape = x._value.shape
            record("StridedSlice", (x,), z, (lambda g: _make(B.record_call(
                _placed_at, g._value, shape, plain, positions, *indices), g._dtype),))
        return z
    try:
        v = x._value[key]
    except IndexError as e:
        raise invalid_argument(_out_of_bounds(x._value.shape, key) or
                               f"slice index out of bounds: {e}", "StridedSlice") from None
    except ValueError as e:         # a step of 0: NumPy's ValueError, TF's kernel error
        raise invalid_argument(f"strided slice: {e}", "StridedSlice") from None
    z = _make(B.asarray(v), x._dtype)
    if TAPES.recording:
        record("StridedSlice", (x,), z, (lambda g: _slice_grad(g, x._value.shape, key),))
    return z


def _slice_grad(g: Tensor, shape: tuple, key: tuple) -> Tensor:
    """The adjoint of ``x[key]``: ``g`` placed at ``key`` in zeros of ``shape``."""
    v = B.zeros(shape, g._dtype._np, like_array=g._value)
    v[key] = g._value
    z = _make(v, g._dtype)
    if TAPES.recording:
        record("StridedSliceGrad", (g,), z, (lambda gg: strided_slice(gg, key),))
    return z


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0,
           name=None) -> Tensor:
    """Rows (or slices along ``axis``, which must lie in [-rank, rank): InvalidArgumentError
    otherwise, as TF) of ``params``; the gradient scatter-adds, so repeated indices accumulate.
    (TF returns that gradient as IndexedSlices; minitf returns it dense, with the same values.)"""
    if batch_dims != 0:
        raise NotImplementedError("minitf's gather supports batch_dims=0 only")
    x = tensor(params)
    idx = tensor(indices)
    if not idx._dtype.is_integer:
        raise invalid_argument(f"Value for attr 'Tindices' of {idx._dtype.name} is not in the "
                               f"list of allowed values: int16, int32, int64", "GatherV2")
    nd = x._value.ndim
    if nd == 0:
        raise invalid_argument("params must be at least 1 dimensional", "GatherV2")
    if axis is None:
        ax = 0
    else:   # TF's message: params must have a dimension `axis` (rank > axis, or >= -axis)
        a = int_args("GatherV2", axis, "Taxis", float_type_error=False, numpy_floats=False)[0]
        ax = axis_index("GatherV2", a, nd, "Shape must be at least rank "
                        f"{a + 1 if a >= 0 else -a} but is rank {{rank}}")
    n = x._value.shape[ax]
    iv = idx._value
    if B.is_device_array(x._value) and not B.is_device_array(iv):
        iv = B.like(x._value, iv)
    bad = (iv < 0) | (iv >= n) if B.checkable(iv) else None   # no host sync on a GPU
    if bad is not None and np.any(bad):
        pos = tuple(int(i) for i in np.argwhere(bad)[0])
        raise invalid_argument(f"indices{list(pos)} = {int(iv[pos])} is not in [0, {n})",
                               "GatherV2")
    # np.take dispatches on the params only: traced indices into constant params (a shuffle's
    # permutation inside tf.function) would be read as a NumPy array, so the call is recorded
    z = _make(B.record_call(functools.partial(np.take, axis=ax), x._value, iv), x._dtype)
    if TAPES.recording:
        def vjp(g):
            return _scatter_add(g, iv, x._value.shape, ax)
        if ax == 0:     # a source read only here gets TF's IndexedSlices (tape.imperative_grad)
            vjp.sparse = lambda g: _gather_slices(g, idx, x._value.shape)
        record("GatherV2", (x,), z, (vjp,))
    return z


def _gather_slices(g: Tensor, idx: Tensor, shape: tuple):
    """Gather's gradient as TF returns it for its source: IndexedSlices of ``g``'s rows."""
    from .indexed_slices import IndexedSlices
    return IndexedSlices(reshape(g, [-1] + list(shape[1:])), reshape(idx, [-1]),
                         _make(np.array(shape, np.int32), dtypes.int32))


def _scatter_add(g: Tensor, iv: np.ndarray, shape: tuple, ax: int) -> Tensor:
    """The adjoint of gather: add the slices of ``g`` into zeros of ``shape`` at ``iv``."""
    v = B.zeros(shape, g._dtype._np, like_array=g._value)
    moved = np.moveaxis(v, ax, 0)
    gv = np.moveaxis(g._value, list(builtins.range(ax, ax + iv.ndim)),
                     list(builtins.range(iv.ndim)))
    B.scatter_add(moved, iv, gv)
    z = _make(v, g._dtype)
    if TAPES.recording:
        idx = _make(iv, dtypes.from_numpy(iv.dtype))
        record("UnsortedSegmentSum", (g,), z, (lambda gg: gather(gg, idx, axis=ax),))
    return z


def boolean_mask(tensor_, mask, axis=None, name="boolean_mask") -> Tensor:
    """The elements (or slices from ``axis`` on) of ``tensor_`` where the bool ``mask`` is
    True, flattened over the masked axes.

    >>> import minitf as tf
    >>> tf.boolean_mask([1, 2, 3], [True, False, True]).numpy()
    array([1, 3], dtype=int32)"""
    x = tensor(tensor_)
    m = tensor(mask)
    ax = 0 if axis is None else int(axis)
    k = m._value.ndim
    if k == 0:
        raise ValueError("mask cannot be scalar.")
    sh = x._value.shape
    if tuple(sh[ax:ax + k]) != m._value.shape:
        raise ValueError(f"Shapes {TensorShape(sh[ax:ax + k])} and {m.shape} are incompatible")
    flat = reshape(x, list(sh[:ax]) + [-1] + list(sh[ax + k:]))
    idx = _make(np.flatnonzero(m._value.reshape(-1)).astype(np.int64), dtypes.int64)
    return gather(flat, idx, axis=ax)


_ONE_HOT_INDEX = (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None,
            name=None) -> Tensor:
    """``on_value`` where the index equals the position along a new axis of size ``depth``,
    ``off_value`` elsewhere (an out-of-range index gives an all-off row). As TF: indices are
    uint8/int8/int32/int64 (float lists and tensors are rejected, not truncated; a NumPy float
    array is truncated, as TF converts it), ``depth`` is a non-negative integer scalar, and
    ``axis`` is -1 or in [0, rank of the result) (InvalidArgumentError)."""
    if isinstance(indices, np.ndarray) and indices.dtype.kind == "f":
        indices = np.trunc(indices).astype(np.int64)    # TF's conversion truncates NumPy floats
    idx = tensor(indices)
    if idx._dtype.is_bool and not isinstance(indices, Tensor):   # TF reads [True] as uint8
        idx = tensor(np.asarray(B.to_host(idx._value), np.uint8))
    if idx._dtype not in _ONE_HOT_INDEX:
        raise invalid_argument(f"Value for attr 'TI' of {idx._dtype.kernel_name} is not in the "
                               f"list of allowed values: uint8, int8, int32, int64", "OneHot")
    dt = dtypes.as_dtype(dtype) if dtype is not None else (
        tensor(on_value).dtype if on_value is not None else dtypes.float32)
    on = 1 if on_value is None else B.to_host(tensor(on_value)._value)
    off = 0 if off_value is None else B.to_host(tensor(off_value)._value)
    if isinstance(depth, Tensor) and depth._dtype is not dtypes.int32:
        raise ValueError(f"Tensor conversion requested dtype int32 for Tensor with dtype "
                         f"{depth._dtype.name}: {depth!r}")
    d = int_args("OneHot", depth)
    if len(d) != 1 or np.ndim(depth) != 0:
        raise invalid_argument(f"depth must be a scalar, but got: {d}", "OneHot")
    # TF converts a Python or NumPy depth to int32 by wrapping (2**40 is depth 0, 2**32 + 2 is
    # 2, 2**31 is negative): the same here, rather than allocating 2**40 columns
    d = [int(np.array(d[0], np.int64).astype(np.int32))]
    if d[0] < 0:
        raise invalid_argument(f"depth must be non-negative, got: {d[0]}", "OneHot")
    out_rank = idx._value.ndim + 1
    ax = -1 if axis is None else int(axis)
    if ax != -1 and not 0 <= ax < out_rank:
        raise invalid_argument(f"Expected axis to be -1 or between [0, {out_rank}).  But "
                               f"received: {ax}", "OneHot")
    hot = idx._value[..., None] == B.xp_of(idx._value).arange(d[0])
    v = np.where(hot, on, off).astype(dt._np)
    if ax != -1:
        v = np.moveaxis(v, -1, ax)
    return _make(v, dt)


def _pad_value(value, dt):
    """The fill of a constant pad. The default 0 means the dtype's zero, as in TF (whose plain
    Pad kernel is used then): False for bools, b'' for strings."""
    if not isinstance(value, Tensor) and not is_variable(value) and \
            np.ndim(value) == 0 and not isinstance(value, (str, bytes)) and value == 0:
        return np.array(b"", dtype=object) if dt.is_string else dt._np.type(0)
    return tensor(value, dt)._value


def _check_mirror(mode: str, p, shape: tuple):
    """REFLECT may pad fewer than a dimension's size on each side, SYMMETRIC at most its size
    (TF's InvalidArgumentError; NumPy would raise ValueError or repeat the reflection)."""
    for (a, b), n in zip(p, shape):
        if (mode == "REFLECT" and max(a, b) >= n) or max(a, b) > n:
            rule = "less than" if mode == "REFLECT" else "no greater than"
            raise invalid_argument(f"paddings must be {rule} the dimension size: {a}, {b} not "
                                   f"{rule} {n}", "MirrorPad")


def _paddings(paddings) -> np.ndarray:
    """Paddings as an int64 array; sizes no int64 holds are TF's ValueError (NumPy would raise
    OverflowError)."""
    if isinstance(paddings, Tensor):
        return np.asarray(B.to_host(paddings._value), dtype=np.int64)
    try:
        return np.asarray(paddings, dtype=np.int64)
    except OverflowError:
        raise ValueError(f"Can't convert Python sequence with out-of-range integer to Tensor "
                         f"(Pad: {paddings!r})") from None


def pad(tensor_, paddings, mode="CONSTANT", constant_values=0, name=None) -> Tensor:
    """Pad ``tensor_`` with ``paddings[i] = [before, after]`` entries on axis ``i``: ``mode`` is
    'CONSTANT' (``constant_values``), 'REFLECT' or 'SYMMETRIC', as in TF."""
    x = tensor(tensor_)
    p = _paddings(paddings)
    if p.ndim != 2 or p.shape[1] != 2:      # NumPy would reshape or broadcast it
        raise invalid_argument(f"paddings must be a matrix with 2 columns: "
                               f"[{','.join(map(str, p.shape))}]", "Pad")
    if (p < 0).any():
        bad = p[(p < 0).any(axis=1)][0]
        raise invalid_argument(f"Paddings must be non-negative: {bad[0]} {bad[1]}", "Pad")
    if p.shape[0] != x._value.ndim:
        raise invalid_argument(f"The first dimension of paddings must be the rank of inputs"
                               f"[{p.shape[0]},2], [{','.join(map(str, x._value.shape))}]", "Pad")
    mode = mode.upper()
    if mode == "CONSTANT":
        c = _pad_value(constant_values, x._dtype)
        z = _make(np.pad(x._value, p, constant_values=c), x._dtype)
        if TAPES.recording:
            key = tuple(slice(int(a), int(a) + d) for (a, _), d in zip(p, x._value.shape))
            record("PadV2", (x,), z, (lambda g: strided_slice(g, key),))
        return z
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Value of argument `mode` expected to be one of \"CONSTANT\", "
                         f"\"REFLECT\", or \"SYMMETRIC\". Received `mode` = {mode}")
    _check_mirror(mode, p, x._value.shape)
    # Mirror padding as one gather per axis, so its gradient comes for free.
    out = x
    for ax, (a, b) in enumerate(p):
        n = x._value.shape[ax]
        idx = np.pad(np.arange(n), (int(a), int(b)), mode="reflect" if mode == "REFLECT"
                     else "symmetric")
        out = gather(out, idx.astype(np.int64), axis=ax)
    return out


def reverse(tensor_, axis, name=None) -> Tensor:
    """Reverse the order along each axis in the list ``axis``: each in [-rank, rank), none
    named twice (InvalidArgumentError otherwise, as TF; a bare int is not a list)."""
    x = tensor(tensor_)
    if isinstance(axis, (int, np.integer)) or (isinstance(axis, Tensor) and axis._value.ndim != 1):
        raise invalid_argument(f"'dims' must be 1-dimension, not {np.ndim(axis)}", "ReverseV2")
    nd = x._value.ndim
    axes = []
    for i, a in enumerate(int_args("ReverseV2", axis, float_type_error=False)):
        if nd == 0:     # TF's kernel returns a scalar unchanged, whatever the axes
            break
        a = axis_index("ReverseV2", a, nd, f"'axis'[{i}] = {{axis}} is out of valid range "
                       f"[0, {nd - 1}")
        if a in axes:
            raise invalid_argument(f"axis {a} specified more than once.", "ReverseV2")
        axes.append(a)
    axes = tuple(axes)
    z = _make(np.flip(x._value, axes), x._dtype)
    if TAPES.recording:
        record("ReverseV2", (x,), z, (lambda g: reverse(g, axes),))
    return z


