"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "while statements"
Adapted: the two snippets run inside tf.functions; the case also counts the print operations each graph holds.
"""
import tensorflow as tf


@tf.function
def unrolled():
  l = [tf.constant(1), tf.constant(2), tf.constant(3)]
  for i in l:
    tf.print(i)  # three prints in the graph


@tf.function
def stacked():
  l = [tf.constant(1), tf.constant(2), tf.constant(3)]
  for i in tf.stack(l):
    tf.print(i)  # one print, in a loop

unrolled()
stacked()


def prints_in(fn):
  graph = fn.get_concrete_function().graph
  return [op.type for op in graph.get_operations()].count('PrintV2')

print(prints_in(unrolled))
print(prints_in(stacked))
