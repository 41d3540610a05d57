"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "if statements"
Adapted: the restrictions listed there, each tried in a tf.function whose if statement has a tensor condition; the exception's type is printed.
"""
import tensorflow as tf


def attempt(name, fn):
  try:
    print(name, fn(tf.constant(1.0)))
  except Exception as e:
    print(name, type(e).__name__)


@tf.function
def both_defined(x):
  if x > 0:
    y = x + 1
  else:
    y = x - 1
  return y


@tf.function
def dtypes_differ(x):
  if x > 0:
    y = tf.constant(1)
  else:
    y = tf.constant(1.0)
  return y


@tf.function
def structures_differ(x):
  if x > 0:
    y = [x, x]
  else:
    y = [x]
  return y


@tf.function
def not_a_tf_type(x):
  if x > 0:
    y = lambda: x
  else:
    y = lambda: -x
  return y()

attempt('both_defined', both_defined)
attempt('dtypes_differ', dtypes_differ)
attempt('structures_differ', structures_differ)
attempt('not_a_tf_type', not_a_tf_type)
