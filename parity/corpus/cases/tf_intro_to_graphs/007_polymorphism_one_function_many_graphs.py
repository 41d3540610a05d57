"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Polymorphism: one Function, many graphs"
Adapted: the earlier cell's function and calls are repeated first as setup; a trace counter shows that the last two calls make no new graph.
"""
import tensorflow as tf

traces = []


@tf.function
def my_relu(x):
  traces.append(1)
  return tf.maximum(0., x)

print(my_relu(tf.constant(5.5)))
print(my_relu([1, -1]))
print(my_relu(tf.constant([3., -3.])))
print("traces so far:", len(traces))

# signatures seen before: no new graph
print(my_relu(tf.constant(-2.5)))
print(my_relu(tf.constant([-1., 1.])))
print("traces so far:", len(traces))
