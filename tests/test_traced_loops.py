"""Traced loops inside tf.function: derivatives of every order through a ``tf.while_loop`` or a
converted ``for i in tf.range(n)`` loop, ``maximum_iterations``, ``shape_invariants``, nested
loops. Expected values are closed forms or central differences (float64); the same functions
run under TensorFlow in parity/test_traced_loops_parity.py."""
import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import minitf as tf

X = 1.5


def _close(got, want):
    assert abs(float(got) - want) <= 1e-12 * max(1.0, abs(want)), (float(got), want)


# ---- second and higher derivatives -------------------------------------------------------

def test_second_derivative_through_a_tf_while_loop_with_nested_tapes():
    # y = x**(n+1) built by n multiplications: y' = (n+1) x**n, y'' = (n+1) n x**(n-1)
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, x])[1]
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)

    for n in (0, 1, 3, 5):
        y, g, h = f(tf.constant(X, tf.float64), tf.constant(n))
        _close(y, X ** (n + 1))
        _close(g, (n + 1) * X ** n)
        _close(h, (n + 1) * n * X ** (n - 1) if n else 0.0)
    assert f.experimental_get_tracing_count() == 1


def test_third_derivative_through_a_converted_range_loop_keeps_the_loop_result():
    # The nested gradients run the converted body again; the names the loop assigned (y) must
    # keep their values after the loop (the return reads y after all the gradients).
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t3:
            t3.watch(x)
            with tf.GradientTape() as t2:
                t2.watch(x)
                with tf.GradientTape() as t1:
                    t1.watch(x)
                    y = x
                    for _ in tf.range(n):
                        y = y * x
                g1 = t1.gradient(y, x)
            g2 = t2.gradient(g1, x)
        g3 = t3.gradient(g2, x)
        return y, g1, g2, g3

    y, g1, g2, g3 = f(tf.constant(X, tf.float64), tf.constant(3))
    for got, want in zip((y, g1, g2, g3), (X ** 4, 4 * X ** 3, 12 * X ** 2, 24 * X)):
        _close(got, want)


def _sin_loop(x, n):
    y = x
    for _ in tf.range(n):
        y = tf.sin(y) * x
    return y


