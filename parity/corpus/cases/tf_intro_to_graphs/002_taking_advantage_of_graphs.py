"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Taking advantage of graphs"
Adapted: the displayed value of the cell's last expression is printed.
"""
import tensorflow as tf


def inner(x, y, b):
  x = tf.matmul(x, y)
  return x + b


@tf.function
def outer(x):
  # inner() is traced into outer's graph as well
  y = tf.constant([[2.0], [3.0]])
  b = tf.constant(4.0)
  return inner(x, y, b)

print(repr(outer(tf.constant([[1.0, 2.0]])).numpy()))
