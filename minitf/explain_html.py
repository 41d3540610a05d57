"""An interactive tape explorer: one self-contained HTML page to step through a tape.

``explain.html(tape, target, sources)`` (and ``python -m minitf explain EXPR --at ...
--html out.html``) writes a page with no network access -- inline SVG, CSS and script -- that
shows the recorded graph and lets a learner

* step **forward** one op at a time, each op's outputs appearing with their values;
* step **backward** one op at a time, in the order the engine's backward pass visited the
  records, each tensor's adjoint growing as contributions arrive;
* hover an op to read its VJP rule, with the shapes and dtypes it saw.

Everything shown comes from what the tape recorded and what ``backward_trace`` -- the engine's
own backward pass, observed -- computed; the page only reveals it step by step. A fused op
(the Keras ``Dense`` kernel: matmul, bias, relu in one record) is shown as its steps: they are
recomputed with unfused minitf ops under a nested tape from the recorded inputs and the
upstream gradient the engine passed, and their input adjoints are checked against the fused
op's before the page is written.

>>> import minitf as tf
>>> from minitf import explain
>>> w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
>>> with tf.GradientTape(persistent=True) as tape:
...     f = 3 * w1 ** 2 + 2 * w1 * w2
>>> page = explain.html(tape, f, [w1, w2])
>>> page.startswith("<!DOCTYPE html>") and "http://" not in page and "https://" not in page
True
"""
from __future__ import annotations

import html as _html
import json

import numpy as np

from . import explain as E

# The steps a fused op stands for, keyed by its recorded op type (see ops/nn_ops.dense).
_FUSED_RULES = {"MatMul": E.RULES["MatMul"], "BiasAdd": "∂x = g, ∂bias = Σ over the batch of g",
                "Relu": E.RULES["Relu"]}


def _describe(t) -> str:
    return f"{t.dtype.name}{list(t.shape)}"


