"""Rich notebook display: small HTML tables for tensors, tapes and backward traces.

Jupyter shows an object through its ``_repr_html_`` method when it has one. TensorFlow's
tensors have none (a notebook prints their ``repr``); minitf, being a teaching tool, gives
``Tensor``, ``Variable``, a finished ``GradientTape`` and ``explain``'s traces a table, so
a Jacobian reads as a matrix and a backward pass as one row per step. Every piece of text that
comes from the user (a Variable's name, a string tensor's value) is HTML-escaped.

The core (``tensor.py``, ``tape.py``) imports this module only when a notebook asks for the
HTML, so ``import minitf`` does not load it.

>>> import minitf as tf
>>> from minitf import explain_display
>>> print(explain_display.tensor_html(tf.constant([[1., 2.], [3., 4.]])))
<table class="minitf"><caption>tf.Tensor shape=(2, 2) dtype=float32</caption>
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
    Jacobian, as a matrix; higher ranks as their last two axes for each leading index, up to
    ``MAX_ROWS`` of them)."""
    from .tensor import is_variable
    kind = f"tf.Variable '{t.name}'" if is_variable(t) else "tf.Tensor"
    caption = f"{kind} shape={tuple(t.shape)} dtype={t.dtype.name}"
    v = np.asarray(t.numpy())
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
    inputs, its outputs), named as ``explain.describe`` names them. None while it records."""
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
    return _table(f"GradientTape ({kind}{level}): {len(records)} recorded operation(s)", rows,
                  ("#", "op", "inputs", "outputs"))


def trace_html(trace) -> str:
    """A backward trace as two tables: each step (op, upstream gradient, local rule, what it
    added to each input's adjoint) and the final adjoints."""
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
        _table("adjoints (∂f/∂tensor)", table[1:], tuple(table[0]))])


def forward_trace_html(trace) -> str:
    """A forward trace's table: every tensor's value, tangent and adjoint."""
    table = trace._rows()
    return _table("values, tangents (forward mode) and adjoints (reverse mode)", table[1:],
                  tuple(table[0]))


__all__ = ["html", "tensor_html", "tape_html", "trace_html", "forward_trace_html"]
