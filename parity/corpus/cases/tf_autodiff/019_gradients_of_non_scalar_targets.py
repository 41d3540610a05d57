"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Gradients of non-scalar targets"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np

import tensorflow as tf

x = tf.Variable(2.)

with tf.GradientTape() as tape:
  y = x * [3., 4.]

print(tape.gradient(y, x).numpy())