class _Page:
    """The page's data: tensors, ops in recording order, backward steps in engine order."""

    def __init__(self, tape, target, sources):
        self.trace = E.backward_trace(tape, target, sources)
        self.names = self.trace.names
        self.tensors: dict = {}      # key -> {"name", "value", "kind", "info"}
        self.ops: list = []          # {"op", "rule", "inputs", "outputs", "fused"}
        self.backward: list = []     # {"op": index into ops, "adjoints": {key: text}, ...}
        self._expansions: dict = {}  # record id -> (sub-op indices, sub-tape, sub-tensors)
        watched = set(tape._watch_reasons)
        for rec in self.trace.records:
            self._add_record(rec, watched)
        for step in self.trace.steps:
            self._add_step(step)
        # The gradient asked for, per source (what tape.gradient returns). A Variable the tape
        # never read has no name on it, but is still named as the user named it.
        self.sources = [self._source_name(s) for s in E.nest.flatten(sources)]
        # The seed of the backward pass: ones shaped like the target.
        target_t = E._target_tensor(target)
        produced = {y._id for rec in self.trace.records for y in rec.outputs}
        self.target = self._tensor(target_t, "value" if target_t._id in produced
                                   else self._leaf_kind(target_t, watched))
        self.seed = E._short(self.trace.adjoints[target_t._id])

    def _source_name(self, s) -> str:
        t = s._snapshot() if hasattr(s, "_snapshot") else s
        if t._id not in self.names.names and hasattr(s, "_snapshot"):
            return s.name.split(":")[0]
        return self.names(t)

    # ---- forward: tensors and ops -------------------------------------------------------
    def _tensor(self, t, kind: str) -> str:
        key = f"t{t._id}"
        if key not in self.tensors:
            self.tensors[key] = {"name": self.names(t), "value": E._short(t), "kind": kind,
                                 "info": _describe(t)}
        return key

    def _leaf_kind(self, t, watched) -> str:
        if t._id in self.names.names and t._id in watched:
            return "source"
        return "constant" if self.names(t).startswith("c(") else "source"

    def _add_record(self, rec, watched) -> None:
        ins = [self._tensor(x, self._leaf_kind(x, watched)) for x in rec.inputs]
        steps = E._fused_steps(rec)
        if steps:
            self._expand(rec, ins, steps)
            return
        outs = [self._tensor(y, "value") for y in rec.outputs]
        self.ops.append({"op": rec.op, "rule": E._rule(rec),
                         "inputs": ins, "outputs": outs, "fused": None,
                         "info": ", ".join(_describe(x) for x in rec.inputs) + " -> "
                         + ", ".join(_describe(y) for y in rec.outputs)})
        rec_index = len(self.ops) - 1
        self._expansions[id(rec)] = ([rec_index], None, None)

    def _expand(self, rec, ins, steps) -> None:
        """Recompute a fused op's steps with unfused ops under a nested tape."""
        import minitf as tf
        b = rec.inputs[2] if len(rec.inputs) > 2 else None
        out = rec.outputs[0]
        oname = self.names(out)
        with tf.GradientTape(persistent=True) as sub:
            xs = [tf.identity(t) for t in rec.inputs]   # leaves of the nested tape
            for t in xs:
                sub.watch(t)
            parts, current = [], None
            for op in steps:
                if op == "MatMul":
                    current = tf.matmul(xs[0], xs[1])
                elif op == "BiasAdd":
                    current = current + xs[2]
                elif op == "Relu":
                    current = tf.nn.relu(current)
                parts.append((op, current))
        if not np.array_equal(np.asarray(current.numpy()), np.asarray(out.numpy())):
            raise AssertionError(f"explain.html: the unfused steps of {rec.op} do not reproduce "
                                 "its recorded output")
        indices, prev_key = [], None
        sub_keys = []
        for k, (op, value) in enumerate(parts):
            last = k == len(parts) - 1
            if last:
                key = self._tensor(out, "value")
            else:
                key = f"t{out._id}.{k}"
                self.tensors[key] = {"name": f"{oname}.{op.lower()}", "value": E._short(value),
                                     "kind": "value", "info": _describe(value)}
            op_ins = {"MatMul": [ins[0], ins[1]], "BiasAdd": [prev_key, ins[2] if b is not None
                                                              else None],
                      "Relu": [prev_key]}[op]
            op_ins = [i for i in op_ins if i is not None]
            self.ops.append({"op": op, "rule": _FUSED_RULES[op], "inputs": op_ins,
                             "outputs": [key], "fused": rec.op,
                             "info": f"step of the fused {rec.op} "
                                     f"({', '.join(_describe(t) for t in rec.inputs)})"})
            indices.append(len(self.ops) - 1)
            sub_keys.append(key)
            prev_key = key
        self._expansions[id(rec)] = (indices, sub, (xs, parts, sub_keys))

    # ---- backward -----------------------------------------------------------------------
    def _add_step(self, step) -> None:
        indices, sub, extra = self._expansions[id(step.record)]
        running = self.trace.running[step.index]
        totals = {f"t{x._id}": E._short(running.get(x._id)) for x, _ in step.contributions}
        contributions = [(f"t{x._id}", E._short(g)) for x, g in step.contributions]
        if sub is None:
            self.backward.append({"op": indices[0], "upstream": E._short(step.upstream),
                                  "contributions": contributions, "adjoints": totals})
            return
        xs, parts, keys = extra
        g = step.upstream
        values = [v for _, v in parts]
        # adjoints of every intermediate and of the fused op's inputs, from the nested tape
        grads = sub.gradient(values[-1], values[:-1] + xs, output_gradients=g)
        inner = grads[:len(values) - 1]
        outer = grads[len(values) - 1:]
        position = {x._id: i for i, x in enumerate(step.record.inputs)}
        for x, engine_g in step.contributions:
            mine = outer[position[x._id]]
            if mine is None or not np.allclose(np.asarray(mine.numpy()),
                                               np.asarray(engine_g.numpy()),
                                               rtol=1e-5, atol=1e-6):
                raise AssertionError(f"explain.html: the unfused steps of {step.record.op} "
                                     "give another gradient than the fused op")
        pre = {k: v for k, v in zip(keys[:-1], inner)}
        input_of = {"MatMul": (0, 1), "BiasAdd": (2,), "Relu": ()}
        for k in reversed(range(len(parts))):
            op = parts[k][0]
            up = g if k == len(parts) - 1 else pre[keys[k]]
            adj = {}
            if k > 0:
                adj[keys[k - 1]] = E._short(pre[keys[k - 1]])
            for i in input_of[op]:
                key = f"t{step.record.inputs[i]._id}" if i < len(step.record.inputs) else None
                if key in totals:          # an input the engine sent a gradient to
                    adj[key] = totals[key]
            self.backward.append({"op": indices[k], "upstream": E._short(up),
                                  "contributions": [(key, v) for key, v in adj.items()],
                                  "adjoints": adj})

    # ---- layout -------------------------------------------------------------------------
    def layout(self) -> dict:
        """Columns by depth (leaves, op, output, op, ...); within a column each op sits at the
        first free row at or below the mean row of its inputs, its outputs beside it, so
        chains run straight."""
        col, pos, taken = {}, {}, {}

        def place(c, want):
            r = max(0, want)
            while (c, r) in taken:
                r += 1
            taken[(c, r)] = True
            return r

        produced = {o for op in self.ops for o in op["outputs"]}
        for key in self.tensors:
            if key not in produced:
                col[key] = 0
                pos[key] = (0, place(0, 0))
        op_pos = []
        for op in self.ops:
            ins = [i for i in op["inputs"] if i in pos]
            c = max([col[i] for i in ins] + [0]) + 1
            want = round(sum(pos[i][1] for i in ins) / len(ins)) if ins else 0
            r = place(c, want)
            op_pos.append((c, r))
            for k, o in enumerate(op["outputs"]):
                col[o] = c + 1
                pos[o] = (c + 1, place(c + 1, r + k))
        rows = max([r for _, r in list(pos.values()) + op_pos] + [0]) + 1
        cols = max([c for c, _ in list(pos.values()) + op_pos] + [0]) + 1
        return {"tensor": pos, "op": op_pos, "rows": rows, "cols": cols}


