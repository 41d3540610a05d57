"""See the tape: what it recorded, how the backward pass runs, and why a gradient is None.

This module is minitf's own (TensorFlow has no equivalent). It reads a ``GradientTape`` without
changing it:

* ``describe(tape)``: the recorded operations in order, with inputs and outputs (shape, dtype,
  a short value) and why each source tensor is watched;
* ``backward_trace(tape, target, sources)``: the backward pass step by step — each op, the
  upstream gradient, the local rule, and the adjoint accumulated so far for every tensor;
* ``graph(tape, ...)``: the recorded graph as Graphviz DOT text (SVG/PNG when Graphviz is
  installed; shown inline in notebooks);
* ``why_none(tape, target, source)``: the real reason a gradient is None.

The hand derivation of f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3):

>>> import minitf as tf
>>> from minitf import explain
>>> w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
>>> with tf.GradientTape(persistent=True) as tape:
...     f = 3 * w1 ** 2 + 2 * w1 * w2
>>> trace = explain.backward_trace(tape, f, [w1, w2])
>>> [float(g) for g in trace.gradients]
[36.0, 10.0]
>>> print(trace.adjoint_table())  # doctest: +NORMALIZE_WHITESPACE
tensor  value  adjoint
f       105    1
v1      25     3
v2      75     1
v3      10     3
v4      30     1
w1      5      36
w2      3      10
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import numpy as np

from . import nest
from .tape import GradientTape, Record, imperative_grad
from .tensor import Tensor

# The local rule each op's VJP applies (g is the upstream gradient, y the op's output).
RULES = {
    "AddV2": "∂a = g, ∂b = g", "Sub": "∂a = g, ∂b = -g", "Mul": "∂a = g·b, ∂b = g·a",
    "RealDiv": "∂a = g/b, ∂b = -g·a/b²", "Pow": "∂x = g·y·x^(y-1), ∂y = g·z·log x (x > 0)",
    "Neg": "∂x = -g", "Square": "∂x = g·2x", "Sqrt": "∂x = g/(2y)", "Exp": "∂x = g·y",
    "Log": "∂x = g/x", "Log1p": "∂x = g/(1+x)", "Expm1": "∂x = g·exp(x)",
    "Abs": "∂x = g·sign(x)", "Sin": "∂x = g·cos x", "Cos": "∂x = -g·sin x",
    "Tan": "∂x = g/cos²x", "Tanh": "∂x = g·(1-y²)", "Sigmoid": "∂x = g·y·(1-y)",
    "Softplus": "∂x = g·sigmoid(x)", "Relu": "∂x = g where y > 0", "Reciprocal": "∂x = -g·y²",
    "Maximum": "∂a = g where a >= b, ∂b = g elsewhere",
    "Minimum": "∂a = g where a <= b, ∂b = g elsewhere",
    "SelectV2": "∂a = g where cond, ∂b = g elsewhere", "Sum": "∂x = broadcast(g)",
    "Mean": "∂x = broadcast(g)/n", "Max": "∂x = g split among the maxima",
    "MatMul": "∂a = g·bᵀ, ∂b = aᵀ·g", "Reshape": "∂x = reshape(g)", "Identity": "∂x = g",
    "Cast": "∂x = cast(g)", "AddN": "∂xᵢ = g", "Transpose": "∂x = transpose(g)",
    "StridedSlice": "∂x = g placed in zeros", "GatherV2": "∂x = scatter-add(g)",
    "ConcatV2": "∂xᵢ = slice of g", "Pack": "∂xᵢ = g[i]", "Softmax": "∂x = (g - Σg·y)·y",
    "LogSoftmax": "∂x = g - exp(y)·Σg",
    "SparseSoftmaxCrossEntropyWithLogits": "∂logits = g·(softmax - onehot)",
    "BroadcastTo": "∂x = g summed over broadcast axes",
    "SquaredDifference": "∂a = 2g(a-b), ∂b = -2g(a-b)",
}


def _short(t, digits: int = 6) -> str:
    """A compact rendering of a tensor's value."""
    if t is None:
        return "None"
    v = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    if v.ndim == 0:
        return f"{v.item():.{digits}g}" if v.dtype.kind == "f" else str(v.item())
    if v.size <= 6:
        flat = ", ".join(f"{e:.4g}" if v.dtype.kind == "f" else str(e) for e in v.reshape(-1))
        return f"[{flat}]" if v.ndim == 1 else f"{list(v.shape)}:[{flat}]"
    return f"<{'x'.join(map(str, v.shape))} {v.dtype}, mean {v.mean():.4g}>"


