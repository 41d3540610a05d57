"""Source: https://www.tensorflow.org/guide/advanced_autodiff, cell/section "Example: Input gradient regularization"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np
import tensorflow as tf

x = tf.random.normal([7, 5])

layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
