"""Source: https://www.tensorflow.org/guide/function, cell/section "Obtaining graphs"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed; the setup cells' prints are left out.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

double_strings = double.get_concrete_function(tf.constant("a"))

atomic_fn = double_strings.inference_fn
print(atomic_fn(tf.constant("a")))
