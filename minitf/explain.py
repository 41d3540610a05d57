"""See the tape: what it recorded, how the backward pass runs, and why a gradient is None.

This module is minitf's own (TensorFlow has no equivalent). It reads a ``GradientTape`` without
changing it:

* ``describe(tape)``: the recorded operations in order, with inputs and outputs (shape, dtype,
  a short value) and why each source tensor is watched;
* ``backward_trace(tape, target, sources)``: the backward pass step by step — each op, the
  upstream gradient, the local rule, and the adjoint accumulated so far for every tensor;
* ``graph(tape, ...)``: the recorded graph as Graphviz DOT text (SVG/PNG when Graphviz is
  installed; shown inline in notebooks);
* ``why_none(tape, target, source)``: the real reason a gradient is None;
* ``forward_trace(tape, target, sources, tangents)``: forward mode beside reverse mode, each
  tensor's tangent (``tf.autodiff.ForwardAccumulator``) next to its adjoint;
* ``html(tape, target, sources, path)``: an interactive page to step through both passes.

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

import bisect
import linecache
import os
import shutil
import subprocess
import tempfile

import numpy as np

from . import nest
from .tape import GradientTape, Record, imperative_grad
from .tensor import Tensor, is_tensor, is_variable

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
    # the fused LSTM (ops/rnn_ops.py): one record for the whole sequence
    "LSTMSequence": "backpropagation through time: per step, back through the gates "
                    "(σ' = y(1-y), tanh' = 1-y²) to ∂z, then ∂h_prev = ∂z·Rᵀ; "
                    "∂R = Σ_t h_(t-1)ᵀ·∂z_t, ∂b = Σ ∂z, ∂xz = ∂z",
    # a tf.function call is one record; its inputs' gradients come from its traced backward graph
    "StatefulPartitionedCall": "∂inputs = the function's traced gradient graph applied to g",
}


def _fused_steps(rec) -> tuple:
    """The unfused op types a fused record stands for, in order (``()`` for an ordinary
    record). A fused op names them when it records (``ops/nn_ops.dense``: a Keras Dense
    layer's matmul, bias and relu are one record)."""
    return tuple(rec.steps)


def _rule(rec) -> str:
    """The local VJP rule of a record, as text; a fused record's is spelt step by step, with z
    the value before the activation."""
    steps = _fused_steps(rec)
    if not steps:
        return RULES.get(rec.op, f"the VJP registered for {rec.op}")
    parts = ["∂z = g where y > 0" if "Relu" in steps else "∂z = g",
             "∂x = ∂z·Wᵀ, ∂W = xᵀ·∂z"]
    if "BiasAdd" in steps:
        parts.append("∂b = ∂z summed over the batch")
    return f"fused {' → '.join(steps)}: " + "; ".join(parts)


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
        # Without a target, the last recorded op's (single) output is taken as f: it is what
        # a learner differentiates, so describe/to_dot name it as backward_trace does.
        if target is None and records and len(records[-1].outputs) == 1:
            target = records[-1].outputs[0]
        tid = None if target is None else target._id
        count = 0
        for rec in records:
            for y in rec.outputs:
                if y._id in self.names:
                    continue
                count += 1      # f takes a number too, so the other v-names do not depend on it
                self.names[y._id] = "f" if y._id == tid else f"v{count}"

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
    """The tape's recorded operations, in order, and what it watches and why.

    Op outputs are named v1, v2, ... in recording order, except ``target`` (by default the
    last op's output), which is ``f`` -- the names ``backward_trace`` and the graph use."""
    records = _check(tape)
    names = _Names(tape, records, _target_tensor(target) if target is not None else None)
    level = "" if tape._level is None else f" (nesting level {tape._level})"
    lines = [f"GradientTape{level}: {len(records)} recorded operation(s), "
             f"{'persistent' if tape._persistent else 'non-persistent'}"]
    lines.append("watched:")
    for tid, why in tape._watch_reasons.items():
        var = tape._watched_vars.get(tid)
        label = names.names.get(tid) or (var.name.split(":")[0] if var is not None else f"#{tid}")
        extra = "" if var is None else f" {var._dtype.name}{list(var.shape)} = {_short(var)}"
        lines.append(f"  {label}{extra}: {why}")
    lines.append("operations (each output is watched as the output of a recorded op):")
    for i, rec in enumerate(records, 1):
        ins = ", ".join(f"{names(x)}={_short(x)}" for x in rec.inputs)
        outs = ", ".join(f"{names(y)}: {y.dtype.name}{list(y.shape)} = {_short(y)}"
                         for y in rec.outputs)
        lines.append(f"  {i:3d}. {rec.op}({ins}) -> {outs}")
        if _fused_steps(rec):       # the steps explain.html shows, by the names it gives them
            lines.append(f"       one fused kernel: {_fused_text(rec, names)}")
    return "\n".join(lines)


def _fused_text(rec, names: "_Names") -> str:
    """A fused record's steps with the intermediate names the explorer uses (v1.matmul, ...)."""
    steps, out = _fused_steps(rec), names(rec.outputs[0])
    prev, parts = None, []
    for k, op in enumerate(steps):
        args = {"MatMul": [names(rec.inputs[0]), names(rec.inputs[1])],
                "BiasAdd": [prev, names(rec.inputs[2]) if len(rec.inputs) > 2 else ""],
                "Relu": [prev]}[op]
        name = out if k == len(steps) - 1 else f"{out}.{op.lower()}"
        parts.append(f"{name} = {op}({', '.join(args)})")
        prev = name
    return "; ".join(parts)


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
        rows = self._adjoint_rows()
        w = [max(len(r[c]) for r in rows) for c in range(3)]
        return "\n".join(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]}" for r in rows)

    def _repr_html_(self) -> str:
        from .explain_display import trace_html
        return trace_html(self)

    def _adjoint_rows(self) -> list:
        """The header and one (name, value, adjoint) row per tensor, as text."""
        rows = [("tensor", "value", "adjoint")]
        shown = [i for i in self.order if i in self.names.names and
                 not self.names.names[i].startswith("c(")]
        for tid in sorted(shown, key=lambda i: _sort_key(self.names.names[i])):
            rows.append((self.names.names.get(tid, "?"), _short(self.values[tid]),
                         _short(self.adjoints.get(tid))))
        return rows

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


