"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/control_flow.md, cell/section "All Python code paths are executed during tracing"
Adapted: the two snippets run inside tf.functions.
"""
import tensorflow as tf


@tf.function
def tensor_condition():
  print('before if')
  if tf.constant(True):
    print('true branch')
  else:
    print('false branch')
  print('after if')


@tf.function
def python_condition():
  print('before if')
  if True:  # a Python bool: ordinary Python
    print('true branch')
  else:
    print('false branch')
  print('after if')

tensor_condition()
print('---')
python_condition()
print('--- second calls trace nothing')
tensor_condition()
python_condition()
