"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Taking advantage of graphs"
Adapted: the setup cell's imports are folded in; the two results the cell compares are printed too.
"""
import tensorflow as tf


def matmul_plus_bias(x, y, b):
  x = tf.matmul(x, y)
  return x + b

as_graph = tf.function(matmul_plus_bias)

x1 = tf.constant([[1.0, 2.0]])
y1 = tf.constant([[2.0], [3.0]])
b1 = tf.constant(4.0)

eager_value = matmul_plus_bias(x1, y1, b1).numpy()
graph_value = as_graph(x1, y1, b1).numpy()
assert eager_value == graph_value
print(eager_value, graph_value)
print(type(as_graph).__name__)
