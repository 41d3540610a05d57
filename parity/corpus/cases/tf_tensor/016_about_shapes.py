"""Source: https://www.tensorflow.org/guide/tensor, cell/section "About shapes"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf
import numpy as np

rank_4_tensor = tf.zeros([3, 2, 4, 5])

print(tf.shape(rank_4_tensor))
