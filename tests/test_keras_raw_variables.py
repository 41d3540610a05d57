"""Keras 3 tracks only keras.Variables (add_weight) as a layer's weights: a raw tf.Variable
assigned in build is not a weight, not trained by fit, not counted, not saved."""
import numpy as np

import minitf as tf

keras = tf.keras


class RawDense(keras.layers.Layer):
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n

    def build(self, input_shape):
        self.w = tf.Variable(tf.ones([input_shape[-1], self.n]), name="w")
        self.b = tf.Variable(tf.ones([self.n]), name="b")
        self.k = self.add_weight(shape=(1,), initializer="ones", name="k")

    def call(self, x):
        return tf.matmul(x, self.w) + self.b * self.k


def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, RawDense(2)(inputs))


def test_raw_variables_are_not_weights():
    layer = RawDense(2)
    layer(tf.ones([1, 3]))
    assert [w.name for w in layer.weights] == ["k"]
    assert [w.name for w in layer.trainable_variables] == ["k"]
    assert layer.count_params() == 1 and len(layer.get_weights()) == 1
    assert layer.w.trainable                    # still an ordinary trainable tf.Variable


def test_fit_does_not_train_them():
    model = _model()
    model.compile("sgd", "mse")
    w0 = model.layers[1].w.numpy().copy()
    k0 = model.layers[1].k.numpy().copy()
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    np.testing.assert_array_equal(model.layers[1].w.numpy(), w0)
    assert not np.array_equal(model.layers[1].k.numpy(), k0)     # the real weight trains
    assert model.count_params() == 1


def test_not_saved_in_keras_files(tmp_path):
    model = _model()
    model.layers[1].w.assign(np.full((3, 2), 7.0, np.float32))
    path = str(tmp_path / "m.keras")
    model.save(path)
    back = keras.models.load_model(path, custom_objects={"RawDense": RawDense})
    back(tf.ones([1, 3]))
    np.testing.assert_array_equal(back.layers[1].w.numpy(), np.ones((3, 2)))   # rebuilt fresh
