"""Source: https://www.tensorflow.org/guide/function, cell/section "Use unknown dimensions for flexibility"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf

@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def g(x):
  print('Tracing with', x)
  return x

# No retrace!
print(g(tf.constant([1, 2, 3])))
print(g(tf.constant([1, 2, 3, 4, 5])))
