"""Source: https://www.tensorflow.org/guide/function, cell/section "Depending on Python global and free variables"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf

@tf.function
def buggy_add():
  return 1 + foo

@tf.function
def recommended_add(foo):
  return 1 + foo

foo = 1

foo = 100

@tf.function
def variable_add():
  return 1 + foo

foo = tf.Variable(1)
print("Variable:", variable_add())
