"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Control flow"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; plotting removed.
"""
import numpy as np

import tensorflow as tf

x = tf.constant(1.0)

v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)

with tf.GradientTape(persistent=True) as tape:
  tape.watch(x)
  if x > 0.0:
    result = v0
  else:
    result = v1**2 

dv0, dv1 = tape.gradient(result, [v0, v1])

print(dv0)
print(dv1)
