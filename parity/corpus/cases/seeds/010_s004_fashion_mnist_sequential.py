"""Source: ../shared/seeds/004_c9b1f32a5d0fd621.txt, cell/section "1.keras" (先看一段代码)
Adapted: keras.datasets.fashion_mnist.load_data() replaced by generated uint8 arrays of its
shapes (256 training, 64 test images; no network); one epoch instead of five; fit, evaluate and
predict with verbose=0; the matplotlib import is left out. The accuracy and the predictions depend
on random weights, so the case prints their range, shape and row sums.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(4)
train_images = rng.integers(0, 256, (256, 28, 28)).astype(np.uint8)
train_labels = rng.integers(0, 10, 256).astype(np.uint8)
test_images = rng.integers(0, 256, (64, 28, 28)).astype(np.uint8)
test_labels = rng.integers(0, 10, 64).astype(np.uint8)
class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
train_images = train_images / 255.0
test_images = test_images / 255.0

model = keras.Sequential([
    keras.layers.Flatten(input_shape=(28, 28)),
    keras.layers.Dense(128, activation=tf.nn.relu),
    keras.layers.Dense(10, activation=tf.nn.softmax)
])
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])
model.fit(train_images, train_labels, epochs=1, verbose=0)
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print('Test accuracy in [0, 1]:', 0 <= test_acc <= 1)
predictions = model.predict(test_images, verbose=0)
print(predictions.shape, predictions.dtype, np.allclose(predictions[0].sum(), 1.0, atol=1e-5))
