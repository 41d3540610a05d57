"""TensorArrays in loops AutoGraph stages (issue #13): a split into pieces of several lengths,
a slot written and read in one iteration, stack() in a dynamic_size loop body, another loop
length on a later call, with the tape outside the function and inside it; and the graph
listing of traced reductions. Expected values come from NumPy (forward values computed
directly, gradients by central differences) or, for the graph listing, from TF 2.21."""
import re

import numpy as np
import pytest

import minitf as tf

X6 = np.cos(np.arange(6.0))
X62 = np.cos(np.arange(12.0)).reshape(6, 2)


def _numeric_grad(fn, x, eps=1e-6):
    """d fn / d x by central differences (fn: a NumPy array -> a float)."""
    g = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[k] += eps
        down[k] -= eps
        g[k] = (fn(up) - fn(down)) / (2 * eps)
    return g


def _inside(fn):
    """A tf.function giving d sum(fn(x, *args)**2) / dx from a tape inside it."""
    @tf.function
    def grad(x, *args):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x, *args) ** 2)
        return tape.gradient(y, x)
    return grad


def _outside(fn, x, *args):
    """fn(x, *args) under a tape outside the function: (value, d sum(value**2) / dx)."""
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = fn(xt, *args)
        loss = tf.reduce_sum(y * y)
    return y.numpy(), tape.gradient(loss, xt).numpy()


# ---- 1. split into pieces of several lengths ------------------------------------------------

@tf.function
def _split_before(x, n):
    ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
    s = tf.constant(0.0, tf.float64)
    for i in tf.range(n):
        s += tf.reduce_sum(ta.read(i) ** 2) * tf.cast(i + 1, tf.float64)
    return s


def _split_before_np(x, n):
    pieces = [x[:1], x[1:3], x[3:]]
    return sum((k + 1) * np.sum(pieces[k] ** 2) for k in range(n))


def test_unequal_split_before_a_staged_loop_values_and_gradients():
    for n in (3, 2, 1):              # one trace
        y, g = _outside(_split_before, X6, tf.constant(n))
        want = _split_before_np(X6, n)
        np.testing.assert_allclose(y, want, rtol=1e-14)
        np.testing.assert_allclose(
            g, _numeric_grad(lambda x: _split_before_np(x, n) ** 2, X6), rtol=1e-6, atol=1e-8)
    assert _split_before.experimental_get_tracing_count() == 1


@tf.function
def _split_inside(x, n):
    ta = tf.TensorArray(tf.float64, size=3, element_shape=[None, 2])
    s = tf.zeros([2], tf.float64)
    for i in tf.range(n):
        ta = ta.split(x * tf.cast(i + 1, tf.float64) + s, [3, 1, 2])
        p = ta.read(i % 3)
        s = tf.reduce_max(p, axis=0) + tf.reduce_mean(p * p) + tf.reduce_sum(
            ta.concat()[1:3], axis=0)
    return s


def _split_inside_np(x, n):
    s = np.zeros(2)
    for i in range(n):
        v = x * (i + 1) + s
        p = [v[:3], v[3:4], v[4:]][i % 3]
        s = p.max(axis=0) + np.mean(p * p) + v[1:3].sum(axis=0)
    return s


def test_unequal_split_inside_a_staged_loop_values_and_gradients():
    for n in (3, 5, 1):
        y, g = _outside(_split_inside, X62, tf.constant(n))
        np.testing.assert_allclose(y, _split_inside_np(X62, n), rtol=1e-13)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: np.sum(_split_inside_np(x, n) ** 2), X62), rtol=1e-5, atol=1e-5)

    inside = _inside(_split_inside)      # the tape inside the function

    for n in (3, 5):
        np.testing.assert_allclose(inside(tf.constant(X62), tf.constant(n)).numpy(),
                                   _numeric_grad(lambda x: np.sum(_split_inside_np(x, n) ** 2),
                                                 X62), rtol=1e-5, atol=1e-5)


def test_unequal_split_concat_and_stack_error():
    @tf.function
    def ragged(x, n):
        ta = tf.TensorArray(tf.float64, size=2)
        for i in tf.range(n):
            ta = ta.split(x[i], [1, 3])
        return ta.concat(), ta.size()

    x = np.arange(12.0).reshape(3, 4)
    joined, size = ragged(tf.constant(x), tf.constant(3))
    np.testing.assert_array_equal(joined.numpy(), x[2])     # the last split
    assert int(size) == 2

    @tf.function
    def stacked(x, n):               # pieces of several lengths do not stack (TF: an error)
        ta = tf.TensorArray(tf.float64, size=2)
        for i in tf.range(n):
            ta = ta.split(x[i], [1, 3])
        return ta.stack()

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"PartialTensorShape: "
                       r"Incompatible shapes during merge: \[1\] vs\. \[3\]"):
        stacked(tf.constant(x), tf.constant(3))


# ---- 2. a slot written and read in one iteration, the tape outside -------------------------

@tf.function
def _same_slot(x, n):
    ta = tf.TensorArray(tf.float64, size=n)
    s = tf.zeros([2], tf.float64)
    for i in tf.range(n):
        ta = ta.write(i, tf.tanh(x[i] + s))
        s = ta.read(i) * 2.0
    return s


def _same_slot_np(x, n):
    s = np.zeros(2)
    for i in range(n):
        s = 2.0 * np.tanh(x[i] + s)
    return s


