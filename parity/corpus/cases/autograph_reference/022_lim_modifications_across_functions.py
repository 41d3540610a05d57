"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md, cell/section "Modifications of Python objects are not detected across functions"
Adapted: the snippets run inside a tf.function with x a tensor argument: the functional-style helper, a variable changed by a helper, and a TensorArray written by a helper that returns it.
"""
import tensorflow as tf


def change(y):
  y = y + 1
  return y


def change_var(y_var):
  y_var.assign_add(1)


def write(ta, i):
  ta = ta.write(ta.size(), i)
  return ta

v = tf.Variable(1)


@tf.function
def f(x):
  y = tf.constant(0)
  ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
  while x > 0:
    y = change(y)
    change_var(v)
    ta = write(ta, x)
    x = x - 1
  return y, ta.stack()

y, stacked = f(tf.constant(3))
print(y)
print(stacked)
print(v.numpy())
