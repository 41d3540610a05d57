"""Notebook display (minitf.explain_display): the HTML tables of Tensor, Variable, a finished
GradientTape, backward/forward traces and Jacobians; escaping of user text; and the names
explain gives a tensor being the same in describe, the graph and the backward trace."""
from __future__ import annotations

import re
import subprocess
import sys

import minitf as tf
from minitf import explain


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
