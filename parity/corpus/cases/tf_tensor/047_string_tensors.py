"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf
import numpy as np

byte_strings = tf.strings.bytes_split(tf.constant("Duck"))
byte_ints = tf.io.decode_raw(tf.constant("Duck"), tf.uint8)
print("Byte strings:", byte_strings)
print("Bytes:", byte_ints)