def test_write_and_read_one_slot_in_an_iteration_with_the_tape_outside():
    for n in (3, 5, 2):              # one trace; later calls with other loop lengths
        y, g = _outside(_same_slot, X62, tf.constant(n))
        np.testing.assert_allclose(y, _same_slot_np(X62, n), rtol=1e-14)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: np.sum(_same_slot_np(x, n) ** 2), X62), rtol=1e-6, atol=1e-8)
    assert _same_slot.experimental_get_tracing_count() == 1


# ---- 3. stack() in a dynamic_size loop body ---------------------------------------------

@tf.function
def _running_mean(x, n):
    ta = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
    s = tf.zeros([2], tf.float64)
    for i in tf.range(n):
        ta = ta.write(i, tf.tanh(x[i] + s))
        s = tf.reduce_mean(ta.stack(), axis=0)      # the mean of the rows written so far
    return tf.reduce_sum(ta.stack(), axis=0) + s * s


def _running_mean_np(x, n):
    rows, s = [], np.zeros(2)
    for i in range(n):
        rows.append(np.tanh(x[i] + s))
        s = np.mean(rows, axis=0)
    return np.sum(rows, axis=0) + s * s


def test_stack_in_a_dynamic_size_loop_body_values_and_gradients():
    for n in (3, 5, 2):
        y, g = _outside(_running_mean, X62, tf.constant(n))
        np.testing.assert_allclose(y, _running_mean_np(X62, n), rtol=1e-14)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: np.sum(_running_mean_np(x, n) ** 2), X62), rtol=1e-6, atol=1e-8)

    inside = _inside(_running_mean)      # the tape inside the function

    for n in (3, 5):
        np.testing.assert_allclose(inside(tf.constant(X62), tf.constant(n)).numpy(),
                                   _numeric_grad(lambda x: np.sum(_running_mean_np(x, n) ** 2),
                                                 X62), rtol=1e-6, atol=1e-8)


# ---- 4. another loop length on a later call, fixed-size arrays, the tape outside ----------

@tf.function
def _prefix_sums(x, n):
    ta = tf.TensorArray(tf.float64, size=n)
    s = tf.zeros([2], tf.float64)
    for i in tf.range(n):
        ta = ta.write(i, tf.tanh(x[i] + s))
        s = tf.reduce_sum(ta.stack(), axis=0)
    return tf.reduce_sum(ta.stack()) + tf.reduce_sum(s * s)


def _prefix_sums_np(x, n):
    rows, s = [], np.zeros(2)
    for i in range(n):
        rows.append(np.tanh(x[i] + s))
        s = np.sum(rows, axis=0)
    return np.sum(rows) + np.sum(s * s)


def test_a_later_call_with_another_loop_length_has_its_own_gradients():
    for n in (3, 5, 2, 5):           # one trace; the gradient program is kept per shape
        y, g = _outside(_prefix_sums, X62, tf.constant(n))
        np.testing.assert_allclose(y, _prefix_sums_np(X62, n), rtol=1e-14)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: _prefix_sums_np(x, n) ** 2, X62), rtol=1e-6, atol=1e-6)
    assert _prefix_sums.experimental_get_tracing_count() == 1


# ---- 5. the graph listing of traced reductions (TF 2.21's) -------------------------------

def _listing(fn, dtype=tf.float32):
    graph = tf.function(fn).get_concrete_function(tf.TensorSpec([2, 3], dtype)).graph
    return [(n.name, n.op, list(n.input)) for n in graph.as_graph_def().node][1:]


@pytest.mark.parametrize("dtype", [tf.float32, tf.int32])
def test_reduce_mean_is_one_mean_op_reading_its_axes(dtype):
    # TF 2.21 (its Placeholder, here left out, is named after the argument, x)
    assert _listing(lambda x: tf.reduce_mean(x), dtype) == [
        ("Const", "Const", []), ("Mean", "Mean", ["x", "Const"]),
        ("Identity", "Identity", ["Mean"])]
    for axis, keepdims in ((1, False), ([0], True), (-1, False)):
        assert _listing(lambda x: tf.reduce_mean(x, axis, keepdims=keepdims), dtype) == [
            ("Mean/reduction_indices", "Const", []),
            ("Mean", "Mean", ["x", "Mean/reduction_indices"]),
            ("Identity", "Identity", ["Mean"])]


def test_other_reductions_list_as_tf():
    assert _listing(lambda x: tf.reduce_sum(x)) == [
        ("Const", "Const", []), ("Sum", "Sum", ["x", "Const"]),
        ("Identity", "Identity", ["Sum"])]
    for op, fn in (("Sum", tf.reduce_sum), ("Max", tf.reduce_max), ("Prod", tf.reduce_prod)):
        assert _listing(lambda x: fn(x, 0)) == [
            (f"{op}/reduction_indices", "Const", []),
            (op, op, ["x", f"{op}/reduction_indices"]), ("Identity", "Identity", [op])]
    assert _listing(lambda x: tf.reduce_min(x))[1] == ("Min", "Min", ["x", "Const"])
    any_ = _listing(lambda x: tf.reduce_any(x > 0.0, axis=1))
    assert [(n, op) for n, op, _ in any_] == [
        ("Greater/y", "Const"), ("Greater", "Greater"), ("Any/reduction_indices", "Const"),
        ("Any", "Any"), ("Identity", "Identity")]
    assert any_[3][2] == ["Greater", "Any/reduction_indices"]
    all_ = _listing(lambda x: tf.reduce_all(x > 0.0))
    assert [op for _, op, _ in all_] == ["Const", "Greater", "Const", "All", "Identity"]


