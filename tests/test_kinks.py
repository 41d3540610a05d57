"""Gradients at kinks and ties, as TensorFlow defines them (TF_SEMANTICS §2, §8)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


def grad(f, *xs, dtype=tf.float32):
    ts = [tf.constant(x, dtype) for x in xs]
    with tf.GradientTape() as t:
        t.watch(ts)
        y = f(*ts)
    g = t.gradient(y, ts)
    # gather's gradient of a source is IndexedSlices, as in TF: densified to compare
    return [None if gi is None else tf.convert_to_tensor(gi).numpy().tolist() for gi in g]


@pytest.mark.parametrize("f, x, expected", [
    (tf.nn.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    (tf.nn.relu6, [0.0, 3.0, 6.0, 7.0], [0.0, 1.0, 0.0, 0.0]),
    (tf.nn.leaky_relu, [-1.0, 0.0, 1.0], [0.2, 0.2, 1.0]),
    (tf.abs, [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]),
    (tf.nn.elu, [0.0], [1.0]),
    (tf.nn.selu, [0.0], [float(np.float32(1.0507009873554805))]),
    (tf.sqrt, [0.0], [np.inf]),
    (tf.math.log, [0.0, -1.0], [np.inf, -1.0]),
    (lambda x: tf.clip_by_value(x, 0.0, 1.0), [-0.5, 0.0, 0.5, 1.0, 1.5], [0, 1, 1, 1, 0]),
    (tf.reduce_max, [1.0, 3.0, 3.0, 2.0], [0.0, 0.5, 0.5, 0.0]),
    (tf.reduce_prod, [0.0, 2.0, 3.0], [6.0, 0.0, 0.0]),
    (tf.reduce_prod, [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]),
    (tf.sigmoid, [0.0, -100.0, 100.0], [0.25, 0.0, 0.0]),
    (tf.tanh, [0.0, 100.0], [1.0, 0.0]),
    (tf.nn.softplus, [0.0, 1000.0, -1000.0], [0.5, 1.0, 0.0]),
    (lambda x: tf.gather(x, tf.argmax(x)), [1.0, 3.0, 3.0], [0.0, 1.0, 0.0]),
])
def test_unary_kinks(f, x, expected):
    np.testing.assert_allclose(grad(f, x)[0], expected, rtol=1e-6)


def test_ties_go_to_the_first_argument():
    assert grad(tf.maximum, [1.0, 2.0], [1.0, 3.0]) == [[1.0, 0.0], [0.0, 1.0]]
    assert grad(tf.minimum, [1.0, 2.0], [1.0, 3.0]) == [[1.0, 1.0], [0.0, 0.0]]


def test_pow_at_and_below_zero():
    gx, gy = grad(tf.pow, [0.0, 0.0, 0.0, 0.0, -2.0], [2.0, 0.5, 0.0, 1.0, 2.0])
    assert gx[:2] == [0.0, np.inf] and np.isnan(gx[2]) and gx[3:] == [1.0, -4.0]
    assert gy == [0.0, 0.0, 0.0, 0.0, 0.0]     # the exponent gradient is 0 where x <= 0


def test_where_nan_trap_and_safe_pattern():
    (g,) = grad(lambda x: tf.where(x > 0, tf.math.log(x), x), [0.0])
    assert np.isnan(g[0])   # 0 · inf from the branch that was not selected
    safe = lambda x: tf.where(x > 0, tf.math.log(tf.where(x > 0, x, 1.0)), x)  # noqa: E731
    assert grad(safe, [0.0]) == [[1.0]]


def test_hand_written_stable_softplus_has_zero_gradient_at_zero():
    f = lambda x: tf.math.log(1 + tf.exp(-tf.abs(x))) + tf.maximum(0.0, x)  # noqa: E731
    assert grad(f, 0.0) == [0.0]


def test_softmax_and_logsumexp_extremes():
    x = [1000.0, 0.0]
    assert tf.nn.softmax(tf.constant(x)).numpy().tolist() == [1.0, 0.0]
    assert tf.nn.log_softmax(tf.constant(x)).numpy().tolist() == [0.0, -1000.0]
    assert grad(lambda v: tf.nn.log_softmax(v)[1], x) == [[-1.0, 1.0]]
    assert float(tf.reduce_logsumexp(tf.constant([1000.0, 1000.0]))) == pytest.approx(
        1000 + np.log(2), rel=1e-7)
    assert grad(tf.reduce_logsumexp, [1000.0, 1000.0]) == [[0.5, 0.5]]


def test_softplus_regimes_float32():
    thr = np.log(np.finfo(np.float32).eps) + 2
    x = tf.constant([-15.0, 14.0, 15.0])
    y = tf.nn.softplus(x).numpy()
    assert y[0] == np.float32(np.exp(np.float32(-15.0))) and y[1] == 14.0 and y[2] == 15.0
    assert thr == pytest.approx(-13.942385, abs=1e-6)


def test_norm_at_zero_is_nan():
    (g,) = grad(tf.norm, [0.0, 0.0])
    assert all(np.isnan(g))


def test_non_differentiable_ops_give_none():
    for f in (tf.round, tf.math.floor, tf.math.ceil,
              lambda x: tf.cast(tf.argmax(x), tf.float32), lambda x: tf.cast(x > 0, tf.float32),
              lambda x: tf.cast(tf.cast(x, tf.int32), tf.float32)):
        assert grad(f, [1.5, -2.0]) == [None]


def test_sign_has_a_zero_gradient_not_none():
    assert grad(tf.sign, [1.5, -2.0, 0.0]) == [[0.0, 0.0, 0.0]]


def test_broadcast_gradients_are_summed():
    gx, gy = grad(lambda a, b: a * b, [[1.0], [2.0]], [[1.0, 2.0, 3.0]])
    assert gx == [[6.0], [6.0]] and gy == [[3.0, 3.0, 3.0]]
    gs = grad(lambda a, b: a - b, np.ones((4, 1, 3)), np.ones((2, 3)))
    assert np.array(gs[0]).shape == (4, 1, 3) and gs[1] == [[-4.0] * 3] * 2
