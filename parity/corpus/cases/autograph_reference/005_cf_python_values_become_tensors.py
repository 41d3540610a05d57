"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "Python values modified in TensorFlow control flow become Tensors"
Adapted: the snippet runs inside a tf.function, which prints what i is after the statement and returns it.
"""
import tensorflow as tf


@tf.function
def f():
  i = 0
  if tf.greater(i, 0):
    i = 1
  print(type(i).__name__, isinstance(i, tf.Tensor), i.dtype)
  return i

print(f())
