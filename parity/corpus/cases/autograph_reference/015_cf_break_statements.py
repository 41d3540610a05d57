"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "break statements"
Adapted: the two loops run inside tf.functions, the while loop on a tensor; the results are printed.
"""
import tensorflow as tf


@tf.function
def while_break(i):
  while i < 10:
    if i > 3:
      break
    i += 1
  return i


@tf.function
def for_break():
  last = tf.constant(-1)
  for i in tf.range(10):
    if i > 3:
      break
    last = i
  return last


@tf.function
def python_for_break():
  seen = []
  for i in range(10):
    if i > 3:
      break
    seen.append(i)
  return seen

print(while_break(tf.constant(0)))
print(while_break(tf.constant(7)))
print(while_break(tf.constant(12)))
print(for_break())
print(python_for_break())
