"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "while statements"
Adapted: the two snippets run inside tf.functions, which return x.
"""
import numpy as np
import tensorflow as tf


@tf.function
def tensor_while():
  x = 0
  while tf.random.uniform(()) > 0.5:
    x = x + 1
  return x


@tf.function
def python_while():
  x = 0
  while np.random.uniform() > 0.5:
    x = x + 1
  return x

print([int(tensor_while()) for _ in range(8)])
print(tensor_while())
print(python_while())
print(python_while())
