"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "Analogy with compile-time constants and code optimization"
Adapted: the snippet runs inside a tf.function; the Python list is printed after the call.
"""
import tensorflow as tf

n = [10]


def f():
  n[0] = 20
  return 0


@tf.function
def g():
  tf.py_function(f, (), (tf.int32,))
  if tf.equal(n[0], 10):
    tf.print('n is 10')

g()
print(n)
