"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "归一化层"
Adapted: scikit-learn's California housing is replaced by generated unscaled data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay) and the case prints the history numbers and the predictions' shape.
"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(42)
X_all = rng.uniform(0, 10, (900, 8)) * np.array([1, 10, 1, 0.2, 300, 1, 5, 20])
y_all = (X_all @ rng.uniform(0, 0.1, 8) / 10).reshape(-1, 1)
X_train, X_valid, X_test = X_all[:500], X_all[500:700], X_all[700:]
y_train, y_valid, y_test = y_all[:500], y_all[500:700], y_all[700:]

tf.keras.utils.set_random_seed(42)
norm_layer = tf.keras.layers.Normalization()
model = tf.keras.models.Sequential([
    norm_layer,
    tf.keras.layers.Dense(1)
])
model.compile(loss="mse", optimizer=tf.keras.optimizers.SGD(learning_rate=2e-3))
norm_layer.adapt(X_train)
history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=5,
                    verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))

norm_layer = tf.keras.layers.Normalization()
norm_layer.adapt(X_train)
X_train_scaled = norm_layer(X_train)
X_valid_scaled = norm_layer(X_valid)
print(np.round(np.mean(X_train_scaled, axis=0), 5), np.round(np.std(X_train_scaled, axis=0), 4))
model = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])
model.compile(loss="mse", optimizer=tf.keras.optimizers.SGD(learning_rate=2e-3))
history = model.fit(X_train_scaled, y_train, epochs=5,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["val_loss"], 4))

final_model = tf.keras.Sequential([norm_layer, model])
X_new = X_test[:3]
y_pred = final_model(X_new)
print(y_pred.shape, y_pred.dtype)

dataset = tf.data.Dataset.from_tensor_slices((X_train, y_train)).batch(5)
dataset = dataset.map(lambda X, y: (norm_layer(X), y))
print(list(dataset.take(1)))


class MyNormalization(tf.keras.layers.Layer):
    def adapt(self, X):
        self.mean_ = np.mean(X, axis=0, keepdims=True)
        self.std_ = np.std(X, axis=0, keepdims=True)

    def call(self, inputs):
        eps = tf.keras.backend.epsilon()
        return (inputs - self.mean_) / (self.std_ + eps)


my_norm_layer = MyNormalization()
my_norm_layer.adapt(X_train)
X_train_scaled = my_norm_layer(X_train)
print(X_train_scaled[:2])
