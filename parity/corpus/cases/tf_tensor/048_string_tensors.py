"""Source: https://www.tensorflow.org/guide/tensor, cell/section "String tensors"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf
import numpy as np

# Or split it up as unicode and then decode it
unicode_bytes = tf.constant("アヒル 🦆")
unicode_char_bytes = tf.strings.unicode_split(unicode_bytes, "UTF-8")
unicode_values = tf.strings.unicode_decode(unicode_bytes, "UTF-8")

print("\nUnicode bytes:", unicode_bytes)
print("\nUnicode chars:", unicode_char_bytes)
print("\nUnicode values:", unicode_values)
