"""Source: https://www.tensorflow.org/guide/intro_to_graphs, cell/section "Graph execution vs. eager execution"
Adapted: the earlier cells are repeated first as setup (their prints left out); three cells in one; the last error is printed.
"""
import tensorflow as tf

y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
y_pred = tf.random.uniform([5], maxval=10, dtype=tf.int32)


@tf.function
def get_MSE(y_true, y_pred):
  print("Calculating MSE!")
  sq_diff = tf.pow(y_true - y_pred, 2)
  return tf.reduce_mean(sq_diff)

# run eagerly everywhere: the Python print runs on every call
tf.config.run_functions_eagerly(True)
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
print(error)
tf.config.run_functions_eagerly(False)
