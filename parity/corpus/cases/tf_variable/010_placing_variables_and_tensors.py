"""Source: https://www.tensorflow.org/guide/variable, cell/section "Placing variables and tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf

# Uncomment to see where your variables get placed (see below)
# tf.debugging.set_log_device_placement(True)

with tf.device('CPU:0'):
  a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
  b = tf.Variable([[1.0, 2.0, 3.0]])

with tf.device('GPU:0'):
  # Element-wise multiply
  k = a * b

print(k)
