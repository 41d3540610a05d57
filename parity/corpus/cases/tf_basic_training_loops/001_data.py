"""Source: https://www.tensorflow.org/guide/basic_training_loops, cell/section "Data"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np
import tensorflow as tf

# The actual line
TRUE_W = 3.0
TRUE_B = 2.0

NUM_EXAMPLES = 201

# A vector of random x values
x = tf.linspace(-2,2, NUM_EXAMPLES)
x = tf.cast(x, tf.float32)

def f(x):
  return x * TRUE_W + TRUE_B

# Generate some noise
noise = tf.random.normal(shape=[NUM_EXAMPLES])

# Calculate y
y = f(x) + noise
