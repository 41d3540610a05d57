"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "break statements"
Adapted: the commented-out call is made; the exception's type and the line of its message naming it are printed.
"""
import tensorflow as tf


@tf.function
def buggy_while_py_true_tf_break(x):
  while True:   # a Python condition
    if tf.equal(x, 0):  # a tensor break
      break
    x -= 1
  return x

try:
  buggy_while_py_true_tf_break(5)
except Exception as e:
  print(type(e).__name__)
  lines = [l.strip() for l in str(e).splitlines()]
  print(next(l for l in lines if l.startswith(type(e).__name__ + ':')))
