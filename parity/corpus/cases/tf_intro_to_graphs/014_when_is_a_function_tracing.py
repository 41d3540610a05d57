"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "When is a Function tracing?"
Adapted: as in the guide.
"""
import tensorflow as tf


@tf.function
def with_side_effect(x):
  print("Tracing!")  # runs only while tracing
  return x * x + tf.constant(2)

print(with_side_effect(tf.constant(2)))  # traces
print(with_side_effect(tf.constant(3)))  # reuses the graph
