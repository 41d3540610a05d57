"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Ragged Tensors"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup.
"""

import tensorflow as tf
import numpy as np

ragged_list = [
    [0, 1, 2, 3],
    [4, 5],
    [6, 7, 8],
    [9]]

try:
  tensor = tf.constant(ragged_list)
except Exception as e:
  print(f"{type(e).__name__}: {e}")
