"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义损失函数"
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


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)


print(huber_fn(0., tf.constant([-4., -1., -0.5, 0., 0.5, 1., 4.])))
tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          input_shape=input_shape),
    tf.keras.layers.Dense(1),
])
model.compile(loss=huber_fn, optimizer="nadam", metrics=["mae"])
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(sorted(history.history))
print(np.round(history.history["loss"], 4), np.round(history.history["val_mae"], 4))
path = os.path.join(models_dir, "my_model_with_a_custom_loss.keras")
model.save(path)
model = tf.keras.models.load_model(path, custom_objects={"huber_fn": huber_fn})
history = model.fit(X_train_scaled, y_train, epochs=2,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
