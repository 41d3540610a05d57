"""Source: https://github.com/keras-team/keras-io/blob/master/guides/preprocessing_layers.py, cell/section "Quick recipes: Image data augmentation"
Adapted: keras.datasets.cifar10.load_data() replaced by 32 generated uint8 images of CIFAR-10's
shape (32, 32, 3) with uint8 labels of shape (32, 1) (no network); ResNet50 replaced by a
Flatten + Dense head and steps_per_epoch=5 by 2 (fast); fit(verbose=0). Augmentation is random,
so the case prints shapes and dtypes.
"""
SCOPE = "later: RandomRotation and RandomZoom preprocessing layers"
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ]
)

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (32, 32, 32, 3)).astype(np.uint8)
y_train = rng.integers(0, 10, (32, 1)).astype(np.uint8)
input_shape = x_train.shape[1:]
classes = 10

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.batch(16).map(lambda x, y: (data_augmentation(x), y))
print(train_dataset.element_spec)

inputs = keras.Input(shape=input_shape)
x = layers.Rescaling(1.0 / 255)(inputs)  # Rescale inputs
x = layers.Flatten()(x)
outputs = layers.Dense(classes, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
history = model.fit(train_dataset, steps_per_epoch=2, verbose=0)
print(sorted(history.history))
