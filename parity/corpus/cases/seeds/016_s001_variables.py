"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "变量"
Adapted: the displayed cell values are printed; the note's direct item assignment (which it says does not work) is run and its exception type printed.
"""
import numpy as np
import tensorflow as tf

v = tf.Variable([[1., 2., 3.], [4., 5., 6.]])
print(v)
v.assign(2 * v)
print(v)
v[0, 1].assign(42)
v[:, 2].assign([0., 1.])
print(v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100., 200.]))
try:
    v[1] = [7., 8., 9.]
except Exception as e:
    print(type(e).__name__)
v[1].assign([7, 8, 9])
print(v)

observation = np.array([111.0, 188.0])
codes = np.array([[102.0, 203.0],
                  [132.0, 193.0],
                  [45.0, 155.0],
                  [57.0, 173.0]])
print(np.argmin(np.sqrt(np.sum((observation - codes) ** 2, axis=1))))
observation = tf.constant(observation)
codes = tf.constant(codes)
print(tf.argmin(tf.reduce_sum(tf.square(tf.subtract(observation, codes)), axis=1)))