def test_a_mean_in_a_growing_loop_divides_by_the_rows_it_has_when_it_runs():
    @tf.function
    def means(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        out = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32))
            out = out.write(i, tf.reduce_mean(ta.stack()))
        return out.stack()

    np.testing.assert_array_equal(means(tf.constant(4)).numpy(), [0.0, 0.5, 1.0, 1.5])


# ---- #13, remaining items: expected values printed by TF 2.21 (float32) -------------------

# (reduction, axis) -> (sum over iterations of the reduction's sum, its gradient) for
# ta.write(i, x * (i + 1)) over 3 iterations, x = [1.5, -0.5]
_GROWING_REDUCTIONS_TF = {
    ("reduce_prod", 0): (25.5, [47.5, 3.5]), ("reduce_prod", 1): (-15.0, [-10.0, 30.0]),
    ("reduce_prod", None): (-13.6875, [-27.875, 83.625]),
    ("reduce_max", 0): (7.5, [6.0, 3.0]), ("reduce_max", 1): (15.0, [10.0, 0.0]),
    ("reduce_max", None): (9.0, [6.0, 0.0]),
    ("reduce_min", 0): (1.5, [3.0, 6.0]), ("reduce_min", 1): (-5.0, [0.0, 10.0]),
    ("reduce_min", None): (-3.0, [0.0, 6.0]),
}


@pytest.mark.parametrize("red, axis", list(_GROWING_REDUCTIONS_TF))
def test_min_max_prod_over_a_growing_buffer_under_a_tape(red, axis):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            acc = tf.zeros([])
            for i in tf.range(n):
                ta = ta.write(i, x * tf.cast(i + 1, tf.float32))
                acc = acc + tf.reduce_sum(getattr(tf, red)(ta.stack(), axis=axis))
        return acc, t.gradient(acc, x)

    y, g = f(tf.constant([1.5, -0.5]), tf.constant(3))
    want_y, want_g = _GROWING_REDUCTIONS_TF[(red, axis)]
    np.testing.assert_allclose(y.numpy(), want_y, rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), want_g, rtol=1e-6)


def test_tape_outside_a_function_returning_an_inner_gradient_through_a_growing_loop():
    @tf.function
    def inner_grad(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            for i in tf.range(n):
                ta = ta.write(i, x * x * tf.cast(i + 1, tf.float32))
                p = tf.reduce_prod(ta.stack(), axis=0)
            y = tf.reduce_sum(ta.stack()) + tf.reduce_sum(p)
        return t.gradient(y, x)

    # TF 2.21: n -> (inner gradient, d sum(inner**2) / dx)
    want = {3: ([291.375, -7.125], [538023.9375, -331.3125]),
            5: ([46177.03125, -17.34375], [25565652992.0, -2504.00390625]),
            2: ([36.0, -4.0], [4320.0, -96.0])}
    for n, (want_g, want_gg) in want.items():
        x = tf.constant([1.5, -0.5])
        with tf.GradientTape() as outer:
            outer.watch(x)
            g = inner_grad(x, tf.constant(n))
            s = tf.reduce_sum(g * g)
        np.testing.assert_allclose(g.numpy(), want_g, rtol=1e-6)
        np.testing.assert_allclose(outer.gradient(s, x).numpy(), want_gg, rtol=1e-6)


_ASSIGNING_BODIES = {
    # name -> (what is returned from the stacked buffer s, TF 2.21's (value, gradient) for
    # n = 3, 5, 2)
    "reshape": (lambda s: tf.reduce_sum(tf.reshape(s, [-1]) ** 2),
                [(71.75, [189.0, -7.0]), (281.875, [742.5, -27.5]), (25.625, [67.5, -2.5])]),
    "slices": (lambda s: tf.reduce_sum(s[1:] * s[:-1]),
               [(41.0, [108.0, -4.0]), (205.0, [540.0, -20.0]), (10.25, [27.0, -1.0])]),
    "column": (lambda s: tf.reduce_sum(s[:, 0] * 3.0),
               [(40.5, [54.0, 0.0]), (101.25, [135.0, 0.0]), (20.25, [27.0, 0.0])]),
}


@pytest.mark.parametrize("name", list(_ASSIGNING_BODIES))
def test_other_loop_lengths_retrace_a_body_that_assigns_a_variable(name):
    expr, want = _ASSIGNING_BODIES[name]
    v = tf.Variable(0.0)

    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            v.assign_add(1.0)
            ta = ta.write(i, x * x * tf.cast(i + 1, tf.float32))
        return expr(ta.stack())

    count = 0
    for n, (want_y, want_g) in zip((3, 5, 2, 5), want + want[1:2]):
        x = tf.constant([1.5, -0.5])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(n))
        count += n
        np.testing.assert_allclose(y.numpy(), want_y, rtol=1e-6)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want_g, rtol=1e-6)
        assert float(v.numpy()) == count         # each call assigns once per iteration


# ---- 6. pieces of several lengths changed in a staged loop ----------------------------------
# x = [0, 1, 2, 3, 4, 5] split into [1, 2, 3]; the loop runs for i in 0, 1. Expected values
# and messages are TF 2.21's, printed live.

