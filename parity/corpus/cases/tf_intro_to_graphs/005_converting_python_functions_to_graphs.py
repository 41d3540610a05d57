"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Converting Python functions to graphs"
Adapted: the earlier cell defining simple_relu is repeated first as setup.
"""
import tensorflow as tf


def simple_relu(x):
  if tf.greater(x, 0):
    return x
  else:
    return 0

tf_simple_relu = tf.function(simple_relu)

# The graph of one trace, as a GraphDef
print(tf_simple_relu.get_concrete_function(tf.constant(1)).graph.as_graph_def())
