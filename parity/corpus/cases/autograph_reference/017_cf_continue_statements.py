"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "continue statements"
Adapted: the loop runs inside tf.functions, over a Python range and over tf.range; it sums the indices it does not skip.
"""
import tensorflow as tf


@tf.function
def python_range():
  total = tf.constant(0)
  for i in range(10):
    if i > 3:
      continue
    total += i
  return total


@tf.function
def tensor_range():
  total = tf.constant(0)
  for i in tf.range(10):
    if i > 3:
      continue
    total += i
  return total

print(python_range())
print(tensor_range())
