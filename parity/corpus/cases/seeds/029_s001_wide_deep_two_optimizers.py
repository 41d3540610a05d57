"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义训练循环"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); fit runs with verbose=0 and shuffle=False (Keras shuffles with TF's random ops, which minitf does not replay); the exercise's loop runs until Keras 3 stops it.
"""
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


class WideDeepModel(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.wideLayer = tf.keras.layers.Dense(1)
        self.deepLayer = [tf.keras.layers.Dense(30, activation="relu",
                                                kernel_initializer="he_normal")
                          for _ in range(2)]

    def call(self, inputs, **kwargs):
        wide_output = self.wideLayer(inputs)
        Z = inputs
        for l in self.deepLayer:
            Z = l(Z)
        return wide_output + Z


model = WideDeepModel()
model.compile(loss="mse", optimizer="nadam")
history = model.fit(X_train_scaled, y_train, epochs=3,
                    validation_data=(X_valid_scaled, y_valid), verbose=0, shuffle=False)
print(np.round(history.history["loss"], 4))
print(round(model.evaluate(X_test_scaled, y_test, verbose=0), 4))


def random_batch(X, y, batch_size=32):
    idx = np.random.randint(len(X), size=batch_size)
    return X[idx], y[idx]


model = WideDeepModel()
optimizer_wide = tf.keras.optimizers.SGD(learning_rate=0.01)
optimizer_deep = tf.keras.optimizers.Adam(learning_rate=0.01)
loss_fn = tf.keras.losses.MeanSquaredError()
for step in range(1, 4):
    X_batch, y_batch = random_batch(X_train_scaled, y_train)
    with tf.GradientTape(persistent=True) as tape:
        y_pred = model(X_batch, training=True)
        main_loss = tf.reduce_mean(loss_fn(y_batch, y_pred))
        loss = tf.add_n([main_loss] + model.losses)
    gradients_wide = tape.gradient(loss, model.wideLayer.trainable_variables)
    print(len(gradients_wide))
    gradients_deep = tape.gradient(loss, model.deepLayer.trainable_variables)
    del tape
    optimizer_wide.apply_gradients(zip(gradients_wide, model.wideLayer.trainable_variables))
    optimizer_deep.apply_gradients(zip(gradients_deep, model.deepLayer.trainable_variables))
