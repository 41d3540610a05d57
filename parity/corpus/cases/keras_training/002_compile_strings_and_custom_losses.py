"""Source: https://github.com/keras-team/keras-io/blob/master/guides/training_with_built_in_methods.py, cell/section "The compile() method" and "Custom losses"
Adapted: MNIST replaced by 256 generated rows of width 784 with labels 0..9 (no network); fit runs
one epoch with verbose=0. Besides the guide's fits (whose losses depend on random weights, so only
their history keys are printed), the two losses are evaluated on fixed tensors, where their values
are exact.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(1)
x_train = rng.uniform(0, 1, (256, 784)).astype("float32")
y_train = rng.integers(0, 10, 256).astype("float32")


def get_uncompiled_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def get_compiled_model():
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


model = get_compiled_model()
h = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
print(sorted(h.history))


def custom_mean_squared_error(y_true, y_pred):
    return tf.math.reduce_mean(tf.square(y_true - y_pred))


model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)

# We need to one-hot encode the labels to use MSE
y_train_one_hot = tf.one_hot(y_train, depth=10)
print(y_train_one_hot.shape, y_train_one_hot.dtype)
h = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
print(sorted(h.history))


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = tf.math.reduce_mean(tf.square(y_true - y_pred))
        reg = tf.math.reduce_mean(tf.square(0.5 - y_pred))
        return mse + reg * self.regularization_factor


model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())
h = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
print(sorted(h.history))

y_true = tf.constant([[0.0, 1.0], [1.0, 0.0]])
y_pred = tf.constant([[0.25, 0.5], [0.75, 0.0]])
print(custom_mean_squared_error(y_true, y_pred).numpy())
print(CustomMSE()(y_true, y_pred).numpy(), CustomMSE().name)
