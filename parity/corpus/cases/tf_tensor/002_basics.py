"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Basics"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf
import numpy as np

# Let's make this a float tensor.
rank_1_tensor = tf.constant([2.0, 3.0, 4.0])
print(rank_1_tensor)
