"""Source: https://www.tensorflow.org/guide/function, cell/section "AutoGraph transformations"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf

# A simple loop

@tf.function
def f(x):
  while tf.reduce_sum(x) > 1:
    tf.print(x)
    x = tf.tanh(x)
  return x

f(tf.random.uniform([5]))

print(tf.autograph.to_code(f.python_function))
