"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "while statements"
Adapted: the snippet runs inside a tf.function; the exception's type and the line of its message naming it are printed.
"""
import tensorflow as tf


@tf.function
def f():
  i = 0
  while i < 10:  # a Python bool at first
    i = tf.constant(1)  # after one iteration, i < 10 would be a tensor
  return i

try:
  f()
except Exception as e:
  print(type(e).__name__)
  lines = [l.strip() for l in str(e).splitlines()]
  print(next(l for l in lines if l.startswith(type(e).__name__ + ':')))
