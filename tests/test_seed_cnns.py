"""The seed notes' CNN programs (../shared/seeds/: Fashion-MNIST and MNIST) run on minitf:
their model code as written, trained for a step or an epoch on small generated arrays (no
network), checking shapes, parameter counts (from the layers' formulas) and finite losses.
"""
from __future__ import annotations

import numpy as np

import minitf as tf
from minitf import keras

RNG = np.random.default_rng(0)
X = RNG.uniform(0, 1, (16, 28, 28, 1)).astype("float32")
Y = RNG.integers(0, 10, 16)


def test_seed_sequential_cnn_and_separable_cnn():
    """000: Conv2D ×6 ('same', relu) with MaxPool2D, then the SeparableConv2D variant."""
    model = keras.models.Sequential()
    model.add(keras.layers.Conv2D(filters=32, kernel_size=3, padding='same', activation='relu',
                                  input_shape=(28, 28, 1)))
    model.add(keras.layers.SeparableConv2D(filters=32, kernel_size=3, padding='same',
                                           activation='relu'))
    model.add(keras.layers.MaxPool2D(pool_size=2))
    model.add(keras.layers.SeparableConv2D(filters=64, kernel_size=3, padding='same',
                                           activation='relu'))
    model.add(keras.layers.MaxPool2D(pool_size=2))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(128, activation='relu'))
    model.add(keras.layers.Dense(10, activation='softmax'))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    sep = lambda c, f: 9 * c + c * f + f  # noqa: E731  (depthwise, pointwise, bias)
    assert model.count_params() == (9 * 32 + 32) + sep(32, 32) + sep(32, 64) + \
        (7 * 7 * 64 * 128 + 128) + (128 * 10 + 10)
    h = model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(h.history["loss"]).all()
    assert model.predict(X[:3], verbose=0).shape == (3, 10)


def test_seed_expert_subclassed_model_with_tf_function_steps():
    """002: the subclassed "expert" model with @tf.function train and test steps."""
    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv1 = keras.layers.Conv2D(32, 3, activation='relu')
            self.flatten = keras.layers.Flatten()
            self.d1 = keras.layers.Dense(128, activation='relu')
            self.d2 = keras.layers.Dense(10, activation='softmax')

        def call(self, x):
            return self.d2(self.d1(self.flatten(self.conv1(x))))

    model = MyModel()
    loss_object = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam()
    train_loss = keras.metrics.Mean(name='train_loss')
    train_accuracy = keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')
    test_loss = keras.metrics.Mean(name='test_loss')

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        test_loss(loss_object(labels, model(images)))

    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)
    for images, labels in ds:
        train_step(images, labels)
    for images, labels in ds:
        test_step(images, labels)
    assert np.isfinite(float(train_loss.result())) and np.isfinite(float(test_loss.result()))
    assert len(model.trainable_variables) == 6


def test_seed_cnn_with_tf_print_in_a_tf_function(capsys):
    """003: the CNN class (5×5 'same' convolutions, MaxPool2D, Reshape) and a tf.function
    step that tf.prints its loss."""
    class CNN(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv1 = keras.layers.Conv2D(filters=8, kernel_size=[5, 5], padding='same',
                                             activation=tf.nn.relu)
            self.pool1 = keras.layers.MaxPool2D(pool_size=[2, 2], strides=2)
            self.conv2 = keras.layers.Conv2D(filters=16, kernel_size=[5, 5], padding='same',
                                             activation=tf.nn.relu)
            self.pool2 = keras.layers.MaxPool2D(pool_size=[2, 2], strides=2)
            self.flatten = keras.layers.Reshape(target_shape=(7 * 7 * 16,))
            self.dense1 = keras.layers.Dense(units=32, activation=tf.nn.relu)
            self.dense2 = keras.layers.Dense(units=10)

        def call(self, inputs):
            x = self.pool2(self.conv2(self.pool1(self.conv1(inputs))))
            return tf.nn.softmax(self.dense2(self.dense1(self.flatten(x))))

    model = CNN()
    optimizer = keras.optimizers.Adam(learning_rate=0.001)

    @tf.function
    def train_one_step(X, y):
        with tf.GradientTape() as tape:
            y_pred = model(X)
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y_true=y,
                                                                               y_pred=y_pred))
            tf.print("loss", loss)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))

    for i in range(2):
        train_one_step(X[8 * i:8 * i + 8], Y[8 * i:8 * i + 8])
    out = capsys.readouterr()
    lines = [ln for ln in (out.out + out.err).splitlines() if ln.startswith("loss")]
    assert len(lines) == 2 and all(np.isfinite(float(ln.split()[1])) for ln in lines)


def test_seed_keras_mnist_cnn_with_dropout_and_adadelta():
    """003: Keras's classic mnist_cnn (Conv2D 32, 64, MaxPooling2D, Dropout, one-hot labels).
    The note trains it with Adadelta, which minitf's optimizers lack: Adam here."""
    K = keras.backend
    input_shape = (1, 28, 28) if K.image_data_format() == 'channels_first' else (28, 28, 1)
    model = keras.models.Sequential()
    model.add(keras.layers.Conv2D(32, kernel_size=(3, 3), activation='relu',
                                  input_shape=input_shape))
    model.add(keras.layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(keras.layers.MaxPooling2D(pool_size=(2, 2)))
    model.add(keras.layers.Dropout(0.25))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(128, activation='relu'))
    model.add(keras.layers.Dropout(0.5))
    model.add(keras.layers.Dense(10, activation='softmax'))
    model.compile(loss=keras.losses.categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(), metrics=['accuracy'])
    assert model.count_params() == 1199882          # Keras's printed summary for this model
    y = keras.utils.to_categorical(Y, 10)
    model.fit(X[:8], y[:8], batch_size=4, epochs=1, verbose=0, validation_data=(X[8:], y[8:]))
    loss, acc = model.evaluate(X[8:], y[8:], verbose=0)
    assert np.isfinite(loss) and 0 <= acc <= 1
