"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Manipulating Shapes"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf
import numpy as np

# Shape returns a `TensorShape` object that shows the size along each axis
x = tf.constant([[1], [2], [3]])

# You can reshape a tensor to a new shape.
# Note that you're passing in a list
reshaped = tf.reshape(x, [1, 3])
