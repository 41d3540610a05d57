"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义层"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay) and the case prints the history and evaluation numbers; files are saved under a temporary directory; the layer's noise is random, so the case prints what does not depend on it: the layer is the identity outside training, and the shapes of a training call.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

# Generated stand-in for scikit-learn's California housing (8 features, a positive target),
# already standardised as the note's StandardScaler output; split as the note splits it.
rng = np.random.RandomState(42)
X_all = rng.standard_normal((900, 8))
y_all = (np.abs(X_all @ rng.uniform(-1, 1, 8) + 2.0) + 0.1 * rng.rand(900)).reshape(-1, 1)
X_train_scaled, X_valid_scaled, X_test_scaled = X_all[:500], X_all[500:700], X_all[700:]
y_train, y_valid, y_test = y_all[:500], y_all[500:700], y_all[700:]
input_shape = X_train_scaled.shape[1:]
models_dir = tempfile.mkdtemp()


class MyGaussianNoise(tf.keras.layers.Layer):
    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev

    def call(self, X, training=None):
        if training:
            noise = tf.random.normal(tf.shape(X), stddev=self.stddev)
            return X + noise
        else:
            return X


layer = MyGaussianNoise(stddev=1.0)
x = tf.constant(X_test_scaled[:2], dtype=tf.float32)
print(bool(tf.reduce_all(layer(x) == x)), bool(tf.reduce_all(layer(x, training=False) == x)))
noisy = layer(x, training=True)
print(noisy.shape, noisy.dtype, bool(tf.reduce_any(noisy != x)))
model = tf.keras.Sequential([
    MyGaussianNoise(stddev=1.0, input_shape=input_shape),
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal"),
    tf.keras.layers.Dense(1)
])
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=3,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(sorted(history.history), len(history.history["loss"]))
print(model.predict(X_test_scaled[:3], verbose=0).shape)
