"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Seeing the speed-up"
Adapted: three cells in one; the timings are measured with fewer repetitions and not printed (they vary from run to run): the case prints that both were measured and that the eager and graph results agree.
"""
import timeit

import tensorflow as tf

x = tf.random.uniform(shape=[10, 10], minval=-1, maxval=2, dtype=tf.dtypes.int32)


def power(x, y):
  result = tf.eye(10, dtype=tf.dtypes.int32)
  for _ in range(y):
    result = tf.matmul(x, result)
  return result

eager_seconds = timeit.timeit(lambda: power(x, 100), number=10)
print("Eager execution:", eager_seconds > 0)

power_as_graph = tf.function(power)
graph_seconds = timeit.timeit(lambda: power_as_graph(x, 100), number=10)
print("Graph execution:", graph_seconds > 0)

print(bool(tf.reduce_all(power(x, 100) == power_as_graph(x, 100))))
print(power_as_graph(x, 3))
