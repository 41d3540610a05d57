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
