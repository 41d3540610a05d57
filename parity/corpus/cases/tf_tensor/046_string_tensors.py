"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf
import numpy as np

text = tf.constant("1 10 100")
print(tf.strings.to_number(tf.strings.split(text, " ")))
