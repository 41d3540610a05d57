"""Notebook display (minitf.explain_display): the HTML tables of Tensor, Variable, a finished
GradientTape, backward/forward traces and Jacobians; their SVG drawings (the tape's graph, the
trace's graph with adjoints, a Jacobian's heat map); escaping of user text; and the names
explain gives a tensor being the same in describe, the graph, the backward trace, the HTML and
the SVG."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import unescape

import pytest

import minitf as tf
from minitf import explain, explain_display


def cells(html: str) -> list:
    return re.findall(r"<td>(.*?)</td>", html)


def hand_example(name1="w1"):
    w1, w2 = tf.Variable(5.0, name=name1), tf.Variable(3.0, name="w2")
    with tf.GradientTape(persistent=True) as tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    return tape, f, w1, w2


def test_tensor_html_is_a_matrix_with_shape_and_dtype():
    html = tf.constant([[1.5, 2.0], [3.0, 4.0]])._repr_html_()
    assert "shape=(2, 2) dtype=float32" in html
    assert html.count("<tr>") == 2 and cells(html) == ["1.5", "2", "3", "4"]
    assert cells(tf.constant(7)._repr_html_()) == ["7"]


def test_large_and_high_rank_tensors_are_cut():
    html = tf.zeros([20, 30])._repr_html_()
    assert html.count("<tr>") == 12 + 1            # MAX_ROWS rows and the ⋮ row
    assert cells(html).count("…") == 12 and "⋮" in html
    html3 = tf.reshape(tf.range(8.0), [2, 2, 2])._repr_html_()
    assert "[1, :, :]" in html3 and cells(html3) == ["0", "1", "2", "3", "4", "5", "6", "7"]


def test_user_text_is_escaped():
    html = tf.constant(["<b>&"])._repr_html_()
    assert "&lt;b&gt;&amp;" in html and "<b>&" not in html
    tape, f, w1, w2 = hand_example(name1="<script>")
    for h in (w1._repr_html_(), tape._repr_html_(),
              explain.backward_trace(tape, f, [w1, w2])._repr_html_()):
        assert "<script>" not in h and "&lt;script&gt;" in h


def test_tape_html_after_recording_only():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        assert tape._repr_html_() is None          # still recording: the plain repr
        y = x * x
    html = tape._repr_html_()
    assert "1 recorded operation(s)" in html and cells(html)[1] == "Mul"
    tape.gradient(y, x)
    assert "freed" in tape._repr_html_()           # a used non-persistent tape keeps nothing


def test_backward_trace_html_shows_steps_and_adjoints():
    tape, f, w1, w2 = hand_example()
    html = explain.backward_trace(tape, f, [w1, w2])._repr_html_()
    steps, adjoints = html.split("</table>")[:2]
    assert [c for c in cells(steps)][1::6] == ["AddV2", "Mul", "Mul", "Mul", "Pow"]
    row = dict(zip(cells(adjoints)[0::3], cells(adjoints)[2::3]))
    assert row == {"f": "1", "v1": "3", "v2": "1", "v3": "3", "v4": "1", "w1": "36",
                   "w2": "10"}                     # 6·w1 + 2·w2 = 36, 2·w1 = 10 by hand


def test_forward_trace_html_has_tangents():
    tape, f, w1, w2 = hand_example()
    html = explain.forward_trace(tape, f, [w1, w2], [1.0, 0.5])._repr_html_()
    c = cells(html)
    assert c[:4] == ["f", "105", "41", "1"]        # 36·1 + 10·0.5 = 41


def test_jacobian_displays_as_matrix():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.stack([x[0] * x[1], x[0] ** 2])
    html = t.jacobian(y, x)._repr_html_()
    assert cells(html) == ["2", "1", "2", "0"]     # [[x1, x0], [2·x0, 0]] at (1, 2)


def test_describe_graph_and_trace_name_the_target_alike():
    tape, f, w1, w2 = hand_example()
    described = explain.describe(tape)             # no target given
    assert "AddV2(v2=75, v4=30) -> f: float32[] = 105" in described
    assert 'label="f\\nfloat32[]' in explain.to_dot(tape)
    tr = explain.backward_trace(tape, f, [w1, w2])
    assert tr.names(f) == "f"
    # a target in the middle is f, and the other tensors keep their numbers
    w = tf.Variable(2.0, name="w")
    with tf.GradientTape(persistent=True) as t2:
        a = w * w
        b = a * 3.0
        c = b + 1.0
    tr2 = explain.backward_trace(t2, b, [w])
    assert [tr2.names(v) for v in (a, b, c)] == ["v1", "f", "v3"]


def test_import_minitf_does_not_load_the_display_module():
    code = "import sys, minitf; print('minitf.explain_display' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# ---- SVG drawings -------------------------------------------------------------------------------
SVG = "{http://www.w3.org/2000/svg}"


def svg_names(svg: str) -> dict:
    """tensor node id ("t<id>") -> the name drawn first in its box, from a parsed SVG."""
    root = ET.fromstring(svg)
    return {g.get("id"): g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g")
            if g.get("class") == "tensor"}


def svg_ops(svg: str) -> dict:
    root = ET.fromstring(svg)
    return {g.get("id"): g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g")
            if g.get("class") == "op"}


def dot_names(dot: str) -> dict:
    return dict(re.findall(r'  (t\d+) \[shape=ellipse, label="(.*?)\\n', dot))


def test_tape_svg_is_standalone_svg_of_the_recorded_graph():
    tape, f, w1, w2 = hand_example()
    svg = explain_display.tape_svg(tape)
    root = ET.fromstring(svg)                       # well-formed XML
    assert root.tag == f"{SVG}svg" and float(root.get("width")) > 0
    assert sorted(svg_ops(svg).values()) == ["AddV2", "Mul", "Mul", "Mul", "Pow"]
    names = svg_names(svg)
    assert names[f"t{f._id}"] == "f" and names[f"t{w1._id}"] == "w1"
    # one arrow per (input, op) and (op, output) pair of the records
    arrows = sum(len(r.inputs) + len(r.outputs) for r in tape._records)
    assert len(list(root.iter(f"{SVG}line"))) == arrows
    # deterministic: the same program draws the same picture (ids aside)
    again = explain_display.tape_svg(hand_example()[0])
    assert re.sub(r'id="\w+"', "", svg) == re.sub(r'id="\w+"', "", again)
    assert svg in tape._repr_html_()                # shown in a notebook inside the HTML


def test_a_long_tape_is_not_drawn_in_its_html():
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x
        for _ in range(explain_display.MAX_GRAPH_RECORDS + 1):
            y = y * 1.0
    assert "<svg" not in tape._repr_html_() and "graph not drawn: 61 records" in tape._repr_html_()
    tr = explain.backward_trace(tape, y, [x])
    assert "<svg" not in tr._repr_html_() and "graph not drawn" in tr._repr_html_()
    assert ET.fromstring(explain_display.tape_svg(tape)).tag == f"{SVG}svg"   # on request


def test_trace_svg_carries_the_adjoints():
    tape, f, w1, w2 = hand_example()
    tr = explain.backward_trace(tape, f, [w1, w2])
    root = ET.fromstring(explain_display.trace_svg(tr))
    boxes = {g.get("id"): [t.text for t in g.iter(f"{SVG}text")] for g in root.iter(f"{SVG}g")}
    assert boxes[f"t{w1._id}"] == ["w1", "float32[]", "= 5", "∂ = 36"]   # 6·w1 + 2·w2
    assert boxes[f"t{w2._id}"] == ["w2", "float32[]", "= 3", "∂ = 10"]   # 2·w1
    assert boxes[f"t{f._id}"][-1] == "∂ = 1"
    assert explain_display.trace_svg(tr) in tr._repr_html_()


def test_svg_escapes_user_text():
    tape, f, w1, w2 = hand_example(name1="<script>&")
    for svg in (explain_display.tape_svg(tape),
                explain_display.trace_svg(explain.backward_trace(tape, f, [w1, w2]))):
        assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
        assert "<script>&" in svg_names(svg).values()     # the parsed text is the name


def test_jacobian_heat_map():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.stack([x[0] * x[1], -x[0] ** 2])
    jac = t.jacobian(y, x)                          # [[x1, x0], [-2·x0, 0]] = [[2, 1], [-2, 0]]
    svg = explain_display.matrix_svg(jac)
    root = ET.fromstring(svg)
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    values = [t.text for t in root.iter(f"{SVG}text")][1:]
    assert values == ["2", "1", "-2", "0"]
    # red for positive, blue for negative, white for 0; the largest magnitude (2) fully coloured
    assert fills == ["#ff5050", "#ffa8a8", "#5050ff", "#ffffff"]
    assert svg in jac._repr_html_()
    assert "<svg" not in tf.constant([[1, 2]])._repr_html_()   # integer tensors: table only
    big = explain_display.matrix_svg(tf.zeros([20, 30]))
    assert len(list(ET.fromstring(big).iter(f"{SVG}rect"))) == 12 * 12 and "cut to" in big
    nan = explain_display.matrix_svg(tf.constant([[float("nan"), 1.0]]))
    assert [r.get("fill") for r in ET.fromstring(nan).iter(f"{SVG}rect")][0] == "#cccccc"


# ---- one name per tensor in describe, to_dot, the backward trace, the HTML and the SVG -----------
def seed_program():
    tape, f, w1, w2 = hand_example()
    return tape, f, [w1, w2]


def dense_program():
    dense = tf.keras.layers.Dense(2, kernel_initializer="ones", name="dense")
    x = tf.constant([[1.0, -2.0, 0.5]])
    dense(x)                                        # build outside the tape
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(dense(x) ** 2)
    return tape, loss, dense.trainable_variables


def custom_gradient_program():
    @tf.custom_gradient
    def clipped_square(x):
        def grad(g):
            return tf.clip_by_value(g * 2 * x, -1.0, 1.0)
        return x * x, grad

    w = tf.Variable([0.3, 2.0], name="w")
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(clipped_square(w) * 3.0)
    return tape, loss, [w]


@pytest.mark.parametrize("program", [seed_program, dense_program, custom_gradient_program])
def test_the_four_outputs_name_every_tensor_alike(program):
    tape, target, sources = program()
    records = tape._records
    names = dot_names(explain.to_dot(tape))         # t<id> -> name in the DOT graph
    assert svg_names(explain_display.tape_svg(tape)) == names
    assert svg_ops(explain_display.tape_svg(tape)) == {f"op{i}": r.op
                                                      for i, r in enumerate(records)}
    described = explain.describe(tape).splitlines()
    html_rows = re.findall(r"<tr>(.*?)</tr>", explain_display.tape_html(tape))[1:]
    for i, rec in enumerate(records, 1):
        line = next(s for s in described if re.match(rf"\s*{i}\. ", s))
        row = cells(html_rows[i - 1])
        assert line.split(". ", 1)[1].startswith(rec.op + "(") and row[1] == rec.op
        for x in rec.inputs:
            name = names[f"t{x._id}"]
            pattern = rf"(?:^|\(|, ){re.escape(name)}="
            assert re.search(pattern, line.split(" -> ")[0]), (name, line)
            assert re.search(pattern, unescape(row[2])), (name, row)
        for y in rec.outputs:
            name = names[f"t{y._id}"]
            assert re.search(rf"-> (.*, )?{re.escape(name)}: ", line), (name, line)
            assert re.match(rf"(.*, )?{re.escape(name)}=", unescape(row[3])), (name, row)
    assert names[f"t{records[-1].outputs[0]._id}"] == "f"
    tr = explain.backward_trace(tape, target, sources)
    assert dot_names(tr.to_dot()) == names
    assert svg_names(explain_display.trace_svg(tr)) == names
    html = tr._repr_html_()
    steps, adjoints = html.split("</table>")[:2]
    assert cells(steps)[2::6] == [", ".join(names[f"t{y._id}"] for y in s.outputs)
                                  for s in tr.steps]
    shown = {n for n in names.values() if not n.startswith("c(")}
    assert set(map(unescape, cells(adjoints)[0::3])) == shown
