"""Source: https://www.tensorflow.org/guide/function, cell/section "Pass tensors instead of python literals"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf

def f():
  print('Tracing!')
  tf.print('Executing')

tf.function(f)()
print(tf.function(f)())
