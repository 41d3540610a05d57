"""Source: https://www.tensorflow.org/guide/tensor, cell/section "About shapes"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf
import numpy as np

rank_4_tensor = tf.zeros([3, 2, 4, 5])
