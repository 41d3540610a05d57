"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "张量和操作"
Adapted: the displayed cell values are printed; the cells run in order in one program.
"""
import tensorflow as tf

t = tf.constant([[1., 2., 3.],
                 [4., 5., 6.]])
print(t)
print(t.shape)
print(t.dtype)
print(type(t).__name__)
print(tf.constant(100))

print(t[:, 1:])
print(t[..., 1, tf.newaxis])
print(t[0, 1])

print(t + 10)
print(tf.add(t, 10))
print(tf.square(t))
print(t @ tf.transpose(t))
print(tf.matmul(t, tf.transpose(t)))

x = tf.constant([[1.0, 2.0, 3.0],
                 [4.0, 5.0, 6.0]])
print("x:")
print(x.numpy())
x_expand = tf.expand_dims(x, axis=0)
print("expanded:", x_expand.shape)
print("squeezed:", tf.squeeze(x_expand).shape)
print("reduce_mean all:", tf.reduce_mean(x).numpy())
print("reduce_mean axis 0:", tf.reduce_mean(x, axis=0).numpy())
print("reduce_sum all:", tf.reduce_sum(x).numpy())
print("reduce_sum axis 1:", tf.reduce_sum(x, axis=1).numpy())
print("reduce_max all:", tf.reduce_max(x).numpy())
print("reduce_max axis 0:", tf.reduce_max(x, axis=0).numpy())
print("log(x):")
print(tf.math.log(x).numpy())