def _pieces_case(where, op):
    def body(ta, i):
        if op == "write_i":
            return tf.reduce_sum(ta.write(i, [1., 1.]).concat())
        if op == "write_0":
            return tf.reduce_sum(ta.write(0, [1., 1.]).concat())
        if op == "write_read":
            return tf.reduce_sum(ta.write(i, [1., 3.]).read(i))
        if op == "scatter":
            return tf.reduce_sum(ta.scatter([i], [[1., 1.]]).concat())
        if op == "unstack":
            return tf.reduce_sum(ta.unstack([[1., 2.], [3., 4.]]).concat())
        if op == "gather11":
            return tf.reduce_sum(ta.gather([1, 1]))
        if op == "gather_i1":
            return tf.reduce_sum(ta.gather([i + 1]))
        if op == "stack":
            return tf.reduce_sum(ta.stack())
        if op == "write_stack":
            return tf.reduce_sum(ta.write(i, [1., 1.]).stack())
        raise AssertionError(op)

    if where == "before":
        @tf.function
        def f(x, n):
            ta = tf.TensorArray(tf.float32, size=3).split(x, [1, 2, 3])
            out = tf.constant(0.)
            for i in tf.range(n):
                if op in ("write_i", "write_0", "scatter", "unstack"):   # carried changed
                    ta = {"write_i": lambda: ta.write(i, [1., 1.]),
                          "write_0": lambda: ta.write(0, [1., 1.]),
                          "scatter": lambda: ta.scatter([i], [[1., 1.]]),
                          "unstack": lambda: ta.unstack([[1., 2.], [3., 4.]])}[op]()
                    out = tf.reduce_sum(ta.concat())
                else:
                    out = body(ta, i)
            return out
    else:
        @tf.function
        def f(x, n):
            out = tf.constant(0.)
            for i in tf.range(n):
                ta = tf.TensorArray(tf.float32, size=3).split(x, [1, 2, 3])
                out = body(ta, i)
            return out
    return f(tf.constant([0., 1., 2., 3., 4., 5.]), tf.constant(2))


@pytest.mark.parametrize("where,op,want", [
    ("before", "write_i", 16.0), ("before", "write_0", 17.0), ("before", "write_read", 4.0),
    ("before", "scatter", 16.0), ("before", "unstack", 10.0), ("before", "gather11", 6.0),
    ("before", "gather_i1", 12.0),
    ("inside", "write_i", 14.0), ("inside", "write_0", 17.0), ("inside", "write_read", 4.0),
    ("inside", "scatter", 14.0), ("inside", "unstack", 10.0), ("inside", "gather11", 6.0),
    ("inside", "gather_i1", 12.0)])
def test_pieces_of_several_lengths_written_in_a_staged_loop(where, op, want):
    assert float(_pieces_case(where, op)) == want


@pytest.mark.parametrize("where,op,text", [
    ("before", "stack", "[1] vs. [2]"), ("inside", "stack", "[1] vs. [2]"),
    ("before", "write_stack", "[2] vs. [3]"), ("inside", "write_stack", "[2] vs. [3]")])
def test_pieces_of_several_lengths_do_not_stack(where, op, text):
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"PartialTensorShape: Incompatible shapes during merge: " +
                       text.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        _pieces_case(where, op)


def test_pieces_stack_outside_a_loop():
    x = tf.constant([0., 1., 2., 3., 4., 5.])
    # eager: TF's Pack error; traced: its graph's merge error
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Shapes of all inputs must "
                       r"match: values\[0\]\.shape = \[1\] != values\[1\]\.shape = \[2\]"):
        tf.TensorArray(tf.float32, size=3).split(x, [1, 2, 3]).stack()
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"PartialTensorShape: "
                       r"Incompatible shapes during merge: \[1,2\] vs\. \[2,2\]"):
        tf.function(lambda x: tf.TensorArray(tf.float32, size=3).split(
            tf.reshape(tf.range(12.), [6, 2]), [1, 2, 3]).stack())(x)
    # eager unstack makes the array its rows (TF: size 2, stack [1., 2.])
    ta = tf.TensorArray(tf.float32, size=3).unstack([1., 2.])
    assert int(ta.size()) == 2 and ta.stack().numpy().tolist() == [1., 2.]


def _written_np(x, n):
    pieces = [x[:1], x[1:3], x[3:]]
    s = 0.0
    for i in range(n):
        pieces[i] = np.tanh(x[1:3]) * (i + 1) + s
        s = s * 0.5 + np.sum(pieces[i] ** 2) + np.sum(np.concatenate(pieces) * x[0])
    return np.concatenate(pieces + [[s]])


def test_pieces_written_in_a_staged_loop_gradients():
    # TF 2.21 gives no gradient here (its AddN of shapes [7] and [6]): central differences
    @tf.function
    def written(x, n):
        ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
        s = tf.constant(0.0, tf.float64)
        for i in tf.range(n):
            ta = ta.write(i, tf.tanh(x[1:3]) * tf.cast(i + 1, tf.float64) + s)
            s = s * 0.5 + tf.reduce_sum(ta.read(i) ** 2) + tf.reduce_sum(ta.concat() * x[0])
        return tf.concat([ta.concat(), [s]], 0)

    for n in (2, 1, 3):
        y, g = _outside(written, X6, tf.constant(n))
        np.testing.assert_allclose(y, _written_np(X6, n), rtol=1e-13)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: np.sum(_written_np(x, n) ** 2), X6), rtol=1e-6, atol=1e-7)


