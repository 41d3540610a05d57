"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Gradient tapes"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed; the displayed value of a cell's last expression is printed.
"""
import numpy as np

import tensorflow as tf

x = tf.Variable(3.0)

with tf.GradientTape() as tape:
  y = x**2

# dy = 2x * dx
dy_dx = tape.gradient(y, x)
print(dy_dx.numpy())
