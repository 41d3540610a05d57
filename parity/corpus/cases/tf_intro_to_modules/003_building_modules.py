"""Source: https://www.tensorflow.org/guide/intro_to_modules, cell/section "Building Modules"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import numpy as np
import tensorflow as tf
import keras
from datetime import datetime

class Dense(tf.Module):
  def __init__(self, in_features, out_features, name=None):
    super().__init__(name=name)
    self.w = tf.Variable(
      tf.random.normal([in_features, out_features]), name='w')
    self.b = tf.Variable(tf.zeros([out_features]), name='b')
  def __call__(self, x):
    y = tf.matmul(x, self.w) + self.b
    return tf.nn.relu(y)