# ---- 7. pieces of several lengths through a converted if ------------------------------------
# x = cos(0..5) split into [1, 2, 3]. Values: NumPy (and TF 2.21's printed ones where noted);
# gradients by central differences (TF 2.21 fails on most of these: AddN of [7] and [6]).

def _in_one_branch_np(x, c):
    pieces = [x[:1], x[1:3], x[3:]]
    if c > 0:
        pieces[0] = x[:2] * 2.0
    return np.concatenate([pieces[0]] + pieces)


def _in_one_branch_parts(x, c):
    ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
    if c > 0:
        ta = ta.write(0, x[:2] * 2.0)
    return ta.read(0), ta.concat()


@tf.function
def _in_one_branch(x, c):
    return tf.concat(list(_in_one_branch_parts(x, c)), 0)


def _inside_parts(fn):
    """As _inside, for fn returning parts (d sum of their squares / dx): the rows of each part
    depend on the branch taken, and tf.concat's gradient in a trace takes the rows its inputs
    had when tracing (docs/tf-function.md)."""
    @tf.function
    def grad(x, *args):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.add_n([tf.reduce_sum(p ** 2) for p in fn(x, *args)])
        return tape.gradient(y, x)
    return grad


def test_pieces_written_in_one_branch_of_an_if_values_and_gradients():
    grad = _inside_parts(_in_one_branch_parts)
    for c in (1.0, -1.0, 1.0):       # one trace, either branch
        y, g = _outside(_in_one_branch, X6, tf.constant(c, tf.float64))
        np.testing.assert_allclose(y, _in_one_branch_np(X6, c), rtol=1e-15)
        want = _numeric_grad(lambda x: np.sum(_in_one_branch_np(x, c) ** 2), X6)
        np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(c, tf.float64)).numpy(),
                                   want, rtol=1e-7, atol=1e-8)
    assert _in_one_branch.experimental_get_tracing_count() == 1


def _if_in_a_loop_np(x, n):
    pieces, s = [x[:1], x[1:3], x[3:]], 0.0
    for i in range(n):
        if i % 2 == 0:
            pieces[i] = np.sin(x[:4]) * (i + 1)
        s = s + np.sum(np.concatenate(pieces) * x[0])
    return np.concatenate(pieces + [[s]])


def _if_in_a_loop_parts(x, n):
    ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
    s = tf.constant(0.0, tf.float64)
    for i in tf.range(n):
        if i % 2 == 0:
            ta = ta.write(i, tf.sin(x[:4]) * tf.cast(i + 1, tf.float64))
        s = s + tf.reduce_sum(ta.concat() * x[0])
    return ta.concat(), s


@tf.function
def _if_in_a_loop(x, n):
    joined, s = _if_in_a_loop_parts(x, n)
    return tf.concat([joined, [s]], 0)


def test_pieces_written_in_an_if_in_a_staged_loop_values_and_gradients():
    grad = _inside_parts(tf.function(_if_in_a_loop_parts))
    for n in (3, 2, 1):
        y, g = _outside(_if_in_a_loop, X6, tf.constant(n))
        np.testing.assert_allclose(y, _if_in_a_loop_np(X6, n), rtol=1e-14)
        want = _numeric_grad(lambda x: np.sum(_if_in_a_loop_np(x, n) ** 2), X6)
        np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(n)).numpy(), want,
                                   rtol=1e-7, atol=1e-7)
    # TF 2.21 printed for n=3 (its gradient fails: AddN of element shapes [3] and [4])
    np.testing.assert_allclose(_if_in_a_loop(tf.constant(X6), tf.constant(3)).numpy()[-1],
                               -1.6538500883899738, rtol=1e-13)


def test_pieces_split_in_both_branches_of_an_if():
    @tf.function
    def f(x, c):
        ta = tf.TensorArray(tf.float64, size=3, element_shape=[None])
        if c > 0:
            ta = ta.split(x, [1, 2, 3])
        else:
            ta = ta.split(x * 2.0, [3, 2, 1])
        return tf.concat([ta.concat(), ta.read(1)], 0)

    def f_np(x, c):
        return np.concatenate([x, x[1:3]]) if c > 0 else np.concatenate([2 * x, 2 * x[3:5]])

    for c in (1.0, -1.0):
        y, g = _outside(f, X6, tf.constant(c, tf.float64))
        np.testing.assert_allclose(y, f_np(X6, c), rtol=1e-15)
        np.testing.assert_allclose(g, _numeric_grad(lambda x: np.sum(f_np(x, c) ** 2), X6),
                                   rtol=1e-7, atol=1e-8)
    # TF 2.21's gradient for c = -1: 8 x, doubled again on x[3:5]
    np.testing.assert_allclose(_outside(f, X6, tf.constant(-1.0, tf.float64))[1],
                               [8., 4.322418446945118, -3.3291746923771393,
                                -15.839879945607127, -10.458297933817791, 2.26929748370581],
                               rtol=1e-12)


