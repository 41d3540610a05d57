"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Converting Python functions to graphs"
Adapted: as in the guide.
"""
import tensorflow as tf


def simple_relu(x):
  if tf.greater(x, 0):
    return x
  else:
    return 0

tf_simple_relu = tf.function(simple_relu)

print("First branch, with graph:", tf_simple_relu(tf.constant(1)).numpy())
print("Second branch, with graph:", tf_simple_relu(tf.constant(-1)).numpy())
