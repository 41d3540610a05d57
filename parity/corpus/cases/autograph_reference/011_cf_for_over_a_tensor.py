"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "for statements"
Adapted: the snippets over a tensor and over tf.range run inside tf.functions.
"""
import tensorflow as tf


@tf.function
def over_tensor():
  for i in tf.constant(((1, 2), (3, 4))):
    tf.print('iteration:', i)


@tf.function
def over_range():
  for i in tf.range(3):
    tf.print('iteration:', i)

over_tensor()
over_range()
