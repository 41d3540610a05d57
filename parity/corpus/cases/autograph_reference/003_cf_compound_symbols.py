"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "Compound symbols"
Adapted: the two snippets run inside tf.functions, on a local and on an attribute of an object; the results are printed.
"""
import tensorflow as tf


@tf.function
def absolute(a):
  if a < 0:
    a = -a
  return a


class Holder:
  pass


@tf.function
def absolute_attr(a):
  if a.b < 0:
    a.b = -a.b
  return a.b

print(absolute(tf.constant(-3)))
print(absolute(tf.constant(4)))
h = Holder()
h.b = tf.constant(-2.5)
print(absolute_attr(h))
