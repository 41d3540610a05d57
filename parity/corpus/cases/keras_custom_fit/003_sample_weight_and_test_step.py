"""Source: https://github.com/keras-team/keras-io/blob/master/guides/custom_train_step_in_tensorflow.py, cell/section "Supporting sample_weight & class_weight" and "Providing your own evaluation step"
Adapted: the two cells are merged; 128 rows instead of 1000, one epoch instead of three;
fit/evaluate with verbose=0. evaluate runs on a model whose Dense layer is set to fixed weights
(kernel 0.01, bias 0.5) so its loss and mae are deterministic and printed.
"""
import tensorflow as tf
import keras
from keras import layers
import numpy as np


class CustomModel(keras.Model):
    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            loss = self.compute_loss(
                y=y,
                y_pred=y_pred,
                sample_weight=sample_weight,
            )

        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)

        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

x = np.random.random((128, 32))
y = np.random.random((128, 1))
sw = np.random.random((128, 1))
history = model.fit(x, y, sample_weight=sw, epochs=1, verbose=0)
print(sorted(history.history), np.isfinite(history.history["loss"]).all())


class CustomModel(keras.Model):
    def test_step(self, data):
        # Unpack the data
        x, y = data
        # Compute predictions
        y_pred = self(x, training=False)
        # Updates the metrics tracking the loss
        loss = self.compute_loss(y=y, y_pred=y_pred)
        # Update the metrics.
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(loss="mse", metrics=["mae"])
model.layers[-1].set_weights([np.full((32, 1), 0.01), np.array([0.5])])

x = np.linspace(0.0, 1.0, 128 * 32).reshape(128, 32)
y = np.linspace(1.0, 0.0, 128).reshape(128, 1)
print(model.evaluate(x, y, verbose=0))
print(model.evaluate(x, y, verbose=0, return_dict=True))