_X, _Y, _W, _H = 170, 92, 150, 70


def _svg(page: _Page) -> str:
    lay = page.layout()
    width, height = lay["cols"] * _X + 20, lay["rows"] * _Y + 20

    def center(c, r):
        return 10 + c * _X + _W / 2, 10 + r * _Y + _H / 2

    parts = [f'<svg id="graph" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="the recorded graph">']
    for i, op in enumerate(page.ops):
        ox, oy = center(*lay["op"][i])
        for key in op["inputs"]:
            tx, ty = center(*lay["tensor"][key])
            parts.append(f'<line class="edge" x1="{tx + _W / 2}" y1="{ty}" x2="{ox - _W / 2}" '
                         f'y2="{oy}"/>')
        for key in op["outputs"]:
            tx, ty = center(*lay["tensor"][key])
            parts.append(f'<line class="edge" x1="{ox + _W / 2}" y1="{oy}" x2="{tx - _W / 2}" '
                         f'y2="{ty}"/>')
    for i, op in enumerate(page.ops):
        x, y = 10 + lay["op"][i][0] * _X, 10 + lay["op"][i][1] * _Y
        tip = f"{op['op']}: {op['rule']}\n{op['info']}"
        fused = f' data-fused="{_html.escape(op["fused"])}"' if op["fused"] else ""
        parts.append(
            f'<g class="op pending" id="op{i}" data-rule="{_html.escape(op["rule"])}"{fused}>'
            f'<title>{_html.escape(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="4"/>'
            f'<text x="{x + _W / 2}" y="{y + 28}" class="opname">{_html.escape(op["op"])}</text>'
            f'<text x="{x + _W / 2}" y="{y + 50}" class="small">'
            f'{"in " + _html.escape(op["fused"]) if op["fused"] else ""}</text></g>')
    for key, t in page.tensors.items():
        x, y = 10 + lay["tensor"][key][0] * _X, 10 + lay["tensor"][key][1] * _Y
        hidden = " pending" if t["kind"] == "value" else ""
        parts.append(
            f'<g class="tensor {t["kind"]}{hidden}" id="g-{key}" '
            f'data-name="{_html.escape(t["name"])}">'
            f'<title>{_html.escape(t["name"] + ": " + t["info"])}</title>'
            f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="30"/>'
            f'<text x="{x + _W / 2}" y="{y + 20}" class="tname">{_html.escape(t["name"])}</text>'
            f'<text x="{x + _W / 2}" y="{y + 40}" class="val">= {_html.escape(t["value"])}</text>'
            f'<text x="{x + _W / 2}" y="{y + 60}" class="adj" id="svgadj-{key}"></text></g>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:1em;color:#222}
#controls button{font-size:1em;margin-right:.5em;padding:.3em .8em}
#status{margin:.6em 0;font-weight:bold}
.edge{stroke:#888;stroke-width:1.5}
.op rect{fill:#eeeeff;stroke:#446}
.tensor rect{fill:#fff;stroke:#444}
.tensor.source rect{fill:#fff6d8}
.tensor.constant rect{fill:#f2f2f2;stroke:#aaa}
.pending{opacity:.18}
.current rect{stroke:#d33;stroke-width:3}
text{text-anchor:middle;font-size:13px}
.opname{font-weight:bold;font-size:15px}
.small{font-size:11px;fill:#555}
.tname{font-weight:bold}
.adj{fill:#b00;font-weight:bold}
table{border-collapse:collapse;margin-top:1em}
td,th{border:1px solid #ccc;padding:.2em .7em;text-align:left;font-family:monospace}
#log{font-family:monospace}
"""

_SCRIPT = """
(function(){
const D=JSON.parse(document.getElementById('tape-data').textContent);
let fwd=0,bwd=0;
const $=id=>document.getElementById(id);
function show(key,on){const g=$('g-'+key);if(g)g.classList.toggle('pending',!on);
  const r=document.querySelector('tr[data-key="'+key+'"]');if(r)r.querySelector('.value').textContent=on?D.tensors[key].value:'';}
function mark(i){document.querySelectorAll('.current').forEach(e=>e.classList.remove('current'));
  if(i!==null){const o=$('op'+i);if(o)o.classList.add('current');}}
function setAdj(key,text){const r=document.querySelector('tr[data-key="'+key+'"]');
  if(r)r.querySelector('.adjoint').textContent=text;const s=$('svgadj-'+key);if(s)s.textContent=text?'∂ = '+text:'';}
function log(t){const li=document.createElement('li');li.textContent=t;$('log').appendChild(li);}
function status(){$('status').textContent='forward '+fwd+'/'+D.ops.length+' · backward '+bwd+'/'+D.backward.length;
  $('fwd').disabled=fwd>=D.ops.length;$('bwd').disabled=bwd>=D.backward.length;}
function forward(){if(fwd>=D.ops.length)return false;const op=D.ops[fwd];
  $('op'+fwd).classList.remove('pending');op.outputs.forEach(k=>show(k,true));mark(fwd);
  log('forward: '+op.op+'('+op.inputs.map(k=>D.tensors[k].name).join(', ')+') -> '+op.outputs.map(k=>D.tensors[k].name+' = '+D.tensors[k].value).join(', '));
  fwd++;status();return true;}
function backward(){while(fwd<D.ops.length)forward();
  if(bwd>=D.backward.length)return;const s=D.backward[bwd];
  if(bwd===0){setAdj(D.target,D.seed);}
  mark(s.op);Object.entries(s.adjoints).forEach(([k,v])=>setAdj(k,v));
  log('backward: '+D.ops[s.op].op+', upstream '+s.upstream+'; '+s.contributions.map(([k,v])=>'∂'+D.tensors[k].name+' += '+v).join(', '));
  bwd++;status();}
function reset(){fwd=0;bwd=0;D.ops.forEach((o,i)=>{$('op'+i).classList.add('pending');o.outputs.forEach(k=>show(k,false));});
  Object.keys(D.tensors).forEach(k=>setAdj(k,''));$('log').innerHTML='';mark(null);status();}
$('fwd').addEventListener('click',forward);$('bwd').addEventListener('click',backward);
$('reset').addEventListener('click',reset);
document.addEventListener('keydown',e=>{if(e.key==='ArrowRight')forward();if(e.key==='ArrowLeft')backward();});
reset();
})();
"""


def _document(page: _Page, title: str) -> str:
    data = {"tensors": page.tensors, "ops": page.ops, "backward": page.backward,
            "target": page.target, "seed": page.seed}
    # Inside <script>, "</script" would end the element and "<!--" would change how the rest
    # is read, so no "<" is left in the data: JSON spells it "\u003c".
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    rows = "".join(
        f'<tr data-key="{key}" data-name="{_html.escape(t["name"])}"><td>'
        f'{_html.escape(t["name"])}</td><td>{_html.escape(t["info"])}</td>'
        f'<td class="value">{"" if t["kind"] == "value" else _html.escape(t["value"])}</td>'
        f'<td class="adjoint"></td></tr>'
        for key, t in page.tensors.items())
    grads = ", ".join(f"d{_html.escape(n)} = {_html.escape(E._short(g))}"
                      for n, g in zip(page.sources, page.trace.gradients))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        # No network: nothing may load from anywhere; only the inline style and script run.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{_html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_html.escape(title)}</h1>"
        "<p>Step forward through the recorded ops, then backward through the engine's backward "
        "pass (keys: → and ←). Hover an op for its VJP rule.</p>"
        "<div id=\"controls\"><button id=\"fwd\">Forward step</button>"
        "<button id=\"bwd\">Backward step</button><button id=\"reset\">Reset</button></div>"
        f"<div id=\"status\"></div>{_svg(page)}"
        "<table id=\"tensors\"><thead><tr><th>tensor</th><th>dtype, shape</th><th>value</th>"
        f"<th>adjoint</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p id=\"gradients\">tape.gradient: {grads}</p><ol id=\"log\"></ol>"
        f"<script type=\"application/json\" id=\"tape-data\">{blob}</script>"
        f"<script>{_SCRIPT}</script></body></html>\n")


def html(tape, target, sources, path: str | None = None,
         title: str = "minitf tape explorer") -> str:
    """The explorer page for ``tape``'s backward pass from ``target`` to ``sources``, as a
    string; with ``path``, also written there (atomically). Like ``backward_trace``, it is a
    gradient call on the tape (a non-persistent tape cannot be used again)."""
    page = _Page(tape, target, sources)
    text = _document(page, title)
    if path is not None:
        E._write_atomically(path, text.encode("utf-8"))
    return text
