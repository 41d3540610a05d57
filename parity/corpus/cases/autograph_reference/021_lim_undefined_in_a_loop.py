"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md, cell/section "Undefined and None values in TensorFlow"
Adapted: the loop snippets run inside tf.functions, the first with a tensor condition that holds at least once; the exception's type and the line of its message naming it are printed.
"""
import tensorflow as tf

def report(e):
  print(type(e).__name__)
  lines = [l.strip() for l in str(e).splitlines() if l.strip()]
  print(next((l for l in lines if l.startswith(type(e).__name__ + ":")), lines[-1]))


@tf.function
def read_after(n):
  while n > 0:
    x = tf.constant(1)
    n -= 1
  tf.print(x)


@tf.function
def local_to_the_loop(n):
  while n > 0:
    x = tf.constant(1)
    n -= 1
  return n

try:
  read_after(tf.constant(2))
except Exception as e:
  report(e)
print(local_to_the_loop(tf.constant(3)))
