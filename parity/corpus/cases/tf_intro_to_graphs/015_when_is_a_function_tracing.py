"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "When is a Function tracing?"
Adapted: the earlier cell's function and calls are repeated first as setup.
"""
import tensorflow as tf


@tf.function
def with_side_effect(x):
  print("Tracing!")
  return x * x + tf.constant(2)

print(with_side_effect(tf.constant(2)))
print(with_side_effect(tf.constant(3)))

# a new Python argument value makes a new graph each time
print(with_side_effect(2))
print(with_side_effect(3))
print(with_side_effect(2))
