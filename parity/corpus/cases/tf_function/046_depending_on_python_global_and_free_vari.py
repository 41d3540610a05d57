"""Source: https://www.tensorflow.org/guide/function, cell/section "Depending on Python global and free variables"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf

@tf.function
def variable_add():
  return 1 + foo

foo = tf.Variable(1)

print("Updating the value of `foo` to 100!")
foo.assign(100)
print("Variable:", variable_add())