def test_second_derivative_of_a_data_dependent_body_matches_finite_differences():
    @tf.function
    def grads(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = _sin_loop(x, n)
            g = inner.gradient(y, x)
        return g, outer.gradient(g, x)

    first = tf.function(lambda x, n: grads(x, n)[0])
    n = tf.constant(3)
    g, h = grads(tf.constant(X, tf.float64), n)
    eps = 1e-5
    fd = (float(first(tf.constant(X + eps, tf.float64), n)) -
          float(first(tf.constant(X - eps, tf.float64), n))) / (2 * eps)
    # central differences of g: truncation eps^2 |g'''| / 6 ~ 1e-10 (|g'''| < 10 here), and
    # rounding ~ 1e-16 |g| / eps ~ 1e-11: 1e-8 is a bound with margin, not a fit
    assert abs(float(h) - fd) <= 1e-8
    # the first derivative itself: y_k = sin(y_{k-1}) x, y_k' = cos(y_{k-1}) y_{k-1}' x + sin(y_{k-1})
    yv, dv = X, 1.0
    for _ in range(3):
        yv, dv = np.sin(yv) * X, np.cos(yv) * dv * X + np.sin(yv)
    _close(g, dv)


def test_hessian_of_a_vector_loop_by_jacobian_of_the_gradient():
    # f(x) = sum(x**4) by a loop multiplying a running product: Hessian diag(12 x**2)
    @tf.function
    def hessian(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                p = tf.ones_like(x)
                for _ in tf.range(n):
                    p = p * x
                y = tf.reduce_sum(p)
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)

    x = np.array([0.5, -1.25, 2.0])
    h = hessian(tf.constant(x), tf.constant(4)).numpy()
    np.testing.assert_allclose(h, np.diag(12 * x ** 2), rtol=1e-12, atol=0)


def test_second_derivative_with_respect_to_a_variable_read_in_the_body():
    # s_n = w**n x: d2s/dw2 = n (n-1) w**(n-2) x, d2s/dw dx = n w**(n-1)
    w = tf.Variable(1.1, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                s = x
                for _ in tf.range(n):
                    s = s * w
            gw = inner.gradient(s, w)
        return gw, outer.gradient(gw, w), outer.gradient(gw, x)

    n, x = 4, 2.0
    gw, gww, gwx = f(tf.constant(x, tf.float64), tf.constant(n))
    _close(gw, n * 1.1 ** (n - 1) * x)
    _close(gww, n * (n - 1) * 1.1 ** (n - 2) * x)
    _close(gwx, n * 1.1 ** (n - 1))


def test_nested_loops_first_and_second_derivative():
    # i = 0 .. n-1 multiplies i+1 times: y = x**(1 + n(n+1)/2)
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x
                for i in tf.range(n):
                    for _ in tf.range(i + 1):
                        y = y * x
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)

    for n in (1, 2, 3):
        p = 1 + n * (n + 1) // 2
        y, g, h = f(tf.constant(X, tf.float64), tf.constant(n))
        _close(y, X ** p)
        _close(g, p * X ** (p - 1))
        _close(h, p * (p - 1) * X ** (p - 2))


# ---- maximum_iterations, parallel_iterations ---------------------------------------------

def test_maximum_iterations_stops_the_traced_loop_and_its_gradient():
    @tf.function
    def f(x, m):
        with tf.GradientTape() as tape:
            tape.watch(x)
            i, y = tf.while_loop(lambda i, y: True, lambda i, y: (i + 1, y * x), [0, x],
                                 maximum_iterations=m, parallel_iterations=1)
        return i, y, tape.gradient(y, x)

    for m in (0, 2, 4):
        i, y, g = f(tf.constant(X, tf.float64), tf.constant(m))
        assert int(i) == m
        _close(y, X ** (m + 1))
        _close(g, (m + 1) * X ** m)
    # the condition still ends the loop first when it turns false before the bound
    bounded = tf.function(lambda x: tf.while_loop(lambda y: y < 10.0, lambda y: y * 2.0, [x],
                                                  maximum_iterations=100))
    assert float(bounded(tf.constant(1.0))[0]) == 16.0


def test_maximum_iterations_with_a_single_loop_variable_matches_eager():
    def f(x):
        return tf.while_loop(lambda y: y < 1e9, lambda y: y * 3.0, x, maximum_iterations=5)

    eager = f(tf.constant(2.0))
    traced = tf.function(f)(tf.constant(2.0))
    assert float(eager) == float(traced) == 2.0 * 3 ** 5


def test_maximum_iterations_must_be_a_scalar_int32():
    f = tf.function(lambda x: tf.while_loop(lambda y: y < 5.0, lambda y: y + 1.0, [x],
                                            maximum_iterations=tf.constant([2, 3])))
    with pytest.raises(ValueError, match="maximum_iterations"):
        f(tf.constant(0.0))


# ---- shape_invariants -------------------------------------------------------------------

def test_a_loop_variable_changing_shape_is_tf_value_error_without_invariants():
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.concat([y, y], 0)),
                             [0, tf.reshape(x, [1])])

    with pytest.raises(ValueError, match=r"enters the loop with shape \(1,\), but has shape "
                                         r"\(2,\) after one iteration.*shape_invariants"):
        f(tf.constant(1.5))


