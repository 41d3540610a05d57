"""tf.keras versus Keras's own namespace: the loss and metric functions under TF's short names
in tf.keras.losses/metrics, under Keras's long names in minitf.keras.losses/metrics (what a
program's `import keras` means); everything else is the same object."""
import sys

import pytest

import minitf as tf
from minitf.keras import api_namespaces

keras_own = sys.modules["minitf.keras"]


def test_tf_keras_spellings():
    assert tf.keras.losses.MSE is tf.keras.losses.mse is tf.keras.metrics.MSE
    assert tf.keras.losses.KLD is tf.keras.losses.kullback_leibler_divergence
    for name in api_namespaces.KERAS_ONLY:
        assert not hasattr(tf.keras.losses, name) and not hasattr(tf.keras.metrics, name)
    with pytest.raises(AttributeError, match="has no attribute 'mean_squared_error'"):
        tf.keras.losses.mean_squared_error


def test_keras_own_spellings():
    from minitf.keras import losses, metrics
    assert losses is keras_own.losses and metrics is keras_own.metrics
    assert losses.mean_squared_error is tf.keras.losses.MSE
    assert metrics.kl_divergence is tf.keras.metrics.KLD
    for name in api_namespaces.TF_KERAS_ONLY:
        assert not hasattr(losses, name) and not hasattr(metrics, name)


def test_everything_else_is_shared():
    assert tf.keras.layers is keras_own.layers
    assert tf.keras.losses.MeanSquaredError is keras_own.losses.MeanSquaredError
    assert tf.keras.Model is keras_own.Model
    assert "MSE" in dir(tf.keras.losses) and "MSE" not in dir(keras_own.losses)
    assert "losses" in dir(tf.keras)


def test_compile_accepts_either_function():
    import numpy as np
    for loss in (tf.keras.losses.MSE, keras_own.losses.mean_squared_error, "mse"):
        model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
        model.compile("sgd", loss)
        model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
