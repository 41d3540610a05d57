"""Tensors and Variables, as in TensorFlow's introductory guides.

Run: python examples/tensors_and_variables.py   (prints what TensorFlow prints)
"""
import numpy as np

import minitf as tf

t = tf.constant([[1., 2., 3.], [4., 5., 6.]])
print(t)
print(t.shape, t.dtype)
print(t[:, 1:])
print(t[..., 1, tf.newaxis])
print(t + 10)
print(tf.square(t))
print(t @ tf.transpose(t))
print(tf.constant(42))
print(tf.constant(42.0).dtype, tf.constant(np.array([1.0])).dtype)
print(t.numpy())
print(np.square(t))
print(tf.reduce_sum(t, axis=0), tf.reduce_mean(t))
print(tf.cast(tf.constant([-1.7, 1.7]), tf.int32))
print(tf.constant(1) / tf.constant(2))

try:
    tf.constant(2.0) + tf.constant(40)
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError raised")
try:
    tf.constant(2.0) + tf.constant(40., dtype=tf.float64)
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError raised")

v = tf.Variable([[1., 2., 3.], [4., 5., 6.]])
print(v)
v.assign(2 * v)
v[0, 1].assign(42)
v[:, 2].assign([0., 1.])
v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100., 200.])
print(v)
v.assign_add(tf.ones((2, 3)))
v.assign_sub(tf.ones((2, 3)) * 0.5)
print(v.numpy())
print(v.name, v.trainable)
try:
    v[1] = [7., 8., 9.]
except TypeError:
    print("TypeError: Variables do not support item assignment")