def test_shape_invariants_let_a_loop_variable_grow():
    out = io.StringIO()

    @tf.function
    def f(x, n):
        i, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.concat([y, y], 0)),
                             [0, x], shape_invariants=[tf.TensorShape([]),
                                                       tf.TensorShape([None])])
        print(y.shape)
        return y

    with redirect_stdout(out):
        a = f(tf.constant([1.0, 2.0]), tf.constant(2))
        b = f(tf.constant([1.0, 2.0]), tf.constant(3))
    assert out.getvalue() == "(None,)\n"                  # the static shape is relaxed
    np.testing.assert_array_equal(a.numpy(), [1, 2] * 4)
    np.testing.assert_array_equal(b.numpy(), [1, 2] * 8)
    assert f.experimental_get_tracing_count() == 1


def test_tf_shape_of_a_relaxed_loop_variable_is_read_when_the_program_runs():
    @tf.function
    def grow(x):
        return tf.while_loop(lambda y: tf.shape(y)[0] < 5,
                             lambda y: [tf.concat([y, y[:1]], 0)], [x],
                             shape_invariants=[tf.TensorShape([None])])

    np.testing.assert_array_equal(grow(tf.constant([1.0, 2.0]))[0].numpy(),
                                  [1.0, 2.0, 1.0, 1.0, 1.0])


def test_a_body_result_outside_the_invariant_is_value_error():
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.reshape(y, [1, -1])),
                             [0, x], shape_invariants=[tf.TensorShape([]),
                                                       tf.TensorShape([None])])

    with pytest.raises(ValueError, match=r"shape \(None,\), but has shape \(1, None\)"):
        f(tf.constant([1.0, 2.0]))


# ---- loops over datasets -----------------------------------------------------------------

def test_a_dataset_loop_inside_the_function_passes_no_gradient():
    # TF stages `for e in ds` inside tf.function as a dataset reduction (no gradient): the
    # loop's result is disconnected (None); the variable read in it is still watched, and
    # total * x still depends on x through its second factor: d/dx = total.
    w = tf.Variable(0.5, dtype=tf.float64)
    ds = tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, 3.0]))

    @tf.function
    def f(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            total = x * 1.0
            for e in ds:
                total += w * e * x
            out = total * x
        gw, gx = tape.gradient(out, [w, x])
        return total, gw, gx, tape.gradient(total, x), len(tape.watched_variables())

    total, gw, gx, gtotal, watched = f(tf.constant(X, tf.float64))
    _close(total, X + 0.5 * 6 * X)
    assert gw is None and gtotal is None
    _close(gx, X + 0.5 * 6 * X)
    assert int(watched) == 1


def test_an_eager_dataset_loop_is_differentiable():
    w = tf.Variable(0.5, dtype=tf.float64)
    with tf.GradientTape() as tape:
        total = tf.constant(0.0, tf.float64)
        for e in tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, 3.0])):
            total += w * e * e
    _close(tape.gradient(total, w), 14.0)


# ---- loops that assign variables, under a tape --------------------------------------------

def test_an_assignment_in_a_loop_passes_no_gradient():
    # TF: assign_add is not differentiable; y = 2 v reads v after the loop only
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape(persistent=True) as t:
            t.watch(x)
            for _ in tf.range(n):
                v.assign_add(x * v)
            y = v * 2.0
        return t.gradient(y, [x, v]), t.gradient(v, x)

    (gx, gv), gvx = f(tf.constant(X, tf.float64), tf.constant(3))
    assert gx is None and gvx is None
    _close(gv, 2.0)
    _close(v.numpy(), (1 + X) ** 3)


def test_each_read_of_an_assigned_variable_is_a_gradient_source():
    # reads after the assignment see 2, 3, 4: y = x*2*3*4, dy/dv = x (3*4 + 2*4 + 2*3)
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            y = x
            for _ in tf.range(n):
                v.assign_add(1.0)
                y = y * v
        return y, t.gradient(y, [x, v])

    for _ in range(2):                          # traced, then replayed
        v.assign(1.0)
        y, (gx, gv) = f(tf.constant(X, tf.float64), tf.constant(3))
        _close(y, X * 24)
        _close(gx, 24.0)
        _close(gv, X * 26)
        _close(v.numpy(), 4.0)
    assert f.experimental_get_tracing_count() == 1


