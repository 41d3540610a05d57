"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "Analogy with compile-time constants and code optimization"
Adapted: the snippet (its missing ':' after the second lambda added) runs inside a tf.function: with a Python bool as its predicate tf.cond raises, and the case prints the exception's type and the last line of its message; with the predicate made a tensor it runs, and the equivalent code without the conditional is printed beside it.
"""
import tensorflow as tf


@tf.function
def python_predicate():
  x = 1
  return tf.cond(x > 0, lambda: 3 * x, lambda: 5 * x)


@tf.function
def tensor_predicate():
  x = 1
  return tf.cond(tf.constant(x) > 0, lambda: 3 * x, lambda: 5 * x)


@tf.function
def without_cond():
  x = 1
  return 3 * x

try:
  python_predicate()
except TypeError as e:
  print(type(e).__name__)
  print(str(e).strip().splitlines()[-1].strip())
print(tensor_predicate())
print(without_cond())
