"""Toy training on a GPU: the same Keras code, placed on the GPU with `tf.device` when CuPy and
a CUDA device are available (on the CPU otherwise, with a note).

Run: python examples/gpu_training.py      (MINITF_BACKEND=cupy works too)
"""
import numpy as np
from sklearn.datasets import load_digits

import minitf as tf

gpus = tf.config.list_physical_devices("GPU")
device = "/GPU:0" if gpus else "/CPU:0"
print("GPUs:", gpus if gpus else "none (CuPy or a CUDA device is missing); training on the CPU")

digits = load_digits()
x = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)

with tf.device(device):
    model = tf.keras.Sequential([tf.keras.Input(shape=(64,)),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    print("weights live on", model.trainable_variables[0].device)
    model.fit(x[:1500], y[:1500], epochs=3, batch_size=64, verbose=2)
    loss, acc = model.evaluate(x[1500:], y[1500:], verbose=0)
print(f"test accuracy: {acc:.3f}")
