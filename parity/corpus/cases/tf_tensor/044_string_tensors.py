"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf
import numpy as np

# Tensors can be strings, too here is a scalar string.
scalar_string_tensor = tf.constant("Gray wolf")

# You can use split to split a string into a set of tensors
print(tf.strings.split(scalar_string_tensor, sep=" "))
