"""Source: https://www.tensorflow.org/guide/function, cell/section "Obtaining concrete functions"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

double_strings = double.get_concrete_function(tf.constant("a"))

print(double_strings.function_type)
