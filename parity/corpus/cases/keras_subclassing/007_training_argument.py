"""Source: https://github.com/keras-team/keras-io/blob/master/guides/making_new_layers_and_models_via_subclassing.py, cell/section "Privileged training argument in the call() method"
Adapted: the guide only defines the layer; the case calls it with training=False (identity) and
checks training=True keeps the shape and zeroes or scales each entry by 1/(1-rate).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=False):
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs


layer = CustomDropout(0.5)
x = tf.ones((4, 5))
print(layer(x).numpy())
y = layer(x, training=True).numpy()
print(y.shape, set(np.unique(y)) <= {0.0, 2.0})
