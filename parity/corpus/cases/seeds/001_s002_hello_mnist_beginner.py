"""Source: ../shared/seeds/002_63faa5af172a0a21.txt, cell/section "Hello TensorFlow" (初学)
Adapted: tf.keras.datasets.mnist.load_data() replaced by generated uint8 arrays of MNIST's image
shape (28, 28) and uint8 labels 0..9: 256 training and 64 test images instead of 60,000 and
10,000 (no network); one epoch instead of five; fit/evaluate with verbose=0. Weights are random,
so the case prints the history's keys and the evaluate results' count and finiteness.
"""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (256, 28, 28)).astype(np.uint8)
y_train = rng.integers(0, 10, 256).astype(np.uint8)
x_test = rng.integers(0, 256, (64, 28, 28)).astype(np.uint8)
y_test = rng.integers(0, 10, 64).astype(np.uint8)
x_train, x_test = x_train / 255.0, x_test / 255.0
print(x_train.dtype, x_train.shape)
# Build model
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(28, 28)),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])
# Train and evaluate the model
history = model.fit(x_train, y_train, epochs=1, verbose=0)
print(sorted(history.history))
result = model.evaluate(x_test, y_test, verbose=0)
print(len(result), np.isfinite(result).all(), 0 <= result[1] <= 1)
print(model.count_params(), [layer.name for layer in model.layers])
