"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Intermediate results"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np

import tensorflow as tf

x = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape:
  tape.watch(x)
  y = x * x
  z = y * y

print(tape.gradient(z, x).numpy())  # [4.0, 108.0] (4 * x**3 at x = [1.0, 3.0])
print(tape.gradient(y, x).numpy())  # [2.0, 6.0] (2 * x at x = [1.0, 3.0])
