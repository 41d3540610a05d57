"""Source: https://www.tensorflow.org/guide/function, cell/section "What is "tracing"?"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

print(double(tf.constant(1)))
print()
print(double(tf.constant(1.1)))
print()
print(double(tf.constant("a")))
print()
