"""AutoGraph side by side with TensorFlow: the functions of tests/test_autograph.py (adapted
from the guides "Better performance with tf.function", tensorflow.org/guide/function, and the
TF 2.0 AutoGraph guide), each made once with TF's module and once with minitf's and called on
the same inputs: the same values, gradients, printed text and exception types."""
import contextlib
import io

import numpy as np
import pytest

import minitf as mtf


def _run(tf, make, args, kwargs=None):
    """Call ``make(tf)(*args)`` with the args made into tf's tensors; returns (result as
    NumPy, printed lines) or (exception, printed lines)."""
    fn = make(tf)
    conv = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            out = fn(*conv)
    except Exception as e:                      # noqa: BLE001 (compared with TF's below)
        return e, buf.getvalue().splitlines()
    flat = out if isinstance(out, (tuple, list)) else [out]
    return [np.asarray(o.numpy() if hasattr(o, "numpy") else o) for o in flat], \
        buf.getvalue().splitlines()


def _both(tf_real, make, *args):
    return _run(tf_real, make, args), _run(mtf, make, args)


# ---- functions: each takes the `tf` module and returns a tf.function ---------------------

def square_if_positive(tf):
    @tf.function
    def f(x):
        if x > 0:
            x = x * x
        else:
            x = 0.0 * x
        return x
    return f


def sign(tf):
    @tf.function
    def f(x):
        if x > 0:
            s = 1.0
        elif x < 0:
            s = -1.0
        else:
            s = 0.0
        return s
    return f


def collatz(tf):
    @tf.function
    def f(n):
        steps = 0
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps
    return f


def odd_sum_with_break(tf):
    @tf.function
    def f(n):
        s, i = 0, 0
        while i < n:
            i += 1
            if i % 2 == 0:
                continue
            if s > 20:
                break
            s += i
        return s
    return f


def range_sum(tf):
    @tf.function
    def f(n):
        s = 0
        for i in tf.range(n):
            s += i
        return s
    return f


def first_multiple(tf):
    @tf.function
    def f(n, k):
        found = -1
        for i in tf.range(1, n):
            if i % k == 0:
                found = i
                break
        return found
    return f


def row_sum(tf):
    @tf.function
    def f(m):
        s = tf.zeros([2])
        for row in m:
            s += row
        return s
    return f


def dataset_sum(tf):
    ds = tf.data.Dataset.range(6)

    @tf.function
    def f():
        s = tf.constant(0, tf.int64)
        for e in ds:
            s += e
        return s
    return f


def dataset_break(tf):
    ds = tf.data.Dataset.range(10)

    @tf.function
    def f(limit):
        s = tf.constant(0, tf.int64)
        for e in ds:
            s += e
            if s > limit:
                break
        return s
    return f


def nested(tf):
    @tf.function
    def f(x, n, m):
        s = tf.constant(0.0)
        for i in tf.range(n):
            for j in tf.range(m):
                s += tf.cast(i * j, tf.float32) * x
        return s
    return f


def early_return(tf):
    @tf.function
    def f(x):
        if x > 0:
            return x
        return -x
    return f


def logical(tf):
    @tf.function
    def f(x):
        a = x if x > 0 else -x
        inside = x > -1.0 and x < 1.0
        return a, inside, not inside
    return f


def python_flag(tf):
    @tf.function
    def f(x, training):
        if training:
            print("training branch")
            return x * 2.0
        print("inference branch")
        return x
    return f


def prints_while_tracing(tf):
    @tf.function
    def f(x):
        print("tracing", x)
        if x > 0:
            x = x + 1.0
        return x
    return f


def loop_var_first_assigned_in_loop(tf):
    @tf.function
    def f(x):
        while x > 0:
            y = x
            x = x - 1
        return y
    return f


def lambda_parameter_named_as_loop_index(tf):
    # the lambda's own `i` is not the loop's: the loop carries `s` only (its body prints once)
    @tf.function
    def f(n):
        s = tf.constant(0)
        for i in tf.range(n):
            print("body", i)
            s += i
        g = lambda i, y: i + y  # noqa: E731
        return g(s, 1)
    return f


