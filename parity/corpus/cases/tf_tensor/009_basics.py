"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Basics"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf
import numpy as np

c = tf.constant([[4.0, 5.0], [10.0, 1.0]])

# Find the largest value
print(tf.reduce_max(c))
# Find the index of the largest value
print(tf.math.argmax(c))
# Compute the softmax
print(tf.nn.softmax(c))
