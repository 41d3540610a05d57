"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Scalar source"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import tensorflow as tf

x = tf.linspace(-10.0, 10.0, 200+1)
delta = tf.Variable(0.0)

with tf.GradientTape() as tape:
  y = tf.nn.sigmoid(x+delta)

dy_dx = tape.jacobian(y, delta)

print(y.shape)
print(dy_dx.shape)
