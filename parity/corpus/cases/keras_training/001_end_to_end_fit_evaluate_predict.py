"""Source: https://github.com/keras-team/keras-io/blob/master/guides/training_with_built_in_methods.py, cell/section "API overview: a first end-to-end example"
Adapted: keras.datasets.mnist.load_data() replaced by generated arrays of the same row width and
dtypes (uint8 images, uint8 labels in 0..9): 640 training rows (the last 128 held out for
validation) and 128 test rows instead of 60,000 and 10,000 (no network, fast); one epoch instead
of two; fit/evaluate/predict run with verbose=0 and the case prints the history's keys, the number
of evaluate results and the predictions' shape (weights are random, so loss values are not printed).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(784,), name="digits")
x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
x = layers.Dense(64, activation="relu", name="dense_2")(x)
outputs = layers.Dense(10, activation="softmax", name="predictions")(x)

model = keras.Model(inputs=inputs, outputs=outputs)

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (640, 28, 28)).astype("uint8")
y_train = rng.integers(0, 10, 640).astype("uint8")
x_test = rng.integers(0, 256, (128, 28, 28)).astype("uint8")
y_test = rng.integers(0, 10, 128).astype("uint8")

# Preprocess the data (these are NumPy arrays)
x_train = x_train.reshape(640, 784).astype("float32") / 255
x_test = x_test.reshape(128, 784).astype("float32") / 255

y_train = y_train.astype("float32")
y_test = y_test.astype("float32")

# Reserve 128 samples for validation
x_val = x_train[-128:]
y_val = y_train[-128:]
x_train = x_train[:-128]
y_train = y_train[:-128]

model.compile(
    optimizer=keras.optimizers.RMSprop(),  # Optimizer
    # Loss function to minimize
    loss=keras.losses.SparseCategoricalCrossentropy(),
    # List of metrics to monitor
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
)

print("Fit model on training data")
history = model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=1,
    validation_data=(x_val, y_val),
    verbose=0,
)
print(sorted(history.history), [len(v) for v in history.history.values()])

print("Evaluate on test data")
results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
print("test loss, test acc:", len(results), [np.isfinite(r) for r in results])

print("Generate predictions for 3 samples")
predictions = model.predict(x_test[:3], verbose=0)
print("predictions shape:", predictions.shape, predictions.dtype)
print(np.allclose(predictions.sum(axis=1), 1.0, atol=1e-5))
