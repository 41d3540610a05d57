"""Recording: what every differentiable op does after computing its result.

This is the bottom half of the tape, split from ``GradientTape`` (tape.py) so that the op
library can record without importing the backward pass, which is written with ops: ops import
this module, the tape imports ops, and no import runs in a circle.

``TAPES.recording`` lists the tapes recording in the running thread. An op checks it once; when
it is non-empty the op calls ``record(name, inputs, outputs, vjps)``, and each tape that watches
one of the inputs keeps a ``Record`` and watches the outputs. Non-differentiable ops call
``record_cut`` instead. Variables report their reads (``variable_accessed``).

>>> import minitf as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:      # joins this thread's TAPES.recording
...     tape.watch(x)
...     y = x * x                         # Mul calls record(): the tape keeps a Record
>>> float(tape.gradient(y, x))
6.0
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading

from .tensor import _next_id


class _ThreadTapes(threading.local):
    """The tapes of the running thread: every thread sees its own lists here.

    TensorFlow keeps its tape stack per thread, so a tape opened in one thread neither records
    nor watches what another thread computes meanwhile. Ops read ``TAPES.recording`` once each:
    an empty list is the whole cost of an op when no tape records.
    """

    def __init__(self):
        self.recording: list = []         # tapes recording in this thread, outermost first
        self.access_watchers: list = []   # lists collecting the Variables this thread reads
                                          # (custom_gradient finds the variables it used)


TAPES = _ThreadTapes()


class Record:
    """One recorded op: what the backward pass needs to send gradients to its inputs, either
    one VJP per input (``vjps``) or one joint VJP for all of them (``joint``; ``vjps`` is then
    None)."""

    __slots__ = ("op", "inputs", "outputs", "vjps", "joint", "steps")

    def __init__(self, op, inputs, outputs, vjps, joint=None, steps=()):
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.vjps = vjps
        self.joint = joint
        self.steps = steps      # a fused op's unfused op types, in order (for explain)

    def __repr__(self) -> str:
        return f"Record({self.op}, inputs={[x._id for x in self.inputs]}, " \
               f"outputs={[y._id for y in self.outputs]})"


def record(op: str, inputs: tuple, outputs, vjps: tuple | None = None, joint=None,
           steps: tuple = ()) -> None:
    """Record ``op`` on every recording tape that watches one of ``inputs``.

    ``vjps[i]`` maps the upstream gradient (a tensor, or a tuple for multi-output ops) to the
    gradient of ``inputs[i]`` (``None`` where the input is not differentiable).

    Instead of ``vjps``, an op whose inputs' gradients share work (a fused layer's gradient at
    the pre-activation, a user's ``grad_fn``, a traced backward program) gives one ``joint``
    VJP: ``joint(upstream, needed) -> tuple`` of one gradient per input, where ``needed[i]``
    says whether input ``i`` needs one (the others may be None). The backward pass calls it
    once per step, so the shared work is done once without caching anything.

    ``steps`` names the op types a fused op stands for, in order (``("MatMul", "BiasAdd")``
    for a Dense layer's one record), so minitf.explain can show them one by one.
    """
    rec = None
    for tape in TAPES.recording:
        watched = tape._watched
        for x in inputs:
            if x._id in watched:
                break
        else:
            if tape._cut:
                _propagate_cut(tape, inputs, outputs)
            continue
        if rec is None:
            rec = Record(op, inputs, outputs if type(outputs) is tuple else (outputs,), vjps,
                         joint, steps)
        if tape._forward:       # a ForwardAccumulator: it keeps no record, it pushes tangents
            tape._push(rec)     # through the op now (forward_accumulator.py)
            continue
        tape._records.append(rec)
        for y in rec.outputs:
            if y._dtype._grad:
                watched.add(y._id)


def record_cut(op: str, inputs: tuple, outputs) -> None:
    """Called by non-differentiable ops (stop_gradient, argmax, round, comparisons, casts to
    integers, ...) while a tape records: nothing is recorded for the backward pass, but a tape
    that watched an input remembers which op cut the path, so ``explain.why_none`` can name it."""
    outs = outputs if type(outputs) is tuple else (outputs,)
    where = None
    for tape in TAPES.recording:
        watched, cut = tape._watched, tape._cut
        for x in inputs:
            if x._id in watched or x._id in cut:
                # (the first op that cut the path, this op's input ids, the user's line of that
                # op): why_none follows the ids back to the source and names the op and line.
                if x._id in watched:
                    where = where or _user_line()
                    entry = (op, tuple(i._id for i in inputs), where)
                else:
                    first = cut[x._id]
                    entry = (first[0], tuple(i._id for i in inputs), first[2])
                for y in outs:
                    cut[y._id] = entry
                break


def _user_line():
    """(file, line) of the innermost caller outside minitf, or None (e.g. the explain CLI).
    Called only when a non-differentiable op cuts a watched path: not on the hot path."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith(_PACKAGE_DIR) or
                                 frame.f_code.co_filename.startswith("<frozen")):
        frame = frame.f_back
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def numpy_read(var) -> None:
    """``Variable.numpy()`` while tapes record: as in TF it is a read (a trainable Variable is
    watched), and each tape remembers where the value left for NumPy, so why_none can point at
    the round trip (``tf.constant(w.numpy())`` makes a constant the tape does not watch)."""
    variable_accessed(var)
    where = _user_line()
    for tape in TAPES.recording:
        tape._numpy_reads.setdefault(var._id, where)


def _propagate_cut(tape, inputs, outputs) -> None:
    cut = tape._cut
    for x in inputs:
        why = cut.get(x._id)
        if why is not None:
            entry = (why[0], tuple(i._id for i in inputs), why[2])
            for y in outputs if type(outputs) is tuple else (outputs,):
                cut[y._id] = entry
            return


def variable_accessed(var) -> None:
    """Called when a Variable is read: auto-watch it on tapes that watch accessed variables."""
    tapes = TAPES
    if var.trainable:
        vid = var._id
        for tape in tapes.recording:
            # (a layer reads its weights on every call: a variable the tape already watches
            # needs nothing, and is answered here without a method call)
            if tape._watch_accessed_variables and not (vid in tape._watched and
                                                       vid in tape._watched_vars):
                tape._watch_variable(var, "trainable Variable read inside the tape")
    for seen in tapes.access_watchers:
        seen.append(var)


def _set_recording(tape, on: bool) -> None:
    if on:
        stack = TAPES.recording
        stack.append(tape)
        tape._stack = stack
    else:
        # The list it joined: still right if the tape stops in another thread, or while
        # suspended_tapes() has set this thread's tapes aside.
        tape._stack.remove(tape)
        tape._stack = None
    tape._recording = on
    # Tensor ids grow with time: an id taken at each start and stop lets why_none tell whether
    # a tensor was made while the tape recorded (before, after, or under stop_recording).
    tape._marks.append(_next_id())


@contextlib.contextmanager
def suspended_tapes():
    """Set this thread's recording tapes aside for a block (tf.function runs its body this way:
    outer tapes see the call as one op, not the ops inside it). Other threads are unaffected."""
    tapes = TAPES
    outer, tapes.recording = tapes.recording, []
    try:
        yield
    finally:
        tapes.recording = outer
