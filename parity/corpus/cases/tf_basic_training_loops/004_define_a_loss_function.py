"""Source: https://www.tensorflow.org/guide/basic_training_loops, cell/section "Define a loss function"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import tensorflow as tf

# This computes a single loss value for an entire batch
def loss(target_y, predicted_y):
  return tf.reduce_mean(tf.square(target_y - predicted_y))
