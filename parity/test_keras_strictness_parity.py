"""Keras 3's removals, against live Keras: the same exception type and text."""
import pytest

import minitf

CALLS = {
    "SGD(lr=)": lambda tf: tf.keras.optimizers.SGD(lr=0.1),
    "Adam(foo=)": lambda tf: tf.keras.optimizers.Adam(foo=1),
    "add_metric": lambda tf: tf.keras.layers.Dense(2).add_metric(tf.constant(1.0)),
}


def _outcome(fn, fw):
    try:
        fn(fw)
    except Exception as e:  # noqa: BLE001 - type and text are what is compared
        return type(e).__name__, str(e)
    return None, ""


@pytest.mark.parametrize("name", sorted(CALLS))
def test_same_error_as_keras(tf_real, name):
    assert _outcome(CALLS[name], minitf) == _outcome(CALLS[name], tf_real)


def _logs_orders(fw):
    import numpy as np
    x = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
    y = np.linspace(1, 0, 8, dtype="float32").reshape(8, 1)
    m = fw.keras.Sequential([fw.keras.Input((3,)), fw.keras.layers.Dense(1)])
    m.compile("sgd", "mse", metrics=["mse", "mae", fw.keras.metrics.MeanSquaredError(name="a_mse")])
    h = m.fit(x, y, batch_size=4, verbose=0, validation_data=(x, y))
    return (list(h.history), list(m.evaluate(x, y, verbose=0, return_dict=True)),
            len(m.evaluate(x, y, verbose=0)), list(m.train_on_batch(x, y, return_dict=True)))


def test_logs_key_order_is_keras(tf_real):
    assert _logs_orders(minitf) == _logs_orders(tf_real)
