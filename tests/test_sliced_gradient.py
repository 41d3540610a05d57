"""Repeated rows of a tf.IndexedSlices gradient in the optimizers (Keras 3's arithmetic,
minitf/keras/optimizers/sliced_gradient.py), with expected values by hand."""
from __future__ import annotations

import numpy as np

import minitf as tf


def _step(opt, rows=(0, 0, 1)):
    v = tf.Variable([[1.0], [2.0], [3.0]], dtype=tf.float64)
    w = tf.constant([[1.0], [2.0], [3.0]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, list(rows)) * w)
    g = tape.gradient(y, v)
    assert isinstance(g, tf.IndexedSlices)
    opt.apply_gradients([(g, v)])
    return opt, v.numpy().ravel()


def test_adam_squares_each_occurrence_of_a_row():
    # row 0 gets gradient rows 1 and 2, row 1 gets 3, row 2 nothing. Keras 3: m = 0.1 ·
    # (1 + 2), u = 0.001 · (1² + 2²) (not (1 + 2)²); the first step is v -= lr · m̂ / (√û + ε)
    # with m̂ = m / 0.1, û = u / 0.001.
    opt, v = _step(tf.keras.optimizers.Adam(0.1, epsilon=1e-7))
    lr = np.float64(np.float32(0.1))
    alpha = lr * np.sqrt(1 - np.float64(np.float32(0.999))) / (1 - np.float64(np.float32(0.9)))
    m0, u0 = (1 - 0.9) * 3.0, (1 - 0.999) * 5.0
    m1, u1 = (1 - 0.9) * 3.0, (1 - 0.999) * 9.0
    want = [1 - m0 * alpha / (np.sqrt(u0) + 1e-7), 2 - m1 * alpha / (np.sqrt(u1) + 1e-7), 3.0]
    np.testing.assert_allclose(v, want, rtol=1e-12)
    vel = opt.variables[-1].numpy().ravel()       # the velocity slot: per-occurrence squares
    np.testing.assert_allclose(vel, [u0, u1, 0.0], rtol=1e-12)


def test_adagrad_accumulates_each_occurrence_and_sgd_sums_the_rows():
    # accumulator 1² + 2² for row 0 (dense: 3² = 9), 3² for row 1; lr is 0.5 exactly
    opt, v = _step(tf.keras.optimizers.Adagrad(0.5, initial_accumulator_value=0.0))
    eps = 1e-7
    np.testing.assert_allclose(v, [1 - 0.5 * 3 / np.sqrt(5.0 + eps),
                                   2 - 0.5 * 3 / np.sqrt(9.0 + eps), 3.0], rtol=1e-12)
    _, v = _step(tf.keras.optimizers.SGD(0.5))
    np.testing.assert_allclose(v, [1 - 0.5 * 3, 2 - 0.5 * 3, 3.0], rtol=1e-15)


def test_clipping_sees_the_dense_gradient():
    # with clipnorm the gradient is densified first (its norm is over the summed rows):
    # dense g = [3, 3, 0], norm 3√2 > 1, so g · 1 / (3√2)
    _, v = _step(tf.keras.optimizers.SGD(1.0, clipnorm=1.0))
    np.testing.assert_allclose(v, [1 - 3 / (3 * np.sqrt(2)), 2 - 3 / (3 * np.sqrt(2)), 3.0],
                               rtol=1e-6)
