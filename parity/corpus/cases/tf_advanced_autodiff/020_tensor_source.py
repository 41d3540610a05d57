"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Tensor source"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np
import tensorflow as tf

x = tf.random.normal([7, 5])
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)

with tf.GradientTape(persistent=True) as tape:
  y = layer(x)

y.shape

j = tape.jacobian(y, layer.kernel)
j.shape

g = tape.gradient(y, layer.kernel)
print('g.shape:', g.shape)

j_sum = tf.reduce_sum(j, axis=[0, 1])
delta = tf.reduce_max(abs(g - j_sum)).numpy()
assert delta < 1e-3
print('delta:', delta)
