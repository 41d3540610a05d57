"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Batch Jacobian"
Adapted: the earlier cells computing the Jacobian `j` are repeated first as setup, with the
tf.random.normal input replaced by fixed NumPy draws (RandomState(0)), since TF's and minitf's
random streams differ.
"""
import numpy as np
import tensorflow as tf

x = tf.constant(np.random.RandomState(0).standard_normal([7, 5]), dtype=tf.float32)

layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)

with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
  tape.watch(x)
  y = layer1(x)
  y = layer2(y)

j = tape.jacobian(y, x)

j_sum = tf.reduce_sum(j, axis=2)
print(j_sum.shape)
j_select = tf.einsum('bxby->bxy', j)
print(j_select.shape)
