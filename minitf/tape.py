"""GradientTape: recording ops as they run, and replaying them backwards.

How it works, in three steps (see docs/how-gradienttape-works.md for the guided tour):

1. **Recording.** ``TAPES.recording`` lists the tapes that are recording now *in this thread*
   (as in TF, the tape stack is per thread: a tape records only the ops its own thread runs).
   Every differentiable op, after computing its result, runs ``if TAPES.recording: record(...)``.
   ``record`` asks each tape whether any input is one of its *watched* tensor ids; if so the tape
   appends a ``Record`` (op name, inputs, outputs, one vector-Jacobian product per input) and
   watches the outputs.
2. **Pruning.** ``gradient`` first sweeps the records forwards to find every tensor reachable from
   a source: only those need adjoints.
3. **The backward pass** walks the records in reverse (recording order is a topological order),
   sums the adjoints each output received, calls the VJPs of the inputs that need one, and sums
   broadcast gradients back to the input's shape in one helper (``_sum_to_shape``). VJPs are
   written with minitf ops, so an outer tape records them: that is how nested tapes give
   second derivatives.

>>> import minitf as tf
>>> x = tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     y = x * x
>>> print(tape.gradient(y, x))
tf.Tensor(6.0, shape=(), dtype=float32)
"""
from __future__ import annotations

import contextlib
import enum
import logging
from typing import Any

import numpy as np

from . import _backend as B
from . import dtypes, nest
from .errors import invalid_argument
# Recording lives in record.py (ops import it without importing this module); its names are
# re-exported here, where code has always found them.
from .record import (TAPES, Record, _set_recording, _user_line,  # noqa: F401
                     numpy_read, record, record_cut, suspended_tapes, variable_accessed)
from .tensor import (EagerTensor, Tensor, _HoldsArray, _make, convert_to_tensor, is_tensor,
                     is_variable)


_log = logging.getLogger("minitf")
_int_watch_warnings = 0

