"""tf.custom_gradient's contract (TF_SEMANTICS §4)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


@tf.custom_gradient
def my_softplus(z):
    def grad(upstream):
        return upstream * (1 - 1 / (1 + tf.exp(z)))
    return tf.math.log1p(tf.exp(-tf.abs(z))) + tf.maximum(0.0, z), grad


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_stable_softplus_at_1000(dtype):
    x = tf.Variable(1000.0, dtype=dtype)
    with tf.GradientTape() as t:
        y = my_softplus(x)
    assert (float(y), float(t.gradient(y, x))) == (1000.0, 1.0)


def test_naive_softplus_fails_where_custom_gradient_does_not():
    x = tf.Variable(1000.0)
    with tf.GradientTape() as t:
        y = tf.math.log(1 + tf.exp(x))
    assert np.isinf(float(y)) and np.isnan(float(t.gradient(y, x)))


def test_forward_ops_are_not_what_is_differentiated():
    @tf.custom_gradient
    def f(x):
        return x * x, lambda dy: dy * 100.0
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x) * 2.0
    assert float(t.gradient(y, x)) == 200.0   # the upstream (2) times the user's rule (100)


def test_second_derivative_through_custom_gradient():
    @tf.custom_gradient
    def cube(x):
        x2 = x * x
        return x2 * x, lambda dy: dy * 3 * x2   # closes over a forward intermediate
    x = tf.Variable(2.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = cube(x)
        g = t1.gradient(y, x)
    assert (float(g), float(t2.gradient(g, x))) == (12.0, 12.0)


def test_several_inputs_outputs_and_unused_output_gets_zero():
    seen = {}

    @tf.custom_gradient
    def f(a, b):
        def grad(dy1, dy2):
            seen["dy"] = (float(dy1), float(dy2))
            return dy1 * b, dy1 * a + dy2
        return (a * b, a + b), grad
    a, b = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape() as t:
        t.watch([a, b])
        y1, y2 = f(a, b)
        loss = 3.0 * y1
    ga, gb = t.gradient(loss, [a, b])
    assert seen["dy"] == (3.0, 0.0)
    assert (float(ga), float(gb)) == (15.0, 6.0)


def test_none_gradient_and_kwargs_are_not_inputs():
    @tf.custom_gradient
    def f(x, y, k=None):
        return x * y * k, lambda dy: (dy * y * k, None)
    x, y = tf.constant(3.0), tf.constant(4.0)
    with tf.GradientTape() as t:
        t.watch([x, y])
        z = f(x, y, k=5.0)
    gx, gy = t.gradient(z, [x, y])
    assert float(gx) == 20.0 and gy is None


def test_variables_keyword():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables=None):
            assert len(variables) == 1 and variables[0] is v
            return dy * v, [dy * x * 100]
        return x * v, grad
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x)
    gx, gv = t.gradient(y, [x, v])
    assert (float(gx), float(gv)) == (2.0, 300.0)


def test_variables_errors():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def no_kw(x):
        return x * v, lambda dy: dy * v
    with pytest.raises(TypeError, match="variables"):
        no_kw(tf.constant(1.0))

    @tf.custom_gradient
    def wrong_len(x):
        return x * v, lambda dy, variables=None: (dy, [])
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = wrong_len(x)
    with pytest.raises(ValueError, match="gradient for each variable"):
        t.gradient(y, [x, v])


def test_wrong_number_or_shape_of_gradients():
    @tf.custom_gradient
    def two_in(x, y):
        return x * y, lambda dy: dy
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        z = two_in(x, x)
    with pytest.raises(ValueError, match="expected to return 2 gradients, but returned 1"):
        t.gradient(z, x)

    @tf.custom_gradient
    def bad_shape(x):
        return x * 2.0, lambda dy: tf.ones((3,))
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        z = bad_shape(x)
    with pytest.raises(ValueError, match="shape"):
        t.gradient(z, x)


def test_no_tape_no_recording():
    assert float(my_softplus(tf.constant(0.0))) == pytest.approx(np.log(2.0), rel=1e-7)
