"""Source: https://github.com/keras-team/keras-io/blob/master/guides/training_with_built_in_methods.py, cell/section "Handling losses and metrics that don't fit the standard signature"
Adapted: MNIST replaced by 128 generated rows (no network); verbose=0. The model's add_loss
term is checked on a fixed input against 0.1 * sum of the first Dense layer's activations
computed from its own weights. The add_metric cells are left out: Keras 3 layers have no
add_metric.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(tf.reduce_sum(inputs) * 0.1)
        return inputs  # Pass-through layer.


inputs = keras.Input(shape=(784,), name="digits")
x = layers.Dense(64, activation="relu", name="dense_1")(inputs)

# Insert activity regularization as a layer
x = ActivityRegularizationLayer()(x)

x = layers.Dense(64, activation="relu", name="dense_2")(x)
outputs = layers.Dense(10, name="predictions")(x)

model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)

rng = np.random.default_rng(3)
x_train = rng.uniform(0, 1, (128, 784)).astype("float32")
y_train = rng.integers(0, 10, 128).astype("float32")

probe = x_train[:4]
_ = model(probe)
kernel, bias = model.get_layer("dense_1").get_weights()
expected = 0.1 * np.maximum(probe @ kernel + bias, 0).sum()
print(len(model.losses), np.isclose(float(model.losses[0]), expected, rtol=1e-5))

h = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
print(sorted(h.history), np.isfinite(h.history["loss"]).all())
