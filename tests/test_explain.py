"""minitf.explain: the tape listing, the backward trace, graph rendering, why_none, and the
`python -m minitf explain` command. Expected values are hand derivations."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import numpy as np
import pytest

import minitf as tf
from minitf import explain
from minitf.cli.explain import UnsafeExpression, evaluate, parse_assignments


def hand_example():
    w1, w2 = tf.Variable(5.0, name="w1"), tf.Variable(3.0, name="w2")
    with tf.GradientTape(persistent=True) as tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    return tape, f, w1, w2


def test_describe_lists_ops_in_order_with_watch_reasons():
    tape, f, _, _ = hand_example()
    text = explain.describe(tape, f)
    ops = [line.split(".", 1)[1].split("(")[0].strip() for line in text.splitlines()
           if line.strip()[:1].isdigit()]
    assert ops == ["Pow", "Mul", "Mul", "Mul", "AddV2"]
    assert "w1 float32[] = 5: trainable Variable read inside the tape" in text
    assert "-> f: float32[] = 105" in text
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * 2.0
    assert "watched explicitly" in explain.describe(t, y)


def test_backward_trace_reproduces_hand_derivation():
    tape, f, w1, w2 = hand_example()
    tr = explain.backward_trace(tape, f, [w1, w2])
    assert [float(g) for g in tr.gradients] == [36.0, 10.0]   # 6·w1 + 2·w2, 2·w1
    assert [s.record.op for s in tr.steps] == ["AddV2", "Mul", "Mul", "Mul", "Pow"]
    contributions = [(tr.names(x), float(g)) for s in tr.steps for x, g in s.contributions]
    assert ("w1", 6.0) in contributions and ("w1", 30.0) in contributions
    assert ("w2", 10.0) in contributions
    assert "rule: ∂a = g·b, ∂b = g·a" in str(tr)
    table = dict(line.split()[0::2] for line in tr.adjoint_table().splitlines()[1:])
    assert table == {"f": "1", "v1": "3", "v2": "1", "v3": "3", "v4": "1", "w1": "36",
                     "w2": "10"}


def test_nested_tapes_have_levels():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as inner:
            y = x ** 3
        g = inner.gradient(y, x)
    assert (outer._level, inner._level) == (0, 1)
    assert "Mul" in explain.describe(outer)      # the outer tape recorded the inner gradient
    text = explain.describe_tapes(inner, outer)
    assert text.index("nesting level 0") < text.index("nesting level 1")
    del g


def test_dot_and_rendering_with_a_stand_in_dot(tmp_path, monkeypatch):
    tape, f, w1, w2 = hand_example()
    dot = explain.to_dot(tape, f)
    assert dot.startswith("digraph tape {") and dot.count("shape=box") == 5
    graph = explain.backward_trace(tape, f, [w1, w2]).graph()
    assert "∂ = 36" in graph.source
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\ncat >/dev/null\necho '<svg>graph</svg>'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "g.svg"
    assert graph.render(out) == str(out) and out.read_text().strip() == "<svg>graph</svg>"
    assert graph._repr_svg_().strip() == "<svg>graph</svg>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "g.svg"]   # no temp files


def test_rendering_without_graphviz_says_how_to_install(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    g = explain.Graph("digraph { a -> b }")
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        g.pipe()
    assert g._repr_svg_() is None


# ---- why_none: one test per reason ---------------------------------------------------------

def test_why_none_numpy_source():
    x = np.array(3.0)
    with tf.GradientTape() as t:
        y = tf.constant(x) * 2.0
    assert "ndarray, not a tf.Tensor" in explain.why_none(t, y, x)


def test_why_none_constant_never_watched():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * x
    assert t.gradient(y, x) is None
    assert "never watched" in explain.why_none(t, y, x)


def test_why_none_non_trainable_variable():
    v = tf.Variable(3.0, trainable=False, name="v")
    with tf.GradientTape(persistent=True) as t:
        y = v * v
    assert t.gradient(y, v) is None
    assert "trainable=False" in explain.why_none(t, y, v)


def test_why_none_read_outside_the_tape():
    v = tf.Variable(3.0, name="v")
    y0 = v * v                      # read before the tape existed
    with tf.GradientTape(persistent=True) as t:
        y = y0 * 2.0
    assert t.gradient(y, v) is None
    assert "never read while this tape was recording" in explain.why_none(t, y, v)


def test_why_none_stop_recording():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as t:
        a = x * 1.0
        with t.stop_recording():
            y = a * a
    assert t.gradient(y, x) is None
    assert "stop_recording" in explain.why_none(t, y, x)


@pytest.mark.parametrize("cut, op", [
    (lambda x: tf.stop_gradient(x) * 2.0, "StopGradient"),
    (lambda x: tf.cast(tf.argmax(x), tf.float32), "ArgMax"),
    (lambda x: tf.round(x) * 3.0, "Round"),
    (lambda x: tf.cast(tf.cast(x, tf.int32), tf.float32), "Cast to int32"),
    (lambda x: tf.cast(x > 0, tf.float32) * 2.0, "Greater"),
])
def test_why_none_names_the_non_differentiable_op(cut, op):
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(cut(x))
    assert t.gradient(y, x) is None
    assert f"goes through {op}" in explain.why_none(t, y, x)


def test_why_none_numpy_round_trip():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as t:
        y = tf.constant((x * x).numpy()) * 2.0
    assert t.gradient(y, x) is None
    assert "NumPy round trip" in explain.why_none(t, y, x)


def test_why_none_integer_source_and_target():
    i = tf.constant(3)
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(i)
        y = tf.cast(i, tf.float32) * x
        k = tf.cast(x, tf.int32)
    assert "never differentiable" in explain.why_none(t, y, i)
    assert "integer target" in explain.why_none(t, k, x)


def test_why_none_target_does_not_depend_on_source():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    with tf.GradientTape(persistent=True) as t:
        y = a * 3.0
        z = b * 2.0
    assert t.gradient(y, b) is None
    assert "does not depend on the source" in explain.why_none(t, y, b)
    assert "not None" in explain.why_none(t, y, a)
    del z


def test_why_none_tape_already_used():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    t.gradient(y, x)
    assert "already computed a gradient" in explain.why_none(t, y, x)


# ---- command line -----------------------------------------------------------------------------

def test_cli_explain_prints_tape_trace_and_gradients(tmp_path):
    dot = tmp_path / "g.dot"
    r = subprocess.run([sys.executable, "-m", "minitf", "explain", "3*w1**2 + 2*w1*w2",
                        "--at", "w1=5", "w2=3", "--dot", str(dot)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "df/dw1 = 36" in r.stdout and "df/dw2 = 10" in r.stdout
    assert "step 5: Pow" in r.stdout and dot.read_text().startswith("digraph")


@pytest.mark.parametrize("expr", ["__import__('os').system('ls')", "x.__class__",
                                  "open('f')", "[c for c in x]", "lambda: 1", "y + 1",
                                  "tf.Variable(1.0)", "exec('1')"])
def test_cli_refuses_anything_but_arithmetic_and_ops(expr):
    env = parse_assignments(["x=2"])
    with pytest.raises(UnsafeExpression):
        evaluate(expr, env)


def test_cli_accepts_ops_and_small_tensors():
    env = parse_assignments(["x=[1.0, 2.0]", "y=3"])
    out = evaluate("tf.reduce_sum(exp(x) * y) + nn.relu(-y)", env)
    assert float(out) == pytest.approx(3 * (np.e + np.e ** 2), rel=1e-6)
    with pytest.raises(UnsafeExpression, match="number"):
        parse_assignments(["x=os.getcwd()"])
