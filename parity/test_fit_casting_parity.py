"""``fit`` with float64 NumPy data against live Keras 3: the dtypes each step is handed and the
History of a user's ``y_true - y_pred`` loss and metric (float32 tolerance: rtol 1e-5,
atol 1e-6)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf


def _rows(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 3)), rng.standard_normal((n, 1))


def _history(tf, weights, x, y, sw):
    """Train a 3-4-1 tanh MLP from ``weights`` with a hand-written loss and metric."""
    keras = tf.keras

    def huber(y_true, y_pred):
        err = y_true - y_pred
        small = tf.abs(err) < 1.0
        return tf.reduce_mean(tf.where(small, 0.5 * tf.square(err), tf.abs(err) - 0.5))

    def mae(y_true, y_pred):
        return tf.reduce_mean(tf.abs(y_true - y_pred))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.set_weights(weights)
    model.compile(keras.optimizers.SGD(0.1), loss=huber, metrics=[mae])
    return model.fit(x, y, sample_weight=sw, batch_size=4, epochs=3, shuffle=False,
                     validation_data=(x, y), verbose=0).history


@pytest.mark.parametrize("with_weights", [False, True])
def test_custom_loss_history_with_float64_numpy_matches_keras(tf_real, with_weights):
    x, y = _rows()
    sw = np.linspace(0.5, 1.5, len(x)) if with_weights else None
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5
               for s in [(3, 4), (4,), (4, 1), (1,)]]
    want = _history(tf_real, weights, x, y, sw)
    got = _history(minitf, weights, x, y, sw)
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6, err_msg=key)


def _seen_dtypes(tf, call):
    """The dtypes ``train_step`` receives and those a compiled loss function receives."""
    keras = tf.keras
    seen = []

    def loss(y_true, y_pred):
        seen.append(("loss", y_true.dtype.name, tuple(y_true.shape), y_pred.dtype.name))
        return tf.reduce_mean(tf.square(y_true - y_pred))

    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x["a"] if isinstance(x, dict) else x)

        def train_step(self, data):
            seen.append(tuple(None if d is None else
                              tf.nest.map_structure(lambda t: t.dtype.name, d) for d in data))
            return super().train_step(data)
    model = Model()
    model.compile("sgd", loss=loss, run_eagerly=True)
    call(tf, model)
    return seen


_X, _Y = _rows(8)
_CASES = {
    "float64": lambda tf, m: m.fit(_X, _Y, batch_size=8, verbose=0),
    "float16": lambda tf, m: m.fit(_X.astype("float16"), _Y.astype("float16"), batch_size=8,
                                   verbose=0),
    "int labels and weights": lambda tf, m: m.fit(_X, np.arange(8), sample_weight=np.arange(8),
                                                  batch_size=8, verbose=0),
    "dict inputs": lambda tf, m: m.fit({"a": _X, "b": np.arange(8)}, _Y, batch_size=8,
                                       verbose=0),
    "tensors": lambda tf, m: m.fit(tf.constant(_X), tf.constant(_Y), batch_size=8, verbose=0),
    "dataset": lambda tf, m: m.fit(tf.data.Dataset.from_tensor_slices((_X, _Y)).batch(8),
                                   verbose=0),
    "train_on_batch": lambda tf, m: m.train_on_batch(_X, _Y[:, 0]),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_dtypes_reaching_train_step_and_loss_match_keras(tf_real, case):
    assert _seen_dtypes(minitf, _CASES[case]) == _seen_dtypes(tf_real, _CASES[case])
