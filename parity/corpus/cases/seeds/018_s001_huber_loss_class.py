"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "保存和加载包含自定义组件的模型"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay) and the case prints the history and evaluation numbers; files are saved under a temporary directory.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

# Generated stand-in for scikit-learn's California housing (8 features, a positive target),
# already standardised as the note's StandardScaler output; split as the note splits it.
rng = np.random.RandomState(42)
X_all = rng.standard_normal((900, 8))
y_all = (np.abs(X_all @ rng.uniform(-1, 1, 8) + 2.0) + 0.1 * rng.rand(900)).reshape(-1, 1)
X_train_scaled, X_valid_scaled, X_test_scaled = X_all[:500], X_all[500:700], X_all[700:]
y_train, y_valid, y_test = y_all[:500], y_all[500:700], y_all[700:]
input_shape = X_train_scaled.shape[1:]
models_dir = tempfile.mkdtemp()


def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss = threshold * tf.abs(error) - threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn


class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < self.threshold
        squared_loss = tf.square(error) / 2
        linear_loss = self.threshold * tf.abs(error) - self.threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "threshold": self.threshold}


print(create_huber(2.0)(tf.constant([0., 0., 0.]), tf.constant([1., 2., 5.])))
print(HuberLoss(2.)(tf.constant([0., 0., 0.]), tf.constant([1., 2., 5.])))
print({"one": 1, "three": 3} | {"two": 2})
tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          input_shape=input_shape),
    tf.keras.layers.Dense(1),
])
model.compile(loss=HuberLoss(2.), optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
path = os.path.join(models_dir, "my_model_with_a_custom_class.keras")
model.save(path)
model = tf.keras.models.load_model(path, custom_objects={"HuberLoss": HuberLoss})
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
print(type(model.loss).__name__, model.loss.threshold)
