"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Cases where `gradient` returns `None`"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np

import tensorflow as tf

x = tf.Variable(2.)
y = tf.Variable(3.)

with tf.GradientTape() as tape:
  z = y * y
print(tape.gradient(z, x))
