"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Tensor source"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed; the displayed value of a cell's last expression is printed.
"""
import numpy as np
import tensorflow as tf

x = tf.random.normal([7, 5])
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)

with tf.GradientTape(persistent=True) as tape:
  y = layer(x)

y.shape

j = tape.jacobian(y, layer.kernel)
print(j.shape)
