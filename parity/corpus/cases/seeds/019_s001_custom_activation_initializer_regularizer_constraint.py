"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义激活函数，初始化，正则化和约束"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay) and the case prints the history and evaluation numbers; files are saved under a temporary directory; the kernels drawn by the custom initialisers are random, so the case prints their shapes and the constraint's effect (no negative weight) rather than values.
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


def my_softplus(z):
    return tf.math.log(1.0 + tf.exp(z))


def my_glorot_initializer(shape, dtype=tf.float32):
    stddev = tf.sqrt(2. / (shape[0] + shape[1]))
    return tf.random.normal(shape, stddev=stddev, dtype=dtype)


def my_l1_regularizer(weights):
    return tf.reduce_sum(tf.abs(0.01 * weights))


def my_positive_weights(weights):
    return tf.where(weights < 0, tf.zeros_like(weights), weights)


def my_l2_regularizer(weights):
    return tf.reduce_sum(0.01 * tf.square(weights))


def my_relu(z):
    return tf.nn.relu(z)


def my_he_normal(shape, dtype=tf.float32):
    stddev = tf.sqrt(2. / shape[0])
    return tf.random.normal(shape, stddev=stddev, dtype=dtype)


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    return tf.where(is_small_error, tf.square(error) / 2, tf.abs(error) - 0.5)


class MyL1Regularizer(tf.keras.regularizers.Regularizer):
    def __init__(self, factor):
        self.factor = factor

    def __call__(self, weights):
        return tf.reduce_sum(tf.abs(self.factor * weights))

    def get_config(self):
        return {"factor": self.factor}


print(my_softplus(tf.constant([-1., 0., 2.])))
print(my_positive_weights(tf.constant([[-1., 2.], [3., -4.]])))
print(my_l1_regularizer(tf.constant([[-1., 2.], [3., -4.]])))
print(MyL1Regularizer(0.5)(tf.constant([[-1., 2.]])), MyL1Regularizer(0.5).get_config())
layer = tf.keras.layers.Dense(1, kernel_initializer=my_glorot_initializer,
                              kernel_regularizer=my_l1_regularizer,
                              kernel_constraint=my_positive_weights)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation=my_relu, kernel_initializer=my_he_normal,
                          kernel_regularizer=my_l2_regularizer, input_shape=input_shape),
    layer
])
model.compile(loss=huber_fn, optimizer="nadam", metrics=["mae"])
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(sorted(history.history), len(history.history["loss"]))
print(layer.kernel.shape, bool(tf.reduce_all(layer.kernel >= 0)))
print(len(model.losses))
