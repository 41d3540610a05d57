"""tf.keras.backend random functions kept by Keras 3 (random_normal, random_uniform)."""
from __future__ import annotations

import numpy as np

import minitf as tf


def test_keras_backend_random_normal_and_uniform():
    """tf.keras.backend.random_normal / random_uniform (Keras 3's legacy backend): floatx by
    default, the dtype argument honoured, the samples' moments those of the distribution
    (40,000 samples: the standard error of the mean is 1/200 = 0.005 for N(0, 1) and
    0.5/sqrt(12)/200 < 0.001 for U(2, 2.5); bounds are 5 standard errors)."""
    from minitf.keras import backend as K
    n = K.random_normal((200, 200))
    assert n.dtype == tf.float32 and n.shape == (200, 200)
    assert abs(float(tf.reduce_mean(n))) < 0.025
    assert abs(float(tf.math.reduce_std(n)) - 1.0) < 0.025
    m = K.random_normal((200, 200), mean=3.0, stddev=0.5, dtype="float64")
    assert m.dtype == tf.float64 and abs(float(tf.reduce_mean(m)) - 3.0) < 0.0125
    u = K.random_uniform((200, 200), 2.0, 2.5).numpy()
    assert u.dtype == np.float32 and u.min() >= 2.0 and u.max() < 2.5
    assert abs(u.mean() - 2.25) < 0.005