def _check(tape: GradientTape) -> list:
    if tape._records is None:
        raise RuntimeError("This non-persistent tape has already been used (its records are "
                           "freed). Use GradientTape(persistent=True) to inspect it afterwards.")
    return tape._records


class _Names:
    """Readable names for the tensors on a tape: Variables by their name, watched tensors
    x0, x1, ..., and op outputs v1, v2, ... in recording order."""

    def __init__(self, tape: GradientTape, records: list, target=None):
        self.names: dict = {}
        used: set = set()
        for vid, var in tape._watched_vars.items():
            base = name = var.name.split(":")[0]
            k = 1
            while name in used:          # unnamed Variables are all "Variable"
                name, k = f"{base}_{k}", k + 1
            used.add(name)
            self.names[vid] = name
        n_watch = 0
        for rec in records:
            for x in rec.inputs:
                if x._id not in self.names and x._id in tape._watch_reasons:
                    self.names[x._id] = f"x{n_watch}"
                    n_watch += 1
        count = 0
        tid = None if target is None else target._id
        for rec in records:
            for y in rec.outputs:
                if y._id == tid:
                    self.names[y._id] = "f"
                elif y._id not in self.names:
                    count += 1
                    self.names[y._id] = f"v{count}"

    def __call__(self, t) -> str:
        if t._id not in self.names:
            self.names[t._id] = f"c({_short(t, 4)})"   # a constant the tape does not watch
        return self.names[t._id]


def _target_tensor(target):
    flat = nest.flatten(target)
    if len(flat) != 1:
        return None
    t = flat[0]
    return t._snapshot() if hasattr(t, "_snapshot") else t


def describe(tape: GradientTape, target=None) -> str:
    """The tape's recorded operations, in order, and what it watches and why."""
    records = _check(tape)
    names = _Names(tape, records, _target_tensor(target) if target is not None else None)
    level = "" if tape._level is None else f" (nesting level {tape._level})"
    lines = [f"GradientTape{level}: {len(records)} recorded operation(s), "
             f"{'persistent' if tape._persistent else 'non-persistent'}"]
    lines.append("watched:")
    for tid, why in tape._watch_reasons.items():
        var = tape._watched_vars.get(tid)
        label = names.names.get(tid) or (var.name.split(":")[0] if var is not None else f"#{tid}")
        extra = "" if var is None else f" {var.dtype.name}{list(var.shape)} = {_short(var)}"
        lines.append(f"  {label}{extra}: {why}")
    lines.append("operations (each output is watched as the output of a recorded op):")
    for i, rec in enumerate(records, 1):
        ins = ", ".join(f"{names(x)}={_short(x)}" for x in rec.inputs)
        outs = ", ".join(f"{names(y)}: {y.dtype.name}{list(y.shape)} = {_short(y)}"
                         for y in rec.outputs)
        lines.append(f"  {i:3d}. {rec.op}({ins}) -> {outs}")
    return "\n".join(lines)


def describe_tapes(*tapes: GradientTape) -> str:
    """Several (nested) tapes, outermost first, each under its nesting level."""
    ordered = sorted(tapes, key=lambda t: (t._level is None, t._level or 0))
    return "\n\n".join(describe(t) for t in ordered)


class Step:
    """One step of the backward pass."""

    def __init__(self, index, record, outputs, upstream, contributions, rule):
        self.index, self.record, self.outputs = index, record, outputs
        self.upstream, self.contributions, self.rule = upstream, contributions, rule

    def __repr__(self) -> str:
        return f"Step({self.index}, {self.record.op})"


