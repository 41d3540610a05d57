"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""

import tensorflow as tf
import numpy as np

# Tensors can be strings, too here is a scalar string.
scalar_string_tensor = tf.constant("Gray wolf")
print(scalar_string_tensor)
