"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Graph execution vs. eager execution"
Adapted: three cells in one; the displayed value of the last expression is printed.
"""
import tensorflow as tf


@tf.function
def get_MSE(y_true, y_pred):
  sq_diff = tf.pow(y_true - y_pred, 2)
  return tf.reduce_mean(sq_diff)

y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
y_pred = tf.random.uniform([5], maxval=10, dtype=tf.int32)
print(y_true)
print(y_pred)
print(get_MSE(y_true, y_pred))
