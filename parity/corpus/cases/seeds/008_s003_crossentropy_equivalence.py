"""Source: ../shared/seeds/003_6fdc790f26130aa4.txt, cell/section "交叉熵"
Adapted: the note states that the sparse and the one-hot cross-entropy agree; the case computes
both on fixed labels and probabilities and prints them.
"""
import numpy as np
import tensorflow as tf

y = tf.constant([0, 2, 1])
y_pred = tf.constant([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]])
loss = tf.keras.losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
print(loss)
loss2 = tf.keras.losses.categorical_crossentropy(
    y_true=tf.one_hot(y, depth=tf.shape(y_pred)[-1]),
    y_pred=y_pred
)
print(loss2)
print(np.allclose(loss.numpy(), loss2.numpy()))
