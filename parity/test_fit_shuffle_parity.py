"""Keras ``fit(shuffle=True)`` on arrays: the sample order and the training it gives, against
Keras 3 on TensorFlow (issue 17). With a global seed, Keras draws one permutation from a fresh
RandomShuffle kernel seeded ``(global_seed, 0)`` and, because each epoch's iterator restarts
that kernel, uses it for every epoch; minitf must feed the same batches."""
from __future__ import annotations

import numpy as np

import minitf


def _seen_order(tf, seed, n=11, batch=4, epochs=3):
    keras = tf.keras
    seen = []

    class Recorder(keras.Model):
        def train_step(self, data):
            seen.append([int(v) for v in np.asarray(data[0]).reshape(-1)])
            return {"k": tf.constant(0.0)}

    inp = keras.Input((1,))
    model = Recorder(inp, keras.layers.Dense(1)(inp))
    model.compile(loss="mse", run_eagerly=True)
    keras.utils.set_random_seed(seed)
    x = np.arange(n, dtype="float32")[:, None]
    model.fit(x, x, batch_size=batch, epochs=epochs, shuffle=True, verbose=0)
    return seen


def test_fit_batches_in_keras_order(tf_real):
    for seed in (1, 7, 0):
        want = _seen_order(tf_real, seed)
        assert _seen_order(minitf, seed) == want, seed


def _history(tf, weights, x, y, shuffle):
    keras = tf.keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.set_weights(weights)
    model.compile(keras.optimizers.SGD(0.1), loss="mse")
    keras.utils.set_random_seed(3)
    return model.fit(x, y, batch_size=4, epochs=3, shuffle=shuffle, verbose=0).history["loss"]


def test_fit_history_with_shuffle_matches_keras(tf_real):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((14, 3)), rng.standard_normal((14, 1))
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5
               for s in [(3, 4), (4,), (4, 1), (1,)]]
    want = _history(tf_real, weights, x, y, True)
    got = _history(minitf, weights, x, y, True)
    # float32 training, 12 SGD steps on a 3-4-1 net: each step's loss and update are sums of a
    # few dozen float32 products, so the two libraries' different summation orders leave
    # ~1e-7 relative per step; over 12 steps that stays well below 1e-5 relative.
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # ...while the unshuffled order trains measurably differently, so the bound above does
    # detect a wrong order.
    other = _history(minitf, weights, x, y, False)
    assert np.max(np.abs(np.array(other) - np.array(want))) > 1e-3
