"""``tf.autodiff.ForwardAccumulator``: forward-mode autodiff, Jacobian-vector products.

A ``GradientTape`` answers "how does this *one output* depend on every input?" (a row of the
Jacobian, a vector-Jacobian product, VJP). A ``ForwardAccumulator`` answers the other question:
"if the inputs move in the direction ``v``, how does *every* output move?" (a column, the
Jacobian-vector product ``J·v``, JVP). You give the direction in advance, the *tangent* of
each watched *primal*; while the accumulator is active, every op that reads a tensor with a
tangent computes its outputs' tangents at once. Nothing is kept for later: ``acc.jvp(y)`` only
looks the tangent of ``y`` up.

>>> import minitf as tf
>>> x = tf.constant(3.0)
>>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
...     y = x * x + 2 * x          # dy/dx = 2x + 2 = 8 at x = 3
>>> float(acc.jvp(y))
8.0

How minitf computes a JVP from the VJPs the ops already have (TF does the same for ops without
a hand-written JVP): an op's VJP is *linear* in the upstream gradient ``u``, ``vjp(u) = Jᵀu``,
so ``<vjp(u), v> = <u, J·v>`` and its gradient with respect to ``u`` is ``J·v``. The
accumulator evaluates ``<vjp(u), v>`` under a private tape that watches a stand-in ``u`` (ones,
as TF uses; the value does not matter, the expression is linear) and takes that gradient. The
VJPs are minitf ops, so every op is covered and the tangents are differentiable in turn. The
commonest ops have that transposition written out (``_RULES``, at the end of this module).

Nesting follows TF's one rule: recorders (tapes and accumulators) are ordered by when they were
entered, and a recorder sees the work of those entered *after* it, never of those entered
before. So an outer accumulator sees an inner tape's backward pass (forward-over-backward:
Hessian-vector products), an outer tape sees an inner accumulator's tangents
(backward-over-forward), and an outer accumulator sees an inner one's tangents (second
directional derivatives).
"""
from __future__ import annotations

import logging
from typing import Any

from . import dtypes, nest
from .tape import TAPES, GradientTape, Record, UnconnectedGradients, _sum_to_shape
from .tensor import Tensor, convert_to_tensor, is_variable

_log = logging.getLogger("minitf")
_int_primal_warnings = 0


