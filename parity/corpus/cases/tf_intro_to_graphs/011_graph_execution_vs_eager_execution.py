"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Graph execution vs. eager execution"
Adapted: the earlier cells making y_true and y_pred are repeated first as setup (their prints left out); the last error is printed.
"""
import tensorflow as tf

y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
y_pred = tf.random.uniform([5], maxval=10, dtype=tf.int32)


@tf.function
def get_MSE(y_true, y_pred):
  print("Calculating MSE!")
  sq_diff = tf.pow(y_true - y_pred, 2)
  return tf.reduce_mean(sq_diff)

# the Python print runs once, while tracing
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
print(error)
