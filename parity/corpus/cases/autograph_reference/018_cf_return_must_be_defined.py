"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "return statements"
Adapted: the snippet is the body of a tf.function; the exception's type and the last line of its message are printed.
"""
import tensorflow as tf


@tf.function
def f():
  if tf.random.uniform(()) > 0.5:
    return 1

try:
  f()
except Exception as e:
  print(type(e).__name__)
  print(str(e).strip().splitlines()[-1].strip())
