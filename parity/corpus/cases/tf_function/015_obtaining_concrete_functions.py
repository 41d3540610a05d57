"""Source: https://www.tensorflow.org/guide/function, cell/section "Obtaining concrete functions"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

print("Obtaining concrete trace")
double_strings = double.get_concrete_function(tf.constant("a"))
print("Executing traced function")
print(double_strings(tf.constant("a")))
print(double_strings(a=tf.constant("b")))