class ForwardAccumulator:
    """Computes Jacobian-vector products with forward-mode autodiff, as TensorFlow does.

    ``primals`` (a tensor, a Variable, or a nested structure of them) are watched with the
    matching ``tangents`` (the same structure; each tangent has its primal's shape and is
    converted to its primal's dtype). Inside the ``with`` block every op that reads a tensor
    with a tangent gets tangents for its floating outputs; ``jvp`` looks them up, inside the
    block or after it. A tensor that does not depend on the primals has no tangent: ``jvp``
    gives ``None`` (or zeros with ``unconnected_gradients="zero"``), as TF does; integer outputs
    (``argmax``, comparisons, casts to int) and ``stop_gradient`` have none either.

    A Variable keeps its tangent while it lives, through ``assign`` too: every read inside the
    block carries it (TF gives a read made outside any accumulator none; minitf's reads share
    the Variable's identity, so ``jvp`` of such a read finds the Variable's tangent).

    >>> import minitf as tf
    >>> v = tf.Variable([1., 2.])
    >>> with tf.autodiff.ForwardAccumulator(v, tf.constant([1., 0.])) as acc:
    ...     with tf.GradientTape() as tape:
    ...         y = tf.reduce_sum(v ** 3.)
    ...     g = tape.gradient(y, v)                 # 3v², computed inside the accumulator
    >>> g.numpy().tolist(), acc.jvp(g).numpy().tolist()   # H·[1, 0] = diag(6v)·[1, 0]
    ([3.0, 12.0], [6.0, 0.0])

    Errors, checked when the accumulator is made: the same tensor twice in ``primals`` is a
    ValueError (sum its tangents instead), as are structures that differ (a TypeError where
    only the sequence type differs, list against tuple) and a tangent TF cannot convert to the
    primal's dtype. A tangent of another shape is a ValueError naming both shapes (TF accepts
    it, then fails in the first op or silently broadcasts it). Entering an accumulator that is
    already recording is a ValueError.
    """

    _forward = True                  # record.record hands this recorder its ops: _push
    _watch_accessed_variables = False

    def __init__(self, primals: Any, tangents: Any):
        seen: set = set()
        for p in nest.flatten(primals):
            if id(p) in seen:
                raise ValueError(f"Tensor {p} was specified as a primal multiple times. This may "
                                 f"indicate an error. If it was intended, please sum the "
                                 f"corresponding tangents.")
            seen.add(id(p))
        _assert_same_structure(primals, tangents)
        self._tangents: dict = {}    # tensor id -> tangent; record() reads it as "watched"
        self._watched = self._tangents
        self._cut: dict = {}         # what record_cut notes for recorders (unused here)
        self._numpy_reads: dict = {}
        self._recording = False
        self._stack = None
        for p, t in zip(nest.flatten(primals), nest.flatten(tangents)):
            self._watch(p, t)

    def _watch(self, primal, tangent) -> None:
        global _int_primal_warnings
        dtype = getattr(primal, "dtype", None)
        if dtype is None or not (isinstance(primal, Tensor) or is_variable(primal)):
            raise AttributeError(f"ForwardAccumulator: a primal must be a tf.Tensor or "
                                 f"tf.Variable, got {primal!r} of type "
                                 f"'{type(primal).__name__}', which has no attribute 'dtype'.")
        dtype = dtypes.as_dtype(dtype)      # a Keras weight's dtype is a string ('float32')
        if not dtype.is_floating and _int_primal_warnings < 5:
            _int_primal_warnings += 1
            _log.warning("The dtype of the watched primal must be floating (e.g. tf.float32), "
                         "got %r", dtype)
        tangent = convert_to_tensor(tangent, dtype=dtype)
        if tuple(tangent.shape) != tuple(primal.shape):
            raise ValueError(f"ForwardAccumulator: the tangent of a primal of shape "
                             f"{list(primal.shape)} has shape {list(tangent.shape)}; each "
                             f"tangent must have its primal's shape.")
        old = self._tangents.get(primal._id)   # a Variable and one of its reads: one tensor
        self._tangents[primal._id] = tangent if old is None else old + tangent

    # ---- context ---------------------------------------------------------------------------
    def __enter__(self) -> "ForwardAccumulator":
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        stack = TAPES.recording         # the running thread's recorders, outermost first
        stack.append(self)
        self._stack, self._recording = stack, True
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            self._stack.remove(self)
            self._stack, self._recording = None, False

    # ---- the hook: record.record calls it for each op reading a tensor with a tangent --
    def _push(self, rec: Record) -> None:
        """Give ``rec``'s floating outputs their tangents, J·v, from the op's VJPs."""
        tangents = self._tangents
        vjps = rec.vjps         # None for a joint VJP (record.py): one call for all inputs
        pairs = [(i, x, tangents.get(x._id)) for i, x in enumerate(rec.inputs)
                 if (vjps is None or vjps[i] is not None) and x._dtype._grad]
        pairs = [p for p in pairs if p[2] is not None]
        outs = rec.outputs
        # An output that already has a tangent keeps it (TF: a custom_gradient's outputs keep
        # the tangents of its forward computation; the custom rule fills in only where none).
        todo = [y for y in outs if y._dtype._grad and y._id not in tangents]
        if not pairs or not todo:
            return
        if rec.op == "StatefulPartitionedCall":
            # tf.function runs its body op by op while an accumulator records; a traced call
            # reaches here only when records made without one are replayed
            # (explain.forward_trace of a tape that recorded a tf.function call).
            raise NotImplementedError(
                "ForwardAccumulator cannot push tangents through a tf.function call recorded "
                "while no accumulator was active (e.g. explain.forward_trace of such a tape): "
                "minitf's gradient of a traced call is an array program without ops to "
                "differentiate. Call the function inside the accumulator instead.")
        from .ops import array_ops as A
        from .ops import math_ops as M
        from .ops import reduction_ops as R
        stack = TAPES.recording
        # Only recorders entered before this one see the JVP computation (TF's nesting rule);
        # none when records are replayed outside any block (explain.forward_trace).
        TAPES.recording = stack[:stack.index(self)] if self in stack else []
        rule = _RULES.get(rec.op)
        if rule is not None:
            try:
                tangents[outs[0]._id] = rule(rec.inputs, outs[0], [
                    tangents.get(x._id) if x._dtype._grad else None for x in rec.inputs])
            finally:
                TAPES.recording = stack
            return
        try:
            with GradientTape() as transpose:
                aids = [A.ones_like(y) for y in todo]
                transpose.watch(aids)
                by_id = {y._id: a for y, a in zip(todo, aids)}
                ups = tuple(by_id.get(y._id) if y._id in by_id else A.zeros_like(y)
                            for y in outs)
                up = ups[0] if len(ups) == 1 else ups
                terms = []
                if vjps is None:
                    wanted = {i for i, _, _ in pairs}
                    joint = rec.joint(up, tuple(i in wanted for i in range(len(rec.inputs))))
                for i, x, t in pairs:
                    g = joint[i] if vjps is None else vjps[i](up)
                    if g is None:
                        continue
                    if g._value.shape != x._value.shape:
                        g = _sum_to_shape(g, x._value.shape)
                    # <g, t> in the real inner product Re(sum g·conj(t)): its gradient in the
                    # aids, under TF's complex convention, is J·t (for real dtypes, g·t)
                    if x._dtype.is_complex:     # (t may be IndexedSlices for real dtypes)
                        t = M.conj(t)
                    terms.append(R.reduce_sum(M.multiply(g, t)))
                if not terms:
                    return
                total = terms[0] if len(terms) == 1 else M.add_n(terms)
            out_tangents = transpose.gradient(total, aids)
        finally:
            TAPES.recording = stack
        for y, ty in zip(todo, out_tangents):
            if ty is not None:
                # Held while the accumulator lives (TF drops a tangent with its tensor; minitf
                # cannot, since a few wrappers share a tensor's id, e.g. Keras's softmax output).
                tangents[y._id] = ty

    # ---- reading ---------------------------------------------------------------------------
    def jvp(self, primals: Any,
            unconnected_gradients: UnconnectedGradients | str = UnconnectedGradients.NONE):
        """The tangents computed for ``primals`` (a tensor, Variable or nested structure),
        in the same structure. A tensor that received no tangent gives ``None``, or zeros of
        its shape and dtype with ``unconnected_gradients="zero"``. This only looks tangents
        up: it computes nothing, and works inside the ``with`` block or after it.

        >>> import minitf as tf
        >>> x = tf.constant([1., 2.])
        >>> with tf.autodiff.ForwardAccumulator(x, tf.constant([1., 1.])) as acc:
        ...     y, c = tf.exp(x), tf.constant(5.)
        >>> acc.jvp(c) is None, float(acc.jvp(c, unconnected_gradients="zero"))
        (True, 0.0)
        """
        unconnected = UnconnectedGradients(unconnected_gradients)

        def fetch(t):
            if not (isinstance(t, Tensor) or is_variable(t)):
                raise AttributeError(f"ForwardAccumulator.jvp: expected a tf.Tensor or "
                                     f"tf.Variable, got {t!r} of type '{type(t).__name__}', "
                                     f"which has no attribute '_id'.")
            got = self._tangents.get(t._id)
            if got is None and unconnected is UnconnectedGradients.ZERO:
                from .ops.array_ops import zeros_like
                got = zeros_like(t)
            return got

        return nest.map_structure(fetch, primals)


