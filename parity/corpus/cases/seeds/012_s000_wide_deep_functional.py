"""Source: ../shared/seeds/000_fe888038a93e0f69.txt, cell/section "函数式API 功能API" (wide & deep regression)
Adapted: the California-housing arrays (8 features) replaced by 64 generated standardised rows
and targets (no network, no scikit-learn); 2 epochs instead of 100, fit(verbose=0). model.summary()
is printed as in the note; the losses depend on random weights, so the history is printed as its
keys and epoch count.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(0)
x_train_scaled = rng.normal(size=(64, 8)).astype(np.float32)
y_train = rng.normal(size=(64, 1)).astype(np.float32)
x_valid_scaled = rng.normal(size=(16, 8)).astype(np.float32)
y_valid = rng.normal(size=(16, 1)).astype(np.float32)

input = keras.layers.Input(shape=x_train_scaled.shape[1:])
hidden1 = keras.layers.Dense(30, activation='relu')(input)
hidden2 = keras.layers.Dense(30, activation='relu')(hidden1)
concat = keras.layers.concatenate([input, hidden2])
output = keras.layers.Dense(1)(concat)

model = keras.models.Model(inputs = [input],
                           outputs = [output])

model.summary()
model.compile(loss="mean_squared_error", optimizer="sgd")

callbacks = [keras.callbacks.EarlyStopping(
    patience=5, min_delta=1e-2)]
history = model.fit(x_train_scaled, y_train,
                    validation_data = (x_valid_scaled, y_valid),
                    epochs = 2,
                    callbacks = callbacks, verbose=0)
print(sorted(history.history), len(history.history["loss"]))
