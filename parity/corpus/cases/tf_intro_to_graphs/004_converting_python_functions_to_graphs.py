"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Converting Python functions to graphs"
Adapted: the earlier cell defining simple_relu is repeated first as setup.
"""
import tensorflow as tf


def simple_relu(x):
  if tf.greater(x, 0):
    return x
  else:
    return 0

# AutoGraph's converted source of the function
print(tf.autograph.to_code(simple_relu))
