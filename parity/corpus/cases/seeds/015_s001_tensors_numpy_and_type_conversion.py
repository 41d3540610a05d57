"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "张量和NumPy / 类型转换"
Adapted: the displayed cell values are printed; the two commented-out mixed-dtype additions of the note are run and their exception types printed.
"""
import numpy as np
import tensorflow as tf

t = tf.constant([[1., 2., 3.], [4., 5., 6.]])
a = np.array([2., 4., 5.])
print(tf.constant(a))
print(t.numpy())
print(np.array(t))
print(tf.square(a))
print(np.square(t))

for make in (lambda: tf.constant(2.) + tf.constant(40),
             lambda: tf.constant(2.) + tf.constant(40., dtype=tf.float64)):
    try:
        make()
    except Exception as e:
        print(type(e).__name__)

t2 = tf.constant(40, dtype=tf.float64)
print(tf.constant(2.0) + tf.cast(t2, tf.float32))
