"""A raw tf.Variable assigned in a Keras layer's build, compared with Keras 3: weights,
trainable variables, parameter counts, gradients and what fit trains."""
import numpy as np

import minitf


def _facts(tf):
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

    inputs = keras.Input((3,))
    layer = RawDense(2)
    model = keras.Model(inputs, layer(inputs))
    with tf.GradientTape() as tape:
        out = model(tf.ones([1, 3]))
    grads = tape.gradient(out, model.trainable_variables)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    w0 = layer.w.numpy().copy()
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0, shuffle=False)
    return ([w.name for w in layer.weights], [v.name for v in model.trainable_variables],
            layer.count_params(), model.count_params(), len(model.get_weights()),
            [g.numpy().tolist() for g in grads], bool(np.array_equal(w0, layer.w.numpy())),
            layer.k.numpy().tolist())


def test_raw_variables_match_keras(tf_real):
    got, want = _facts(minitf), _facts(tf_real)
    assert got[:7] == want[:7]
    # k after one SGD step: float32 arithmetic on values of order 1 (a few ulps).
    np.testing.assert_allclose(got[7], want[7], rtol=1e-6)
