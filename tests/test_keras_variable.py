"""Keras layer weights present Keras 3's variable surface (dtype a string, Keras's repr) while
staying tf.Variables for ops, tapes and optimizers."""
import numpy as np

import minitf as tf


def _layer():
    layer = tf.keras.layers.Dense(2, name="w_probe")
    layer.build((None, 3))
    layer.kernel.assign(np.arange(6, dtype=np.float32).reshape(3, 2) / 10)
    return layer


def test_dtype_is_the_name():
    w = _layer().kernel
    assert w.dtype == "float32" and isinstance(w.dtype, str)
    assert w.dtype == tf.float32 and tf.float32 == w.dtype
    assert tf.keras.layers.Dense(1, dtype="float64").add_weight(shape=(1,)).dtype == "float64"


def test_repr_is_keras():
    layer = _layer()
    assert repr(layer.bias) == "<Variable path=w_probe/bias, shape=(2,), dtype=float32, " \
                               "value=[0. 0.]>"
    assert str(layer.kernel) == ("<Variable path=w_probe/kernel, shape=(3, 2), dtype=float32, "
                                 "value=[[0.  0.1]\n [0.2 0.3]\n [0.4 0.5]]>")


def test_still_a_variable_for_ops_tapes_and_optimizers():
    layer = _layer()
    w = layer.kernel
    assert isinstance(w, tf.Variable)
    x = tf.ones((1, 3))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(x, w))
    g = tape.gradient(y, w)
    assert g.dtype == tf.float32 and g.numpy().tolist() == [[1.0, 1.0]] * 3
    opt = tf.keras.optimizers.SGD(0.5)
    opt.apply_gradients([(g, w)])
    np.testing.assert_allclose(w.numpy(), np.arange(6).reshape(3, 2) / 10 - 0.5, rtol=1e-6)
    assert tf.cast(w, w.dtype).dtype == tf.float32