def test_reads_before_the_assignment_see_the_carried_value():
    # reads see 1, 2, 3: y = x*1*2*3, dy/dv = x (2*3 + 1*3 + 1*2)
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            y = x
            for _ in tf.range(n):
                y = y * v
                v.assign_add(1.0)
        return y, t.gradient(y, [x, v])

    y, (gx, gv) = f(tf.constant(X, tf.float64), tf.constant(3))
    _close(y, X * 6)
    _close(gx, 6.0)
    _close(gv, X * 11)


def test_second_derivative_through_a_loop_assigning_variables():
    # y = x**(n+1) while v counts the iterations: y'' = (n+1) n x**(n-1); the gradient's
    # re-runs of the body start from v's value before the loop and their assignments are
    # thrown away, so v ends at n as without the gradient
    v = tf.Variable(0.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x
                for _ in tf.range(n):
                    v.assign_add(1.0)
                    y = y * x
            g = inner.gradient(y, x)
        return g, outer.gradient(g, x)

    for _ in range(2):                          # traced, then replayed
        v.assign(0.0)
        g, h = f(tf.constant(X, tf.float64), tf.constant(2))
        _close(g, 3 * X ** 2)
        _close(h, 6 * X)
        assert float(v.numpy()) == 2.0


# ---- nested tapes around a call ------------------------------------------------------------

def test_second_derivative_through_a_call_with_a_loop_from_outside():
    @tf.function
    def f(x, n):
        return _sin_loop(x, n)

    x, n = tf.constant(X, tf.float64), tf.constant(3)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x, n)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    first = tf.function(lambda x, n: _first(x, n))
    eps = 1e-5
    fd = (float(first(tf.constant(X + eps, tf.float64), n)) -
          float(first(tf.constant(X - eps, tf.float64), n))) / (2 * eps)
    # the same bound as the finite-difference test above (same function)
    assert abs(float(h) - fd) <= 1e-8
    _close(g, first(x, n))


def _first(x, n):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _sin_loop(x, n)
    return tape.gradient(y, x)


def test_second_derivative_through_a_call_of_straight_line_code():
    # d2/dx2 (x sin x) = 2 cos x - x sin x; w: d2/dw dx (w x**2) = 2x
    w = tf.Variable(0.5, dtype=tf.float64)
    f = tf.function(lambda x: x * tf.sin(x) + w * x * x)
    x = tf.constant(X, tf.float64)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    _close(outer.gradient(g, x), 2 * np.cos(X) - X * np.sin(X) + 2 * 0.5)
    _close(outer.gradient(g, w), 2 * X)


def test_a_call_assigning_variables_has_first_derivatives_under_a_recording_tape():
    v = tf.Variable(0.0, dtype=tf.float64)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return x * x

    x = tf.constant(X, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)            # recorded by `outer`: the program's gradient
    _close(g, 2 * X)
    assert float(v.numpy()) == 1.0          # the body's assignment ran once
    with pytest.raises(NotImplementedError, match="assigns variables"):
        outer.gradient(g, x)


def test_the_second_derivative_does_not_repeat_the_loop_body_prints(capsys):
    # tf.print in the body runs with the forward loop only (TF: once per iteration per call)
    import sys

    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x
                for i in tf.range(n):
                    tf.print("step", i, output_stream=sys.stdout)
                    y = y * x
            g = inner.gradient(y, x)
        return outer.gradient(g, x)

    for _ in range(2):                       # traced, then replayed
        _close(f(tf.constant(2.0, tf.float64), tf.constant(2)), 6 * 2.0)
        assert capsys.readouterr().out == "step 0\nstep 1\n"


