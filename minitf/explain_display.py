"""Rich notebook display: HTML tables and SVG drawings for tensors, tapes and backward traces.

Jupyter shows an object through its ``_repr_html_`` method when it has one. TensorFlow's
tensors have none (a notebook prints their ``repr``); minitf, being a teaching tool, gives
``Tensor``, ``Variable``, a finished ``GradientTape`` and ``explain``'s traces a table, so
a Jacobian reads as a matrix and a backward pass as one row per step. Beside the tables come
drawings, in SVG laid out here (no Graphviz needed): a tape's recorded graph, the same graph
with every adjoint for a backward trace, and a 2-D floating tensor (a Jacobian) as a heat map.
Every piece of text that comes from the user (a Variable's name, a string tensor's value) is
escaped.

The core (``tensor.py``, ``tape.py``) imports this module only when a notebook asks for the
HTML, so ``import minitf`` does not load it.

>>> import minitf as tf
>>> from minitf import explain_display
>>> print(explain_display.tensor_html(tf.constant([[1, 2], [3, 4]])))
<table class="minitf"><caption>tf.Tensor shape=(2, 2) dtype=int32</caption>
<tr><td>1</td><td>2</td></tr>
<tr><td>3</td><td>4</td></tr>
</table>
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:       # annotations only: this module loads after the core, on demand
    from .tape import GradientTape
    from .tensor import Tensor

# Large tensors show their corner only: a notebook cell is not the place for a 1000 x 1000 table.
MAX_ROWS = 12
MAX_COLS = 12
# A tape's HTML draws its graph up to this many records; a training step's hundreds of ops
# would make a drawing nobody can read (tape_svg still draws any size on request).
MAX_GRAPH_RECORDS = 60


def _cell(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.6g}"
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _table(caption: str, rows: list, header: tuple | None = None) -> str:
    """An escaped HTML table: ``caption``, an optional header row, then ``rows``."""
    out = [f'<table class="minitf"><caption>{escape(caption)}</caption>']
    if header is not None:
        out.append("<tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in header) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(_cell(c))}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _matrix_rows(v: np.ndarray) -> list:
    """Rows of a 0-, 1- or 2-D array, cut to MAX_ROWS x MAX_COLS with an ellipsis cell."""
    m = v.reshape(1, -1) if v.ndim < 2 else v
    rows = []
    for r in m[:MAX_ROWS]:
        cells = list(r[:MAX_COLS]) + (["…"] if m.shape[1] > MAX_COLS else [])
        rows.append(cells)
    if m.shape[0] > MAX_ROWS:
        rows.append(["⋮"])
    return rows


def html(kind: str, obj: "Tensor | GradientTape") -> str | None:
    """What ``_repr_html_`` returns for a tensor or Variable (kind "tensor") or a tape ("tape");
    ``minitf/__init__.py`` registers this with ``tensor.register_html_display``."""
    if kind == "tape":
        return tape_html(obj)
    from . import _backend as B
    if B.is_symbolic(obj._value):
        return None      # a tensor of a tf.function trace has no value to show
    return tensor_html(obj)


def tensor_html(t: "Tensor") -> str:
    """An HTML table of a tensor's values under its shape and dtype (a 2-D tensor, such as a
    Jacobian, as a matrix, followed by ``matrix_svg``'s heat map when it is floating; higher
    ranks as their last two axes for each leading index, up to ``MAX_ROWS`` of them)."""
    from .tensor import is_variable
    kind = f"tf.Variable '{t.name}'" if is_variable(t) else "tf.Tensor"
    caption = f"{kind} shape={tuple(t.shape)} dtype={t._dtype.name}"
    v = np.asarray(t.numpy())
    if v.ndim == 2 and v.dtype.kind == "f":     # a Jacobian, a weight matrix: also a heat map
        return _table(caption, _matrix_rows(v)) + "\n" + matrix_svg(t)
    if v.ndim <= 2:
        return _table(caption, _matrix_rows(v))
    lead = v.reshape((-1,) + v.shape[-2:])
    parts = [f'<div class="minitf"><b>{escape(caption)}</b>']
    for i, index in enumerate(np.ndindex(*v.shape[:-2])):
        if i == MAX_ROWS:
            parts.append("<p>⋮</p>")
            break
        label = "[" + ", ".join(map(str, index)) + ", :, :]"
        parts.append(_table(label, _matrix_rows(lead[i])))
    parts.append("</div>")
    return "\n".join(parts)


def tape_html(tape: "GradientTape") -> str | None:
    """The recorded operations of a tape that has finished recording, one row each (op, its
    inputs, its outputs), named as ``explain.describe`` names them, then the graph drawn by
    ``graph_svg`` (up to ``MAX_GRAPH_RECORDS`` records). None while it records."""
    from . import explain
    if tape._recording:
        return None       # still inside the ``with``: the plain repr
    level = "" if tape._level is None else f", nesting level {tape._level}"
    kind = "persistent" if tape._persistent else "non-persistent"
    if tape._records is None:
        return _table(f"GradientTape ({kind}{level}): its records were freed by gradient()",
                      [])
    records = tape._records
    names = explain._Names(tape, records)
    rows = [(i, rec.op, ", ".join(f"{names(x)}={explain._short(x)}" for x in rec.inputs),
             ", ".join(f"{names(y)}={explain._short(y)}" for y in rec.outputs))
            for i, rec in enumerate(records, 1)]
    return "\n".join([
        _table(f"GradientTape ({kind}{level}): {len(records)} recorded operation(s)", rows,
               ("#", "op", "inputs", "outputs")),
        graph_svg(records, names) if len(records) <= MAX_GRAPH_RECORDS else
        f"<p>(graph not drawn: {len(records)} records, more than MAX_GRAPH_RECORDS = "
        f"{MAX_GRAPH_RECORDS}; explain_display.tape_svg(tape) draws it)</p>"])


def trace_html(trace) -> str:
    """A backward trace as two tables: each step (op, upstream gradient, local rule, what it
    added to each input's adjoint) and the final adjoints; then the graph with the adjoints
    (``trace_svg``, up to ``MAX_GRAPH_RECORDS`` records)."""
    from . import explain
    steps = []
    for s in trace.steps:
        up = s.upstream if isinstance(s.upstream, tuple) else (s.upstream,)
        added = "; ".join(f"∂{trace.names(x)} += {explain._short(g)}" for x, g in s.contributions)
        steps.append((s.index, s.record.op, ", ".join(trace.names(y) for y in s.outputs),
                      ", ".join(explain._short(u) for u in up), s.rule, added))
    table = trace._adjoint_rows()
    return "\n".join([
        _table("backward pass (records in reverse order)", steps,
               ("step", "op", "output", "upstream", "rule", "contributions")),
        _table("adjoints (∂f/∂tensor)", table[1:], tuple(table[0])),
        trace_svg(trace) if len(trace.records) <= MAX_GRAPH_RECORDS else
        f"<p>(graph not drawn: {len(trace.records)} records, more than MAX_GRAPH_RECORDS = "
        f"{MAX_GRAPH_RECORDS}; explain_display.trace_svg(trace) draws it)</p>"])


def forward_trace_html(trace) -> str:
    """A forward trace's table: every tensor's value, tangent and adjoint."""
    table = trace._rows()
    return _table("values, tangents (forward mode) and adjoints (reverse mode)", table[1:],
                  tuple(table[0]))


# ---- SVG drawings ------------------------------------------------------------------------------
# Jupyter's front ends prefer text/html to image/svg+xml when an object offers both, so the
# drawings are embedded in the HTML above (inline <svg> is valid HTML5); ``tape_svg``,
# ``trace_svg`` and ``matrix_svg`` give the standalone SVG documents. Everything is laid out
# here (no Graphviz): layers left to right as in ``explain.to_dot``'s rankdir=LR.
_SVG_NS = "http://www.w3.org/2000/svg"
_CHAR_W, _LINE_H, _PAD = 7, 14, 6      # px per character and per text line at font-size 11
_GAP_X, _GAP_Y = 40, 14                 # between layers, between nodes of a layer


def _x(text: str) -> str:
    """Text or attribute value escaped for XML."""
    return escape(str(text), quote=True)


def _svg(width: float, height: float, body: list) -> str:
    return "\n".join([f'<svg xmlns="{_SVG_NS}" width="{width:g}" height="{height:g}" '
                      f'viewBox="0 0 {width:g} {height:g}" font-family="Helvetica, Arial, '
                      f'sans-serif" font-size="11">'] + body + ["</svg>"])


def _graph_nodes(records: list, names, adjoints: dict | None):
    """The bipartite graph of ``explain.to_dot``: (key, kind, lines, layer) per node, in first
    appearance order, and the edges (from key, to key). An op's layer is one more than the
    largest layer among the op outputs it reads (the longest path), its outputs one more; a
    source tensor sits in the layer before the first op reading it."""
    from . import explain
    nodes: dict = {}
    edges = []

    def tensor(t, layer):
        key = f"t{t._id}"
        if key not in nodes:
            lines = [names(t), f"{t.dtype.name}{list(t.shape)}", f"= {explain._short(t)}"]
            if adjoints is not None and adjoints.get(t._id) is not None:
                lines.append(f"∂ = {explain._short(adjoints[t._id])}")
            nodes[key] = ["tensor", lines, layer]
        return key

    made: set = set()           # tensors some record produced; the others are sources
    for i, rec in enumerate(records):
        layer = 1 + max((nodes[f"t{x._id}"][2] for x in rec.inputs if f"t{x._id}" in made),
                        default=0)
        # a source (Variable, constant) sits just left of the first op that reads it
        ins = [tensor(x, layer - 1) for x in rec.inputs]
        nodes[f"op{i}"] = ["op", [rec.op], layer]
        edges.extend((k, f"op{i}") for k in ins)
        for y in rec.outputs:
            key = tensor(y, layer + 1)
            nodes[key][2] = max(nodes[key][2], layer + 1)
            made.add(key)
            edges.append((f"op{i}", key))
    return nodes, edges


def graph_svg(records: list, names, adjoints: dict | None = None) -> str:
    """The recorded graph as a standalone SVG document: tensors are rounded boxes (name,
    dtype and shape, value, and the adjoint ∂ when ``adjoints`` are given), ops are filled
    boxes, arrows follow the data. Deterministic: the layout depends only on the records."""
    nodes, edges = _graph_nodes(records, names, adjoints)
    size = {k: (_CHAR_W * max(len(s) for s in n[1]) + 2 * _PAD, _LINE_H * len(n[1]) + 2 * _PAD)
            for k, n in nodes.items()}
    layers: dict = {}
    for k, n in nodes.items():
        layers.setdefault(n[2], []).append(k)
    preds: dict = {}
    for a, b in edges:
        preds.setdefault(b, []).append(a)
    pos, rank, x = {}, {}, _PAD
    height = 0
    for layer in sorted(layers):
        # Each node sits near the mean row of the nodes feeding it (fewer crossing arrows);
        # sorted() is stable, so ties keep recording order and the drawing is deterministic.
        order = sorted(layers[layer], key=lambda k: np.mean([rank[p] for p in preds[k]])
                       if k in preds else 0.0)
        rank.update((k, r) for r, k in enumerate(order))
        col_w = max(size[k][0] for k in order)
        y = _PAD
        for k in order:
            w, h = size[k]
            pos[k] = (x + (col_w - w) / 2, y)
            y += h + _GAP_Y
        height = max(height, y)
        x += col_w + _GAP_X
    width = max(x - _GAP_X + _PAD, 2 * _PAD)
    body = ['<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker>'
            '</defs>']
    for a, b in edges:
        (ax, ay), (bx, by) = pos[a], pos[b]
        x1, y1 = ax + size[a][0], ay + size[a][1] / 2
        x2, y2 = bx, by + size[b][1] / 2
        body.append(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#555" '
                    f'marker-end="url(#arrow)"/>')
    for k, (kind, lines, _) in nodes.items():
        (nx, ny), (w, h) = pos[k], size[k]
        style = ('fill="#eeeeff" stroke="#334"' if kind == "op"
                 else 'fill="#ffffff" stroke="#333" rx="8"')
        body.append(f'<g class="{kind}" id="{k}"><rect x="{nx:g}" y="{ny:g}" width="{w:g}" '
                    f'height="{h:g}" {style}/>')
        for j, line in enumerate(lines):
            weight = ' font-weight="bold"' if j == 0 else ""
            body.append(f'<text x="{nx + w / 2:g}" y="{ny + _PAD + _LINE_H * (j + 0.8):g}" '
                        f'text-anchor="middle"{weight}>{_x(line)}</text>')
        body.append("</g>")
    return _svg(width, max(height - _GAP_Y + _PAD, 2 * _PAD), body)


def tape_svg(tape: "GradientTape") -> str | None:
    """The graph a finished tape recorded, as SVG, named as ``explain.describe`` names it;
    None while it records or once ``gradient`` freed its records.

    >>> import minitf as tf
    >>> from minitf import explain_display
    >>> x = tf.Variable(2.0, name="x")
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> svg = explain_display.tape_svg(tape)
    >>> svg.startswith("<svg"), ">Mul</text>" in svg, ">f</text>" in svg
    (True, True, True)
    """
    from . import explain
    if tape._recording or tape._records is None:
        return None
    records = tape._records
    return graph_svg(records, explain._Names(tape, records))


def trace_svg(trace) -> str:
    """A backward trace's graph as SVG, each tensor with its adjoint ∂f/∂tensor."""
    return graph_svg(trace.records, trace.names, trace.adjoints)


def _heat(v: float, scale: float) -> str:
    """A diverging colour: white at 0, red for positive, blue for negative, full at ±scale."""
    if not np.isfinite(v):
        return "#cccccc"
    s = 0.0 if scale == 0 else min(abs(v) / scale, 1.0)
    fade = round(255 - 175 * s)
    return f"#ff{fade:02x}{fade:02x}" if v > 0 else f"#{fade:02x}{fade:02x}ff"


def matrix_svg(t: "Tensor") -> str:
    """A 0-, 1- or 2-D numeric tensor as a heat-map grid with its values (a Jacobian reads as
    the matrix it is: row i is output i, column j input j); red positive, blue negative,
    colour scaled by the largest magnitude shown; cut to ``MAX_ROWS`` x ``MAX_COLS``.

    >>> import minitf as tf
    >>> from minitf import explain_display
    >>> svg = explain_display.matrix_svg(tf.constant([[1., -2.], [0., 4.]]))
    >>> svg.count("<rect"), ">-2</text>" in svg
    (4, True)
    """
    v = np.asarray(t.numpy())
    m = v.reshape(1, -1) if v.ndim < 2 else v
    shown = m[:MAX_ROWS, :MAX_COLS]
    real = shown.dtype.kind in "fiub"           # strings and complex numbers get no colour
    as_float = shown.astype(np.float64) if real else np.zeros(shown.shape)
    finite = np.abs(as_float[np.isfinite(as_float)])
    scale = float(finite.max()) if real and finite.size else 0.0
    texts = [[_cell(c) for c in row] for row in shown]
    cw = _CHAR_W * max([len(s) for row in texts for s in row] + [3]) + 2 * _PAD
    ch = _LINE_H + 2 * _PAD
    top = _LINE_H + _PAD
    caption = f"shape={tuple(v.shape)} dtype={t._dtype.name}"
    width = max(cw * shown.shape[1], _CHAR_W * len(caption)) + 2 * _PAD
    height = top + ch * shown.shape[0] + 2 * _PAD
    body = [f'<text x="{_PAD}" y="{_LINE_H}">{_x(caption)}</text>']
    for i, row in enumerate(shown):
        for j, c in enumerate(row):
            x, y = _PAD + j * cw, top + i * ch
            body.append(f'<rect x="{x:g}" y="{y:g}" width="{cw:g}" height="{ch:g}" '
                        f'fill="{_heat(as_float[i, j], scale) if real else "#ffffff"}" '
                        f'stroke="#888"/>')
            body.append(f'<text x="{x + cw / 2:g}" y="{y + _PAD + 0.8 * _LINE_H:g}" '
                        f'text-anchor="middle">{_x(texts[i][j])}</text>')
    if m.shape[0] > MAX_ROWS or m.shape[1] > MAX_COLS:
        body.append(f'<text x="{_PAD}" y="{height:g}">(cut to {shown.shape[0]} x '
                    f'{shown.shape[1]} of {m.shape[0]} x {m.shape[1]})</text>')
        height += _LINE_H
    return _svg(width, height, body)


__all__ = ["html", "tensor_html", "tape_html", "trace_html", "forward_trace_html", "graph_svg",
           "tape_svg", "trace_svg", "matrix_svg"]
