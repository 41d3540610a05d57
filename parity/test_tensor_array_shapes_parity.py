"""tf.TensorArray's element-shape and dtype checks outside staged loops, side by side with
TensorFlow: each case runs once with TF's module and once with minitf's; the outcome (the
exception's type and the last line of its message, or the values, shape and element shape
that come back) must be the same. tests/test_tensor_array_shapes.py holds TF 2.21's literals."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as mtf


def _eager(tf):
    f32 = tf.float32
    return {
        "write-then-other": lambda: tf.TensorArray(f32, size=2).write(0, [1.0, 2.0]).write(
            1, [1.0, 2.0, 3.0]),
        "partial-merged": lambda: tf.TensorArray(f32, size=2, element_shape=[None]).write(
            0, [1.0, 2.0, 3.0]).write(1, [1.0]),
        "partial-2d": lambda: tf.TensorArray(f32, size=2, element_shape=[None, 2]).write(
            0, [[1.0, 2.0]]),
        "partial-2d-other": lambda: tf.TensorArray(f32, size=2, element_shape=[None, 2]).write(
            0, [[1.0, 2.0]]).write(1, [[1.0, 2.0], [3.0, 4.0]]),
        "partial-first": lambda: tf.TensorArray(f32, size=2, element_shape=[None]).write(
            0, [1.0, 2.0, 3.0]),
        "scatter-merged": lambda: tf.TensorArray(f32, size=2, element_shape=[None]).scatter(
            [0, 1], [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]).write(1, [1.0]),
        "no-infer": lambda: tf.TensorArray(f32, size=2, element_shape=[None],
                                           infer_shape=False).write(0, [1.0, 2.0]).write(
            1, [1.0]).size(),
        "dtype-write": lambda: tf.TensorArray(f32, size=2).write(0, tf.constant([1, 2])),
        "dtype-scatter": lambda: tf.TensorArray(f32, size=2).scatter(
            [0, 1], tf.constant([1.0, 2.0], tf.float64)),
        "split-size": lambda: tf.TensorArray(f32, size=3).split([1.0, 2.0, 3.0, 4.0], [1, 3]),
        "split-size-dynamic": lambda: tf.TensorArray(f32, size=3, dynamic_size=True).split(
            [1.0, 2.0, 3.0, 4.0], [1, 3]).size(),
        "split-sum": lambda: tf.TensorArray(f32, size=2).split([1.0, 2.0, 3.0, 4.0], [1, 2]),
        "split-scalar": lambda: tf.TensorArray(f32, size=2).split(1.0, [1, 2]),
        "split-lengths-matrix": lambda: tf.TensorArray(f32, size=2).split(
            [1.0, 2.0, 3.0, 4.0], [[1, 3]]),
        "split-other-shape": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).split(
            [1.0, 2.0, 3.0, 4.0], [1, 3]).read(1),
        "split-shape-kept": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).split(
            [1.0, 2.0, 3.0, 4.0], [1, 3]),
        "split-then-matrix": lambda: tf.TensorArray(f32, size=2).split(
            [1.0, 2.0, 3.0, 4.0], [1, 3]).write(1, [[1.0, 2.0]]).read(1),
        "unstack-other-shape": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).unstack(
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).stack(),
        "unstack-shape-kept": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).unstack(
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        "unstack-then-write": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).unstack(
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).write(0, [1.0, 2.0, 3.0]),
        "unstack-too-many": lambda: tf.TensorArray(f32, size=1).unstack([1.0, 2.0]),
        "unstack-scalar": lambda: tf.TensorArray(f32, size=1).unstack(1.0),
        "scatter-python-ints": lambda: tf.TensorArray(f32, size=2).scatter([0, 1], [1, 2]),
        "scatter-python-floats-f64": lambda: tf.TensorArray(tf.float64, size=2).scatter(
            [0, 1], [1.0, 2.0]),
        "scatter-python-floats": lambda: tf.TensorArray(f32, size=2).scatter(
            [1, 0], [1.0, 2.0]).stack(),
    }


def _traced(tf):
    f32 = tf.float32
    cases = {
        "t-write": lambda: tf.TensorArray(f32, size=2).write(0, [1.0, 2.0]).write(
            1, [1.0, 2.0, 3.0]).size(),
        "t-element-shape": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).write(
            0, [1.0, 2.0, 3.0]).size(),
        "t-merged": lambda: tf.TensorArray(f32, size=2, element_shape=[None]).write(
            0, [1.0, 2.0, 3.0]).write(1, [1.0]).size(),
        "t-rank": lambda: tf.TensorArray(f32, size=2).write(0, 1.0).write(1, [1.0, 2.0]).size(),
        "t-scatter": lambda: tf.TensorArray(f32, size=3).write(2, [1.0, 2.0]).scatter(
            [0, 1], [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]).size(),
        "t-unstack": lambda: tf.TensorArray(f32, size=2).write(0, [1.0, 2.0]).unstack(
            [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]).size(),
        "t-split": lambda: tf.TensorArray(f32, size=2, element_shape=[2]).split(
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 3]).size(),
        "t-split-then-write": lambda: tf.TensorArray(f32, size=2).split(
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 3]).write(0, [1.0, 2.0]).size(),
        "t-no-infer": lambda: tf.TensorArray(f32, size=2, infer_shape=False).write(
            0, [1.0, 2.0]).write(1, [1.0, 2.0, 3.0]).size(),
        "t-scatter-f64": lambda: tf.TensorArray(tf.float64, size=2).scatter(
            [1, 0], [1.0, 2.0]).stack(),
        "t-zeros": lambda: tf.TensorArray(f32, size=2, element_shape=[None]).write(
            0, [1.0, 2.0, 3.0]).stack(),
    }

    def loop_write(n):
        ta = tf.TensorArray(f32, size=3, element_shape=[2])
        for i in tf.range(n):
            ta = ta.write(i, [1.0, 2.0, 3.0])
        return ta.stack()

    def loop_scatter(n):
        ta = tf.TensorArray(f32, size=3, element_shape=[2])
        for i in tf.range(n):
            ta = ta.scatter([i], [[1.0, 2.0, 3.0]])
        return ta.stack()

    def loop_unstack(n):
        ta = tf.TensorArray(f32, size=2, element_shape=[2])
        for i in tf.range(n):
            ta = ta.unstack([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
        return ta.stack()

    out = {k: tf.function(f) for k, f in cases.items()}
    for f in (loop_write, loop_scatter, loop_unstack):
        out[f"t-{f.__name__}"] = (lambda g: lambda: g(tf.constant(3)))(tf.function(f))
    return out


def _outcome(f, tf):
    try:
        r = f()
    except Exception as e:          # noqa: BLE001 - the type and TF's message are compared
        return type(e).__name__, str(e).rstrip("\n").split("\n")[-1].strip()
    if isinstance(r, tf.TensorArray):
        es = r.element_shape
        return ("TensorArray", None if es is None or es.rank is None else es.as_list(),
                int(r.size()))
    return ("tensor", r.dtype.name, list(r.shape), np.asarray(r).tolist())


EAGER = sorted(_eager(mtf))
TRACED = sorted(_traced(mtf))


@pytest.mark.parametrize("name", EAGER + TRACED)
def test_same_outcome_as_tf(tf_real, name):
    def run(tf):
        cases = _eager(tf) if name in EAGER else _traced(tf)
        return _outcome(cases[name], tf)
    ours, theirs = run(mtf), run(tf_real)
    if theirs[0] == "ValueError" and ours[0] == "ValueError":
        # TF's traced ValueError is "in user code: ... ValueError: <message>"; both end so
        theirs = (theirs[0], theirs[1].removeprefix("ValueError: "))
        ours = (ours[0], ours[1].removeprefix("ValueError: "))
    assert ours == theirs


# ---- a list whose length or pieces change in a staged loop or a converted if ---------------
# (tests/test_tensor_array_staged.py, sections 10 and 11, hold TF 2.21's literals)

def _kernel_message(e) -> str:
    """The last line of an exception's message; for TF's graph execution error, the kernel's
    message (the lines after it name the node and the function)."""
    lines = [ln.strip() for ln in str(e).splitlines()
             if ln.strip() and not ln.strip().startswith("[[")]
    return lines[-1].removeprefix("ValueError: ")


def _changing(tf):
    f32 = tf.float32

    def unstacked(op):
        def f(n):
            ta = tf.TensorArray(f32, size=3)
            for i in tf.range(n):
                ta = ta.unstack(tf.constant([1.0, 2.0]) * tf.cast(i + 1, f32))
                if op == "write-past":
                    ta = ta.write(2, 5.0)
                if op == "size-in-body":
                    n = n + ta.size() * 0
            return {"size": lambda: ta.size(), "stack": lambda: ta.stack(),
                    "read": lambda: ta.read(1), "gather": lambda: ta.gather([1, 0]),
                    "read-past": lambda: ta.read(2), "write-past": lambda: ta.read(0),
                    "size-in-body": lambda: tf.cast(n, f32)}[op]()
        return tf.function(f)

    def split_equal(n):
        ta = tf.TensorArray(f32, size=3)
        for i in tf.range(n):
            ta = ta.split(tf.constant([1.0, 2.0, 3.0, 4.0]) * tf.cast(i, f32), [2, 2])
        return tf.concat([ta.read(0), tf.cast([ta.size()], f32)], 0)

    def split_equal_stack(n):
        ta = tf.TensorArray(f32, size=3)
        for i in tf.range(n):
            ta = ta.split(tf.constant([1.0, 2.0, 3.0, 4.0]), [2, 2])
        return ta.stack()

    def write_past_fixed(n):
        ta = tf.TensorArray(f32, size=3)
        for i in tf.range(n):
            ta = ta.write(i + 3, 1.0)
        return ta.read(0)

    out = {f"loop-unstack-{op}": (lambda g: lambda: g(tf.constant(2)))(unstacked(op))
           for op in ("size", "stack", "read", "gather", "read-past", "write-past",
                      "size-in-body")}
    out["loop-unstack-stack-no-iteration"] = lambda: unstacked("stack")(tf.constant(0))
    for f in (split_equal, split_equal_stack, write_past_fixed):
        out[f"loop-{f.__name__}"] = (lambda g: lambda: g(tf.constant(2)))(tf.function(f))

    def split_in_else(op, element_shape):
        @tf.function
        def f(x, c):
            ta = tf.TensorArray(tf.float64, size=3, element_shape=element_shape)
            if c > 0:
                pass
            else:
                ta = ta.split(x, [1, 2, 3])
            return {"concat": ta.concat, "read": lambda: ta.read(1), "stack": ta.stack,
                    "gather": lambda: ta.gather([2, 0]), "size": ta.size}[op]()
        return f

    x = np.cos(np.arange(6.0))
    for op in ("concat", "read", "stack", "gather", "size"):
        for shape in (None, [None]):
            f = split_in_else(op, shape)
            for c in (1.0, -1.0):
                out[f"if-split-in-else-{op}-{shape}-{c}"] = (
                    lambda g, c: lambda: g(tf.constant(x), tf.constant(c, tf.float64)))(f, c)
    return out


def _changing_outcome(f):
    try:
        r = f()
    except Exception as e:          # noqa: BLE001 - the type and TF's message are compared
        return type(e).__name__, _kernel_message(e)
    return ("tensor", r.dtype.name, list(r.shape), np.asarray(r).tolist())


CHANGING = sorted(_changing(mtf))


@pytest.mark.parametrize("name", CHANGING)
def test_changing_lists_as_tf(tf_real, name):
    assert _changing_outcome(_changing(mtf)[name]) == \
        _changing_outcome(_changing(tf_real)[name])


def _unstacked_rows(tf):
    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=3, element_shape=[3])
        for i in tf.range(n):
            ta = ta.unstack(tf.reshape(tf.sin(x) * tf.cast(i + 1, tf.float64), [2, 3]))
        return tf.concat([ta.read(0), ta.read(1) * x[:3], [tf.cast(ta.size(), tf.float64)]],
                         0)

    @tf.function
    def inside(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(f(x, n) ** 2)
        return tape.gradient(y, x)

    out = []
    for n in (2, 1, 0):
        x = tf.constant(np.cos(np.arange(6.0)))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(n))
            loss = tf.reduce_sum(y * y)
        out.append((y.numpy(), tape.gradient(loss, x).numpy(), inside(x, tf.constant(n)).numpy()))
    return out


def test_unstack_of_other_rows_in_a_staged_loop_values_and_gradients_as_tf(tf_real):
    for ours, theirs in zip(_unstacked_rows(mtf), _unstacked_rows(tf_real)):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
