"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Polymorphism: one Function, many graphs"
Adapted: the earlier cells' function and calls are repeated first as setup; their prints are left out.
"""
import tensorflow as tf


@tf.function
def my_relu(x):
  return tf.maximum(0., x)

my_relu(tf.constant(5.5))
my_relu([1, -1])
my_relu(tf.constant([3., -3.]))
my_relu(tf.constant(-2.5))
my_relu(tf.constant([-1., 1.]))

# one concrete function per graph, with its input and output types
print(my_relu.pretty_printed_concrete_signatures())