# Hand-written JVPs for the ops a program runs most (arithmetic and exp): the transposed-VJP
# path costs a private tape and a backward pass per op, about 50 times the op itself; these
# cost one or two ops. Each is the transposition of the op's VJP in math_ops.py written out, so
# it computes the same products as the generic path (and as TF, bit for bit in float32).
# rule(inputs, output, tangents) -> the output's tangent; a tangent is None for an input that
# has none (a constant: tangent 0).
def _add_tangents(a, b, y, sign=1.0):
    from .ops import array_ops as A
    from .ops import math_ops as M
    if a is None:
        t = M.negative(b) if sign < 0 else b
    elif b is None:
        t = a
    else:
        t = M.subtract(a, b) if sign < 0 else M.add(a, b)
    return t if t._value.shape == y._value.shape else A.broadcast_to(t, y._value.shape)


def _mul_tangent(ins, y, ts):
    from .ops import math_ops as M
    (a, b), (ta, tb) = ins, ts
    return _add_tangents(None if ta is None else M.multiply(ta, b),
                         None if tb is None else M.multiply(a, tb), y)


def _math(name):
    def call(*args):
        from .ops import math_ops as M
        return getattr(M, name)(*args)
    return call


_RULES = {
    "AddV2": lambda ins, y, ts: _add_tangents(ts[0], ts[1], y),
    "Sub": lambda ins, y, ts: _add_tangents(ts[0], ts[1], y, sign=-1.0),
    "Mul": _mul_tangent,
    "Neg": lambda ins, y, ts: _math("negative")(ts[0]),
    "Identity": lambda ins, y, ts: _math("identity")(ts[0]),
    "Exp": lambda ins, y, ts: _math("multiply")(ts[0], y),
}


def _assert_same_structure(a, b) -> None:
    """tf.nest's check that ``primals`` and ``tangents`` nest alike: a ValueError where one
    is a sequence and the other not, or lengths or dict keys differ; a TypeError where only
    the sequence type differs (a list against a tuple)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        nx, ny = isinstance(x, (list, tuple, dict)), isinstance(y, (list, tuple, dict))
        if not nx and not ny:
            continue
        msg = (f"The two structures don't have the same nested structure.\n\nFirst structure: "
               f"{a!r}\n\nSecond structure: {b!r}")
        if nx != ny:
            raise ValueError(msg)
        if isinstance(x, dict) != isinstance(y, dict) or (
                not isinstance(x, dict) and type(x) is not type(y)):
            raise TypeError(msg)
        if isinstance(x, dict):
            if sorted(x) != sorted(y):
                raise ValueError(msg)
            stack.extend((x[k], y[k]) for k in x)
        else:
            if len(x) != len(y):
                raise ValueError(msg)
            stack.extend(zip(x, y))


def carry_tangents(sources: list, copies: list) -> None:
    """``copies[i]`` takes the tangent of ``sources[i]`` on every recording accumulator that
    has one. ``custom_gradient`` calls this for the fresh copies of its outputs: as in TF, a
    forward computation that carries tangents keeps them, and the user's gradient function
    gives tangents only to outputs that got none (a rounded or stop_gradient'ed forward)."""
    for acc in TAPES.recording:
        if acc._forward:
            tangents = acc._tangents
            for s, c in zip(sources, copies):
                t = tangents.get(s._id)
                if t is not None:
                    tangents[c._id] = t
