"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md, cell/section "Undefined and None values in TensorFlow"
Adapted: the snippets run inside tf.functions: a name set in one branch only and read after the statement raises (the exception's type and the line of its message naming it are printed); unread after it, or given a value before it, it works.
"""
import tensorflow as tf

def report(e):
  print(type(e).__name__)
  lines = [l.strip() for l in str(e).splitlines() if l.strip()]
  print(next((l for l in lines if l.startswith(type(e).__name__ + ":")), lines[-1]))


@tf.function
def read_after():
  if tf.random.uniform(()) > 0.5:
    x = tf.constant(1)
  else:
    pass
  tf.print(x)


@tf.function
def local_to_the_branch():
  if tf.random.uniform(()) > 0.5:
    x = tf.constant(1)
  else:
    pass
  return 0


@tf.function
def default_first():
  x = tf.constant(0)
  if tf.random.uniform(()) > 0.5:
    x = tf.constant(1)
  tf.print(x)

try:
  read_after()
except Exception as e:
  report(e)
print(local_to_the_branch())
for _ in range(4):
  default_first()
