"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md, cell/section "Python collections in TensorFlow control flow"
Adapted: the snippets run inside tf.functions: appending to a list in a TensorFlow loop raises (the exception's type is printed), a TensorArray works, and collections of fixed structure may change their tensors.
"""
import tensorflow as tf


@tf.function
def append_to_list():
  l = []
  for i in tf.range(10):
    l.append(i)
  return l


@tf.function
def tensor_array():
  l = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
  for i in tf.range(10):
    l = l.write(l.size(), i)
  return l.stack()


class Holder:
  pass


@tf.function
def fixed_structures():
  static_list = [tf.constant(3)]
  while static_list[0] > 0:
    static_list[0] -= 1
  static_object = Holder()
  static_object.field = tf.constant(3)
  while static_object.field > 0:
    static_object.field -= 1
  static_dict = {'field': tf.constant(3)}
  while static_dict['field'] > 0:
    static_dict['field'] -= 1
  d = {'a': tf.constant(3)}
  for i in tf.range(10):
    d = {key: value + i for key, value in d.items()}
  return static_list[0], static_object.field, static_dict['field'], d['a']

try:
  append_to_list()
except Exception as e:
  print(type(e).__name__)
print(tensor_array())
print(fixed_structures())
