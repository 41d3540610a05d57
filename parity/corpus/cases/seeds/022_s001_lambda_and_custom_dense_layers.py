"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义层"
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

exponential_layer = tf.keras.layers.Lambda(lambda x: tf.exp(x))
print(exponential_layer(tf.constant([-1., 0., 1.])))
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", input_shape=input_shape),
    tf.keras.layers.Dense(1),
    exponential_layer
])
model.compile(loss="mse", optimizer="sgd")
history = model.fit(X_train_scaled, y_train, epochs=5,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
print(round(model.evaluate(X_test_scaled, y_test, verbose=0), 4))


class MyDense(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = tf.keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=[batch_input_shape[-1], self.units],
            initializer="glorot_normal")
        self.bias = self.add_weight(
            name="bias", shape=[self.units], initializer="zeros"
        )
        super().build(batch_input_shape)

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "units": self.units,
                "activation": tf.keras.activations.serialize(self.activation)}


model = tf.keras.Sequential([
    MyDense(30, activation="relu", input_shape=input_shape),
    MyDense(1)
])
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["val_loss"], 4))
print(round(model.evaluate(X_test_scaled, y_test, verbose=0), 4))
path = os.path.join(models_dir, "my_model_with_a_custom_layer.keras")
model.save(path)
model = tf.keras.models.load_model(path, custom_objects={"MyDense": MyDense})
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
print([w.shape for w in model.weights])
