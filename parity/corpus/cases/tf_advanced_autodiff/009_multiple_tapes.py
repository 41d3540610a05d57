"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Multiple tapes"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf

x0 = tf.constant(0.0)
x1 = tf.constant(0.0)

with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
  tape0.watch(x0)
  tape1.watch(x1)

  y0 = tf.math.sin(x0)
  y1 = tf.nn.sigmoid(x1)

  y = y0 + y1

  ys = tf.reduce_sum(y)

print(tape1.gradient(ys, x1).numpy())
