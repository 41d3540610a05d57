"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Batch Jacobian"
Adapted: the 5 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed; the setup cells' prints are left out; the cell computing `j`
(mixed with plotting in the guide) is repeated as setup.
"""
import numpy as np
import tensorflow as tf

x = tf.random.normal([7, 5])

layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)

with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
  tape.watch(x)
  y = layer1(x)
  y = layer2(y)

y.shape

j = tape.jacobian(y, x)

j_sum = tf.reduce_sum(j, axis=2)
j_select = tf.einsum('bxby->bxy', j)

jb = tape.batch_jacobian(y, x)
jb.shape

error = tf.reduce_max(abs(jb - j_sum))
assert error < 1e-3
print(error.numpy())
