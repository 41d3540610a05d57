"""Source: ../shared/seeds/003_6fdc790f26130aa4.txt, cell/section "自动求导机制" and "TensorFlow 下的线性回归"
Adapted: the two cells are merged; 1,000 optimiser steps instead of 10,000 (fast), so a and b
are printed part-way to their optimum. The data is fixed, so every printed number is
deterministic.
"""
import numpy as np
import tensorflow as tf

x = tf.Variable(initial_value=3.)
with tf.GradientTape() as tape:
    y = tf.square(x)
y_grad = tape.gradient(y, x)
print([y, y_grad])

X_raw = np.array([2013, 2014, 2015, 2016, 2017], dtype=np.float32)
y_raw = np.array([12000, 14000, 15000, 16500, 17500], dtype=np.float32)

X = (X_raw - X_raw.min()) / (X_raw.max() - X_raw.min())
print("X:", X)
y = (y_raw - y_raw.min()) / (y_raw.max() - y_raw.min())
print("y:", y)

X = tf.constant(X)
y = tf.constant(y)

a = tf.Variable(initial_value=0.)
b = tf.Variable(initial_value=0.)
variables = [a, b]

num_epoch = 1000

optimizer = tf.keras.optimizers.SGD(learning_rate=1e-3)

for e in range(num_epoch):
    with tf.GradientTape() as tape:
        y_pred = a * X + b
        loss = 0.5 * tf.reduce_sum(tf.square(y_pred - y))
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(grads_and_vars=zip(grads, variables))

print(a.numpy(), b.numpy())
print(a.dtype, a.shape)
