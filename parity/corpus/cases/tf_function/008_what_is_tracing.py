"""Source: https://www.tensorflow.org/guide/function, cell/section "What is "tracing"?"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

print(double.pretty_printed_concrete_signatures())
