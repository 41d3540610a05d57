"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""

import tensorflow as tf
import numpy as np

# If you have three string tensors of different lengths, this is OK.
tensor_of_strings = tf.constant(["Gray wolf",
                                 "Quick brown fox",
                                 "Lazy dog"])
# Note that the shape is (3,). The string length is not included.
print(tensor_of_strings)