def test_pieces_after_an_if_size_stack_and_shapes_as_tf():
    x = tf.constant(X6)

    @tf.function
    def sizes(x, n):
        ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
        s = tf.constant(0, tf.int32)
        for i in tf.range(n):
            if i > 0:
                ta = ta.unstack(tf.reshape(x, [2, 3]))
            s += ta.size()
        return s, ta.size()

    # TF 2.21: (7, 3). After the if the array has no size of its own (3, then 2 and 2 pieces);
    # after the loop, the size it was made with.
    assert [int(t) for t in sizes(x, tf.constant(3))] == [7, 3]

    @tf.function
    def unstacked(x, c):
        ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
        if c > 0:
            ta = ta.unstack(tf.reshape(x, [2, 3]))
        return ta.stack()

    # TF 2.21: two pieces stack (no count of 3 after the if); the other branch's pieces do
    # not, against the length the unstack fixed
    np.testing.assert_array_equal(unstacked(x, tf.constant(1.0, tf.float64)).numpy(),
                                  X6.reshape(2, 3))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"PartialTensorShape: "
                       r"Incompatible shapes during merge: \[3\] vs\. \[1\]"):
        unstacked(x, tf.constant(-1.0, tf.float64))

    @tf.function
    def other_lengths(x, c):
        ta = tf.TensorArray(tf.float64, size=3).split(tf.reshape(x, [6, 1]) * [[1.0, 2.0]],
                                                      [1, 2, 3])
        if c > 0:
            ta = ta.write(2, tf.reshape(x[:4], [2, 2]))
        else:
            ta = ta.write(1, tf.reshape(x, [3, 2]))
        return ta.concat()

    # TF 2.21, while tracing: the first write fixed the element shape (2, 2)
    with pytest.raises(ValueError, match=r"Inconsistent shapes: saw \(3, 2\) but expected "
                       r"\(2, 2\) $"):
        other_lengths(x, tf.constant(1.0, tf.float64))

    @tf.function
    def shape_after(x, c):
        ta = tf.TensorArray(tf.float64, size=3).split(x, [1, 2, 3])
        if c > 0:
            ta = ta.write(0, x[:2])
        return tf.constant(ta.element_shape.as_list())

    assert shape_after(x, tf.constant(1.0, tf.float64)).numpy().tolist() == [2]   # TF 2.21


# ---- 8. a stack of the wrong count folded while tracing a loop body -------------------------
# TF 2.21: InvalidArgumentError "Operation expected a list with 3 elements but got a list with
# 2 elements." when the body runs (none when the loop runs no iteration).

def test_stack_of_a_constant_unstack_of_the_wrong_count_in_a_loop_body_raises():
    @tf.function
    def made_in_the_body(n):
        s = tf.constant(0.)
        for i in tf.range(n):
            ta = tf.TensorArray(tf.float32, size=3)
            ta = ta.unstack([1., 2.])
            s += tf.reduce_sum(ta.stack())
        return s

    @tf.function
    def pieces_carried(n):
        ta = tf.TensorArray(tf.float32, size=3).split(tf.range(6.), [1, 2, 3])
        s = tf.constant(0.)
        for i in tf.range(n):
            ta = ta.unstack([[1., 2.], [3., 4.]])
            s += tf.reduce_sum(ta.stack())
        return s

    for fn in (made_in_the_body, pieces_carried):
        assert float(fn(tf.constant(0))) == 0.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Operation expected a list "
                           r"with 3 elements but got a list with 2 elements\.$"):
            fn(tf.constant(2))
        assert float(fn(tf.constant(0))) == 0.0
        assert fn.experimental_get_tracing_count() == 1


# ---- 9. a write past the end of a growing array of pieces -----------------------------------
# The pieces skipped are unset (TF's uninitialized list elements): concat raises, stack
# compares the pieces set with the length the write fixed, read and gather give zeros of it.

def _past_the_end(op):
    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=3, dynamic_size=True).split(x, [1, 2, 3])
        s = tf.constant(0.0, tf.float64)
        for i in tf.range(n):
            ta = ta.write(ta.size() + 2, tf.tanh(x[:2]) * tf.cast(i + 1, tf.float64))
            s += tf.reduce_sum(ta.read(ta.size() - 1) ** 2) + tf.reduce_sum(
                ta.read(ta.size() - 2))
        if op == "concat":
            return ta.concat()
        if op == "stack":
            return ta.stack()
        return tf.concat([tf.reshape(ta.gather([ta.size() - 1, ta.size() - 2]), [-1]),
                          [s, tf.cast(ta.size(), tf.float64)]], 0)
    return f


def _past_the_end_np(x, n):
    s = sum(np.sum((np.tanh(x[:2]) * (i + 1)) ** 2) for i in range(n))
    return np.concatenate([np.tanh(x[:2]) * n, [0., 0., s, 3 + 3 * n]])


def test_writes_past_the_end_of_growing_pieces_as_tf():
    x = tf.constant(X6)
    # TF 2.21's messages, when the program runs
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^List contains uninitialized "
                       r"tensor at index 3 but leading_dims has only 0 elements\.$"):
        _past_the_end("concat")(x, tf.constant(2))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"PartialTensorShape: "
                       r"Incompatible shapes during merge: \[2\] vs\. \[1\]"):
        _past_the_end("stack")(x, tf.constant(2))
    f = _past_the_end("gather")
    for n in (2, 1):
        y, g = _outside(f, X6, tf.constant(n))
        np.testing.assert_allclose(y, _past_the_end_np(X6, n), rtol=1e-14)
        np.testing.assert_allclose(g, _numeric_grad(
            lambda x: np.sum(_past_the_end_np(x, n) ** 2), X6), rtol=1e-7, atol=1e-7)
    # TF 2.21 printed for n = 2: gathered [1.5231883119115297, 0.9864335337710077, 0, 0]
    np.testing.assert_allclose(f(x, tf.constant(2)).numpy(),
                               [1.5231883119115297, 0.9864335337710077, 0., 0.,
                                4.116442187614816, 9.], rtol=1e-13)


