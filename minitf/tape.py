"""GradientTape: recording ops as they run, and replaying them backwards.

How it works, in three steps (see docs/how-gradienttape-works.md for the guided tour):

1. **Recording.** ``RECORDING`` lists the tapes that are recording now. Every differentiable op,
   after computing its result, runs ``if RECORDING: record(...)``. ``record`` asks each tape
   whether any input is one of its *watched* tensor ids; if so the tape appends a ``Record``
   (op name, inputs, outputs, one vector-Jacobian product per input) and watches the outputs.
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

from . import nest
from .tensor import Tensor, convert_to_tensor

RECORDING: list = []          # tapes recording now, outermost first
VARIABLE_ACCESS_WATCHERS: list = []  # lists that collect Variables read (custom_gradient uses it)

_log = logging.getLogger("minitf")
_int_watch_warnings = 0

_NON_PERSISTENT_MSG = ("A non-persistent GradientTape can only be used to compute one set of "
                       "gradients (or jacobians)")


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""
    NONE = "none"
    ZERO = "zero"


class Record:
    """One recorded op: what the backward pass needs to send gradients to its inputs."""

    __slots__ = ("op", "inputs", "outputs", "vjps")

    def __init__(self, op, inputs, outputs, vjps):
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.vjps = vjps

    def __repr__(self) -> str:
        return f"Record({self.op}, inputs={[x._id for x in self.inputs]}, " \
               f"outputs={[y._id for y in self.outputs]})"


def record(op: str, inputs: tuple, outputs, vjps: tuple) -> None:
    """Record ``op`` on every recording tape that watches one of ``inputs``.

    ``vjps[i]`` maps the upstream gradient (a tensor, or a tuple for multi-output ops) to the
    gradient of ``inputs[i]`` (``None`` where the input is not differentiable).
    """
    rec = None
    for tape in RECORDING:
        watched = tape._watched
        for x in inputs:
            if x._id in watched:
                break
        else:
            if tape._cut:
                _propagate_cut(tape, inputs, outputs)
            continue
        if rec is None:
            rec = Record(op, inputs, outputs if type(outputs) is tuple else (outputs,), vjps)
        tape._records.append(rec)
        for y in rec.outputs:
            if y._dtype.is_floating:
                watched.add(y._id)


def record_cut(op: str, inputs: tuple, outputs) -> None:
    """Called by non-differentiable ops (stop_gradient, argmax, round, comparisons, casts to
    integers, ...) while a tape records: nothing is recorded for the backward pass, but a tape
    that watched an input remembers which op cut the path, so ``explain.why_none`` can name it."""
    outs = outputs if type(outputs) is tuple else (outputs,)
    for tape in RECORDING:
        watched, cut = tape._watched, tape._cut
        for x in inputs:
            if x._id in watched:
                for y in outs:
                    cut[y._id] = op
                break
            if x._id in cut:
                for y in outs:
                    cut[y._id] = cut[x._id]
                break


def _propagate_cut(tape, inputs, outputs) -> None:
    cut = tape._cut
    for x in inputs:
        why = cut.get(x._id)
        if why is not None:
            for y in outputs if type(outputs) is tuple else (outputs,):
                cut[y._id] = why
            return


def variable_accessed(var) -> None:
    """Called when a Variable is read: auto-watch it on tapes that watch accessed variables."""
    if var.trainable:
        for tape in RECORDING:
            if tape._watch_accessed_variables:
                tape._watch_variable(var, "trainable Variable read inside the tape")
    for seen in VARIABLE_ACCESS_WATCHERS:
        seen.append(var)


def _set_recording(tape, on: bool) -> None:
    if on:
        RECORDING.append(tape)
    else:
        RECORDING.remove(tape)
    tape._recording = on


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

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._records: list | None = None
        self._watched: set | None = None
        self._watched_vars: dict = {}
        self._recording = False
        self._used = False
        self._cut: dict = {}            # id -> the non-differentiable op that cut a watched path
        self._watch_reasons: dict = {}  # id -> why it is watched (for minitf.explain)
        self._level = None              # how many tapes were recording when this one started

    # ---- context ---------------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        if self._records is None:
            self._records, self._watched = [], set()
        self._level = len(RECORDING)
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
        self._cut, self._watch_reasons = {}, {}
        self._used = False

    # ---- watching --------------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Watch a tensor, a Variable, or a nested structure of them."""
        global _int_watch_warnings
        if self._watched is None:
            raise AttributeError("GradientTape.watch() needs a tape that has been entered "
                                 "(use `with tf.GradientTape() as tape:`)")
        for t in nest.flatten(tensor):
            if hasattr(t, "_read_for_op"):
                self._watch_variable(t)
                continue
            if not isinstance(t, Tensor):
                raise ValueError(f"Passed in object {t!r} of type '{type(t).__name__}', not "
                                 f"tf.Tensor or tf.Variable.")
            if not t._dtype.is_floating:
                if _int_watch_warnings < 5:
                    _int_watch_warnings += 1
                    _log.warning("The dtype of the watched tensor must be floating (e.g. "
                                 "tf.float32), got %r", t._dtype)
                continue
            self._watched.add(t._id)
            self._watch_reasons[t._id] = "watched explicitly"

    def _watch_variable(self, var, reason: str = "watched explicitly") -> None:
        if var._id not in self._watched_vars:
            self._watched_vars[var._id] = var
            self._watch_reasons.setdefault(var._id, reason)
        if var._dtype.is_floating:
            self._watched.add(var._id)

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
            self._records = self._watched = None  # watched_variables() stays answerable

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of ``target`` (summed over all its elements and list items) with respect
        to each source. The result has the structure of ``sources``.

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
            raise TypeError("Argument `target` should be a list or nested structure of Tensors "
                            "or Variables to be differentiated, but received None.")
        unconnected = UnconnectedGradients(unconnected_gradients)
        flat_targets = nest.flatten(target)
        flat_sources = nest.flatten(sources)
        for t in flat_targets + flat_sources:
            if t is None:
                raise TypeError("Cannot convert the argument `type_value`: None to a minitf "
                                "DType.")
        records = self._begin_backward("gradient")
        try:
            targets = [_as_tensor(t) for t in flat_targets]
            srcs = [_as_tensor(s) for s in flat_sources]
            if output_gradients is not None:
                seeds = [None if g is None else convert_to_tensor(g)
                         for g in nest.flatten(output_gradients)]
            else:
                seeds = [None] * len(targets)
            grads = imperative_grad(records, targets, seeds, srcs, unconnected)
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
        records = self._begin_backward("jacobian")
        try:
            unconnected = UnconnectedGradients(unconnected_gradients)
            y = _as_tensor(target)
            flat_sources = nest.flatten(sources)
            srcs = [_as_tensor(s) for s in flat_sources]
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
        records = self._begin_backward("batch_jacobian")
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