VALUE_CASES = [
    (square_if_positive, [np.float32(3.0)]), (square_if_positive, [np.float32(-2.0)]),
    (sign, [np.float32(5.0)]), (sign, [np.float32(-5.0)]), (sign, [np.float32(0.0)]),
    (collatz, [np.int32(27)]), (collatz, [np.int32(1)]),
    (odd_sum_with_break, [np.int32(3)]), (odd_sum_with_break, [np.int32(30)]),
    (range_sum, [np.int32(0)]), (range_sum, [np.int32(10)]),
    (first_multiple, [np.int32(20), np.int32(7)]), (first_multiple, [np.int32(5), np.int32(7)]),
    (row_sum, [np.array([[1., 2.], [3., 4.], [5., 6.]], np.float32)]),
    (dataset_sum, []),
    (dataset_break, [np.int64(5)]), (dataset_break, [np.int64(100)]),
    (nested, [np.float32(2.0), np.int32(3), np.int32(4)]),
    (early_return, [np.float32(-2.0)]), (early_return, [np.float32(5.0)]),
    (logical, [np.float32(-3.0)]), (logical, [np.float32(0.5)]),
    (python_flag, [np.float32(3.0), True]), (python_flag, [np.float32(3.0), False]),
    (prints_while_tracing, [np.float32(1.0)]),
    (loop_var_first_assigned_in_loop, [np.float32(3.0)]),
    (lambda_parameter_named_as_loop_index, [np.int32(3)]),
]


def _convert(args):
    # 0-d NumPy values become scalar tensors of their dtype in both libraries
    return [np.asarray(a) if isinstance(a, np.generic) else a for a in args]


@pytest.mark.parametrize("make,args", VALUE_CASES,
                         ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(VALUE_CASES)])
def test_values_and_prints_match_tf(tf_real, make, args):
    (want, want_out), (got, got_out) = _both(tf_real, make, *_convert(args))
    assert not isinstance(want, Exception), want
    assert not isinstance(got, Exception), got
    assert got_out == want_out
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        # every result here is exact in binary (small integers, sums of such, x*x of 3.0)
        np.testing.assert_array_equal(g, w)


# ---- errors --------------------------------------------------------------------------

def undefined_in_else(tf):
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2.0
        return y
    return f


def dtypes_differ(tf):
    @tf.function
    def f(x):
        if x > 0:
            y = 1.0
        else:
            y = 2
        return y
    return f


def loop_dtype_change(tf):
    @tf.function
    def f(x):
        while x > 0:
            x = tf.cast(x, tf.int32) - 1
        return x
    return f


def loop_shape_change(tf):
    @tf.function
    def f(x):
        while tf.reduce_sum(x) < 10.0:
            x = tf.concat([x, x], 0)
        return x
    return f


def return_in_one_branch(tf):
    @tf.function
    def f(x):
        if x > 0:
            return x
    return f


def return_in_tensor_loop(tf):
    @tf.function
    def f(x):
        for i in tf.range(10):
            if i > 3:
                return x
            x = x * 2.0
        return x
    return f


def assert_on_tensor(tf):
    @tf.function
    def f(x):
        assert x > 0, "x must be positive"
        return x
    return f


def autograph_off(tf):
    def g(x):
        if x > 0:
            return x
        return -x
    return tf.function(g, autograph=False)


