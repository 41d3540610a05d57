"""Source: ../shared/seeds/004_c9b1f32a5d0fd621.txt, cell/section "1.1 序列模型" (配置层)
Adapted: the note only constructs the layers; the case builds each on a fixed (2, 4) input and
prints its kernel/bias shapes, its regularization losses' count, and the constant bias; the
orthogonal kernel is checked to have orthonormal columns (W^T W = I).
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

x = tf.ones((2, 4))
sig = layers.Dense(64, activation='sigmoid')
y = sig(x)
print(y.shape, bool(tf.reduce_all((y > 0) & (y < 1))))
l1 = layers.Dense(64, kernel_regularizer=tf.keras.regularizers.l1(0.01))
l1(x)
print(len(l1.losses), np.isclose(float(l1.losses[0]), 0.01 * np.abs(l1.kernel.numpy()).sum(), rtol=1e-5))
l2 = layers.Dense(64, bias_regularizer=tf.keras.regularizers.l2(0.01))
l2(x)
print(len(l2.losses), float(l2.losses[0]))
orth = layers.Dense(64, kernel_initializer='orthogonal')
orth(tf.ones((2, 64)))
w = orth.kernel.numpy()
print(w.shape, np.allclose(w.T @ w, np.eye(64), atol=1e-5))
const = layers.Dense(64, bias_initializer=tf.keras.initializers.constant(2.0))
const(x)
print(const.bias.numpy()[:4], const.bias.dtype)
