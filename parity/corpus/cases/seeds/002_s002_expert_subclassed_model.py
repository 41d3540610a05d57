"""Source: ../shared/seeds/002_63faa5af172a0a21.txt, cell/section "Hello TensorFlow" (专家)
Adapted: MNIST replaced by generated uint8 arrays of its shape (64 training, 32 test images
instead of 60,000 and 10,000; no network); one epoch instead of five. The loss and accuracy
depend on random weights, so the epoch line prints whether they are finite and in range instead
of their values.
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Flatten, Conv2D
from tensorflow.keras import Model

rng = np.random.default_rng(1)
x_train = rng.integers(0, 256, (64, 28, 28)).astype(np.uint8)
y_train = rng.integers(0, 10, 64).astype(np.uint8)
x_test = rng.integers(0, 256, (32, 28, 28)).astype(np.uint8)
y_test = rng.integers(0, 10, 32).astype(np.uint8)
x_train, x_test = x_train / 255.0, x_test / 255.0
# Add a channels dimension
x_train = x_train[..., tf.newaxis]
x_test = x_test[..., tf.newaxis]
print(x_train.shape, x_train.dtype)
# Use tf.data to batch and shuffle the dataset
train_ds = tf.data.Dataset.from_tensor_slices(
    (x_train, y_train)).shuffle(10000).batch(32)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)
print(train_ds.element_spec)


#Build model using the Keras model subclassing API
class MyModel(Model):
  def __init__(self):
    super(MyModel, self).__init__()
    self.conv1 = Conv2D(32, 3, activation='relu')
    self.flatten = Flatten()
    self.d1 = Dense(128, activation='relu')
    self.d2 = Dense(10, activation='softmax')

  def call(self, x):
    x = self.conv1(x)
    x = self.flatten(x)
    x = self.d1(x)
    return self.d2(x)


model = MyModel()
# Choose an optimizer, loss function and metrics
loss_object = tf.keras.losses.SparseCategoricalCrossentropy()
optimizer = tf.keras.optimizers.Adam()
train_loss = tf.keras.metrics.Mean(name='train_loss')
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')
test_loss = tf.keras.metrics.Mean(name='test_loss')
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')


# Train the model
@tf.function
def train_step(images, labels):
  with tf.GradientTape() as tape:
    predictions = model(images)
    loss = loss_object(labels, predictions)
  gradients = tape.gradient(loss, model.trainable_variables)
  optimizer.apply_gradients(zip(gradients, model.trainable_variables))
  train_loss(loss)
  train_accuracy(labels, predictions)


# Test the model
@tf.function
def test_step(images, labels):
  predictions = model(images)
  t_loss = loss_object(labels, predictions)
  test_loss(t_loss)
  test_accuracy(labels, predictions)


EPOCHS = 1
for epoch in range(EPOCHS):
  for images, labels in train_ds:
    train_step(images, labels)
  for test_images, test_labels in test_ds:
    test_step(test_images, test_labels)
  template = 'Epoch {}, Loss finite: {}, Accuracy in range: {}, Test Loss finite: {}, Test Accuracy in range: {}'
  print (template.format(epoch+1,
                         np.isfinite(train_loss.result().numpy()),
                         0 <= train_accuracy.result().numpy() * 100 <= 100,
                         np.isfinite(test_loss.result().numpy()),
                         0 <= test_accuracy.result().numpy() * 100 <= 100))
print(train_loss.result().dtype, train_accuracy.result().dtype)
print(len(model.trainable_variables), [tuple(v.shape) for v in model.trainable_variables])