def do_not_convert(tf):
    @tf.autograph.experimental.do_not_convert
    def g(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def f(x):
        return g(x)
    return f


ERROR_CASES = [
    (undefined_in_else, [np.float32(1.0)], "'y' must also be initialized in the else branch"),
    (dtypes_differ, [np.float32(1.0)],
     "'y' has dtype float32 in the main branch, but dtype int32 in the else branch"),
    (loop_dtype_change, [np.float32(3.0)],
     "'x' has dtype float32 before the loop, but dtype int32 after one iteration"),
    (loop_shape_change, [np.array([3.0], np.float32)],
     "'x' has shape (1,) before the loop, but shape (2,) after one iteration"),
    (return_in_one_branch, [np.float32(1.0)],
     "the else branch must also have a return statement"),
    (return_in_tensor_loop, [np.float32(1.0)],
     "a return statement cannot be placed inside this TensorFlow loop"),
    (loop_var_first_assigned_in_loop, [np.float32(-3.0)],
     "loop must iterate at least once to initialize y"),
    (assert_on_tensor, [np.float32(1.0)], None),
    (autograph_off, [np.float32(1.0)], None),
    (do_not_convert, [np.float32(1.0)], None),
]


@pytest.mark.parametrize("make,args,message", ERROR_CASES,
                         ids=[m.__name__ for m, _, _ in ERROR_CASES])
def test_errors_match_tf(tf_real, make, args, message):
    (want, _), (got, _) = _both(tf_real, make, *_convert(args))
    assert isinstance(want, Exception) and isinstance(got, Exception), (want, got)
    assert type(got).__name__ == type(want).__name__
    if message is not None:     # TF prefixes "in user code: File ..."; the fact is the same
        assert message in str(want) and message in str(got)


# ---- gradients -----------------------------------------------------------------------

def _power_8(tf):
    @tf.function
    def f(x):
        i = 0
        while i < 3:
            x = x * x
            i += 1
        return x
    return f


def _squash(tf):
    @tf.function
    def f(x):
        while tf.reduce_sum(x) > 1.0:
            x = tf.tanh(x)
        return tf.reduce_sum(x * x)
    return f


def _grad_outside(tf, make, x0):
    f = make(tf)
    x = tf.constant(x0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return y.numpy(), tape.gradient(y, x).numpy()


@pytest.mark.parametrize("make,x0", [(_power_8, np.float64(1.5)),
                                     (_squash, np.array([0.9, 0.7, 0.4])),
                                     (_squash, np.array([2.0, -0.5, 0.25]))])
def test_gradient_through_converted_loop_outside_the_function(tf_real, make, x0):
    wy, wg = _grad_outside(tf_real, make, x0)
    gy, gg = _grad_outside(mtf, make, x0)
    # float64: each iteration is a few correctly rounded ops (tanh within an ulp or two in both
    # libraries), a handful of iterations: far inside 1e-12 relative
    np.testing.assert_allclose(gy, wy, rtol=1e-12, atol=0)
    np.testing.assert_allclose(gg, wg, rtol=1e-12, atol=1e-15)


def _grads_inside(tf, n):
    w = tf.Variable(1.1, dtype=tf.float64)

    @tf.function
    def grads(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            s = x
            for _ in tf.range(n):
                s = s * w + x
        return tape.gradient(s, [x, w])

    return [g.numpy() for g in grads(tf.constant(2.0, tf.float64), tf.constant(n))]


@pytest.mark.parametrize("n", [0, 1, 5])
def test_gradient_inside_the_function_through_a_range_loop(tf_real, n):
    want = _grads_inside(tf_real, n)
    got = _grads_inside(mtf, n)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_to_code_is_python_in_both(tf_real):
    import ast

    def f(x):
        if x > 0:
            x = x * x
        return x

    for tf in (tf_real, mtf):
        ast.parse(tf.autograph.to_code(f))


# ---- graph operations ------------------------------------------------------------------

def _ops_product(tf):
    return tf.function(lambda x, y: x * y + 1.0).get_concrete_function(
        tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32))


def _ops_variable(tf):
    v = tf.Variable(2.0)
    return tf.function(lambda x: v * x).get_concrete_function(tf.TensorSpec([], tf.float32))


def _ops_matmul(tf):
    spec = tf.TensorSpec([2, 2], tf.float32)
    return tf.function(lambda x, w: tf.matmul(x, w) - w).get_concrete_function(spec, spec)


@pytest.mark.parametrize("make", [_ops_product, _ops_variable, _ops_matmul])
def test_graph_operations_match_tf(tf_real, make):
    want = [op.type for op in make(tf_real).graph.get_operations()]
    got = [op.type for op in make(mtf).graph.get_operations()]
    assert got == want


# ---- variables assigned in staged loops ------------------------------------------------

def _assign_in_loops(tf):
    v = tf.Variable(0)
    w = tf.Variable(10.0)

    @tf.function
    def accumulate(n):
        for i in tf.range(n):
            v.assign_add(i)
        return v.read_value()

    @tf.function
    def halve_until_below(x):
        while w > x:
            w.assign(w / 2.0)
        return w + 0.0

    out = [accumulate(tf.constant(4)).numpy(), accumulate(tf.constant(3)).numpy(),
           halve_until_below(tf.constant(1.0)).numpy()]
    w.assign(100.0)
    out += [halve_until_below(tf.constant(3.0)).numpy(), v.numpy(), w.numpy()]
    return out


def test_variables_assigned_in_staged_loops_match_tf(tf_real):
    for g, w in zip(_assign_in_loops(mtf), _assign_in_loops(tf_real)):
        np.testing.assert_array_equal(g, w)          # integers and halvings: exact