# ---- 10. an unstack of another number of rows into a fixed-size array in a staged loop ------
# TF's graph list takes the rows (its length changes in the loop); the array keeps the size it
# was made with: size() is 3, stack() raises TF's count error when it runs, read and gather
# take the list's rows, a read or write past them is TF's error. Values and gradients printed
# by TF 2.21 (float64), checked against central differences too.

@tf.function
def _unstacked_rows(x, n):
    ta = tf.TensorArray(tf.float64, size=3, element_shape=[3])
    for i in tf.range(n):
        ta = ta.unstack(tf.reshape(tf.sin(x) * tf.cast(i + 1, tf.float64), [2, 3]))
    return tf.concat([ta.read(0), ta.read(1) * x[:3], [tf.cast(ta.size(), tf.float64)]], 0)


def _unstacked_rows_np(x, n):
    rows = (np.sin(x) * n).reshape(2, 3) if n else np.zeros((2, 3))
    return np.concatenate([rows[0], rows[1] * x[:3], [3.0]])


_UNSTACKED_TF = {   # n: (value, gradient of sum(value**2)), TF 2.21
    2: ([1.682941969615793, 1.0287905170470983, -0.8084783077045316, -1.672043723075461,
         -0.6570973045362878, -0.23293681911234282, 3.0],
        [9.228650131054826, 5.127249291581094, -3.2186807244151217, -3.669775704267332,
         -1.1273993378077882, 0.37224825378200177]),
    1: ([0.8414709848078965, 0.5143952585235492, -0.4042391538522658, -0.8360218615377305,
         -0.3285486522681439, -0.11646840955617141, 3.0],
        [2.3071625327637064, 1.2818123228952736, -0.8046701811037804, -0.917443926066833,
         -0.28184983445194706, 0.09306206344550044]),
}


def test_unstack_of_other_rows_into_a_fixed_size_array_in_a_staged_loop():
    grad = _inside(_unstacked_rows)
    for n in (2, 1, 0):         # one trace
        y, g = _outside(_unstacked_rows, X6, tf.constant(n))
        np.testing.assert_allclose(y, _unstacked_rows_np(X6, n), rtol=1e-15)
        want = _numeric_grad(lambda x: np.sum(_unstacked_rows_np(x, n) ** 2), X6)
        np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(n)).numpy(), g,
                                   rtol=1e-12, atol=1e-15)
        if n in _UNSTACKED_TF:
            np.testing.assert_allclose(y, _UNSTACKED_TF[n][0], rtol=1e-12)
            np.testing.assert_allclose(g, _UNSTACKED_TF[n][1], rtol=1e-12)
    assert _unstacked_rows.experimental_get_tracing_count() == 1


def test_stack_after_an_unstack_of_other_rows_raises_when_it_runs(capsys):
    @tf.function
    def stacked(x, n):
        ta = tf.TensorArray(tf.float64, size=3, element_shape=[3])
        for i in tf.range(n):
            print("traced")
            ta = ta.unstack(tf.reshape(x, [2, 3]))
        s = ta.stack()
        print(s.shape, ta.size().shape)
        return s

    x = tf.constant(X6)
    np.testing.assert_array_equal(stacked(x, tf.constant(0)).numpy(), np.zeros((3, 3)))
    # TF 2.21: the body's print once, the stack's static shape the size
    assert capsys.readouterr().out == "traced\n(3, 3) ()\n"
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Operation expected a list "
                       r"with 3 elements but got a list with 2 elements\.$"):
        stacked(x, tf.constant(1))
    assert stacked.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("op, text", [
    ("read", "Trying to access element 2 in a list with 2 elements."),
    ("write", "Trying to modify element 2 in a list with 2 elements."),
])
def test_past_the_rows_an_unstack_left_in_a_staged_loop(op, text):
    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=3)
        for i in tf.range(n):
            ta = ta.unstack(tf.constant([1.0, 2.0]) * tf.cast(i, tf.float32))
            if op == "write":
                ta = ta.write(2, 5.0)
        return ta.read(2) if op == "read" else ta.read(0)

    with pytest.raises(tf.errors.InvalidArgumentError, match="^" + re.escape(text) + "$"):
        f(tf.constant(2))      # TF 2.21's messages, when the program runs


def test_split_and_gather_after_other_rows_in_a_staged_loop():
    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=3)
        for i in tf.range(n):
            ta = ta.split(tf.constant([1.0, 2.0, 3.0, 4.0]) * tf.cast(i, tf.float32), [2, 2])
        return ta.read(0), ta.gather([1, 0]), ta.size()

    # TF 2.21: ([1, 2], [[3, 4], [1, 2]], 3)
    a, b, n = f(tf.constant(2))
    assert a.numpy().tolist() == [1.0, 2.0]
    assert b.numpy().tolist() == [[3.0, 4.0], [1.0, 2.0]]
    assert int(n) == 3


