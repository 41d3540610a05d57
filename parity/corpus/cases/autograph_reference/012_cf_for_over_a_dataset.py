"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "for statements"
Adapted: the snippets over a dataset, with and without break, and over a dataset's iterator, run inside tf.functions.
"""
import tensorflow as tf


@tf.function
def over_dataset():
  for i in tf.data.Dataset.range(3):
    tf.print('iteration:', i)


@tf.function
def over_dataset_with_break():
  for i in tf.data.Dataset.range(3):
    tf.print('iteration:', i)
    break


@tf.function
def over_iterator():
  for i in iter(tf.data.Dataset.range(3)):
    tf.print('iteration:', i)

over_dataset()
print('---')
over_dataset_with_break()
print('---')
over_iterator()
