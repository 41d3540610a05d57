"""Huber loss by hand, with its gradient, and as a Loss subclass.

Run: python examples/huber_loss.py
"""
import minitf as tf


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)


z = tf.linspace(-4.0, 4.0, 9)
with tf.GradientTape() as tape:
    tape.watch(z)
    h = huber_fn(0.0, z)
print("huber:", h)
print("gradient:", tape.gradient(h, z))


class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < self.threshold
        squared_loss = tf.square(error) / 2
        linear_loss = self.threshold * tf.abs(error) - self.threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "threshold": self.threshold}


y_true = tf.constant([[0.0], [1.0], [2.0], [3.0]])
y_pred = tf.constant([[0.3], [3.0], [1.5], [-1.0]])
print("HuberLoss(2.0):", HuberLoss(2.0)(y_true, y_pred))
print("keras Huber(2.0):", tf.keras.losses.Huber(2.0)(y_true, y_pred))
print("per sample:", tf.keras.losses.huber(y_true, y_pred, delta=2.0))
