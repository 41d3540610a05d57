"""keras.layers.Normalization's statistics: (d,) weights, exposed in the broadcast shape."""
from __future__ import annotations

import numpy as np

from minitf import keras


def test_normalization_mean_and_variance_have_the_broadcast_shape():
    """Keras 3 keeps the adapted statistics in (d,) weights named "mean" and "variance" and
    exposes layer.mean / layer.variance shaped (1, d) for (batch, d) inputs ((1, 1) with
    axis=None); the preprocessing guide prints them. Values are NumPy's mean and biased
    variance of the data (float32 of float64 statistics: relative error below 2**-24)."""
    data = np.array([[0.1, 0.2, 0.3], [0.8, 0.9, 1.0], [1.5, 1.6, 1.7]])
    layer = keras.layers.Normalization()
    layer.adapt(data)
    assert layer.mean.shape == (1, 3) and layer.variance.shape == (1, 3)
    np.testing.assert_allclose(layer.mean.numpy()[0], data.mean(0), rtol=1e-7)
    np.testing.assert_allclose(layer.variance.numpy()[0], data.var(0), rtol=1e-7)
    assert [tuple(w.shape) for w in layer.weights][:2] == [(3,), (3,)]
    out = layer(data).numpy()
    np.testing.assert_allclose(out, (data - data.mean(0)) / data.std(0), rtol=1e-6, atol=1e-6)

    whole = keras.layers.Normalization(axis=None)
    x = np.arange(6.0).reshape(2, 3)
    whole.adapt(x)
    assert whole.mean.shape == (1, 1) and abs(float(whole.mean.numpy()[0, 0]) - 2.5) < 1e-7
    assert whole(np.ones((2, 3))).shape == (2, 3)
