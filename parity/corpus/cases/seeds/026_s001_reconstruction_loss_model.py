"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "基于模型内部数据的损失和指标"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay) and the case prints the history and evaluation numbers; files are saved under a temporary directory.
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


class ReconstructingRegressor(tf.keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [tf.keras.layers.Dense(30, activation="relu",
                                             kernel_initializer="he_normal")
                       for _ in range(5)]
        self.out = tf.keras.layers.Dense(output_dim)
        self.reconstruction_mean = tf.keras.metrics.Mean(name="reconstruction_error")

    def build(self, batch_input_shape):
        n_inputs = batch_input_shape[-1]
        self.reconstruct = tf.keras.layers.Dense(n_inputs)

    def call(self, inputs, training=None):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        reconstruction = self.reconstruct(Z)
        recon_loss = tf.reduce_mean(tf.square(reconstruction - inputs))
        self.add_loss(0.05 * recon_loss)
        if training:
            result = self.reconstruction_mean(recon_loss)
            self.add_metric(result)
        return self.out(Z)


model = ReconstructingRegressor(1)
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=5, verbose=0, shuffle=False)
y_pred = model.predict(X_test_scaled, verbose=0)
print(y_pred.shape)