def _write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, renamed
    into place; nothing is left behind if writing fails (the OSError propagates)."""
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


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
                          _rule(rec)))

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


def html(tape: GradientTape, target, sources, path: str | None = None,
         title: str = "minitf tape explorer") -> str:
    """An interactive, self-contained HTML page of the tape: the graph, forward and backward
    stepping with values and adjoints, each op's VJP rule on hover (see ``explain_html``).
    Returns the page; with ``path`` it is also written there."""
    from .explain_html import html as page
    return page(tape, target, sources, path=path, title=title)


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
        _write_atomically(path, data)
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
    """Explain why ``tape.gradient(target, source)`` is (or would be) None, from what the tape
    saw happen: which tensors it watched, which ops it recorded, which non-differentiable op cut
    a watched path (and on which line), when the target was computed (before, inside or after
    the ``with`` block, or under ``stop_recording``), and whether a Variable's value left for
    NumPy inside the block. The first cause that applies, most common first:

    1. the source is not a tensor, or has an integer dtype (never differentiable);
    2. the source was never watched: a constant without ``tape.watch``, a Variable with
       ``trainable=False``, or one never read while the tape recorded (this holds even after a
       non-persistent tape has spent its one ``gradient()`` call);
    3. the target was not computed on the tape: before or after the block, under
       ``stop_recording``, or from a NumPy round trip such as ``tf.constant(w.numpy())``;
    4. the path goes through an op with no gradient (``stop_gradient``, ``argmax``, ``round``,
       comparisons, casts to integers), named with its line;
    5. the non-persistent tape was already used, so its records are gone;
    6. the target does not depend on the source.

    In TensorFlow, ``tape.gradient`` returns None in each of these cases (except 5, where a
    second call raises RuntimeError); this function is minitf's own.

    >>> import minitf as tf
    >>> from minitf import explain
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> print(tape.gradient(y, x))
    None
    >>> explain.why_none(tape, y, x)[:40]
    'The source tensor was never watched: con'
    >>> w = tf.Variable([1.5, -2.0], name="w")
    >>> with tf.GradientTape() as tape:
    ...     y = tf.reduce_sum(tf.round(w) * 3.0)
    >>> print(tape.gradient(y, w))
    None
    >>> print(explain.why_none(tape, y, w))  # doctest: +ELLIPSIS
    The path from w to the target goes through Round at ...
    """
    if not (is_tensor(source)):
        kind = type(source).__name__
        return (f"The source is a {kind}, not a tf.Tensor or tf.Variable: tapes only watch "
                f"tensors. Convert it with tf.constant(...) and call tape.watch() on that tensor "
                f"before computing with it (or use a tf.Variable).")
    is_var = is_variable(source)
    label = source.name.split(":")[0] if is_var else "the source tensor"
    if not source._dtype.is_floating:
        return (f"{label} has dtype {source._dtype.name}: integer and boolean tensors are never "
                f"differentiable, so their gradient is always None. Use a floating dtype "
                f"(tf.cast(x, tf.float32)).")
    if not tape._marks:
        return ("This tape was never entered, so it recorded nothing: compute the target inside "
                "`with tf.GradientTape() as tape:`.")
    t = _target_tensor(target)
    if t is None:
        return "why_none takes a single target tensor."
    watched = tape._watched if tape._watched is not None else tape._spent_watched or set()
    if not t.dtype.is_floating:
        made = _cut_op(tape, t._id)
        return (f"The target has dtype {t.dtype.name}: an integer target has no gradient "
                f"(nor has a boolean one). " + (f"It was produced by {made}." if made else
                                 "It was probably produced by a cast to an integer, argmax or "
                                 "a comparison."))
    if source._id not in watched:
        return _unwatched(tape, source, is_var, label, t)
    if t._id == source._id:
        return "The target is the source itself: its gradient is ones, not None."
    if t._id not in watched and t._id not in tape._cut:
        return _off_tape(tape, t, source, label)
    links = _links(tape)
    if links is None:                       # a spent non-persistent tape, its graph not kept
        made = _cut_op(tape, t._id)
        if made:
            return _cut_message(label, made)
        return ("The tape is non-persistent and has already computed a gradient, which freed "
                "everything it recorded (a second gradient() call raises RuntimeError). Use "
                "tf.GradientTape(persistent=True) to ask for several gradients, or record again "
                "with a new tape.")
    reach, via = _paths_from(links, tape._cut, source._id)
    if t._id in reach:
        return "The gradient is not None: the target depends on the source through recorded ops."
    if t._id in via:
        return _cut_message(label, _at(*via[t._id]))
    named = f"the source {label}" if is_var else "the source"
    return (f"The target does not depend on {named}: no chain of recorded operations leads "
            f"from it to the target, so its gradient is None (pass "
            f"unconnected_gradients=tf.UnconnectedGradients.ZERO to get zeros).")


def _at(op: str, where) -> str:
    """``ArgMax at demo.py:7 (`i = tf.argmax(x)`)``, or just the op when the line is unknown."""
    if where is None:
        return op
    filename, lineno = where
    code = linecache.getline(filename, lineno).strip()
    return f"{op} at {os.path.basename(filename)}:{lineno}" + (f" (`{code}`)" if code else "")


def _cut_op(tape: GradientTape, tid: int) -> str | None:
    entry = tape._cut.get(tid)
    return None if entry is None else _at(entry[0], entry[2])


def _cut_message(label: str, made: str) -> str:
    return (f"The path from {label} to the target goes through {made}, which has no gradient "
            f"({_NON_DIFF}). Remove it from the path, or use a differentiable substitute.")


def _unwatched(tape: GradientTape, source, is_var: bool, label: str, t) -> str:
    """Why a source the tape never watched was not watched."""
    made = _cut_op(tape, source._id)
    if made:
        return (f"{label} is the output of {made}, which has no gradient, so the tape did not "
                f"record it or watch its result. Call tape.watch() on it, or differentiate "
                f"with respect to the op's input.")
    if is_var and not source.trainable:
        return (f"{label} is a Variable with trainable=False; tapes do not watch "
                f"non-trainable Variables automatically. Call tape.watch({label}) inside the "
                f"tape's context.")
    if is_var and not tape._watch_accessed_variables:
        return (f"The tape was created with watch_accessed_variables=False and {label} was "
                f"never passed to tape.watch().")
    if is_var:
        when = {"before": "the target was computed before the block began",
                "after": "the target was computed after the tape stopped recording",
                "paused": "the target was computed inside tape.stop_recording()"}.get(
                    _when(tape, t._id), f"the target was computed inside the block without "
                    f"reading {label}: it does not depend on {label}, unless it used a value "
                    f"of {label} read before the block")
        return (f"{label} was never read while this tape was recording ({when}). Read it "
                f"inside the `with tf.GradientTape()` block, outside tape.stop_recording().")
    spent = (" (This tape is non-persistent and has spent its one gradient() call: record "
             "again with a new tape that watches the source.)") if tape._records is None else ""
    return ("The source tensor was never watched: constants are not watched automatically, "
            "only trainable Variables read inside the block are. Call tape.watch(x) on it "
            "inside the tape's context before computing with it (or make it a tf.Variable)."
            + spent)


def _when(tape: GradientTape, tid: int) -> str:
    """When tensor ``tid`` was made, against this tape's recording: "before" it first started,
    "during" a recording interval, "paused" between two (stop_recording), or "after" the last
    stop. Tensor ids grow with time and the tape takes one at each start and stop."""
    marks = tape._marks
    i = bisect.bisect_right(marks, tid)
    if i == 0:
        return "before"
    if i % 2 == 1:
        return "during"
    return "after" if i == len(marks) else "paused"


def _off_tape(tape: GradientTape, t, source, label: str) -> str:
    """Why the target is not on the tape although the source is watched."""
    head = "The target was not computed on this tape: "
    when = _when(tape, t._id)
    if when == "before":
        return head + ("it was computed before the `with tf.GradientTape()` block began. The "
                       "tape only records operations run inside the block: move it there.")
    if when == "after":
        popped = (", or after gradient() was called inside the block (that stops a "
                  "non-persistent tape)") if not tape._persistent and tape._used else ""
        return head + (f"it was computed after the tape stopped recording: after the `with` "
                       f"block ended{popped}. Compute the target inside the block.")
    if when == "paused":
        return head + ("it was computed inside tape.stop_recording(), which records nothing. "
                       "Compute it outside that block.")
    read = tape._numpy_reads.get(source._id)
    if read is not None:
        return head + (f"{label} left the tape through {_at('.numpy()', read)}: that gives a "
                       f"NumPy copy, and tf.constant(...) of it is a new constant the tape does "
                       f"not watch, so nothing links the target to {label} (a NumPy round "
                       f"trip). Compute with {label} itself, in minitf ops.")
    return head + ("it was computed inside the block, but only from values the tape does not "
                   "watch: a NumPy round trip (x.numpy(), tf.constant(x.numpy()), np.array(x)), "
                   "a Python float(x), or new constants. Compute with the source itself, in "
                   "minitf ops.")


def _links(tape: GradientTape):
    """The recorded ops as (input ids, output ids): from the live records, or what a spent
    non-persistent tape kept when its gradient() returned a None (else None)."""
    if tape._records is not None:
        return [(tuple(x._id for x in r.inputs), tuple(y._id for y in r.outputs))
                for r in tape._records]
    return tape._spent_links


def _paths_from(links: list, cut: dict, sid: int) -> tuple:
    """(ids reached from ``sid`` through recorded ops, {id: (op, line)} of those reached only
    through a non-differentiable op, with the first such op on the way). Recorded ops and cut
    ops interleave, so both are swept until nothing new is reached."""
    reach, via = {sid}, {}
    changed = True
    while changed:
        changed = False
        for ins, outs in links:
            if any(i in reach for i in ins):
                new = [y for y in outs if y not in reach]
                reach.update(new)
            else:
                origin = next((via[i] for i in ins if i in via), None)
                new = [] if origin is None else [y for y in outs if y not in via]
                via.update((y, origin) for y in new)
            changed |= bool(new)
        for y, (op, ins, where) in cut.items():
            if y in via or y in reach:
                continue
            if any(i in reach for i in ins):
                via[y], changed = (op, where), True
            else:
                origin = next((via[i] for i in ins if i in via), None)
                if origin is not None:
                    via[y], changed = origin, True
    return reach, via


class ForwardTrace:
    """The result of ``forward_trace``: each recorded op with the tangents it received and
    gave, and beside every tensor its value, its tangent (forward mode) and its adjoint
    (reverse mode)."""

    def __init__(self, names, steps, tangents, adjoints, values, derivative):
        self.names, self.steps, self.tangents = names, steps, tangents
        self.adjoints, self.values, self.derivative = adjoints, values, derivative

    def table(self) -> str:
        rows = self._rows()
        w = [max(len(r[c]) for r in rows) for c in range(4)]
        return "\n".join(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}"
                         for r in rows).rstrip()

    def _repr_html_(self) -> str:
        from .explain_display import forward_trace_html
        return forward_trace_html(self)

    def _rows(self) -> list:
        """The header and one (name, value, tangent, adjoint) row per tensor, as text."""
        rows = [("tensor", "value", "tangent", "adjoint")]
        for tid in sorted(self.names.names, key=lambda i: _sort_key(self.names.names[i])):
            if tid in self.values and not self.names.names[tid].startswith("c("):
                rows.append((self.names.names[tid], _short(self.values[tid]),
                             _short(self.tangents.get(tid)), _short(self.adjoints.get(tid))))
        return rows

    def __str__(self) -> str:
        lines = ["forward pass (records in recording order; ṫ is a tangent, J·v, and an input "
                 "without one, a constant, counts as 0):"]
        for i, (rec, ins, outs) in enumerate(self.steps, 1):
            got = ", ".join(f"ṫ{self.names(x)}={_short(t)}" for x, t in ins if t is not None)
            lines.append(f"  step {i}: {rec.op}({got}) -> " + ", ".join(
                f"ṫ{self.names(y)} = {_short(t)}" for y, t in outs))
        lines.append(self.table())
        lines.append(f"check: Σ adjoint·tangent over the sources = {_short(self.derivative)} "
                     f"= the target's tangent (both are the directional derivative)")
        return "\n".join(lines)


def forward_trace(tape: GradientTape, target, sources, tangents) -> ForwardTrace:
    """Replay ``tape``'s records forwards with a tangent for each source, as
    ``tf.autodiff.ForwardAccumulator`` would have computed them, then run the backward pass:
    tangents and adjoints side by side. The target's tangent equals Σ adjoint·tangent over the
    sources (forward and reverse mode give the same directional derivative). Like
    ``backward_trace`` it counts as the tape's gradient call.

    >>> import minitf as tf
    >>> from minitf import explain
    >>> w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
    >>> with tf.GradientTape(persistent=True) as tape:
    ...     f = 3 * w1 ** 2 + 2 * w1 * w2
    >>> print(explain.forward_trace(tape, f, [w1, w2], [1., 0.]).table())
    tensor  value  tangent  adjoint
    f       105    36       1
    v1      25     10       3
    v2      75     30       1
    v3      10     2        3
    v4      30     6        1
    w1      5      1        36
    w2      3      0        10
    """
    from .forward_accumulator import ForwardAccumulator
    from .tensor import convert_to_tensor
    records = _check(tape)
    t = _target_tensor(target)
    if t is None:
        raise ValueError("forward_trace needs a single target tensor")
    srcs = [s._snapshot() if hasattr(s, "_snapshot") else s for s in nest.flatten(sources)]
    dots = [convert_to_tensor(v, dtype=s.dtype) for s, v in zip(srcs, nest.flatten(tangents))]
    acc = ForwardAccumulator(srcs, dots)
    steps = []
    for rec in records:
        acc._push(rec)
        steps.append((rec, [(x, acc._tangents.get(x._id)) for x in rec.inputs],
                      [(y, acc._tangents.get(y._id)) for y in rec.outputs]))
    back = backward_trace(tape, t, srcs)
    derivative = sum(float(np.sum(g.numpy() * d.numpy()))
                     for g, d in zip(back.gradients, dots) if g is not None)
    return ForwardTrace(back.names, steps, acc._tangents, back.adjoints, back.values,
                        derivative)


__all__ = ["describe", "describe_tapes", "backward_trace", "forward_trace", "to_dot", "graph",
           "Graph", "why_none", "RULES", "Record"]
