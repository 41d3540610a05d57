"""Source: ../shared/seeds/003_6fdc790f26130aa4.txt, cell/section "多层感知机（MLP,多层全连接神经网络）"
Adapted: MNISTLoader's tf.keras.datasets.mnist.load_data() replaced by generated uint8 arrays of
MNIST's shapes (500 training, 100 test images; no network); 5 batches of 50 instead of
5 epochs' worth; the per-batch loss print shows whether the loss is finite (weights are random);
the final accuracy is printed as whether it lies in [0, 1].
"""
import numpy as np
import tensorflow as tf


class MNISTLoader():
    def __init__(self):
        rng = np.random.default_rng(0)
        self.train_data = rng.integers(0, 256, (500, 28, 28)).astype(np.uint8)
        self.train_label = rng.integers(0, 10, 500).astype(np.uint8)
        self.test_data = rng.integers(0, 256, (100, 28, 28)).astype(np.uint8)
        self.test_label = rng.integers(0, 10, 100).astype(np.uint8)
        self.train_data = np.expand_dims(self.train_data.astype(np.float32) / 255.0, axis=-1)
        self.test_data = np.expand_dims(self.test_data.astype(np.float32) / 255.0, axis=-1)
        self.train_label = self.train_label.astype(np.int32)
        self.test_label = self.test_label.astype(np.int32)
        self.num_train_data, self.num_test_data = self.train_data.shape[0], self.test_data.shape[0]

    def get_batch(self, batch_size):
        index = np.random.randint(0, np.shape(self.train_data)[0], batch_size)
        return self.train_data[index, :], self.train_label[index]


class MLP(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=100, activation=tf.nn.relu)
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, inputs):         # [batch_size, 28, 28, 1]
        x = self.flatten(inputs)    # [batch_size, 784]
        x = self.dense1(x)          # [batch_size, 100]
        x = self.dense2(x)          # [batch_size, 10]
        output = tf.nn.softmax(x)
        return output


num_batches = 5
batch_size = 50
learning_rate = 0.001

model = MLP()
data_loader = MNISTLoader()
optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)

for batch_index in range(num_batches):
    X, y = data_loader.get_batch(batch_size)
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = tf.keras.losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
        loss = tf.reduce_mean(loss)
        print("batch %d: loss finite %s" % (batch_index, np.isfinite(loss.numpy())))
    grads = tape.gradient(loss, model.variables)
    optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))

sparse_categorical_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
num_batches = int(data_loader.num_test_data // batch_size)
for batch_index in range(num_batches):
    start_index, end_index = batch_index * batch_size, (batch_index + 1) * batch_size
    y_pred = model.predict(data_loader.test_data[start_index: end_index], verbose=0)
    sparse_categorical_accuracy.update_state(y_true=data_loader.test_label[start_index: end_index], y_pred=y_pred)
print("test accuracy in [0, 1]: %s" % (0 <= sparse_categorical_accuracy.result() <= 1))
print(y_pred.shape, y_pred.dtype, len(model.variables))
