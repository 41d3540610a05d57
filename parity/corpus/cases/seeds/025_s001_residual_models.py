"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义模型"
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


class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, n_layers, n_neurons, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [tf.keras.layers.Dense(n_neurons, activation="relu",
                                             kernel_initializer="he_normal")
                       for _ in range(n_layers)]

    def call(self, inputs):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        return inputs + Z


class ResidualRegressor(tf.keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = tf.keras.layers.Dense(30, activation="relu",
                                             kernel_initializer="he_normal")
        self.block1 = ResidualBlock(2, 30)
        self.block2 = ResidualBlock(2, 30)
        self.out = tf.keras.layers.Dense(output_dim)

    def call(self, inputs):
        Z = self.hidden1(inputs)
        for _ in range(1 + 3):
            Z = self.block1(Z)
        Z = self.block2(Z)
        return self.out(Z)


model = ResidualRegressor(1)
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=2, verbose=0, shuffle=False)
score = model.evaluate(X_test_scaled, y_test, verbose=0)
print(np.round(history.history["loss"], 4), round(score, 4))
model.summary()
path = os.path.join(models_dir, "my_custom_model.keras")
model.save(path)
model = tf.keras.models.load_model(path, custom_objects={"ResidualRegressor": ResidualRegressor})
history = model.fit(X_train_scaled, y_train, epochs=2, verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
print(model.predict(X_test_scaled[:3], verbose=0))

block1 = ResidualBlock(2, 30)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal"),
    block1, block1, block1, block1,
    ResidualBlock(2, 30),
    tf.keras.layers.Dense(1)
])
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=2, verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
model.summary()
