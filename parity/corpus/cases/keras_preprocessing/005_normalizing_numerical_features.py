"""Source: https://github.com/keras-team/keras-io/blob/master/guides/preprocessing_layers.py, cell/section "Quick recipes: Normalizing numerical features"
Adapted: keras.datasets.cifar10.load_data() replaced by 64 generated uint8 images of CIFAR-10's
shape with (64, 1) uint8 labels (no network); fit(verbose=0). The adapted statistics are
deterministic and compared with NumPy's; the loss depends on random weights, so only the
history's keys are printed.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (64, 32, 32, 3)).astype(np.uint8)
y_train = rng.integers(0, 10, (64, 1)).astype(np.uint8)
x_train = x_train.reshape((len(x_train), -1))
input_shape = x_train.shape[1:]
classes = 10

normalizer = layers.Normalization()
normalizer.adapt(x_train)
print(normalizer.mean.shape, normalizer.mean.dtype)
print(np.allclose(normalizer.mean.numpy()[0], x_train.mean(axis=0), rtol=1e-5),
      np.allclose(normalizer.variance.numpy()[0], x_train.var(axis=0), rtol=1e-4))

inputs = keras.Input(shape=input_shape)
x = normalizer(inputs)
outputs = layers.Dense(classes, activation="softmax")(x)
model = keras.Model(inputs, outputs)

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
history = model.fit(x_train, y_train, verbose=0)
print(sorted(history.history), np.isfinite(history.history["loss"]).all())
