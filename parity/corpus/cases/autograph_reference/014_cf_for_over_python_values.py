"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "for statements"
Adapted: the snippet runs inside a tf.function, with loops over a Python range and over a tuple of tensors beside it (the cautions of the section); tf.range and tf.stack give the staged versions.
"""
import tensorflow as tf


@tf.function
def f():
  for i in [1, 2, 3]:
    print('iteration:', i)  # Python: runs while tracing
  total = 0
  for i in range(4):  # unrolled
    total += i
  tensors = (tf.constant(10), tf.constant(20))
  for t in tensors:  # unrolled as well
    total += t
  staged = 0
  for i in tf.range(4):
    staged += i
  for t in tf.stack(tensors):
    staged += t
  return total, staged

print(f())
print(f())