# ---- 11. an array of unknown element shape split in one branch of an if only ----------------
# TF 2.21: the other branch leaves the list's elements uninitialized; what reads them fails
# when the program runs, with TF's messages naming the element shape the list has after the if
# (the one before it: <unknown>, or [?] with element_shape=[None]); the split branch works.

def _split_in_else(op, element_shape):
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


@pytest.mark.parametrize("op, unknown, known", [
    ("concat", "Trying to concat list with only uninitialized tensors but "
     "element_shape_except_first_dim is not fully defined: <unknown>",
     "List contains uninitialized tensor at index 0 but leading_dims has only 0 elements."),
    ("read", "Trying to read an uninitialized tensor but element_shape is not fully defined: "
     "<unknown> and no list element is set.",
     "Trying to read an uninitialized tensor but element_shape is not fully defined: [?] and "
     "no list element is set."),
    ("stack", "Tried to stack list which only contains uninitialized tensors and has a "
     "non-fully-defined element_shape: <unknown>",
     "Tried to stack list which only contains uninitialized tensors and has a "
     "non-fully-defined element_shape: [?]"),
    ("gather", "Tried to gather uninitialized tensors from a list with non-fully-defined "
     "element_shape: <unknown>",
     "Tried to gather uninitialized tensors from a list with non-fully-defined "
     "element_shape: [?]"),
])
def test_split_in_the_else_branch_only_fails_when_the_other_branch_runs(op, unknown, known):
    x = tf.constant(X6)
    for shape, text in ((None, unknown), ([None], known)):
        f = _split_in_else(op, shape)
        with pytest.raises(tf.errors.InvalidArgumentError, match="^" + re.escape(text) + "$"):
            f(x, tf.constant(1.0, tf.float64))
        if op == "concat":
            np.testing.assert_array_equal(f(x, tf.constant(-1.0, tf.float64)).numpy(), X6)
        elif op == "read":
            np.testing.assert_array_equal(f(x, tf.constant(-1.0, tf.float64)).numpy(), X6[1:3])
        else:   # TF 2.21: the pieces' lengths do not merge
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes "
                               r"during merge: " + (r"\[1\] vs\. \[2\]" if op == "stack" else
                                                    r"\[3\] vs\. \[1\]")):
                f(x, tf.constant(-1.0, tf.float64))
        assert f.experimental_get_tracing_count() == 1


def test_split_in_the_else_branch_only_size_prints_and_gradients(capsys):
    @tf.function
    def f(x, c):
        ta = tf.TensorArray(tf.float64, size=3)
        if c > 0:
            print("main")
        else:
            print("else")
            ta = ta.split(tf.sin(x), [1, 2, 3])
        return tf.concat([ta.read(2) * x[3:], tf.cast([ta.size()], tf.float64)], 0)

    def f_np(x):
        return np.concatenate([np.sin(x[3:]) * x[3:], [3.0]])

    y, g = _outside(f, X6, tf.constant(-1.0, tf.float64))
    assert capsys.readouterr().out == "main\nelse\n"      # TF 2.21: each branch traced once
    np.testing.assert_allclose(y, f_np(X6), rtol=1e-15)
    np.testing.assert_allclose(g, _numeric_grad(lambda x: np.sum(f_np(x) ** 2), X6),
                               rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(_inside(f)(tf.constant(X6), tf.constant(-1.0, tf.float64)),
                               g, rtol=1e-13)


# ---- 12. tf.concat's gradient, the tape inside, parts whose rows a branch changes -----------
# The gradient's bounds are read when the program runs (before: the rows of the trace, a
# NumPy broadcast error on a call taking the other branch). Central differences (TF 2.21's own
# gradient fails on these: an AddN of element shapes [7] and [6]).

def test_concat_gradient_inside_follows_the_branch_taken():
    grad = _inside(_in_one_branch)
    for c in (1.0, -1.0, 1.0):       # one trace, either branch
        want = _numeric_grad(lambda x: np.sum(_in_one_branch_np(x, c) ** 2), X6)
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(c, tf.float64)).numpy(),
                                   want, rtol=1e-7, atol=1e-8)
        _, g = _outside(_in_one_branch, X6, tf.constant(c, tf.float64))
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(c, tf.float64)).numpy(),
                                   g, rtol=1e-12, atol=1e-15)
    grad = _inside(_if_in_a_loop)
    for n in (3, 2, 1):
        want = _numeric_grad(lambda x: np.sum(_if_in_a_loop_np(x, n) ** 2), X6)
        np.testing.assert_allclose(grad(tf.constant(X6), tf.constant(n)).numpy(), want,
                                   rtol=1e-7, atol=1e-7)


def test_concat_gradient_inside_second_order():
    @tf.function
    def hess_diag(x, c):
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.reduce_sum(_in_one_branch(x, c) ** 3)
            g = t1.gradient(y, x)
            s = tf.reduce_sum(g)
        return t2.gradient(s, x)

    for c in (1.0, -1.0):
        def first(x):
            return _numeric_grad(lambda z: np.sum(_in_one_branch_np(z, c) ** 3), x)
        want = _numeric_grad(lambda x: np.sum(first(x)), X6, eps=1e-4)
        np.testing.assert_allclose(hess_diag(tf.constant(X6), tf.constant(c, tf.float64)),
                                   want, rtol=1e-4, atol=1e-4)
