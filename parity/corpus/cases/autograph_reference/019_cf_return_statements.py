"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "return statements"
Adapted: the two functions of the section run as tf.functions, with i as their argument (a tensor) and a value returned on every path; a return inside the tensor while loop raises, and the case prints the exception's type and the last line of its message.
"""
import tensorflow as tf


@tf.function
def return_in_loop(i):
  while i < 10:
    if i > 3:
      return 1
    i += 1
  return 0


@tf.function
def return_in_if(i):
  if i > 3:
    return 100
  i += 1
  return i

for start in (0, 5, 11):
  print(return_in_if(tf.constant(start)))

try:
  return_in_loop(tf.constant(0))
except NotImplementedError as e:
  print(type(e).__name__)
  print(str(e).strip().splitlines()[-1].strip())
