"""Keras hands logs to callbacks, History and `return_dict=True` with their keys sorted (its
logs are converted by one function that sorts them), while the list forms of `evaluate` and
`train_on_batch` follow the metrics' order. Expected orders were printed by Keras 3.15 / TF 2.21
for this model and these metrics."""
import numpy as np

import minitf as tf


class _Keys(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batch, self.epoch = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batch.append(list(logs))

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(list(logs))


def _model():
    m = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    m.compile("sgd", "mse", metrics=["mse", "mae", tf.keras.metrics.MeanSquaredError(name="a_mse")])
    return m


X = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
Y = np.linspace(1, 0, 8, dtype="float32").reshape(8, 1)
SORTED = ["a_mse", "loss", "mae", "mse"]


def test_callbacks_and_history_see_sorted_keys():
    m, keys = _model(), _Keys()
    h = m.fit(X, Y, batch_size=4, verbose=0, validation_data=(X, Y), callbacks=[keys])
    assert keys.batch[0] == SORTED
    assert keys.epoch[0] == SORTED + ["val_" + k for k in SORTED]
    assert list(h.history) == SORTED + ["val_" + k for k in SORTED]


def test_dicts_are_sorted_and_lists_follow_the_metrics():
    m = _model()
    d = m.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(d) == SORTED
    values = m.evaluate(X, Y, verbose=0)
    assert values == [d["loss"], d["mse"], d["mae"], d["a_mse"]]
    assert list(m.train_on_batch(X, Y, return_dict=True)) == SORTED
