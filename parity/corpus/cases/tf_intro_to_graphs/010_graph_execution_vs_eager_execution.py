"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Graph execution vs. eager execution"
Adapted: the earlier cells are repeated first as setup (their prints left out); the displayed value is printed, and whether functions run eagerly before and after.
"""
import tensorflow as tf


@tf.function
def get_MSE(y_true, y_pred):
  sq_diff = tf.pow(y_true - y_pred, 2)
  return tf.reduce_mean(sq_diff)

y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
y_pred = tf.random.uniform([5], maxval=10, dtype=tf.int32)

tf.config.run_functions_eagerly(True)
print(tf.config.functions_run_eagerly())
print(get_MSE(y_true, y_pred))
tf.config.run_functions_eagerly(False)
print(tf.config.functions_run_eagerly())
