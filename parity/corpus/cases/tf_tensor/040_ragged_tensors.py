"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Ragged Tensors"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
SCOPE = "later: ragged tensors"

import tensorflow as tf
import numpy as np

ragged_list = [
    [0, 1, 2, 3],
    [4, 5],
    [6, 7, 8],
    [9]]

ragged_tensor = tf.ragged.constant(ragged_list)

print(ragged_tensor.shape)
