"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "if statements"
Adapted: the two snippets run inside tf.functions, which return x; each is called a few times.
"""
import numpy as np
import tensorflow as tf


@tf.function
def tensor_if():
  if tf.random.uniform(()) > 0.5:
    x = 1
  else:
    x = 2
  return x


@tf.function
def python_if():
  if np.random.uniform() > 0.5:
    x = 1
  else:
    x = 2
  return x

print([int(tensor_if()) for _ in range(6)])
print(tensor_if())
# the numpy draw happens once, while tracing
print([int(python_if()) for _ in range(3)])
print(python_if())
