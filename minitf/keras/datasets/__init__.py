"""``keras.datasets``: Keras's small benchmark datasets as NumPy arrays.

Each module's ``load_data()`` downloads its file once from where Keras downloads it, keeps
it in Keras's cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``; files real Keras
already downloaded are reused), checks its hash and returns
``(x_train, y_train), (x_test, y_test)`` with the same arrays, dtypes and splits as
Keras 3:

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train.shape, x_train.dtype          # ((60000, 28, 28), dtype('uint8'))
"""
from . import (boston_housing, california_housing, cifar10, cifar100,  # noqa: F401
               fashion_mnist, imdb, mnist, reuters)
