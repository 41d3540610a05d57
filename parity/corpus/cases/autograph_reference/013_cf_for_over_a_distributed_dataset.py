"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "for statements"
Adapted: the snippet runs inside a tf.function.
"""
SCOPE = "out: tf.distribute strategies and distributed datasets"

import tensorflow as tf

strategy = tf.distribute.OneDeviceStrategy('cpu')
dist = strategy.experimental_distribute_dataset(tf.data.Dataset.range(3))


@tf.function
def f():
  for i in dist:
    tf.print('iteration:', i)

f()
