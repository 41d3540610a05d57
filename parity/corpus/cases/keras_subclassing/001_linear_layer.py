"""Source: https://github.com/keras-team/keras-io/blob/master/guides/making_new_layers_and_models_via_subclassing.py, cell/section "The Layer class: the combination of state (weights) and some computation"
Adapted: the layer's output is random (random_normal weights), so the case prints its shape and
dtype and checks it against x @ w + b computed from the layer's own weights instead of printing y.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


x = tf.ones((2, 2))
linear_layer = Linear(4, 2)
y = linear_layer(x)
print(y.shape, y.dtype)
print(np.allclose(y.numpy(), x.numpy() @ linear_layer.w.numpy() + linear_layer.b.numpy()))
assert linear_layer.weights == [linear_layer.w, linear_layer.b]
print([tuple(w.shape) for w in linear_layer.weights])
