"""``tf.TensorArray``: a list of same-dtype, same-shape tensors, written and read by index.

As TF's eager TensorArray: ``write`` returns a TensorArray that shares the storage (write the
result back, ``ta = ta.write(i, x)``, as TF code does and as graph mode needs); ``size`` must be
given; ``dynamic_size=True`` lets writes grow it; a slot never written reads as zeros of the
element shape; each element may be read once unless ``clear_after_read=False``; the element
shape is fixed by ``element_shape`` or by the first write. Gradients flow through ``write`` /
``read`` / ``stack`` / ``unstack`` / ``gather`` / ``scatter`` / ``concat``, which are minitf
ops on the stored tensors.

Inside ``tf.function`` a TensorArray filled by a Python loop is traced like any list. A loop
that AutoGraph stages (``for i in tf.range(n)``, ``for i in range(tensor)``) carries it as one
tensor holding every slot, ``[size, *element_shape]`` (TF's graph TensorArray is such a buffer
too): ``write`` at the loop's traced index selects the row with ``tf.where``, ``read`` and
``stack`` index and return that tensor. Its size may be a traced value. A ``dynamic_size``
array grows there as TF's does: a write past its end adds rows (the loop carries the tensor
with a first dimension that may change), ``size()`` and ``stack()`` give what was written. A
``split`` into pieces of several lengths holds the pieces joined and their lengths beside them,
both values of the running program: ``read`` gives a piece of its own length, ``write`` changes
it, ``stack`` and ``gather`` raise TF's merge error unless the pieces have one length.

>>> import minitf as tf
>>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
>>> for i in range(3):
...     ta = ta.write(i, float(i) ** 2)
>>> ta.stack().numpy()
array([0., 1., 4.], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from . import _backend as B
from . import dtypes
from .errors import InvalidArgumentError, OutOfRangeError
from .record import TAPES, record
from .tensor import Tensor, TensorShape, _make, convert_to_tensor, is_tensor


class _Storage:
    """What the TensorArrays returned by ``write`` share."""

    def __init__(self, size: int, element_shape):
        self.items: list = [None] * size
        self.cleared: set = set()
        self.element_shape = element_shape
        # in a staged loop, after a split into pieces of several lengths: the buffer holds the
        # pieces joined, the array its lengths beside it (both known when the program runs)
        self.pieces = False
        # a fixed size given as a number: what a traced size() gives and stack() expects
        # (TF's graph array keeps it; its eager one goes by the elements it holds)
        self.static_size: int | None = None
        # pieces of several lengths: the length a write (unstack, scatter) of a value of known
        # shape fixed, which stack and gather then expect of every piece (TF's graph array
        # merges its element shape with each value written)
        self.piece_length: int | None = None
        # the element shape TF's list ops are given, where it differs from element_shape: a
        # converted ``if`` one of whose branches left the elements uninitialized while the
        # shape was not known keeps the shape from before the if (None: unknown rank), the
        # most specific one of both branches in TF
        self.list_shape = _AS_STORED


# ``_Storage.list_shape`` when it is the storage's element shape
_AS_STORED = object()


def _tracing() -> bool:
    """Whether the running thread traces a tf.function (TF's graph TensorArray rules)."""
    return bool(B.TRACING) and B.TRACER.tracing()


def _traced(i) -> bool:
    """Whether ``i`` is a tensor whose value is known only when a traced program runs."""
    return B.TRACING and isinstance(i, Tensor) and type(i._value) is B.SYMBOLIC


def _traced_list(x) -> bool:
    """Whether ``x`` is a Python list or tuple holding a traced tensor (``[i, i + 1]``)."""
    return B.TRACING and isinstance(x, (list, tuple)) and any(
        _traced(e) or _traced_list(e) for e in x)


def _on_device_of(a, x):
    """``x`` (an index: a Python int, a host or GPU array) on the device of the array ``a``."""
    return B.to_host(x) if B.xp_of(a) is np else B.unify(a, x)[1]


def _row_mask(buffer, i, check=True):
    """True on row ``i`` of ``buffer``, shaped to broadcast against it, on ``buffer``'s device
    (``np.where`` with a host mask and GPU rows would be CuPy's TypeError): a write into an
    array of fixed size. An index out of its rows is TF's TensorListSetItem error (unchecked:
    no row is written)."""
    n = buffer.shape[0]
    if check and _checking() and not 0 <= int(B.to_host(i)) < n:
        raise InvalidArgumentError(None, "TensorListSetItem", f"Trying to modify element "
                                   f"{int(B.to_host(i))} in a list with {n} elements.")
    mask = B.xp_of(buffer).arange(buffer.shape[0]) == _on_device_of(buffer, i)
    return mask.reshape((-1,) + (1,) * (buffer.ndim - 1))


def _zeros_rows(n, element_shape: tuple, np_dtype, on_gpu: bool = False):
    """Zeros of ``n`` rows (``n`` known when the program runs), on the GPU or the host as the
    backend was when the loop was traced."""
    return (B.cupy() if on_gpu else np).zeros((int(n),) + element_shape, np_dtype)


# ---- a buffer's rows at indices known when the program runs ------------------------------
# Recorded calls whose sizes come from their arrays when they run, never from the trace: a
# dynamic_size array's buffer grows in a staged loop (one more row per write past its end), and
# an unstacked value or a traced size may have other rows on a later call of the same trace, so
# their gradients may bake in no trace-time shape. Each is linear in its first argument and
# records its adjoint as its gradient (so a tape on the backward pass works too). An index is
# a Python int or a 0-d or 1-d integer array (traced: known when the program runs).

class _GrowingRows(TensorShape):
    """The shape invariant of a dynamic_size TensorArray's buffer in a staged loop: rows that
    grow (None), changed only by the row operations below, whose gradients read the rows when
    the program runs (function/control_flow.py lets such a loop be differentiated)."""


def _rows_at(i):
    """The row numbers ``i`` on the host: an int, or a 1-d int64 array."""
    if isinstance(i, int):
        return i
    k = np.asarray(B.to_host(i)).astype(np.int64)
    return int(k) if k.ndim == 0 else k


def _on(a, k):
    """Row numbers (or a row mask) ``k`` as an index into ``a``, on ``a``'s device."""
    return k if isinstance(k, int) or B.xp_of(a) is np else B.xp_of(a).asarray(k)


def _checks() -> bool:
    """Whether a row op recorded now checks its indices when it runs: not in a branch of a
    ``tf.cond`` that the program computes whether taken or not (under a tape in the function;
    TF checks only the branch it takes)."""
    return not (B.TRACING and B.TRACER.both_branches())


def _checking() -> bool:
    """Whether an index out of range is TF's error now: when a program runs, and while a trace
    computes the call's values; not while it computes values it throws away (a dry block: a
    branch not taken, a loop body traced on the loop's first values, a tape's first trace),
    whose arrays need not have the rows they will have (such a read reads zeros)."""
    return not (B.TRACING and B.TRACER.discarding())


def _checked_when_run(fn, *args) -> None:
    """A call of ``fn(*args)`` folded while tracing (no argument is a traced value: a constant
    unstacked, then stacked) in a block whose values are thrown away (a staged loop's body, a
    branch not taken) ran unchecked; its errors are known now but belong to the program, as
    TF's kernels raise them when they run. So it runs again there, for its errors only, each
    time the block runs (never if the loop runs no iteration, as in TF)."""
    if _tracing() and not _checking() and _checks() and \
            not any(type(a) is B.SYMBOLIC for a in args):
        B.TRACER.effect(fn, args)


def _count_checked(want: int, got: int, check=True) -> None:
    """TF's error for the stack of an array of fixed size ``want`` holding ``got`` elements."""
    if want != got and check and _checking():
        raise InvalidArgumentError(None, "TensorListStack", _count_text(want, got))


def _out_of_range(k, n):
    """The row numbers of ``k`` outside ``[0, n)``: a bool (an int ``k``) or a bool array."""
    return (k < 0) | (k >= n) if not isinstance(k, int) else not 0 <= k < n


def _take_rows(a, i, check=True, op="TensorListGetItem"):
    """``a[i]``. An index out of range (a negative one too: none wraps) is TF's
    InvalidArgumentError, as its kernels raise; unchecked (``check`` False, or while a trace
    computes values it throws away) such a row reads as zeros."""
    k, n = _rows_at(i), a.shape[0]
    bad = _out_of_range(k, n)
    if np.any(bad):
        if check and _checking():
            first = k if isinstance(k, int) else int(k[np.argmax(bad)])
            text = (f"Trying to access element {first} in a list with {n} elements."
                    if op == "TensorListGetItem" else
                    f"Index {first} out o range; list only has {n} elements.")  # TF's words
            raise InvalidArgumentError(None, op, text)
        if isinstance(k, int) or n == 0:
            return B.xp_of(a).zeros(np.shape(k) + a.shape[1:], a.dtype)
        out = a[_on(a, np.where(bad, 0, k))]
        out[_on(out, bad)] = 0
        return out
    return a[_on(a, k)].copy()


def _put_rows(g, like, i):
    """Zeros shaped as ``like`` with ``g``'s rows added at rows ``i`` (``_take_rows``'s
    adjoint; a repeated index sums, rows out of range pass nothing)."""
    out = B.xp_of(g).zeros(like.shape, g.dtype)
    k = _rows_at(i)
    bad = _out_of_range(k, out.shape[0])
    if isinstance(k, int):
        if not bad:
            out[k] = g
    elif k.size:
        ok = ~bad
        B.scatter_add(out, _on(out, k[ok]), g[_on(g, ok)])
    return out


def _scatter_rows(buffer, i, values, grow=True, check=True):
    """``buffer`` with ``values`` in rows ``i`` (a write: an int ``i`` and one value), grown
    with zero rows to hold them when ``grow`` (a copy). A repeated index keeps its last value,
    as TF's TensorListScatter. A negative index is TF's error; so is one past the end of an
    array that does not grow (TF's graph list would grow: minitf carries such an array with
    its size fixed)."""
    k, n = _rows_at(i), buffer.shape[0]
    kk = np.atleast_1d(np.asarray(k, np.int64))
    vals = values[None] if isinstance(k, int) else values
    bad = (kk < 0) if grow else (kk < 0) | (kk >= n)
    if bad.any():
        if check and _checking():
            first = int(kk[np.argmax(bad)])
            if first < 0:
                raise InvalidArgumentError(None, "TensorListSetItem", f"Writing to negative "
                                           f"indices (index {first}) is not allowed.")
            raise OutOfRangeError(None, "TensorArrayScatter",
                                  f"Tried to write to index {first} but array is not "
                                  f"resizeable and size is: {n}")
        kk, vals = kk[~bad], vals[_on(vals, ~bad)]
    if kk.size > 1:                  # the last of repeated indices wins
        _, last = np.unique(kk[::-1], return_index=True)
        pos = kk.size - 1 - last
        kk, vals = kk[pos], vals[_on(vals, pos)]
    top = int(kk.max()) + 1 if kk.size else 0
    out = B.xp_of(buffer).zeros((max(n, top),) + buffer.shape[1:], buffer.dtype)
    out[:n] = buffer
    if kk.size:
        out[_on(out, kk)] = _on_device_of(out, vals)
    return out


def _rows_except(g, like, i):
    """``g``'s first ``len(like)`` rows with rows ``i`` zeroed (``_scatter_rows``'s gradient
    for its buffer: a row written over passes none)."""
    out = g[:like.shape[0]].copy()
    k = _rows_at(i)
    bad = _out_of_range(k, out.shape[0])
    if isinstance(k, int):
        if not bad:
            out[k] = 0
    elif k.size:
        out[_on(out, k[~bad])] = 0
    return out


def _pad_rows_except(h, like, i):
    """Zeros shaped as ``like`` holding ``h`` in its first rows, rows ``i`` zeroed
    (``_rows_except``'s adjoint)."""
    out = B.xp_of(h).zeros(like.shape, h.dtype)
    out[:h.shape[0]] = h
    return _rows_except(out, out, i)


def _pieces(v, k: int, length: int, check=True):
    """``v``'s rows as ``k`` pieces of ``length`` rows: ``[k, length, ...]``."""
    if v.shape[0] != k * length:
        if check and _checking():
            text = (f"Unused values in tensor. Length of tensor: {v.shape[0]} Values used: "
                    f"{k * length}" if v.shape[0] > k * length else
                    f"Attempting to slice [{(k - 1) * length}, {k * length}) from tensor "
                    f"with length {v.shape[0]}.")
            raise InvalidArgumentError(None, "TensorListSplit", text)
        return B.xp_of(v).zeros((k, length) + v.shape[1:], v.dtype)
    return v.reshape((k, length) + v.shape[1:]).copy()


def _joined(x, like=None, i=None):
    """``x``'s first two dimensions as one (a TensorArray's concat of equal pieces)."""
    return x.reshape((-1,) + x.shape[2:]).copy()


def _reshaped_as(g, like, i=None):
    """``g`` in the shape of ``like`` (``_joined``'s adjoint)."""
    return g.reshape(like.shape).copy()


def _rows_of(buffer):
    return B.xp_of(buffer).asarray(buffer.shape[0], np.int32)


def _linear(fn, name, adjoint, x: Tensor, like: Tensor, i) -> Tensor:
    z = _make(B.record_call(fn, x._value, like._value, i), x._dtype)
    if TAPES.recording:
        record(name, (x,), z, (lambda g: adjoint(g, x, i),))
    return z


def _take_rows_t(a: Tensor, i, op="TensorListGetItem") -> Tensor:
    z = _make(B.record_call(_take_rows, a._value, i, _checks(), op), a._dtype)
    if TAPES.recording:
        record(op, (a,), z, (lambda g: _put_rows_t(g, a, i),))
    return z


def _put_rows_t(g: Tensor, like: Tensor, i) -> Tensor:
    return _linear(_put_rows, "TensorListSetItem",
                   lambda h, _g, k: _take_rows_t(h, k, "TensorListGather"), g, like, i)


def _rows_except_t(g: Tensor, like: Tensor, i) -> Tensor:
    return _linear(_rows_except, "TensorListSetItemGrad",
                   lambda h, gg, k: _pad_rows_except_t(h, gg, k), g, like, i)


def _pad_rows_except_t(h: Tensor, like: Tensor, i) -> Tensor:
    return _linear(_pad_rows_except, "TensorListSetItemGradGrad",
                   lambda k_, hh, k: _rows_except_t(k_, hh, k), h, like, i)


def _scatter_t(buffer: Tensor, i, values: Tensor, grow: bool) -> Tensor:
    """``_scatter_rows`` recorded, differentiable in the buffer and the values."""
    z = _make(B.record_call(_scatter_rows, buffer._value, i, values._value, grow, _checks()),
              buffer._dtype)
    if TAPES.recording:
        # a value's gradient: its row of the upstream gradient (out of range: none)
        record("TensorListScatter", (buffer, values), z,
               (lambda g: _rows_except_t(g, buffer, i),
                lambda g: _take_rows_t(g, i, "TensorListGather")))
    return z


def _joined_t(x: Tensor) -> Tensor:
    return _linear(_joined, "TensorListConcat", lambda h, xx, _: _reshaped_as_t(h, xx),
                   x, x, None)


def _reshaped_as_t(g: Tensor, like: Tensor) -> Tensor:
    return _linear(_reshaped_as, "TensorListSplit", lambda h, _g, _: _joined_t(h),
                   g, like, None)


def _pieces_t(v: Tensor, k: int, length: int) -> Tensor:
    z = _make(B.record_call(_pieces, v._value, k, length, _checks()), v._dtype)
    if TAPES.recording:
        record("TensorListSplit", (v,), z, (lambda g: _joined_t(g),))
    return z


def _rows_counted(buffer, count: int) -> None:
    """TF's error for the stack of an array of fixed size ``count`` whose list holds another
    number of elements (an ``unstack`` or ``split`` of other rows in a staged loop)."""
    if buffer.shape[0] != count:
        raise InvalidArgumentError(None, "TensorListStack",
                                   _count_text(count, buffer.shape[0]))


def _fit_rows(x, like, n=None):
    """``x`` if it has ``n`` rows (None: as many as ``like``), else zeros of that many rows
    (only where ``_rows_counted`` raised, or in values a trace throws away). Always ``n``
    rows, so a stack of a fixed-size array has its size as its static rows."""
    n = like.shape[0] if n is None else n
    if x.shape[0] == n:
        return x.copy()
    return B.xp_of(x).zeros((n,) + x.shape[1:], x.dtype)


def _fit_rows_t(x: Tensor, like: Tensor, n=None) -> Tensor:
    return _linear(_fit_rows, "TensorListStack",
                   lambda g, xx, _: _fit_rows_t(g, xx, None), x, like, n)


def _counted_t(buffer: Tensor, count: int) -> Tensor:
    """The stack of a fixed-size array whose buffer's rows may be another number than its
    size ``count``: checked each time the program runs (as TF's TensorListStack checks its
    ``num_elements``), ``count`` rows."""
    if _checks():
        B.TRACER.effect(_rows_counted, (buffer._value, count))
    return _fit_rows_t(buffer, buffer, count)


# ---- pieces of several lengths (a split in a staged loop) ---------------------------------
# The buffer is the pieces joined along their first axis, [sum(lengths), ...], and beside it
# the pieces' lengths, an int32 vector [size]. Both are values known only when the program
# runs (as TF's list of (None, ...) elements): a write at a loop's index changes a piece's
# length, unstack their number. Every call below reads the lengths as it runs; a buffer the
# lengths may change has rows known only when the program runs (the seam's unknown_rows).

def _split_error(n: int, lengths) -> InvalidArgumentError:
    total = sum(lengths)
    if n > total:
        text = f"Unused values in tensor. Length of tensor: {n} Values used: {total}"
    else:
        start = 0
        for m in lengths:
            if start + m > n:
                break
            start += m
        text = f"Attempting to slice [{start}, {start + m}) from tensor with length {n}."
    return InvalidArgumentError(None, "TensorListSplit", text)


# The length of a piece no write has set: a write past the end of a dynamic_size array grows
# it with such pieces (TF's list elements left uninitialized). It holds no rows; concat
# refuses it (TF's concat has no length for it), read, gather and stack give zeros of the
# length writes fixed.
_UNSET = -1


def _partial_text(shape) -> str:
    """A shape as TF's PartialTensorShape prints it in its messages (``[?,2]``, ``<unknown>``)."""
    if shape is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _none_set(L) -> bool:
    """Whether every piece is unset (TF's list holds only uninitialized elements)."""
    return bool((_raw_lens(L) == _UNSET).all())


def _unset_lengths(n, on_gpu: bool = False):
    """The lengths of ``n`` unset pieces (``n`` known when the program runs)."""
    return (B.cupy() if on_gpu else np).full((int(n),), _UNSET, np.int32)


def _raw_lens(L, at_least: int = 0):
    """The lengths ``L`` on the host as int64, padded to ``at_least`` pieces with unset ones."""
    ln = np.asarray(B.to_host(L)).astype(np.int64).reshape(-1)
    if ln.size < at_least:
        ln = np.concatenate([ln, np.full(at_least - ln.size, _UNSET, np.int64)])
    return ln


def _lens(L, at_least: int = 0):
    """The pieces' rows (an unset piece has none) on the host, padded to ``at_least`` pieces,
    and each piece's first row: (rows, offsets) with ``len(offsets) == len(rows) + 1``."""
    ln = np.maximum(_raw_lens(L, at_least), 0)
    return ln, np.concatenate([[0], np.cumsum(ln)]).astype(np.int64)


def _lengths_like(L, values):
    """``values`` (host ints) as int32 on the device of ``L``."""
    return B.xp_of(L).asarray(np.asarray(values, np.int32))


def _shape_text(shape) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _checked_split(v, L, check=True):
    """``v`` split into pieces of lengths ``L``: the joined buffer is ``v`` itself (checked)."""
    ln = _raw_lens(L)
    if v.shape[0] != int(ln.sum()) or (ln < 0).any():
        if check and _checking():
            raise _split_error(v.shape[0], [int(m) for m in ln])
    return v.copy()


def _same_rows(g, like=None, i=None):
    return g.copy()


def _take_piece(F, L, i, check=True, fill=None, shape=_AS_STORED):
    """Piece ``i`` of the joined buffer ``F`` (out of range: TF's error, or unchecked, zero
    rows; an unset piece: ``fill`` zero rows, the length writes fixed; with none fixed and no
    piece set, TF's error naming the list's element ``shape``)."""
    ln, off = _lens(L)
    k, n = _rows_at(i), ln.size
    if not 0 <= k < n or off[-1] > F.shape[0]:
        if check and _checking() and not 0 <= k < n:
            raise InvalidArgumentError(None, "TensorListGetItem", f"Trying to access element "
                                       f"{k} in a list with {n} elements.")
        return B.xp_of(F).zeros((0,) + F.shape[1:], F.dtype)
    if _raw_lens(L)[k] == _UNSET:
        if fill is None and shape is not _AS_STORED and _none_set(L) and check and \
                _checking():
            raise InvalidArgumentError(
                None, "TensorListGetItem", "Trying to read an uninitialized tensor but "
                f"element_shape is not fully defined: {_partial_text(shape)} and no list "
                "element is set.")
        return B.xp_of(F).zeros((fill or 0,) + F.shape[1:], F.dtype)
    return F[off[k]:off[k + 1]].copy()


def _concat_pieces(F, L, check=True, shape=_AS_STORED):
    """The pieces joined (the buffer itself); an unset piece is TF's concat error (another one
    when none is set and the list's element ``shape`` is not known past its first dimension)."""
    unset = np.flatnonzero(_raw_lens(L) == _UNSET)
    if unset.size and check and _checking() and shape is not _AS_STORED and \
            unset.size == _raw_lens(L).size and (shape is None or None in shape[1:]):
        raise InvalidArgumentError(
            None, "TensorListConcatV2", "Trying to concat list with only uninitialized "
            "tensors but element_shape_except_first_dim is not fully defined: "
            f"{_partial_text(None if shape is None else shape[1:])}")
    if unset.size and check and _checking():
        raise InvalidArgumentError(None, "TensorListConcatV2", f"List contains uninitialized "
                                   f"tensor at index {int(unset[0])} but leading_dims has "
                                   "only 0 elements.")
    return F.copy()


def _put_piece(g, F, L, i):
    """Zeros shaped as ``F`` with ``g`` as piece ``i`` (``_take_piece``'s adjoint)."""
    out = B.xp_of(g).zeros(F.shape, g.dtype)
    ln, off = _lens(L)
    k = _rows_at(i)
    if 0 <= k < ln.size and off[k + 1] <= out.shape[0] and g.shape[0] == ln[k]:
        out[off[k]:off[k + 1]] = g
    return out


def _write_checks(k: int, n: int, grow: bool, check: bool) -> bool:
    """Whether a write at piece ``k`` of ``n`` is done (else TF's error, or unchecked, none)."""
    if k < 0 or (k >= n and not grow):
        if check and _checking():
            if k < 0:
                raise InvalidArgumentError(None, "TensorListSetItem", f"Writing to negative "
                                           f"indices (index {k}) is not allowed.")
            raise InvalidArgumentError(None, "TensorListSetItem", f"Trying to modify element "
                                       f"{k} in a list with {n} elements.")
        return False
    return True


def _splice(F, L, i, v, grow=False, check=True):
    """``F`` with piece ``i`` replaced by ``v`` (a write; a dynamic_size array grows with empty
    pieces to hold it)."""
    k = _rows_at(i)
    ln, off = _lens(L, k + 1 if grow and k >= 0 else 0)
    if not _write_checks(k, _lens(L)[0].size, grow, check) or off[-1] != F.shape[0]:
        return F.copy()
    xp = B.xp_of(F)
    return xp.concatenate([F[:off[k]], _on_device_of(F, v).astype(F.dtype), F[off[k + 1]:]])


def _set_length(L, i, rows, grow=False):
    """The lengths ``L`` after a write of ``rows`` rows at piece ``i``."""
    k = _rows_at(i)
    ln = _raw_lens(L, k + 1 if grow and k >= 0 else 0)     # the pieces grown past: unset
    if 0 <= k < ln.size:
        ln[k] = rows
    return _lengths_like(L, ln)


def _unsplice(g, L_new, i, L_old):
    """``g`` (laid out as ``L_new``) with piece ``i`` replaced by zeros of its length in
    ``L_old``: a write's gradient for the buffer it wrote into (a piece written over passes
    none). Its own adjoint is ``_unsplice(h, L_old, i, L_new)``."""
    k = _rows_at(i)
    ln_new, off_new = _lens(L_new, k + 1)
    ln_old, off_old = _lens(L_old, k + 1)
    xp = B.xp_of(g)
    if k < 0 or off_new[-1] != g.shape[0]:
        return xp.zeros((int(off_old[-1]),) + g.shape[1:], g.dtype)
    zeros = xp.zeros((int(ln_old[k]),) + g.shape[1:], g.dtype)
    return xp.concatenate([g[:off_new[k]], zeros, g[off_new[k + 1]:]])


def _piece_indices(L, idx):
    """The pieces ``idx`` selects (None: all) as a host int64 vector."""
    if idx is None:
        return np.arange(_lens(L)[0].size, dtype=np.int64)
    return np.atleast_1d(np.asarray(B.to_host(idx)).astype(np.int64)).reshape(-1)


def _count_text(want: int, got: int) -> str:
    return f"Operation expected a list with {want} elements but got a list with {got} elements."


def _stack_pieces(F, L, idx=None, check=True, count=None, expect=None, shape=_AS_STORED):
    """Pieces ``idx`` (None: all) stacked, ``[len(idx), length, ...]``: TF's error unless all
    have one length (its shapes merge), or an index is out of range, or (stack of an array of
    fixed ``count``) their number is another, or none is set and no length is known (the
    list's element ``shape`` is not fully defined); ``expect``: the length every piece must
    have."""
    ln, off = _lens(L)
    ks = _piece_indices(L, idx)
    n, xp = ln.size, B.xp_of(F)
    bad = (ks < 0) | (ks >= n)
    ok = check and _checking()
    if ok and expect is None and shape is not _AS_STORED and _none_set(L) and n:
        text = _partial_text(shape)
        raise InvalidArgumentError(None, "TensorListStack", "Tried to stack list which only "
                                   "contains uninitialized tensors and has a non-fully-"
                                   f"defined element_shape: {text}") if idx is None else \
            InvalidArgumentError(None, "TensorListGather", "Tried to gather uninitialized "
                                 "tensors from a list with non-fully-defined element_shape: "
                                 f"{text}")
    if count is not None and count != n and ok:
        raise InvalidArgumentError(None, "TensorListStack", _count_text(count, n))
    if bad.any():
        if ok:
            raise InvalidArgumentError(None, "TensorListGather", f"Trying to gather element "
                                       f"{int(ks[bad][0])} in a list with {n} elements.")
        return xp.zeros((ks.size, 0) + F.shape[1:], F.dtype)
    lens, unset = ln[ks], _raw_lens(L)[ks] == _UNSET     # unset pieces: zeros
    known = lens[~unset]
    first = expect if expect is not None else int(known[0]) if known.size else 0
    if known.size and (known != first).any():
        if ok:
            other = int(known[np.argmax(known != first)])
            tail = tuple(F.shape[1:])
            raise InvalidArgumentError(
                None, "TensorListStack" if idx is None else "TensorListGather",
                f"PartialTensorShape: Incompatible shapes during merge: "
                f"{_shape_text((first,) + tail)} vs. {_shape_text((other,) + tail)}")
        return xp.zeros((ks.size, first) + F.shape[1:], F.dtype)
    m = first
    if off[-1] != F.shape[0]:
        return xp.zeros((ks.size, m) + F.shape[1:], F.dtype)
    if not ks.size:
        return xp.zeros((0, m) + F.shape[1:], F.dtype)
    return xp.stack([xp.zeros((m,) + F.shape[1:], F.dtype) if gap else F[off[k]:off[k + 1]]
                     for k, gap in zip(ks, unset)])


def _unstack_pieces(g, F, L, idx=None):
    """Zeros shaped as ``F`` with ``g[j]`` added to piece ``idx[j]`` (``_stack_pieces``'s
    adjoint: a repeated index sums)."""
    ln, off = _lens(L)
    ks = _piece_indices(L, idx)
    out = B.xp_of(g).zeros(F.shape, g.dtype)
    if off[-1] != out.shape[0]:
        return out
    for j, k in enumerate(ks):
        if 0 <= k < ln.size and g.shape[1] == ln[k]:
            out[off[k]:off[k + 1]] += g[j]
    return out


def _equal_lengths(V):
    """The lengths of ``V``'s rows as pieces: ``V.shape[0]`` pieces of ``V.shape[1]`` rows."""
    return B.xp_of(V).full((V.shape[0],), V.shape[1], np.int32)


def _runtime_rows(z: Tensor, dims: int = 1) -> Tensor:
    """Mark ``z``'s first ``dims`` dimensions as known only when the program runs."""
    if type(z._value) is B.SYMBOLIC:
        B.TRACER.unknown_rows(z._value, dims)
    return z


def _split_t(v: Tensor, L: Tensor) -> Tensor:
    z = _runtime_rows(_make(B.record_call(_checked_split, v._value, L._value, _checks()),
                            v._dtype))
    if TAPES.recording:
        record("TensorListSplit", (v,), z, (lambda g: _same_rows_t(g),))
    return z


def _concat_pieces_t(F: Tensor, L: Tensor, shape=_AS_STORED) -> Tensor:
    _checked_when_run(_concat_pieces, F._value, L._value, True, shape)
    z = _make(B.record_call(_concat_pieces, F._value, L._value, _checks(), shape), F._dtype)
    if TAPES.recording:
        record("TensorListConcat", (F,), z, (lambda g: _same_rows_t(g),))
    return z


def _same_rows_t(g: Tensor) -> Tensor:
    z = _make(B.record_call(_same_rows, g._value), g._dtype)
    if TAPES.recording:
        record("TensorListConcat", (g,), z, (lambda h: _same_rows_t(h),))
    return z


def _take_piece_t(F: Tensor, L: Tensor, i, fill=None, shape=_AS_STORED) -> Tensor:
    z = _runtime_rows(_make(B.record_call(_take_piece, F._value, L._value, i, _checks(),
                                          fill, shape), F._dtype))
    if TAPES.recording:
        record("TensorListGetItem", (F,), z, (lambda g: _put_piece_t(g, F, L, i),))
    return z


def _put_piece_t(g: Tensor, F: Tensor, L: Tensor, i) -> Tensor:
    z = _make(B.record_call(_put_piece, g._value, F._value, L._value, i), g._dtype)
    if TAPES.recording:
        record("TensorListSetItem", (g,), z, (lambda h: _take_piece_t(h, L, i),))
    return z


def _splice_t(F: Tensor, L: Tensor, i, v: Tensor, grow: bool):
    """A write of ``v`` at piece ``i``: the new buffer and lengths, differentiable in the
    buffer and ``v``."""
    L_new = _make(B.record_call(_set_length, L._value, i, int(v.shape[0]), grow), dtypes.int32)
    if grow:
        _runtime_rows(L_new)
    z = _runtime_rows(_make(B.record_call(_splice, F._value, L._value, i, v._value, grow,
                                          _checks()), F._dtype))
    if TAPES.recording:
        record("TensorListSetItem", (F, v), z,
               (lambda g: _unsplice_t(g, L_new, i, L), lambda g: _take_piece_t(g, L_new, i)))
    return z, L_new


def _unsplice_t(g: Tensor, L_new: Tensor, i, L_old: Tensor) -> Tensor:
    z = _runtime_rows(_make(B.record_call(_unsplice, g._value, L_new._value, i, L_old._value),
                            g._dtype))
    if TAPES.recording:
        record("TensorListSetItemGrad", (g,), z, (lambda h: _unsplice_t(h, L_old, i, L_new),))
    return z


def _stack_pieces_t(F: Tensor, L: Tensor, idx=None, count=None, expect=None,
                    shape=_AS_STORED) -> Tensor:
    _checked_when_run(_stack_pieces, F._value, L._value, idx, True, count, expect, shape)
    z = _runtime_rows(_make(B.record_call(_stack_pieces, F._value, L._value, idx, _checks(),
                                          count, expect, shape), F._dtype), 2)
    if TAPES.recording:
        record("TensorListStack" if idx is None else "TensorListGather", (F,), z,
               (lambda g: _unstack_pieces_t(g, F, L, idx),))
    return z


def _unstack_pieces_t(g: Tensor, F: Tensor, L: Tensor, idx=None) -> Tensor:
    z = _make(B.record_call(_unstack_pieces, g._value, F._value, L._value, idx), g._dtype)
    if TAPES.recording:
        record("TensorListFromTensor", (g,), z,
               (lambda h: _stack_pieces_t(h, L, idx),))
    return z


def _index(i, what: str) -> int:
    if is_tensor(i):
        i = convert_to_tensor(i)
        if B.TRACING and type(i._value) is B.SYMBOLIC:
            raise NotImplementedError(
                f"minitf's TensorArray cannot {what} at an index that is only known when the "
                "tf.function runs (a tf.while_loop or `for i in tf.range(...)` counter): "
                "inside tf.function, loop over a Python range, or collect the values in a "
                "preallocated tensor with tf.tensor_scatter_nd_update")
        if not i.dtype.is_integer or i.shape != ():
            raise InvalidArgumentError(None, "TensorArray",
                                       f"TensorArray {what} index must be an int32 scalar, "
                                       f"got {i!r}")
        return int(i.numpy())
    if isinstance(i, bool) or not isinstance(i, int) and not hasattr(i, "__index__"):
        raise TypeError(f"TensorArray {what} index must be an integer, got {i!r}")
    return int(i)


class TensorArray:
    """A growable (``dynamic_size=True``) or fixed-size array of tensors of one dtype and one
    shape, written and read by index; see the module docstring for TF's rules.

    >>> import minitf as tf
    >>> ta = tf.TensorArray(tf.float32, size=2).unstack([[1., 2.], [3., 4.]])
    >>> ta.read(1).numpy()
    array([3., 4.], dtype=float32)"""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None,
                 _storage=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._buffer = None          # in a staged loop: every slot as one tensor (see above)
        self._n = None               # ... and the number of slots (int or traced tensor)
        self._lengths = None         # ... pieces of several lengths: their lengths (a tensor)
        # out of a converted ``if``: TF rebuilds the array from its list there, with no size of
        # its own (size() reads the list's length, stack() expects no count)
        self._unsized = False
        if _storage is not None:
            self._storage = _storage
            return
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is "
                             "enabled.")
        if _traced(size):
            # a size known when the program runs: held as one buffer from the start
            shape = None if element_shape is None else TensorShape(element_shape)
            self._storage = _Storage(0, shape)
            self._n = convert_to_tensor(size)
            return
        n = _index(size, "size")
        shape = None if element_shape is None else TensorShape(element_shape)
        self._storage = _Storage(n, shape)
        self._storage.static_size = None if self._dynamic_size else n

    def _with_storage(self) -> "TensorArray":
        return TensorArray(self._dtype, dynamic_size=self._dynamic_size,
                           clear_after_read=self._clear_after_read,
                           infer_shape=self._infer_shape, _storage=self._storage)

    # ---- as one tensor (in a loop AutoGraph stages) --------------------------------------
    @property
    def _buffered(self) -> bool:
        return self._n is not None

    def _from_buffer(self, buffer, lengths=None) -> "TensorArray":
        """A TensorArray like this one holding ``buffer`` (a loop's value of it: for pieces of
        several lengths, ``(buffer, lengths)`` or the two given apart)."""
        ta = TensorArray(self._dtype, dynamic_size=self._dynamic_size,
                         clear_after_read=self._clear_after_read,
                         infer_shape=self._infer_shape, _storage=self._storage)
        if isinstance(buffer, tuple):
            buffer, lengths = buffer
        ta._n, ta._buffer = self._n, buffer
        ta._lengths = self._lengths if lengths is None else lengths
        ta._unsized = self._unsized
        return ta

    def _after_cond(self, value) -> "TensorArray":
        """This array as it leaves a converted ``if`` on a traced value, holding ``value``
        (what the ``tf.cond`` returned for its buffer; for pieces of several lengths, the pair
        (joined pieces, lengths)). TF rebuilds the array from its list there, with no size of
        its own: size() then reads how many elements the list has, and stack() expects no
        count. Which branch ran decides the rows of both tensors of pieces, so they are known
        only when the program runs."""
        ta = self._from_buffer(value)
        ta._unsized = True
        if isinstance(value, tuple):
            _runtime_rows(ta._buffer)
            _runtime_rows(ta._lengths)
        return ta

    def _merge_piece_length(self, rows, shape) -> None:
        """Pieces of several lengths: as TF's graph array merges its element shape with each
        value written, the first write (unstack, scatter) of a value of known rows fixes the
        length, which stack and gather then expect of every piece; a later write of other rows
        (in a loop body, either branch of an ``if``) is TF's ValueError while tracing."""
        want = self._storage.piece_length
        if rows is None:
            return
        if want is None:
            self._storage.piece_length = rows
        elif rows != want:
            tail = list(self._storage.element_shape)[1:]
            raise ValueError(f"Inconsistent shapes: saw {TensorShape(shape)} but expected "
                             f"{TensorShape([want] + tail)} ")

    def _in_loop(self) -> "TensorArray":
        """This array as a staged loop carries it: its slots stacked into one tensor (made
        at the first write if the element shape is not known yet)."""
        if self._buffered:
            return self
        items = self._storage.items
        ta = self._from_buffer(None)
        ta._storage = _Storage(0, self._storage.element_shape)
        ta._storage.static_size = self._storage.static_size
        ta._n = len(items)
        shape = self._storage.element_shape
        if shape is not None and shape.is_fully_defined():
            ta._buffer = self.stack()
        elif items and all(x is not None for x in items) and shape is not None and \
                shape.rank and len({tuple(x.shape[1:]) for x in items}) == 1 and \
                len({x.shape[0] for x in items}) > 1:
            # pieces of several lengths (split before the loop): joined, their lengths beside
            from .ops.array_ops import concat
            lengths = [int(x.shape[0]) for x in items]
            ta._storage.element_shape = TensorShape([None] + list(items[0].shape[1:]))
            ta._storage.pieces = True
            ta._lengths = convert_to_tensor(lengths, dtypes.int32)
            ta._buffer = _split_t(concat(list(items), 0), ta._lengths)
        return ta

    def _loop_tensor(self) -> "Tensor | None":
        """The tensor a staged loop carries for this array (None while its element shape is
        unknown); for pieces of several lengths, the pair (joined pieces, lengths)."""
        ta = self._in_loop()
        buffer = ta._zero_buffer()
        if buffer is None or not ta._storage.pieces:
            return buffer
        return buffer, ta._lengths

    def _zero_buffer(self):
        if self._buffer is None and self._storage.pieces:
            # pieces of several lengths, none written: no rows, every length 0
            from .ops.array_ops import zeros
            shape = self._storage.element_shape
            if shape is None or not TensorShape(list(shape)[1:]).is_fully_defined():
                return None
            self._buffer = zeros([0] + list(shape)[1:], self._dtype)
            n = self._n
            # as TF's list: elements no write has set (uninitialized)
            self._lengths = _make(B.record_call(_unset_lengths, n._value,
                                                B.get_backend() == "cupy"), dtypes.int32) \
                if isinstance(n, Tensor) else convert_to_tensor(
                    np.full((n,), _UNSET, np.int32))
        if self._buffer is None:
            shape = self._storage.element_shape
            if shape is None or not shape.is_fully_defined():
                return None
            n = self._n
            if isinstance(n, Tensor):
                self._buffer = _make(B.record_call(_zeros_rows, n._value, tuple(shape),
                                                   self._dtype._np,
                                                   B.get_backend() == "cupy"), self._dtype)
            else:
                from .ops.array_ops import zeros
                self._buffer = zeros([n] + list(shape), self._dtype)
        return self._buffer

    def _buffer_write(self, index, value) -> "TensorArray":
        from .ops.array_ops import expand_dims
        from .ops.math_ops import where
        v = self._check_value(value)
        buffer = self._zero_buffer()
        i = convert_to_tensor(index)._value if isinstance(index, Tensor) else _index(index,
                                                                                      "write")
        if self._storage.pieces:        # the piece's length becomes v's
            if v.shape.rank == 0:
                raise ValueError("Shape must be at least rank 1 but is rank 0")
            self._merge_piece_length(v.shape[0], v.shape)
            return self._from_buffer(*_splice_t(buffer, self._lengths, i, v,
                                                self._dynamic_size))
        if self._dynamic_size:
            # as TF's list: a write past the end grows the array (the loop carries the buffer
            # with rows that may grow, function/control_flow.py)
            return self._from_buffer(_scatter_t(buffer, i, v, grow=True))
        mask = _make(B.record_call(_row_mask, buffer._value, i, _checks()), dtypes.bool)
        return self._from_buffer(where(mask, expand_dims(v, 0), buffer))

    def _element_shape_from(self, shape) -> None:
        """Check (or, unknown, set) the element shape against a value's rows' ``shape``."""
        want = self._storage.element_shape
        if want is not None and not TensorShape(shape).is_compatible_with(want):
            # TF's graph array's merge error (a staged loop is traced, never eager)
            raise ValueError(f"Inconsistent shapes: saw {TensorShape(shape)} but expected "
                             f"{TensorShape(want)} ")
        if want is None or not want.is_fully_defined():
            self._storage.element_shape = TensorShape(shape)

    def _buffer_unstack(self, v: Tensor) -> "TensorArray":
        """unstack in a staged loop, or into an array of traced size: as TF's graph list, the
        array becomes ``v``'s rows, whatever its size was (its size is ``v``'s rows)."""
        from .ops.math_ops import identity
        if v.shape.rank == 0:
            raise ValueError("Shape must be at least rank 1 but is rank 0")
        if self._storage.pieces:        # v's rows, all of one length, become the pieces
            self._element_shape_from([None] + list(v.shape[2:]) if v.shape.rank >= 2 else [])
            lengths = _make(B.record_call(_equal_lengths, v._value), dtypes.int32)
            if v.shape.rank >= 2:
                self._merge_piece_length(v.shape[1], v.shape[1:])
            return self._in_loop()._from_buffer(_runtime_rows(_joined_t(v)),
                                                _runtime_rows(lengths))
        self._element_shape_from(v.shape[1:])
        ta = self._in_loop()._from_buffer(identity(v))
        ta._n = _make(B.record_call(_rows_of, v._value), dtypes.int32) if _traced(v) else \
            int(v.shape[0])
        return ta

    def _buffer_scatter(self, indices, v: Tensor) -> "TensorArray":
        """scatter in a staged loop (at indices a trace knows only as it runs): the rows
        ``indices`` of the buffer set to ``v``'s rows; a dynamic_size array grows to hold
        them."""
        i = convert_to_tensor(indices, dtypes.int32)
        if not i.dtype.is_integer or i.shape.rank != 1:
            raise InvalidArgumentError(None, "TensorListScatter",
                                       f"indices must be a vector, got {i!r}")
        if v.shape.rank == 0:
            raise ValueError("Shape must be at least rank 1 but is rank 0")
        if self._storage.pieces:        # one write per index, in order (the last one wins)
            k = i.shape[0]
            if k is None or v.shape[0] is None:
                raise NotImplementedError(
                    "minitf's TensorArray.scatter into pieces of several lengths needs as "
                    "many indices as the trace knows")
            ta = self._in_loop()
            for j in range(k):
                ta = ta._buffer_write(i[j], v[j])
            return ta
        self._element_shape_from(v.shape[1:])
        buffer = self._zero_buffer()
        return self._from_buffer(_scatter_t(buffer, i._value, v, grow=self._dynamic_size))

    def _buffer_split(self, v: Tensor, lengths) -> "TensorArray":
        """split in a staged loop. Pieces of one length, known when tracing, are one row each
        of the buffer; pieces of several lengths (or lengths known only when the program runs)
        are held joined, their lengths beside them (as TF's list holds such pieces)."""
        if v.shape.rank == 0:
            raise ValueError("Shape must be at least rank 1 but is rank 0")
        traced = _traced(lengths) or _traced_list(lengths)
        sizes = None if traced else \
            [int(n) for n in convert_to_tensor(lengths).numpy().reshape(-1)]
        if traced or len(set(sizes)) > 1 or self._storage.pieces:
            want = self._storage.element_shape
            if traced and not self._storage.pieces and want is not None and \
                    want.is_fully_defined():
                raise NotImplementedError(
                    "minitf's TensorArray.split inside a loop AutoGraph stages takes lengths "
                    "known only when the program runs into an array whose element shape is "
                    "not fully known (element_shape=[None, ...])")
            for m in ([None] if traced else sizes):
                if want is not None and not TensorShape(
                        [m] + list(v.shape[1:])).is_compatible_with(want):
                    raise ValueError(f"Incompatible shape for value "
                                     f"({tuple([m] + list(v.shape[1:]))}), expected "
                                     f"({tuple(want)})")
            self._storage.element_shape = TensorShape([None] + list(v.shape[1:]))
            self._storage.pieces = True
            L = convert_to_tensor(lengths, dtypes.int32)
            if L.shape.rank != 1:
                L = _make(B.record_call(np.reshape, L._value, (-1,)), dtypes.int32)
            ta = self._in_loop()._from_buffer(_split_t(v, L), L)
            ta._n = len(sizes) if sizes is not None and L.shape[0] is not None else \
                _make(B.record_call(_rows_of, L._value), dtypes.int32)
            return ta
        length = sizes[0] if sizes else 0
        self._element_shape_from([length] + list(v.shape[1:]))
        ta = self._in_loop()._from_buffer(_pieces_t(v, len(sizes), length))
        ta._n = len(sizes)
        return ta

    def _index_value(self, index, what: str):
        """An index in a staged loop: a traced value as it is, else a Python int."""
        if is_tensor(index):
            t = convert_to_tensor(index)
            if B.TRACING and type(t._value) is B.SYMBOLIC:
                return t._value
        return _index(index, what)

    def _buffer_value(self) -> Tensor:
        buffer = self._zero_buffer()
        if buffer is None:
            raise ValueError("Cannot convert a partially known TensorShape <unknown> to a "
                             "Tensor.")
        return buffer

    # ---- properties ---------------------------------------------------------------------------
    @property
    def dtype(self):
        """The dtype of every element."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writes beyond the size grow the array."""
        return self._dynamic_size

    @property
    def element_shape(self):
        """The elements' shape (a TensorShape), or None while no write has fixed it."""
        storage = self._storage
        if storage.pieces and storage.piece_length is not None:   # merged, as TF's graph array
            return TensorShape([storage.piece_length] + list(storage.element_shape)[1:])
        return storage.element_shape

    def size(self, name=None) -> Tensor:
        """The number of slots, as an int32 scalar tensor."""
        static = None if self._unsized else self._storage.static_size
        if self._buffered:
            if self._storage.pieces and static is not None:     # as TF's graph array
                return convert_to_tensor(static, dtypes.int32)
            if self._storage.pieces and self._zero_buffer() is not None:
                L = self._lengths               # as many as it has lengths
                return _make(B.record_call(_rows_of, L._value), dtypes.int32) if \
                    type(L._value) is B.SYMBOLIC else convert_to_tensor(int(L.shape[0]),
                                                                        dtypes.int32)
            if self._dynamic_size and self._buffer is not None:     # its rows as it runs
                return _make(B.record_call(_rows_of, self._buffer._value), dtypes.int32)
            # a fixed size stays what it was given, after an unstack of other rows too (TF's
            # graph array; its stack() then raises)
            return convert_to_tensor(self._n if static is None else static, dtypes.int32)
        if static is not None and _tracing():   # TF's graph array: the size it was given
            return convert_to_tensor(static, dtypes.int32)
        return convert_to_tensor(len(self._storage.items), dtypes.int32)

    # ---- writing ------------------------------------------------------------------------------
    def _check_value(self, value, merge=False) -> Tensor:
        """``value`` as a tensor of the array's dtype, checked against its element shape. With
        ``merge`` (a write outside staged loops, ``infer_shape`` on) the element shape becomes
        the merge of the two, as TF's arrays keep it: a partly known one (``[None]``) is fixed
        by the first write and refuses other rows afterwards."""
        if is_tensor(value):
            v = convert_to_tensor(value)
            if v.dtype is not self._dtype:
                # TF's message, its trailing space included
                raise InvalidArgumentError(
                    None, "TensorArrayWrite", f"TensorArray dtype is {self._dtype.name} but Op "
                    f"is trying to write dtype {v.dtype.name} ")
        else:
            v = convert_to_tensor(value, self._dtype)
        want = self._storage.element_shape
        if want is not None and not TensorShape(v.shape).is_compatible_with(want):
            if _tracing():      # TF's graph array merges shapes as it builds the program
                raise ValueError(f"Inconsistent shapes: saw {TensorShape(v.shape)} but "
                                 f"expected {TensorShape(want)} ")
            raise ValueError(f"Incompatible shape for value ({tuple(v.shape)}), expected "
                             f"({tuple(want)})")
        if want is None and self._infer_shape:
            self._storage.element_shape = TensorShape(v.shape)
        elif merge and self._infer_shape and not want.is_fully_defined():
            # compatible, so of one rank (or none known): each unknown dimension takes the
            # value's
            self._storage.element_shape = TensorShape(v.shape) if want.rank is None else \
                TensorShape([d if d is not None else e for d, e in zip(want, v.shape)])
        return v

    def write(self, index, value, name=None) -> "TensorArray":
        """Store ``value`` (converted to the dtype) at ``index``; returns the TensorArray to use
        from now on. A negative index, or one past a fixed size, is an OutOfRangeError.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.int32, size=2).write(1, 7).stack().numpy()
        array([0, 7], dtype=int32)"""
        return self._write(index, value)

    def _write(self, index, value, merge=True) -> "TensorArray":
        """``write``; ``merge`` False leaves the element shape as it is (``split``'s pieces
        may differ in their first dimension)."""
        if self._buffered or _traced(index):
            return self._in_loop()._buffer_write(index, value)
        i = _index(index, "write")
        items = self._storage.items
        if i < 0:
            raise OutOfRangeError(None, "TensorArrayWrite",
                                  f"Writing to negative indices (index {i}) is not allowed.")
        if i >= len(items):
            if not self._dynamic_size:
                raise OutOfRangeError(None, "TensorArrayWrite",
                                      f"Tried to write to index {i} but array is not resizeable "
                                      f"and size is: {len(items)}")
            items.extend([None] * (i + 1 - len(items)))
        items[i] = self._check_value(value, merge=merge)
        self._storage.cleared.discard(i)
        return self._with_storage()

    def unstack(self, value, name=None) -> "TensorArray":
        """Write the slices of ``value`` along its first axis to slots 0, 1, ...

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=0, dynamic_size=True).unstack([1., 2.]).size()
        <tf.Tensor: shape=(), dtype=int32, numpy=2>"""
        from .ops.array_ops import unstack as unstack_
        v = self._check_rows(value)
        if self._buffered:
            return self._buffer_unstack(v)
        eager = not _tracing()
        if eager and v.shape.rank == 0:
            raise ValueError("Argument `axis` = 0 not in range [0, 0)")     # TF's unstack's
        n = v.shape[0] if v.shape else 0
        if n > len(self._storage.items) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size "
                             f"{len(self._storage.items)} ")        # TF's, its space too
        # as TF's: the array becomes v's rows (a larger array keeps no slots beyond them)
        self._storage.items = [None] * n
        self._storage.cleared = set()
        rows = unstack_(v) if n else []
        if eager:
            # TF's eager array takes the rows as they are: no check against the element shape,
            # which stays as it was (a later write is checked against that, and stack() of rows
            # of several shapes is Pack's error)
            self._storage.items = list(rows)
            return self._with_storage()
        ta = self
        for i, row in enumerate(rows):
            ta = ta.write(i, row)
        return ta._with_storage()

    def _check_rows(self, value) -> Tensor:
        if is_tensor(value):
            v = convert_to_tensor(value)
            if v.dtype is not self._dtype:
                raise InvalidArgumentError(
                    None, "TensorArrayScatter", f"TensorArray dtype is {self._dtype.name} but "
                    f"Op is trying to write dtype {v.dtype.name} ")    # TF's, its space too
            return v
        return convert_to_tensor(value, self._dtype)

    def scatter(self, indices, value, name=None) -> "TensorArray":
        """Write ``value[k]`` to slot ``indices[k]`` for each k.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=3).scatter([2, 0], [1., 2.]).stack().numpy()
        array([2., 0., 1.], dtype=float32)"""
        from .ops.array_ops import unstack as unstack_
        if not _tracing() and not is_tensor(value):
            # TF's eager scatter converts a Python or NumPy value by its own dtype (floats to
            # float32, ints to int32), not the array's, and then refuses another dtype
            value = convert_to_tensor(value)
        v = self._check_rows(value)
        if self._buffered or _traced(indices) or _traced_list(indices):
            return self._in_loop()._buffer_scatter(indices, v)
        idx = [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
        ta = self
        for i, row in zip(idx, unstack_(v) if idx else []):
            ta = ta.write(i, row)
        return ta._with_storage()

    def split(self, value, lengths, name=None) -> "TensorArray":
        """Write consecutive pieces of ``value`` (along its first axis) of the given
        ``lengths`` to slots 0, 1, ...

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=2).split([1., 2., 3.], [1, 2]).read(1).numpy()
        array([2., 3.], dtype=float32)"""
        from .ops.array_ops import split as split_
        v = self._check_rows(value)
        if self._buffered:
            return self._buffer_split(v, lengths)
        lengths_t = convert_to_tensor(lengths)
        sizes = [int(n) for n in lengths_t.numpy().reshape(-1)]
        if not _tracing():
            # TF's eager array checks the call as a whole before it splits (its words, their
            # trailing spaces included)
            if lengths_t.shape.rank != 1:
                raise InvalidArgumentError(None, "TensorArraySplit", "Expected lengths to be a "
                                           f"vector, received shape: {list(lengths_t.shape)} ")
            if v.shape.rank == 0:
                raise InvalidArgumentError(None, "TensorArraySplit", "Expected value to be at "
                                           "least a vector, but received shape: [] ")
            if sum(sizes) != v.shape[0]:
                raise InvalidArgumentError(
                    None, "TensorArraySplit", "Expected sum of lengths to be equal to "
                    f"values.shape[0], but sum of lengths is {sum(sizes)} and value's shape "
                    f"is: {list(v.shape)} ")
            if not self._dynamic_size and len(sizes) != len(self._storage.items):
                raise InvalidArgumentError(
                    None, "TensorArraySplit", "TensorArray's size is not equal to the size of "
                    f"lengths ({len(self._storage.items)} vs. {len(sizes)}), and the "
                    "TensorArray is not marked as dynamically resizeable.")
            # as TF's: the array becomes the pieces (a dynamic_size one keeps no more slots)
            self._storage.cleared = set()
            # nor does it check the pieces against its element shape, which stays as it was
            self._storage.items = list(split_(v, sizes)) if sizes else []
            return self._with_storage()
        if self._storage.element_shape is None:     # pieces differ in their first dimension
            self._storage.element_shape = TensorShape([None] + list(v.shape[1:]))
        ta = self
        for i, piece in enumerate(split_(v, sizes) if sizes else []):
            ta = ta._write(i, piece, merge=False)   # each piece checked, none merged
        if _tracing() and self._infer_shape and sizes and len(set(sizes)) == 1:
            # TF's graph array merges its element shape with the pieces' when they have one
            # length (a later write of other rows is its "Inconsistent shapes")
            ta._check_value(ta._storage.items[0], merge=True)
        return ta._with_storage()

    # ---- reading ------------------------------------------------------------------------------
    def _zeros(self) -> Tensor:
        from .ops.array_ops import zeros
        shape = self._storage.element_shape
        if shape is None or not shape.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape <unknown> to a "
                             "Tensor.")
        return zeros(list(shape), self._dtype)

    def _get(self, i: int) -> Tensor:
        """Slot ``i``, zeros if empty. As TF's eager TensorArray, the zeros are stored: a slot
        cleared by a read and then stacked holds zeros afterwards (readable again)."""
        item = self._storage.items[i]
        if item is None:
            item = self._storage.items[i] = self._zeros()
            self._storage.cleared.discard(i)
        return item

    def read(self, index, name=None) -> Tensor:
        """The tensor at ``index`` (zeros if never written). With ``clear_after_read`` (the
        default) a second read of one slot is an InvalidArgumentError, as in TF.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=2, element_shape=[2]).read(0).numpy()
        array([0., 0.], dtype=float32)"""
        from .ops.math_ops import identity
        if not self._buffered and _traced(index):
            # an array from before a staged loop, read at its index: as one tensor
            return self._in_loop().read(index)
        if self._buffered:
            if self._storage.pieces:        # a piece of its own length
                return _take_piece_t(self._buffer_value(), self._lengths,
                                     self._index_value(index, "read"),
                                     self._storage.piece_length, self._storage.list_shape)
            # a recorded row read whose gradient takes the buffer's rows when it runs
            return _take_rows_t(self._buffer_value(), self._index_value(index, "read"))
        i = _index(index, "read")
        n = len(self._storage.items)
        if not 0 <= i < n:
            raise OutOfRangeError(None, "TensorArrayRead",
                                  f"Tried to read from index {i} but array size is: {n}")
        if i in self._storage.cleared:
            raise InvalidArgumentError(
                None, "TensorArrayRead", f"Could not read index {i} twice because it was "
                "cleared after a previous read (perhaps try setting clear_after_read = false?)")
        value = self._get(i)
        if self._clear_after_read:      # the slot empties: stack() then sees zeros there
            self._storage.items[i] = None
            self._storage.cleared.add(i)
        return identity(value)

    def stack(self, name=None) -> Tensor:
        """All elements stacked along a new first axis (zeros for unwritten slots).

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack().shape
        TensorShape([0, 2])"""
        from .ops.array_ops import stack as stack_, zeros
        if self._buffered:
            from .ops.math_ops import identity
            if self._storage.pieces:        # TF's error unless the pieces have one length
                return _stack_pieces_t(self._buffer_value(), self._lengths,
                                       count=None if self._unsized else
                                       self._storage.static_size,
                                       expect=self._storage.piece_length,
                                       shape=self._storage.list_shape)
            b = self._buffer_value()
            static = None if self._unsized else self._storage.static_size
            if static is not None and (b.shape[0], b._static_shape()[0]) != (static, static):
                return _counted_t(b, static)    # unstacked other rows: TF's error when run
            return identity(b)
        items = self._storage.items
        if _tracing() and items:
            static = self._storage.static_size
            if static is not None and static != len(items):
                _count_checked(static, len(items))          # when the program runs too:
                _checked_when_run(_count_checked, static, len(items))   # a loop body's
            if all(x is not None for x in items) and \
                    len({tuple(x.shape) for x in items}) > 1:
                return self._in_loop().stack()      # TF's graph error: shapes that differ
        if not items:
            shape = self._storage.element_shape
            return zeros([0] + (list(shape) if shape is not None else []), self._dtype)
        return stack_([self._get(i) for i in range(len(items))])

    def gather(self, indices, name=None) -> Tensor:
        """The elements at ``indices``, stacked.

        >>> import minitf as tf
        >>> ta = tf.TensorArray(tf.float32, size=2).write(0, 1.).write(1, 2.)
        >>> ta.gather([1, 0]).numpy()
        array([2., 1.], dtype=float32)"""
        from .ops.array_ops import stack as stack_
        if self._buffered:
            i = convert_to_tensor(indices, dtypes.int32)
            if not i.dtype.is_integer or i.shape.rank != 1:
                raise InvalidArgumentError(None, "TensorListGather",
                                           f"indices must be a vector, got {i!r}")
            if self._storage.pieces:        # TF's error unless the pieces have one length
                return _stack_pieces_t(self._buffer_value(), self._lengths, i._value,
                                       expect=self._storage.piece_length,
                                       shape=self._storage.list_shape)
            return _take_rows_t(self._buffer_value(), i._value, "TensorListGather")
        if _traced(indices) or _traced_list(indices):     # indices known when it runs
            return self._in_loop().gather(indices)
        idx = [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
        items = self._storage.items
        n = len(items)
        for i in idx:
            if not 0 <= i < n:
                raise OutOfRangeError(None, "TensorArrayGather",
                                      f"Tried to read from index {i} but array size is: {n}")
        if _tracing() and all(x is not None for x in items) and \
                len({tuple(items[i].shape) for i in idx}) > 1:
            return self._in_loop().gather(indices)     # TF's graph error: shapes that differ
        return stack_([self._get(i) for i in idx])

    def concat(self, name=None) -> Tensor:
        """All elements joined along their first axis.

        >>> import minitf as tf
        >>> ta = tf.TensorArray(tf.float32, size=2).write(0, [1., 2.]).write(1, [3., 4.])
        >>> ta.concat().numpy()
        array([1., 2., 3., 4.], dtype=float32)"""
        from .ops.array_ops import concat as concat_
        if self._buffered:
            b = self._buffer_value()
            if self._storage.pieces:        # the pieces, joined already
                return _concat_pieces_t(b, self._lengths, self._storage.list_shape)
            if b.shape.rank is not None and b.shape.rank < 2:
                raise ValueError("Concat saw a scalar shape at index 0 but requires at least "
                                 "vectors.")
            return _joined_t(b)
        return concat_([self._get(i) for i in range(len(self._storage.items))], 0)

    # ---- the rest of TF's interface -----------------------------------------------------------
    def identity(self) -> "TensorArray":
        """The same array (TF uses it to order graph ops; eager has nothing to order)."""
        return self._with_storage()

    def close(self, name=None) -> None:
        """Release the elements (TF's eager close does nothing visible either)."""

    def mark_used(self) -> None:
        """Accepted for TF compatibility (TF's unused-TensorArray warning)."""

    def __repr__(self) -> str:
        if self._buffered:
            return (f"<minitf.TensorArray dtype={self._dtype.name} size={self._n} "
                    f"dynamic_size={self._dynamic_size}>")
        return (f"<minitf.TensorArray dtype={self._dtype.name} size="
                f"{len(self._storage.items)} dynamic_size={self._dynamic_size}>")
