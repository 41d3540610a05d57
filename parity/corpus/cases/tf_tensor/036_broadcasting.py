"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Broadcasting"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf
import numpy as np

print(tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]))