class Trace:
    """The result of ``backward_trace``: the steps, the gradients, and every adjoint."""

    def __init__(self, names, steps, gradients, adjoints, values, order):
        self.names, self.steps, self.gradients = names, steps, gradients
        self.adjoints, self.values, self.order = adjoints, values, order

    def adjoint_table(self) -> str:
        rows = [("tensor", "value", "adjoint")]
        shown = [i for i in self.order if i in self.names.names and
                 not self.names.names[i].startswith("c(")]
        for tid in sorted(shown, key=lambda i: _sort_key(self.names.names[i])):
            rows.append((self.names.names.get(tid, "?"), _short(self.values[tid]),
                         _short(self.adjoints.get(tid))))
        w = [max(len(r[c]) for r in rows) for c in range(3)]
        return "\n".join(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]}" for r in rows)

    def __str__(self) -> str:
        lines = ["backward pass (records visited in reverse order):"]
        for s in self.steps:
            outs = ", ".join(self.names(y) for y in s.outputs)
            up = ", ".join(_short(u) for u in (s.upstream if isinstance(s.upstream, tuple)
                                               else (s.upstream,)))
            lines.append(f"  step {s.index}: {s.record.op} -> {outs}; upstream ∂{outs} = {up}")
            lines.append(f"      rule: {s.rule}")
            for x, g in s.contributions:
                total = self.running[s.index].get(x._id)
                lines.append(f"      ∂{self.names(x)} += {_short(g)}   (so far {_short(total)})")
        lines.append("adjoints:")
        lines.extend("  " + line for line in self.adjoint_table().splitlines())
        return "\n".join(lines)

    def to_dot(self) -> str:
        return _dot(self.records, self.names, self.adjoints)

    def graph(self) -> "Graph":
        return Graph(self.to_dot())


def _sort_key(name: str):
    order = {"f": 0, "v": 1, "x": 2}
    head = order.get(name[:1], 3) if name[1:].isdigit() or name == "f" else 3
    num = int(name[1:]) if name[1:].isdigit() else 0
    return (head, num, name)


def backward_trace(tape: GradientTape, target, sources) -> Trace:
    """Run the backward pass of ``tape`` for ``target`` and ``sources`` step by step.

    It counts as the tape's gradient call (a non-persistent tape cannot be used again)."""
    records = _check(tape)
    t = _target_tensor(target)
    if t is None:
        raise ValueError("backward_trace needs a single target tensor")
    names = _Names(tape, records, t)
    srcs = [s._snapshot() if hasattr(s, "_snapshot") else s for s in nest.flatten(sources)]
    steps, running, adj = [], {}, {}
    values = {}
    for rec in records:
        for x in rec.inputs + rec.outputs:
            values.setdefault(x._id, x)

    def on_step(rec, up, contributions):
        for x, g in contributions:
            prev = adj.get(x._id)
            adj[x._id] = g if prev is None else prev + g
        idx = len(steps) + 1
        running[idx] = dict(adj)
        steps.append(Step(idx, rec, rec.outputs, up, contributions,
                          RULES.get(rec.op, f"the VJP registered for {rec.op}")))

    was_recording = tape._recording
    records = tape._begin_backward("gradient")
    try:
        adj[t._id] = None
        grads = imperative_grad(records, [t], [None], srcs, trace=on_step)
    finally:
        tape._end_backward()
    from .ops.array_ops import ones_like
    adj[t._id] = ones_like(t)
    values.setdefault(t._id, t)
    for s in srcs:
        values.setdefault(s._id, s)
    tr = Trace(names, steps, grads, adj, values, list(values))
    tr.running = running
    tr.records = records
    del was_recording
    return tr


def _dot(records: list, names: _Names, adjoints: dict | None = None) -> str:
    lines = ["digraph tape {", '  rankdir="LR";', '  node [fontname="Helvetica", fontsize=10];']
    seen = set()

    def tensor_node(t):
        if t._id in seen:
            return
        seen.add(t._id)
        label = f"{names(t)}\\n{t.dtype.name}{list(t.shape)}\\n= {_short(t)}"
        if adjoints is not None and adjoints.get(t._id) is not None:
            label += f"\\n∂ = {_short(adjoints[t._id])}"
        lines.append(f'  t{t._id} [shape=ellipse, label="{label}"];')

    for i, rec in enumerate(records):
        lines.append(f'  op{i} [shape=box, style=filled, fillcolor="#eeeeff", '
                     f'label="{rec.op}"];')
        for x in rec.inputs:
            tensor_node(x)
            lines.append(f"  t{x._id} -> op{i};")
        for y in rec.outputs:
            tensor_node(y)
            lines.append(f"  op{i} -> t{y._id};")
    lines.append("}")
    return "\n".join(lines)


def to_dot(tape: GradientTape, target=None) -> str:
    """The recorded graph as Graphviz DOT text (tensors are ellipses, ops boxes)."""
    records = _check(tape)
    t = _target_tensor(target) if target is not None else None
    return _dot(records, _Names(tape, records, t))


def graph(tape: GradientTape, target=None) -> "Graph":
    return Graph(to_dot(tape, target))