_NON_PERSISTENT_MSG = ("A non-persistent GradientTape can only be used to compute one set of "
                       "gradients (or jacobians)")


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""
    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations for automatic differentiation, with TensorFlow's semantics.

    * Trainable Variables read inside the ``with`` block are watched automatically
      (``watch_accessed_variables=False`` turns that off); other tensors need ``tape.watch``.
    * A non-persistent tape gives one ``gradient`` (or ``jacobian``) call, then frees what it held.
    * Tapes nest: an outer tape records the inner tape's gradient computation, so
      ``outer.gradient(inner.gradient(y, x), x)`` is a second derivative.

    >>> import minitf as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as t2:
    ...     t2.watch(x)
    ...     with tf.GradientTape() as t1:
    ...         t1.watch(x)
    ...         y = x ** 3
    ...     dy = t1.gradient(y, x)
    >>> float(dy), float(t2.gradient(dy, x))
    (27.0, 18.0)
    """

    _forward = False    # tape.record: a tape keeps the op (a ForwardAccumulator says True)

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._records: list | None = None
        self._watched: set | None = None
        self._watched_vars: dict = {}
        self._recording = False
        self._used = False
        self._cut: dict = {}            # id -> (op, input ids, line) of a non-differentiable op
                                        # that cut a watched path
        self._marks: list = []          # tensor-id clock at each start/stop of recording
        self._numpy_reads: dict = {}    # Variable id -> line of a .numpy() read while recording
        self._spent_watched = None      # the watched ids, kept (ints only) once records are freed
        self._spent_links = None        # the records as (input ids, output ids), kept by a
                                        # non-persistent gradient() that returned a None
        self._watch_reasons: dict = {}  # id -> why it is watched (for minitf.explain)
        self._level = None              # how many tapes were recording when this one started
        self._stack = None              # the thread's list of recording tapes it is in

    # ---- context ---------------------------------------------------------------------------
    def _repr_html_(self) -> str | None:
        """A notebook's table of the recorded ops once recording ended (minitf's own; see
        tensor.register_html_display)."""
        from .tensor import html_display
        return html_display("tape", self)

    def __enter__(self) -> "GradientTape":
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        if self._records is None:
            self._records, self._watched = [], set()
        self._level = len(TAPES.recording)
        _set_recording(self, True)
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            _set_recording(self, False)

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops run inside this block are not recorded by this tape."""
        if not self._recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        _set_recording(self, False)
        try:
            yield
        finally:
            _set_recording(self, True)

    def reset(self) -> None:
        """Forget everything recorded so far; the tape keeps recording if it was."""
        self._records, self._watched, self._watched_vars = [], set(), {}
        self._cut, self._watch_reasons, self._numpy_reads = {}, {}, {}
        self._used = False

    # ---- watching --------------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Watch a tensor, a Variable, or a nested structure of them."""
        global _int_watch_warnings
        if self._watched is None:
            raise AttributeError("GradientTape.watch() needs a tape that has been entered "
                                 "(use `with tf.GradientTape() as tape:`)")
        for t in nest.flatten(tensor):
            if is_variable(t):
                self._watch_variable(t)
                continue
            if not isinstance(t, Tensor):
                raise ValueError(f"Passed in object {t!r} of type '{type(t).__name__}', not "
                                 f"tf.Tensor or tf.Variable or ExtensionType.")
            if not t._dtype._grad:
                if _int_watch_warnings < 5:
                    _int_watch_warnings += 1
                    _log.warning("The dtype of the watched tensor must be floating (e.g. "
                                 "tf.float32), got %r", t._dtype)
                continue
            self._watched.add(t._id)
            self._watch_reasons[t._id] = "watched explicitly"

    def _watch_variable(self, var, reason: str = "watched explicitly") -> None:
        vid = var._id
        if vid in self._watched_vars:      # every read after the first (a layer's weights)
            if vid in self._watched or not var._dtype._grad:
                return
        else:
            self._watched_vars[vid] = var
            self._watch_reasons.setdefault(vid, reason)
        if var._dtype._grad:
            self._watched.add(vid)

    def watched_variables(self) -> tuple:
        """The Variables this tape watches, in order of first access."""
        return tuple(self._watched_vars.values())

    # ---- gradients -------------------------------------------------------------------------
    def _begin_backward(self, kind: str) -> list:
        if self._records is None or (self._used and not self._persistent):
            raise RuntimeError(_NON_PERSISTENT_MSG)
        if self._recording:
            if not self._persistent:
                _set_recording(self, False)   # TF pops a non-persistent tape here
            else:
                _log.warning("Calling GradientTape.%s on a persistent tape inside its context is "
                             "less efficient than calling it outside the context (it causes the "
                             "gradient ops to be recorded on the tape, leading to increased CPU "
                             "and memory usage). Only call it inside the context if you actually "
                             "want to trace the gradient in order to compute higher order "
                             "derivatives.", kind)
        self._used = True
        # A snapshot: a persistent tape may record the backward pass's own ops while it runs.
        return list(self._records)

    def _end_backward(self) -> None:
        if not self._persistent:
            self._spent_watched = self._watched   # ids only: why_none can still diagnose
            self._records = self._watched = None  # watched_variables() stays answerable

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of ``target`` (summed over all its elements and list items) with respect
        to each source. The result has the structure of ``sources``.

        ``output_gradients`` weights the sum: one seed per target (in ``nest.flatten`` order),
        of the target's shape or one that broadcasts to it, so ``sum(seed * target)`` is
        differentiated. Arguments are checked as TF checks them, before the tape is used up:
        targets and sources must be Tensors or Variables (a string, None or 2.5 is a TypeError;
        a NumPy value, a DType or a number TF reads as a dtype code, such as 3, an
        AttributeError), and a None among the seeds is a ValueError. Where TF is silent minitf
        refuses too: a seed of another shape is an InvalidArgumentError (TF hands it to the op's
        gradient unchecked, which mostly raises that, but for some ops returns a gradient of the
        wrong shape), and a seed count that differs from the target count is a ValueError (TF
        seeds missing targets with ones).

        >>> import minitf as tf
        >>> x = tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     y = [x * x, 5 * x]
        >>> float(tape.gradient(y, x))   # d/dx (x**2 + 5x) = 2x + 5
        11.0
        """
        if self._records is None or (self._used and not self._persistent):
            raise RuntimeError(_NON_PERSISTENT_MSG)
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, "
                            "Variables or CompositeTensors to be differentiated, but received "
                            "None.")
        unconnected = unconnected_gradients if type(unconnected_gradients) is \
            UnconnectedGradients else UnconnectedGradients(unconnected_gradients)
        flat_targets = [target] if type(target) is EagerTensor else nest.flatten(target)
        flat_sources = nest.flatten(sources)
        _check_tensors(flat_targets, "target")
        _check_tensors(flat_sources, "sources")
        seeds = _seeds(output_gradients, len(flat_targets))
        watched = self._watched
        records = self._begin_backward("gradient")
        try:
            targets = list(map(_as_tensor, flat_targets))
            # A source needs only an id, a dtype and a value (for a stand-in): a Variable
            # has them, so it is used as it is, without a snapshot of its value.
            srcs = []
            for s in flat_sources:
                srcs.append(s if isinstance(s, _HoldsArray) else _as_tensor(s))
            srcs = _on_tape(srcs, targets, watched)
            grads = imperative_grad(records, targets, seeds, srcs, unconnected)
            if not self._persistent and _has_none(grads):
                # Only when a None comes back (the case why_none is asked about): the graph as
                # ids, so it can still be followed once the records are freed.
                self._spent_links = [(tuple(x._id for x in r.inputs),
                                      tuple(y._id for y in r.outputs)) for r in records]
        finally:
            self._end_backward()
        return nest.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """The full Jacobian: ``result.shape == target.shape + source.shape`` for each source.

        >>> import minitf as tf
        >>> x = tf.constant([1., 2., 3.])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x[:2] * [2., 2.]
        >>> tape.jacobian(y, x).numpy().tolist()
        [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
        """
        from .ops import array_ops as A
        watched = self._watched
        records = self._begin_backward("jacobian")
        try:
            unconnected = UnconnectedGradients(unconnected_gradients)
            y = _as_tensor(target)
            flat_sources = nest.flatten(sources)
            srcs = _on_tape([_as_tensor(s) for s in flat_sources], [y], watched)
            n = y._value.size
            rows: list = [[] for _ in srcs]
            connected = [False] * len(srcs)
            for i in range(n):
                seed = A._one_hot_seed(y, i)
                gs = imperative_grad(records, [y], [seed], srcs, UnconnectedGradients.NONE)
                for j, g in enumerate(gs):
                    if g is not None:
                        connected[j] = True
                    rows[j].append(g)
            out = []
            for j, s in enumerate(srcs):
                shape = tuple(y.shape) + tuple(s.shape)
                if not connected[j]:
                    out.append(A.zeros(shape, s.dtype) if unconnected is UnconnectedGradients.ZERO
                               else None)
                    continue
                parts = [A.zeros_like(s) if g is None else g for g in rows[j]]
                out.append(A.reshape(A.stack(parts), shape) if parts else A.zeros(shape, s.dtype))
        finally:
            self._end_backward()
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: for target (B, ...) and source (B, ...) the result has shape
        ``(B,) + target.shape[1:] + source.shape[1:]``. Like TF, it assumes example b of the
        target depends only on example b of the source."""
        from .ops import array_ops as A
        y = _as_tensor(target)
        x = _as_tensor(source)
        if y._value.ndim < 2:
            raise ValueError(f"Shape {y.shape} must have rank at least 2")
        if self._records is None or (self._used and not self._persistent):
            raise RuntimeError(_NON_PERSISTENT_MSG.replace("used to compute", "used tocompute"))
        watched = self._watched
        records = self._begin_backward("batch_jacobian")
        (x,) = _on_tape([x], [y], watched)
        try:
            unconnected = UnconnectedGradients(unconnected_gradients)
            b = y._value.shape[0]
            inner = int(y._value.size // b) if b else 0
            cols, connected = [], False
            for k in range(inner):
                seed = A._batch_one_hot_seed(y, k)
                (g,) = imperative_grad(records, [y], [seed], [x], UnconnectedGradients.NONE)
                connected |= g is not None
                cols.append(A.zeros_like(x) if g is None else g)
            shape = (b,) + tuple(y.shape[1:]) + tuple(x.shape[1:])
            if not connected:
                return (A.zeros(shape, x.dtype) if unconnected is UnconnectedGradients.ZERO
                        else None)
            return A.reshape(A.stack(cols, axis=1), shape)
        finally:
            self._end_backward()


def _has_none(items: list) -> bool:
    for g in items:
        if g is None:
            return True
    return False


def _on_tape(srcs: list, targets: list, watched) -> list:
    """The sources as the backward pass should see them. As in TF, only a tensor the tape
    knows (watched, a Variable it read, or an op's output it recorded) receives a gradient: a
    constant that merely fed a recorded op gets None (zeros with ``unconnected_gradients=
    "zero"``), even though the op's VJP could compute one. A source that is itself a target
    keeps its identity (TF seeds it with ones, watched or not). The others are replaced by a
    stand-in with a fresh id, which nothing on the tape references."""
    target_ids = set()
    for t in targets:
        target_ids.add(t._id)
    out = []
    for s in srcs:
        out.append(s if s._id in watched or s._id in target_ids else _make(s._value, s._dtype))
    return out


_is_tensor = is_tensor


# TF reads a Python number as a code of its DataType enum (TF 2.21: 1-33, and 101-133 for the
# reference types), so 3 or 3.0 "names" int32 while 0, 2.5 or 1000 name nothing.
_TF_DTYPE_CODES = frozenset(range(1, 34)) | frozenset(range(101, 134))


def _names_a_dtype(x) -> bool:
    """Whether TF can read a dtype from ``x``: NumPy values and types, DTypes, dtype names and
    numbers that are dtype codes can; a string like "loss", bytes, None, 2.5 or an arbitrary
    object cannot."""
    if isinstance(x, (bool, int, float)):
        return x in _TF_DTYPE_CODES
    if isinstance(x, (np.ndarray, np.generic, np.dtype, type, dtypes.DType)):
        return True
    if isinstance(x, str):
        try:
            dtypes.as_dtype(x)
        except TypeError:
            return False
        return True
    return False


def _check_tensors(flat: list, what: str) -> None:
    """Refuse targets or sources that are not Tensors or Variables, with TF's exception types
    in TF's order: first a TypeError for any element TF cannot read a dtype from, then an
    AttributeError for one it can but that is still no tensor (it has no tensor id)."""
    for x in flat:      # the usual case first: all are tensors or Variables
        if type(x) is not EagerTensor and not isinstance(x, _HoldsArray) and not _is_tensor(x):
            break
    else:
        return
    others = [x for x in flat if not _is_tensor(x)]
    for x in others:
        if not _names_a_dtype(x):
            raise TypeError(f"Cannot convert the argument `type_value`: {x!r} to a minitf DType. "
                            f"(GradientTape.gradient's {what} must be Tensors or Variables.)")
    for x in others:
        kind = type(x)
        name = kind.__name__ if kind.__module__ in ("builtins", dtypes.__name__) else \
            f"{kind.__module__}.{kind.__name__}"
        raise AttributeError(f"'{name}' object has no attribute 'dtype': GradientTape.gradient's "
                             f"{what} must be Tensors or Variables, got {x!r}.")


def _seeds(output_gradients, n_targets: int) -> list:
    """``output_gradients`` as one tensor per target (None for all: seeds of ones)."""
    if output_gradients is None:
        return [None] * n_targets
    flat = nest.flatten(output_gradients)
    if len(flat) != n_targets:
        s = "" if n_targets == 1 else "s"
        raise ValueError(f"GradientTape.gradient got {len(flat)} output_gradients for "
                         f"{n_targets} target{s}: give one per target, in the order of "
                         f"tf.nest.flatten(target) (a list of numbers is one seed per number; "
                         f"wrap a single seed in tf.constant).")
    return [convert_to_tensor(g) for g in flat]     # None: TF's ValueError


def _as_tensor(x) -> Tensor:
    """A target or source as a tensor, without counting as a variable access."""
    if isinstance(x, Tensor):
        return x
    raw = getattr(x, "_snapshot", None)
    if raw is not None:
        return raw()
    return convert_to_tensor(x)


_SCALAR_ONES: dict = {}


def imperative_grad(records: list, targets: list, seeds: list, sources: list,
                    unconnected: UnconnectedGradients = UnconnectedGradients.NONE,
                    trace=None) -> list:
    """The backward pass over ``records``: gradients of sum(seed·target) for each source.

    ``trace``, if given, is called as ``trace(record, upstream, [(input, gradient), ...])`` after
    each step (minitf.explain uses it to show the backward pass step by step)."""
    A, M = _ops()
    # (explicit loops rather than comprehensions on this path: in CPython 3.11 each
    # comprehension is a call of its own, and a training step runs this once per step)
    source_ids = set()
    for s in sources:
        source_ids.add(s._id)
    # 1. Forward sweep: tensors that lie downstream of a source are the only ones needing adjoints.
    reach = set(source_ids)
    for rec in records:
        for x in rec.inputs:
            if x._id in reach:
                for y in rec.outputs:
                    reach.add(y._id)
                break

    # 2. Seed the targets (only those the sources reach: TF never reads another seed).
    adj: dict = {}
    for i, (t, seed) in enumerate(zip(targets, seeds)):
        if not t._dtype._grad or t._id not in reach:
            continue
        if seed is None:
            v = t._value
            # A scalar target (a loss) on the host holds a NumPy scalar: its seed is the
            # scalar one of its type, what ones_like would make, without an array (NumPy
            # scalars are immutable: one per type serves every backward pass).
            if isinstance(v, np.generic):
                one = _SCALAR_ONES.get(type(v))
                if one is None:
                    one = _SCALAR_ONES[type(v)] = v.dtype.type(1)
                seed = _make(one, t._dtype)
            else:
                seed = A.ones_like(t)
        elif seed._dtype is not t._dtype or seed._value.shape != t._value.shape:
            _check_seed_shape(i, seed._value.shape, t._value.shape)
            seed = M.multiply(seed, A.ones_like(t))  # broadcast; TF's Mul error for a dtype
        adj.setdefault(t._id, []).append(seed)

    # 3. Reverse sweep: iterative, so a 10,000-op chain is no deeper on the stack than one op.
    for rec in reversed(records):
        outs = rec.outputs
        if len(outs) == 1:      # (_take's usual case written out: one dense adjoint)
            tid = outs[0]._id
            gl = adj.get(tid) if tid in source_ids else adj.pop(tid, None)
            if gl is None:
                continue
            up = gl[0] if len(gl) == 1 and type(gl[0]) is EagerTensor else _summed(gl)
        else:
            gs = [_take(adj, y._id, source_ids) for y in outs]
            if all(g is None for g in gs):
                continue
            up = tuple(A.zeros_like(y) if g is None else g for y, g in zip(outs, gs))
        step = [] if trace is not None else None
        joint = rec.joint
        if joint is None:
            for x, vjp in zip(rec.inputs, rec.vjps):
                if vjp is None or x._id not in reach or not x._dtype._grad:
                    continue
                sparse = getattr(vjp, "sparse", None)
                if sparse is not None and x._id in source_ids:  # gather of a source: TF's
                    adj.setdefault(x._id, []).append(sparse(up))  # IndexedSlices, kept
                    continue
                gx = vjp(up)
                if gx is None:
                    continue
                if gx._value.shape != x._value.shape:
                    gx = _sum_to_shape(gx, x._value.shape)
                adj.setdefault(x._id, []).append(gx)
                if step is not None:
                    step.append((x, gx))
        else:           # one call gives every input's gradient (record.py)
            needed = []
            for x in rec.inputs:
                needed.append(x._id in reach and x._dtype._grad)
            needed = tuple(needed)
            if any(needed):
                for x, need, gx in zip(rec.inputs, needed, joint(up, needed)):
                    if not need or gx is None:
                        continue
                    if gx._value.shape != x._value.shape:
                        gx = _sum_to_shape(gx, x._value.shape)
                    adj.setdefault(x._id, []).append(gx)
                    if step is not None:
                        step.append((x, gx))
        if trace is not None:
            trace(rec, up, step)

    out = []
    for s in sources:
        gl = adj.get(s._id)
        if gl is None:
            if unconnected is UnconnectedGradients.ZERO:    # (a source may be a Variable:
                s = s if isinstance(s, Tensor) else s._snapshot()   # no read is recorded)
                out.append(A.zeros_like(s))
            else:
                out.append(None)
        else:
            g = gl[0] if len(gl) == 1 and type(gl[0]) is EagerTensor else _sum_adjoints(gl)
            if B.TRACING and getattr(g, "_is_indexed_slices", False):
                g = convert_to_tensor(g)    # inside tf.function minitf hands back dense values
            out.append(g)
    return out


_OPS: list = []


def _ops():
    """The op modules the backward pass builds seeds and sums with (array_ops, math_ops),
    imported on first use like this module's other op imports, but looked up once rather
    than on every backward pass."""
    if not _OPS:
        from .ops import array_ops, math_ops
        _OPS[:] = [array_ops, math_ops]
    return _OPS


def _sum_adjoints(gl: list):
    """A source's gradients summed: IndexedSlices stay sparse (rows concatenated) when all are,
    as in TF; otherwise everything is made dense and added."""
    if len(gl) == 1 and type(gl[0]) is EagerTensor:    # the usual case: nothing to add
        return gl[0]
    from .ops import math_ops as M
    if any(getattr(g, "_is_indexed_slices", False) for g in gl):
        if all(getattr(g, "_is_indexed_slices", False) for g in gl):
            from .ops.indexed_slices import concat_slices
            return concat_slices(gl)
        gl = [convert_to_tensor(g) for g in gl]
    return gl[0] if len(gl) == 1 else M.add_n(gl)


def _check_seed_shape(i: int, shape: tuple, target_shape: tuple) -> None:
    """A seed must broadcast to its target's shape without changing it (a scalar seeds every
    element). Any other shape would be broadcast against the target and summed back: a silent
    wrong gradient, so it is refused."""
    if len(shape) <= len(target_shape) and all(
            d == 1 or d == t for d, t in zip(shape[::-1], target_shape[::-1])):
        return
    raise invalid_argument(f"output_gradients[{i}] has shape {list(shape)}, but its target has "
                           f"shape {list(target_shape)}: a seed must have its target's shape "
                           f"or broadcast to it", "GradientTape.gradient")


def _take(adj: dict, tid: int, keep: set):
    """The summed adjoint of tensor ``tid``; dropped from ``adj`` unless it is a source's."""
    gl = adj.get(tid) if tid in keep else adj.pop(tid, None)
    return None if gl is None else _summed(gl)


def _summed(gl: list):
    """A tensor's adjoints as one dense tensor (kept in ``gl``, which a source's adjoints
    stay in): an op's upstream gradient is dense."""
    if len(gl) > 1 or (type(gl[0]) is not EagerTensor and
                       getattr(gl[0], "_is_indexed_slices", False)):
        gl[:] = [convert_to_tensor(_sum_adjoints(gl))]
    return gl[0]


def _sum_to_shape(g: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back to an input's shape: the one place broadcasting is undone."""
    from .ops import array_ops as A
    from .ops import reduction_ops as R
    gshape = g._value.shape
    lead = len(gshape) - len(shape)
    axes = list(range(lead)) + [i + lead for i, d in enumerate(shape)
                                if d == 1 and gshape[i + lead] != 1]
    if axes:
        g = R.reduce_sum(g, axis=axes)
    return A.reshape(g, shape) if g._value.shape != shape else g
