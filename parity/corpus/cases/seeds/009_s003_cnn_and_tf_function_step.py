"""Source: ../shared/seeds/003_6fdc790f26130aa4.txt, cell/section "卷积神经网络（CNN）" and "tf.function 图执行模式"
Adapted: the CNN class and the @tf.function training step are merged into one program; MNIST
replaced by 16 generated images of its shape (no network); 2 batches of 8 instead of 1,000 of
50; the step's tf.print shows whether the loss is finite (its value depends on random weights);
the timing print is left out (it differs run to run).
"""
import numpy as np
import tensorflow as tf


class CNN(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = tf.keras.layers.Conv2D(
            filters=32,
            kernel_size=[5, 5],
            padding='same',
            activation=tf.nn.relu
        )
        self.pool1 = tf.keras.layers.MaxPool2D(pool_size=[2, 2], strides=2)
        self.conv2 = tf.keras.layers.Conv2D(
            filters=64,
            kernel_size=[5, 5],
            padding='same',
            activation=tf.nn.relu
        )
        self.pool2 = tf.keras.layers.MaxPool2D(pool_size=[2, 2], strides=2)
        self.flatten = tf.keras.layers.Reshape(target_shape=(7 * 7 * 64,))
        self.dense1 = tf.keras.layers.Dense(units=1024, activation=tf.nn.relu)
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, inputs):
        x = self.conv1(inputs)                  # [batch_size, 28, 28, 32]
        x = self.pool1(x)                       # [batch_size, 14, 14, 32]
        x = self.conv2(x)                       # [batch_size, 14, 14, 64]
        x = self.pool2(x)                       # [batch_size, 7, 7, 64]
        x = self.flatten(x)                     # [batch_size, 7 * 7 * 64]
        x = self.dense1(x)                      # [batch_size, 1024]
        x = self.dense2(x)                      # [batch_size, 10]
        output = tf.nn.softmax(x)
        return output


rng = np.random.default_rng(0)
train_data = rng.uniform(0, 1, (16, 28, 28, 1)).astype(np.float32)
train_label = rng.integers(0, 10, 16).astype(np.int32)

num_batches = 2
batch_size = 8
learning_rate = 0.001
model = CNN()
optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)


@tf.function
def train_one_step(X, y):
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = tf.keras.losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
        loss = tf.reduce_mean(loss)
        tf.print("loss finite", tf.math.is_finite(loss))
    grads = tape.gradient(loss, model.variables)
    optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))


for batch_index in range(num_batches):
    X = train_data[batch_index * batch_size:(batch_index + 1) * batch_size]
    y = train_label[batch_index * batch_size:(batch_index + 1) * batch_size]
    train_one_step(X, y)
print(model(train_data[:2]).shape)
print([tuple(v.shape) for v in model.variables])