class Graph:
    """DOT text that renders itself: ``.source``, ``render(path)``, and ``_repr_svg_`` so a
    notebook shows the picture. Rendering needs Graphviz's ``dot`` program."""

    def __init__(self, source: str):
        self.source = source

    def __str__(self) -> str:
        return self.source

    @staticmethod
    def _dot_program() -> str:
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("Rendering needs Graphviz's `dot` program, which is not installed "
                               "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
                               "graphviz). The DOT text is available as `.source`.")
        return dot

    def pipe(self, fmt: str = "svg") -> bytes:
        r = subprocess.run([self._dot_program(), f"-T{fmt}"], input=self.source.encode(),
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"dot failed: {r.stderr.decode(errors='replace')}")
        return r.stdout

    def render(self, path: str) -> str:
        """Write ``path`` (.dot, .svg or .png) atomically; returns the path."""
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        data = self.source.encode() if ext in ("dot", "gv") else self.pipe(ext or "svg")
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix="." + ext)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return path

    def _repr_svg_(self):
        try:
            return self.pipe("svg").decode()
        except RuntimeError:
            return None


# ---- why is my gradient None? ----------------------------------------------------------------

_NON_DIFF = ("stop_gradient, argmax/argmin, round, floor, ceil, sign, comparisons and casts to "
             "integer types have no gradient")


def why_none(tape: GradientTape, target, source) -> str:
    """Explain why ``tape.gradient(target, source)`` is (or would be) None."""
    if not (isinstance(source, Tensor) or hasattr(source, "_read_for_op")):
        kind = type(source).__name__
        return (f"The source is a {kind}, not a tf.Tensor or tf.Variable: tapes only watch "
                f"tensors. Convert it with tf.constant(...) and call tape.watch() on that tensor "
                f"before computing with it (or use a tf.Variable).")
    is_var = hasattr(source, "_read_for_op")
    label = source.name.split(":")[0] if is_var else "the source tensor"
    if not source.dtype.is_floating:
        return (f"{label} has dtype {source.dtype.name}: integer and boolean tensors are never "
                f"differentiable, so their gradient is always None. Use a floating dtype "
                f"(tf.cast(x, tf.float32)).")
    if tape._records is None:
        return ("The tape is non-persistent and has already computed a gradient, which freed "
                "everything it recorded (a second call raises RuntimeError). Use "
                "tf.GradientTape(persistent=True) to ask for several gradients.")
    t = _target_tensor(target)
    if t is None:
        return "why_none takes a single target tensor."
    if not t.dtype.is_floating:
        return (f"The target has dtype {t.dtype.name}: an integer target has no gradient (it was "
                f"probably produced by a cast to an integer, argmax or a comparison).")
    sid = source._id
    watched = tape._watched
    if sid not in watched and sid not in tape._cut:
        if is_var and not source.trainable:
            return (f"{label} is a Variable with trainable=False; tapes do not watch "
                    f"non-trainable Variables automatically. Call tape.watch({label}) inside the "
                    f"tape's context.")
        if is_var and not tape._watch_accessed_variables:
            return (f"The tape was created with watch_accessed_variables=False and {label} was "
                    f"never passed to tape.watch().")
        if is_var:
            return (f"{label} was never read while this tape was recording: it was read before "
                    f"the `with tf.GradientTape()` block, after it, or inside "
                    f"tape.stop_recording(). Read it inside the tape's context.")
        return ("The source is a tensor this tape never watched. Constants are not watched "
                "automatically: call tape.watch(x) inside the tape's context before using x "
                "(or make it a tf.Variable).")
    tid = t._id
    if tid == sid:
        return "The target is the source itself: its gradient is ones, not None."
    if tid in tape._cut:
        return (f"The path from the source to the target goes through {tape._cut[tid]}, which "
                f"has no gradient ({_NON_DIFF}). Remove it from the path, or use a "
                f"differentiable substitute.")
    if tid not in watched:
        return ("The target was not computed from anything this tape was watching while it "
                "recorded: it was computed outside the tape's context, inside "
                "tape.stop_recording(), or from a NumPy round trip (x.numpy(), "
                "tf.constant(x.numpy())), which makes a new, unwatched constant.")
    # Both are on the tape: does the target depend on the source?
    reach = {sid}
    for rec in tape._records:
        if any(x._id in reach for x in rec.inputs):
            reach.update(y._id for y in rec.outputs)
    if tid not in reach:
        return ("The target does not depend on the source: no chain of recorded operations "
                "leads from it to the target, so its gradient is None (pass "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO to get zeros).")
    return "The gradient is not None: the target depends on the source through recorded ops."


__all__ = ["describe", "describe_tapes", "backward_trace", "to_dot", "graph", "Graph",
           "why_none", "RULES", "Record"]