def _as_tensor(x) -> Tensor:
    """A target or source as a tensor, without counting as a variable access."""
    if isinstance(x, Tensor):
        return x
    raw = getattr(x, "_snapshot", None)
    if raw is not None:
        return raw()
    return convert_to_tensor(x)


def imperative_grad(records: list, targets: list, seeds: list, sources: list,
                    unconnected: UnconnectedGradients = UnconnectedGradients.NONE,
                    trace=None) -> list:
    """The backward pass over ``records``: gradients of sum(seed·target) for each source.

    ``trace``, if given, is called as ``trace(record, upstream, [(input, gradient), ...])`` after
    each step (minitf.explain uses it to show the backward pass step by step)."""
    from .ops import array_ops as A
    from .ops import math_ops as M

    source_ids = {s._id for s in sources}
    # 1. Forward sweep: tensors that lie downstream of a source are the only ones needing adjoints.
    reach = set(source_ids)
    for rec in records:
        for x in rec.inputs:
            if x._id in reach:
                for y in rec.outputs:
                    reach.add(y._id)
                break

    # 2. Seed the targets.
    adj: dict = {}
    for t, seed in zip(targets, seeds):
        if not t._dtype.is_floating or t._id not in reach:
            continue
        if seed is None:
            seed = A.ones_like(t)
        elif seed._dtype is not t._dtype or seed._value.shape != t._value.shape:
            seed = M.multiply(seed, A.ones_like(t))  # TF's own dtype/shape errors for bad seeds
        adj.setdefault(t._id, []).append(seed)

    # 3. Reverse sweep: iterative, so a 10,000-op chain is no deeper on the stack than one op.
    for rec in reversed(records):
        outs = rec.outputs
        if len(outs) == 1:
            g = _take(adj, outs[0]._id, source_ids)
            if g is None:
                continue
            up = g
        else:
            gs = [_take(adj, y._id, source_ids) for y in outs]
            if all(g is None for g in gs):
                continue
            up = tuple(A.zeros_like(y) if g is None else g for y, g in zip(outs, gs))
        step = [] if trace is not None else None
        for x, vjp in zip(rec.inputs, rec.vjps):
            if vjp is None or x._id not in reach or not x._dtype.is_floating:
                continue
            gx = vjp(up)
            if gx is None:
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
            out.append(A.zeros_like(s) if unconnected is UnconnectedGradients.ZERO else None)
        else:
            out.append(gl[0] if len(gl) == 1 else M.add_n(gl))
    return out


def _take(adj: dict, tid: int, keep: set):
    """The summed adjoint of tensor ``tid``; dropped from ``adj`` unless it is a source's."""
    gl = adj.get(tid) if tid in keep else adj.pop(tid, None)
    if gl is None:
        return None
    if len(gl) > 1:
        from .ops.math_ops import add_n
        gl[:] = [add_n(gl)]
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
