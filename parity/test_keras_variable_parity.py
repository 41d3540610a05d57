"""What a Keras layer weight shows, compared with Keras 3 under TF: its repr and str, dtype
(a string), name, path, shape, trainable flag and comparisons with the DType."""
import numpy as np

import minitf


def _surface(tf):
    layer = tf.keras.layers.Dense(2, name="probe")
    layer.build((None, 3))
    layer.kernel.assign(np.arange(6, dtype=np.float32).reshape(3, 2) / 10)
    out = []
    for w in (layer.kernel, layer.bias):
        out.append((repr(w), str(w), repr(w.dtype), w.name, w.path, str(w.shape), w.trainable,
                    w.ndim, w.dtype == tf.float32, w.dtype == "float32",
                    type(w.numpy()).__name__, w.numpy().dtype.name))
    out.append(repr(layer.weights))
    f64 = tf.keras.layers.Dense(1, dtype="float64", name="probe64")
    f64.build((None, 1))
    out.append((repr(f64.kernel.dtype), f64.kernel.dtype == tf.float64))
    return out


def test_layer_weights_show_what_keras_shows(tf_real):
    assert _surface(minitf) == _surface(tf_real)
