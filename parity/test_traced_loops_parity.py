"""Traced loops side by side with TensorFlow: the functions of tests/test_traced_loops.py, each
made once with TF's module and once with minitf's and called on the same inputs. Values (float64)
agree to rounding; None gradients, static shapes and exception types and messages match."""
import numpy as np
import pytest

import minitf as mtf

X = 1.5


def second_order_while(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.while_loop(lambda i, y: i < n,
                                  lambda i, y: (i + 1, tf.sin(y) * x), [0, x])[1]
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)
    return f


def third_order_range(tf):
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
                        y = tf.tanh(y) * x + y
                g1 = t1.gradient(y, x)
            g2 = t2.gradient(g1, x)
        return y, g1, g2, t3.gradient(g2, x)
    return f


def hessian_of_loop(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                p = x
                for _ in tf.range(n):
                    p = tf.sin(p) * x
                y = tf.reduce_sum(p * p)
            g = inner.gradient(y, x)
        # (TF's jacobian here costs ~30 s of graph building: the Hessian's row sums instead)
        return g, outer.gradient(g, x)
    return f


def nested_loops_second_order(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x
                for i in tf.range(n):
                    for _ in tf.range(i + 1):
                        y = tf.cos(y) * x
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)
    return f


def maximum_iterations(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            i, y = tf.while_loop(lambda i, y: True, lambda i, y: (i + 1, tf.sin(y) * x),
                                 [0, x], maximum_iterations=n, parallel_iterations=1)
        return i, y, tape.gradient(y, x)
    return f


def shape_invariant_growth(tf):
    @tf.function
    def f(x, n):
        i, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.concat([y, y * 2.0], 0)),
                             [0, x], shape_invariants=[tf.TensorShape([]),
                                                       tf.TensorShape([None])])
        return y, tf.constant(str(y.shape))
    return f


def assigned_variable_no_gradient(tf):
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape(persistent=True) as t:
            t.watch(x)
            for _ in tf.range(n):
                v.assign_add(x * v)
            y = v * 2.0
        gx, gv = t.gradient(y, [x, v])
        return gx, gv, t.gradient(v, x), v.read_value()
    return f


def assigned_variable_reads(tf):
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            y = x
            for _ in tf.range(n):
                y = y * v
                v.assign_add(y)
                y = tf.sin(y * v)
        gx, gv = t.gradient(y, [x, v])
        return y, gx, gv, v.read_value()
    return f


def dataset_loop_gradient(tf):
    w = tf.Variable(0.5, dtype=tf.float64)
    ds = tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, 3.0]))

    @tf.function
    def f(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            total = x * 1.0
            for e in ds:
                total += tf.sin(w * e * x)
            out = total * x
        return total, tape.gradient(out, [w, x]), tape.gradient(total, x)
    return f


def second_order_around_the_call(tf):
    w = tf.Variable(0.5, dtype=tf.float64)

    @tf.function
    def f(x, n):
        y = x
        for _ in tf.range(n):
            y = tf.sin(y) * x * w
        return y

    def outside(x, n):           # the tapes are outside the function
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x, n)
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x), outer.gradient(g, w)
    return outside


def tensor_array_gradient(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            ta = tf.TensorArray(tf.float64, size=n)
            for i in tf.range(n):
                ta = ta.write(i, x * tf.cast(i, tf.float64) ** 2)
            st = ta.stack()
            y = tf.reduce_sum(tf.sin(st))
        return st, t.gradient(y, x)
    return f


def back_prop_false(tf):
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, x],
                              back_prop=False, maximum_iterations=-1)[1]
            z = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, x],
                              back_prop=False)[1]
        return y, z, t.gradient(z, x)
    return f


def assigned_variable_second_order(tf):
    v = tf.Variable(1.0, dtype=tf.float64)

    @tf.function
    def f(x, n):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x
                for _ in tf.range(n):
                    v.assign_add(1.0)
                    y = tf.sin(y * v) * x
            gx, gv = inner.gradient(y, [x, v])
        return y, gx, gv, outer.gradient(gx, x), outer.gradient(gv, x), v.read_value()
    return f


CASES = [
    (assigned_variable_second_order, (0.7, 3)),
    (tensor_array_gradient, (X, 4)),
    (back_prop_false, (X, 3)),
    (second_order_around_the_call, (X, 3)),
    (second_order_while, (X, 3)),
    (third_order_range, (X, 3)),
    (hessian_of_loop, (np.array([0.5, -1.25, 2.0]), 2)),
    (nested_loops_second_order, (0.7, 3)),
    (maximum_iterations, (X, 4)),
    (maximum_iterations, (X, 0)),
    (shape_invariant_growth, (np.array([1.0, 2.0]), 3)),
    (assigned_variable_no_gradient, (X, 3)),
    (assigned_variable_reads, (0.3, 3)),
]


def _call(tf, make, args):
    conv = [tf.constant(a, tf.float64) if isinstance(a, (float, np.ndarray)) else
            tf.constant(a) for a in args]
    out = make(tf)(*conv)
    return [None if o is None else np.asarray(o.numpy()) for o in tf.nest.flatten(out)] \
        if not isinstance(out, (list, tuple)) else \
        [None if o is None else np.asarray(o.numpy())
         for o in _flatten(out)]


def _flatten(out):
    for o in out:
        if isinstance(o, (list, tuple)):
            yield from _flatten(o)
        else:
            yield o


def _compare(want, got):
    assert len(want) == len(got)
    for w, g in zip(want, got):
        if w is None or g is None:
            assert w is None and g is None, (w, g)
        elif w.dtype.kind in "SO":
            assert w == g
        else:
            assert w.dtype == g.dtype and w.shape == g.shape
            # float64: the same formulas in another order, a few ulps of the largest terms
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("make,args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_values_and_gradients_match_tf(tf_real, make, args):
    _compare(_call(tf_real, make, args), _call(mtf, make, args))


def test_dataset_loop_gradient_matches_tf(tf_real):
    want = _call(tf_real, dataset_loop_gradient, (X,))
    got = _call(mtf, dataset_loop_gradient, (X,))
    _compare(want, got)


def _changing_shape(tf):
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.concat([y, y], 0)),
                             [0, tf.reshape(x, [1])])
    return f


def _outside_invariant(tf):
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.reshape(y, [1, -1])),
                             [0, x], shape_invariants=[tf.TensorShape([]),
                                                       tf.TensorShape([None])])
    return f


@pytest.mark.parametrize("make,arg", [(_changing_shape, 1.5),
                                      (_outside_invariant, np.array([1.0, 2.0]))])
def test_shape_errors_match_tf(tf_real, make, arg):
    def error(tf):
        try:
            make(tf)(tf.constant(arg))
        except Exception as e:          # noqa: BLE001 (compared below)
            return e
        raise AssertionError("no error")

    want, got = error(tf_real), error(mtf)
    assert type(want).__name__ == type(got).__name__ == "ValueError"
    # TF prefixes its graph-building frames ("in user code: ..."); the sentence is the same
    tail = str(want).strip().splitlines()[-1].strip()
    assert tail in str(got), (tail, str(got))
