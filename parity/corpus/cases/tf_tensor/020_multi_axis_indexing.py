"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Multi-axis indexing"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf
import numpy as np

# If you want to be specific, you can set the dtype (see below) at creation time
rank_2_tensor = tf.constant([[1, 2],
                             [3, 4],
                             [5, 6]], dtype=tf.float16)

print(rank_2_tensor.numpy())
