"""Source: https://github.com/keras-team/keras-io/blob/master/guides/making_new_layers_and_models_via_subclassing.py, cell/section "Best practice: deferring weight creation until the shape of the inputs is known" and "Layers are recursively composable"
Adapted: the two dependent cells are merged; outputs are random (random_normal weights), so the
case prints shapes and weight counts, as the guide does.
"""
import tensorflow as tf
from tensorflow import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


x = tf.ones((2, 2))
linear_layer = Linear(32)
y = linear_layer(x)
print(y.shape)


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.linear_2(x)
        x = tf.nn.relu(x)
        return self.linear_3(x)


mlp = MLPBlock()
y = mlp(tf.ones(shape=(3, 64)))  # The first call to the `mlp` will create the weights
print(y.shape)
print("weights:", len(mlp.weights))
print("trainable weights:", len(mlp.trainable_weights))
