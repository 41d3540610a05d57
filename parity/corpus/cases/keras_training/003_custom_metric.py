"""Source: https://github.com/keras-team/keras-io/blob/master/guides/training_with_built_in_methods.py, cell/section "Custom metrics"
Adapted: MNIST replaced by 256 generated rows (no network); one epoch instead of three, verbose=0;
the metric is also updated on fixed labels and predictions, where its count is exact (the fit's
count depends on random weights, so only the history's keys are printed).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super(CategoricalTruePositives, self).__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.reshape(tf.argmax(y_pred, axis=1), shape=(-1, 1))
        values = tf.cast(y_true, "int32") == tf.cast(y_pred, "int32")
        values = tf.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = tf.cast(sample_weight, "float32")
            values = tf.multiply(values, sample_weight)
        self.true_positives.assign_add(tf.reduce_sum(values))

    def result(self):
        return self.true_positives

    def reset_states(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0.0)


m = CategoricalTruePositives()
y_true = np.array([[1], [0], [2]], dtype="float32")
y_pred = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.5, 0.2, 0.3]], dtype="float32")
m.update_state(y_true, y_pred)
print(m.result().numpy(), m.name)
m.update_state(y_true, y_pred, sample_weight=[0.5, 0.25, 1.0])
print(float(m.result()))
m.reset_states()
print(float(m.result()))

inputs = keras.Input(shape=(784,), name="digits")
x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
x = layers.Dense(64, activation="relu", name="dense_2")(x)
outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

rng = np.random.default_rng(2)
x_train = rng.uniform(0, 1, (256, 784)).astype("float32")
y_train = rng.integers(0, 10, 256).astype("float32")
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[CategoricalTruePositives()],
)
h = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
print(sorted(h.history))
ctp = h.history["categorical_true_positives"][0]
print(0 <= ctp <= 256, float(ctp).is_integer())
