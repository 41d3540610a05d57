"""The examples of TensorFlow's autodiff tutorials, as functions of a framework module ``tf``.

Each case returns numbers or (nested lists of) tensors; the parity checks run it once with
minitf and once with TensorFlow and compare. None must match None.
"""
from __future__ import annotations

import numpy as np


def g_two_vars(tf):
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        g = (x1 + 5) * x2 ** 2
    return t.gradient(g, [x1, x2])                       # [9, 42]


def list_target(tf):
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = [x * x, 5 * x]
    return t.gradient(y, x)                              # 11


def dict_target(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y0 = x ** 2
        y1 = 1 / x
    return t.gradient({"y0": y0, "y1": y1}, x)          # 2x - 1/x² = 3.75


def textbook_f(tf):
    w1, w2 = tf.Variable(5.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        z = 3 * w1 ** 2 + 2 * w1 * w2
    return t.gradient(z, [w1, w2])                       # [36, 10]


def nested_second_derivatives(tf):
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            g = (x1 + 5) * x2 ** 2
        jac = inner.gradient(g, [x1, x2])
    return [outer.gradient(j, [x1, x2]) for j in jac]  # [[None, 6], [6, 14]]


def third_order(tf):
    x = tf.Variable(1.5)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = tf.sin(x) * x ** 3
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    return [d1, d2, t3.gradient(d2, x)]


def descent_with_assign_sub(tf):
    x = tf.Variable(0.0)
    for _ in range(100):
        with tf.GradientTape() as t:
            y = 3 * x ** 2 + 2 * x - 1
        x.assign_sub(0.05 * t.gradient(y, x))
    return x                                              # → -1/3


def descent_without_optimizer(tf):
    w = tf.Variable([[1.0, -2.0], [0.5, 0.3]])
    b = tf.Variable([0.1, -0.1])
    x = tf.constant([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]])
    y = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    losses = []
    for _ in range(20):
        with tf.GradientTape() as t:
            loss = tf.reduce_mean(tf.square(tf.tanh(x @ w + b) - y))
        gw, gb = t.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        losses.append(loss)
    return [losses, w, b]


def jacobian_case(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.stack([x[0] * 2 + x[1], x[1] ** 2 * x[2]])
    return t.jacobian(y, x)


def stop_gradient_case(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * tf.stop_gradient(x * x) + x
    return t.gradient(y, x)                              # 4 + 1


def sqrt_tiny(tf):
    x = tf.Variable(1e-50, dtype=tf.float64)
    with tf.GradientTape() as t:
        y = tf.sqrt(x)
    return [y, t.gradient(y, x)]


def my_softplus_case(tf):
    @tf.custom_gradient
    def my_softplus(z):
        def grad(upstream):
            return upstream * (1 - 1 / (1 + tf.exp(z)))
        return tf.math.log1p(tf.exp(-tf.abs(z))) + tf.maximum(0.0, z), grad
    out = []
    for v in (1000.0, 1.0, 0.0, -30.0, 1e30):
        x = tf.Variable(v)
        with tf.GradientTape() as t:
            y = my_softplus(x)
        out.append([y, t.gradient(y, x)])
    return out


def huber_fn(tf):
    def huber(y_true, y_pred):
        error = y_true - y_pred
        is_small = tf.abs(error) < 1
        return tf.where(is_small, tf.square(error) / 2, tf.abs(error) - 0.5)
    z = tf.linspace(-4.0, 4.0, 201)
    with tf.GradientTape() as t:
        t.watch(z)
        h = huber(tf.zeros_like(z), z)
    return [h, t.gradient(h, z)]


def softplus_range(tf):
    z = tf.linspace(-100.0, 100.0, 401)
    with tf.GradientTape() as t:
        t.watch(z)
        s = tf.nn.softplus(z)
    return [s, t.gradient(s, z)]


def custom_gradient_second_order(tf):
    @tf.custom_gradient
    def cube(x):
        return x ** 3, lambda dy: dy * 3 * x ** 2
    x = tf.Variable(2.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = cube(x)
        g = t1.gradient(y, x)
    return [g, t2.gradient(g, x)]


def unconnected_and_dict(tf):
    x, z = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * 2
    return [t.gradient(y, {"x": x, "z": z}),
            t.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)]


def batch_jacobian_case(tf):
    x = tf.constant(np.linspace(-1, 1, 12).reshape(4, 3), dtype=tf.float32)
    w = tf.constant(np.linspace(0, 1, 6).reshape(3, 2), dtype=tf.float32)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.tanh(x @ w)
    return t.batch_jacobian(y, x)


CASES = [g_two_vars, list_target, dict_target, textbook_f, nested_second_derivatives, third_order,
         descent_with_assign_sub, descent_without_optimizer, jacobian_case, stop_gradient_case,
         sqrt_tiny, my_softplus_case, huber_fn, softplus_range, custom_gradient_second_order,
         unconnected_and_dict, batch_jacobian_case]