def test_a_second_derivative_around_a_call_does_not_print_again(capsys):
    @tf.function
    def f(x):
        tf.print("called")
        return x * x * x

    x = tf.constant(X, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    _close(outer.gradient(g, x), 6 * X)
    assert capsys.readouterr().err == "called\n"


# ---- TensorArray in a differentiated loop ------------------------------------------------

def test_tensor_array_accumulated_in_a_differentiated_loop():
    # st_i = x i**2 (i < n), y = sum(st**2) = x**2 sum(i**4): dy/dx = 2 x sum(i**4),
    # d2y/dx2 = 2 sum(i**4); with n = 4, sum(i**4) = 98
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                ta = tf.TensorArray(tf.float64, size=n)
                for i in tf.range(n):
                    ta = ta.write(i, x * tf.cast(i, tf.float64) ** 2)
                st = ta.stack()
                y = tf.reduce_sum(st ** 2)
            g = inner.gradient(y, x)
        return st, g, outer.gradient(g, x)

    for _ in range(2):                            # traced, then replayed
        st, g, h = f(tf.constant(X, tf.float64), tf.constant(4))
        np.testing.assert_array_equal(st.numpy(), X * np.arange(4.0) ** 2)
        _close(g, 2 * X * 98)
        _close(h, 2 * 98)


def test_differentiating_a_loop_whose_shapes_change_is_refused_not_wrong():
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            _, y = tf.while_loop(lambda i, y: i < n,
                                 lambda i, y: (i + 1, tf.concat([y, y * x], 0)),
                                 [0, tf.reshape(x, [1])],
                                 shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
            s = tf.reduce_sum(y)
        return s, t.gradient(s, x)

    with pytest.raises(NotImplementedError, match="change shape"):
        f(tf.constant(X, tf.float64), tf.constant(2))


# ---- the other arguments -----------------------------------------------------------------

def test_back_prop_false_stops_the_gradient_inside_the_function_only():
    # TF: eagerly back_prop is ignored; a graph loop with back_prop=False has no gradient
    def f(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, x],
                              back_prop=False)[1]
        return y, t.gradient(y, x)

    x = tf.constant(X, tf.float64)
    y, g = f(x)
    _close(y, X ** 4)
    _close(g, 4 * X ** 3)
    y, g = tf.function(f)(x)
    _close(y, X ** 4)
    assert g is None


@pytest.mark.parametrize("staged", [False, True])
def test_parallel_iterations_must_be_positive(staged):
    def f(x):
        return tf.while_loop(lambda y: y < 5.0, lambda y: y + 1.0, [x], parallel_iterations=0)

    with pytest.raises(TypeError, match="'parallel_iterations' must be a positive integer."):
        (tf.function(f) if staged else f)(tf.constant(1.0))


@pytest.mark.parametrize("staged", [False, True])
def test_a_negative_maximum_iterations_runs_no_iteration(staged):
    def f(x):
        return tf.while_loop(lambda y: y < 5.0, lambda y: y + 1.0, [x], maximum_iterations=-1)

    assert float((tf.function(f) if staged else f)(tf.constant(1.0))[0]) == 1.0


def test_second_derivative_with_nested_loop_variables_matches_the_unrolled_loop():
    # a tuple inside the loop variables, an int counter and a captured constant; expected:
    # the same loop unrolled eagerly (exact algebra, different op order: 1e-12 relative)
    c = tf.constant(0.5, tf.float64)

    def derivatives(x, run):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                a, b = run(x)
                y = a + b
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)

    def staged(x):
        _, (a, b) = tf.while_loop(
            lambda i, ab: i < 3, lambda i, ab: (i + 1, (ab[0] * x + c, ab[1] + ab[0] * ab[0])),
            (0, (x, tf.zeros_like(x))))
        return a, b

    def unrolled(x):
        a, b = x, tf.zeros_like(x)
        for _ in range(3):
            a, b = a * x + c, b + a * a
        return a, b

    x = tf.constant(1.3, tf.float64)
    got = tf.function(lambda x: derivatives(x, staged))(x)
    want = derivatives(x, unrolled)
    for g, w in zip(got, want):
        _close(g, float(w))
