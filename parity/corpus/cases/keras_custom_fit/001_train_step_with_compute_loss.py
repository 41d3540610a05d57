"""Source: https://github.com/keras-team/keras-io/blob/master/guides/custom_train_step_in_tensorflow.py, cell/section "A first simple example"
Adapted: 128 rows instead of 1000 and one epoch instead of three (fast); fit(verbose=0). The
weights are random, so the case prints the history's keys and that its values are finite.
"""
import tensorflow as tf
import keras
from keras import layers
import numpy as np


class CustomModel(keras.Model):
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            # Compute the loss value
            # (the loss function is configured in `compile()`)
            loss = self.compute_loss(y=y, y_pred=y_pred)

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights
        self.optimizer.apply(gradients, trainable_vars)

        # Update metrics (includes the metric that tracks the loss)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)

        # Return a dict mapping metric names to current value
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

x = np.random.random((128, 32))
y = np.random.random((128, 1))
history = model.fit(x, y, epochs=1, verbose=0)
print(sorted(history.history), all(np.isfinite(v).all() for v in history.history.values()))
print([m.name for m in model.metrics])
