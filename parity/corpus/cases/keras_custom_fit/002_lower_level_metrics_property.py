"""Source: https://github.com/keras-team/keras-io/blob/master/guides/custom_train_step_in_tensorflow.py, cell/section "Going lower-level"
Adapted: 128 rows instead of 1000 and two epochs instead of five (fast); fit(verbose=0). The
weights are random, so the case prints the history's keys, the epoch count and the metrics'
names, and checks that the metrics were reset between epochs (the tracker counts one epoch's
batches: 4 of 32).
"""
import tensorflow as tf
import keras
from keras import layers
import numpy as np


class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            # Compute our own loss
            loss = self.loss_fn(y, y_pred)

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights
        self.optimizer.apply(gradients, trainable_vars)

        # Compute our own metrics
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {
            "loss": self.loss_tracker.result(),
            "mae": self.mae_metric.result(),
        }

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)

# We don't pass a loss or metrics here.
model.compile(optimizer="adam")

x = np.random.random((128, 32))
y = np.random.random((128, 1))
history = model.fit(x, y, epochs=2, verbose=0)
print(sorted(history.history), [len(v) for v in history.history.values()])
print([m.name for m in model.metrics], int(model.loss_tracker.count.numpy()))
