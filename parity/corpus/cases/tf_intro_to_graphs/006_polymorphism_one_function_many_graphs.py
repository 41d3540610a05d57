"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Polymorphism: one Function, many graphs"
Adapted: as in the guide.
"""
import tensorflow as tf


@tf.function
def my_relu(x):
  return tf.maximum(0., x)

# each new input signature makes a new graph
print(my_relu(tf.constant(5.5)))
print(my_relu([1, -1]))
print(my_relu(tf.constant([3., -3.])))
