"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Batch Jacobian"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed; the setup cells' prints are left out.
"""
import numpy as np
import tensorflow as tf

x = tf.random.normal([7, 5])

layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
bn = tf.keras.layers.BatchNormalization()
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)

with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
  tape.watch(x)
  y = layer1(x)
  y = bn(y, training=True)
  y = layer2(y)

j = tape.jacobian(y, x)
