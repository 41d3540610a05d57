"""explain.why_none: each reason a gradient is None, built from the exact scenario a learner
writes. ``SCENARIOS`` are plain TF code taking the module as ``tf``: here they run on minitf,
and ``parity/test_why_none_parity.py`` runs the same functions on TensorFlow to show that its
``tape.gradient`` is None (or, for a reused tape, raises RuntimeError) in every one of them."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import explain
from minitf.cli import explain as explain_cli


# ---- the scenarios: each returns (tape, target, source) -------------------------------------

def unwatched_constant(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    return tape, y, x


def numpy_round_trip(tf):
    w = tf.Variable(2.0, name="w")
    with tf.GradientTape() as tape:
        c = tf.constant(w.numpy())
        y = c * c
    return tape, y, w


def integer_source(tf):
    i = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(i)
        y = tf.cast(i, tf.float32) * 2.0
    return tape, y, i


def stop_gradient_times_y(tf):
    x, w = tf.Variable(2.0, name="x"), tf.Variable(3.0, name="w")
    with tf.GradientTape() as tape:
        y = tf.stop_gradient(x) * w
    return tape, y, x


def argmax(tf):
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape() as tape:
        y = tf.cast(tf.argmax(x), tf.float32) * 2.0
    return tape, y, x


def round_(tf):
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.round(x) * 3.0)
    return tape, y, x


def cast_to_int(tf):
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape() as tape:
        y = tf.cast(tf.cast(x, tf.int32), tf.float32) * 2.0
    return tape, y, x


def comparison(tf):
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.cast(x > 0, tf.float32) * 2.0)
    return tape, y, x


def computed_after_the_block(tf):
    x = tf.Variable(3.0, name="x")
    with tf.GradientTape() as tape:
        z = x * 1.0
    y = x * x
    return tape, y, x


def read_only_after_the_block(tf):
    x = tf.Variable(3.0, name="x")
    with tf.GradientTape() as tape:
        pass
    y = x * x
    return tape, y, x


def computed_before_the_block(tf):
    x = tf.Variable(3.0, name="x")
    y = x * x
    with tf.GradientTape() as tape:
        z = x * 1.0
    return tape, y, x


def non_trainable_variable(tf):
    v = tf.Variable(3.0, trainable=False, name="v")
    with tf.GradientTape() as tape:
        y = v * v
    return tape, y, v


def target_does_not_depend_on_source(tf):
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    with tf.GradientTape() as tape:
        y = a * 3.0
        z = b * 2.0
    return tape, y, b


# name -> (scenario, what the diagnosis must say)
SCENARIOS = {
    "unwatched constant": (unwatched_constant, ["never watched", "tape.watch("]),
    "NumPy round trip": (numpy_round_trip, [
        "NumPy round trip", "w left the tape through .numpy() at test_why_none.py:",
        "(`c = tf.constant(w.numpy())`)"]),
    "integer dtype": (integer_source, ["dtype int32", "never differentiable"]),
    "stop_gradient": (stop_gradient_times_y, [
        "goes through StopGradient at test_why_none.py:", "(`y = tf.stop_gradient(x) * w`)"]),
    "argmax": (argmax, ["goes through ArgMax at test_why_none.py:",
                        "(`y = tf.cast(tf.argmax(x), tf.float32) * 2.0`)"]),
    "round": (round_, ["goes through Round at test_why_none.py:"]),
    "cast to int": (cast_to_int, ["goes through Cast to int32 at test_why_none.py:"]),
    "comparison": (comparison, ["goes through Greater at test_why_none.py:",
                                "(`y = tf.reduce_sum(tf.cast(x > 0, tf.float32) * 2.0)`)"]),
    "computed after the block": (computed_after_the_block, [
        "not computed on this tape", "after the `with` block ended"]),
    "read only after the block": (read_only_after_the_block, [
        "x was never read while this tape was recording",
        "the target was computed after the tape stopped recording"]),
    "computed before the block": (computed_before_the_block, [
        "not computed on this tape", "before the `with tf.GradientTape()` block began"]),
    "non-trainable Variable": (non_trainable_variable, ["trainable=False", "tape.watch(v)"]),
    "target does not depend on source": (target_does_not_depend_on_source, [
        "does not depend on the source b"]),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_why_none_after_the_gradient_came_back_none(name):
    """The learner's order: gradient() returns None, then why_none is asked (the tape is spent
    by then, being non-persistent)."""
    build, expected = SCENARIOS[name]
    tape, target, source = build(tf)
    assert tape.gradient(target, source) is None
    reason = explain.why_none(tape, target, source)
    for text in expected:
        assert text in reason, (text, reason)
    assert "already computed a gradient" not in reason


@pytest.mark.parametrize("name", SCENARIOS)
def test_why_none_before_gradient_gives_the_same_reason(name):
    build, expected = SCENARIOS[name]
    tape, target, source = build(tf)
    reason = explain.why_none(tape, target, source)
    for text in expected:
        assert text in reason, (text, reason)
    assert tape.gradient(target, source) is None


def test_unwatched_constant_is_a_missing_watch_even_after_gradient():
    """The issue's first case: a non-persistent tape, gradient() already returned None. The
    cause is the missing watch (a spent tape is only mentioned after it)."""
    tape, y, x = unwatched_constant(tf)
    assert tape.gradient(y, x) is None
    reason = explain.why_none(tape, y, x)
    assert reason.startswith("The source tensor was never watched")
    assert reason.index("tape.watch(") < reason.index("non-persistent")


def test_numpy_read_inside_the_tape_is_a_read():
    """``w.numpy()`` inside the block reads w (TF lists it in watched_variables()), so the
    diagnosis is the round trip, not "never read"."""
    tape, y, w = numpy_round_trip(tf)
    assert tape.watched_variables() == (w,)
    assert "never read" not in explain.why_none(tape, y, w)


def test_stop_gradient_on_the_only_path_of_a_constant_source():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.stop_gradient(x) * 2.0)
    assert tape.gradient(y, x) is None
    assert "goes through StopGradient at test_why_none.py:" in explain.why_none(tape, y, x)


def test_a_cut_path_beside_a_live_one_is_not_none():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as tape:
        y = tf.stop_gradient(x) * x
    assert float(tape.gradient(y, x)) == 2.0
    assert "not None" in explain.why_none(tape, y, x)


def test_integer_target_names_the_op_that_made_it():
    x = tf.Variable([1.5, -2.0], name="x")
    with tf.GradientTape() as tape:
        i = tf.argmax(x)
    assert tape.gradient(i, x) is None
    reason = explain.why_none(tape, i, x)
    assert "dtype int64" in reason and "produced by ArgMax at test_why_none.py:" in reason


def test_reuse_of_a_non_persistent_tape():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 4.0
    with pytest.raises(RuntimeError):
        tape.gradient(y, x)
    assert "already computed a gradient" in explain.why_none(tape, y, x)


def test_gradient_inside_the_block_stops_a_non_persistent_tape():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape() as tape:
        y = x * x
        tape.gradient(y, x)
        z = y * 3.0                 # not recorded: the tape stopped at gradient()
    reason = explain.why_none(tape, z, x)
    assert "after gradient() was called inside the block" in reason


def test_stop_recording_is_named():
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as tape:
        a = x * 1.0
        with tape.stop_recording():
            y = a * a
    assert tape.gradient(y, x) is None
    assert "inside tape.stop_recording()" in explain.why_none(tape, y, x)


def test_source_that_is_a_stop_gradient_output():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        s = tf.stop_gradient(x)
        z = s * 2.0
    assert tape.gradient(z, s) is None
    assert "is the output of StopGradient at test_why_none.py:" in explain.why_none(tape, z, s)


def test_a_tape_never_entered():
    tape, x = tf.GradientTape(), tf.Variable(1.0)
    assert "never entered" in explain.why_none(tape, x * 2.0, x)


def test_why_none_does_not_change_the_tape():
    x = tf.Variable([1.0, 2.0], name="x")
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(tf.stop_gradient(x) * x)
    before = (list(tape._records), set(tape._watched), dict(tape._cut))
    explain.why_none(tape, y, x)
    assert (list(tape._records), set(tape._watched), dict(tape._cut)) == before
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 2.0])


# ---- the explain command prints the reason beside each None ----------------------------------

@pytest.mark.parametrize("expr, at, name, because", [
    ("stop_gradient(x) * y", ["x=2", "y=3"], "x", "goes through StopGradient"),
    ("argmax(x)", ["x=[1, 3, 2]"], "x", "produced by ArgMax"),
    ("x * 2", ["x=1", "y=5"], "y", "it does not depend on y"),
])
def test_cli_prints_the_reason_beside_each_none(expr, at, name, because):
    lines, errors = [], []
    assert explain_cli.run(expr, at, out=lines.append, err=errors.append) == 0, errors
    text = "\n".join(lines)
    none_line = next(line for line in lines if line.startswith(f"df/d{name} = None"))
    assert "why:" in none_line, text
    tail = text[text.index(none_line):]
    assert because in " ".join(tail.split()), text


def test_cli_gives_no_reason_for_a_gradient_that_is_not_none():
    lines = []
    assert explain_cli.run("stop_gradient(x) * y", ["x=2", "y=3"], out=lines.append) == 0
    assert "df/dy = 2" in lines and not any("why:" in line and "df/dy" in line
                                            for line in lines)
