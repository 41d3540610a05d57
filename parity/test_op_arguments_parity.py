"""Axes and arguments against live TensorFlow (issue 12 §2): every row of the TF-free table in
``tests/test_op_arguments.py`` raises the same exception type in TF as in minitf, and argmax with
NaN, leaky_relu on integers and activation gradients at ±inf give TF's numbers."""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from tests.test_op_arguments import BAD_ARGUMENTS, exception_type


@pytest.mark.parametrize("case", BAD_ARGUMENTS, ids=[c[0] for c in BAD_ARGUMENTS])
def test_tensorflow_raises_what_the_table_says(tf_real, case):
    _, fn, exc, _ = case
    with pytest.raises(exception_type(exc, tf_real)):
        fn(tf_real)
    with pytest.raises(exception_type(exc, minitf)):
        fn(minitf)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_argmax_argmin_with_nan_and_infinities_match_tensorflow(tf_real, dtype):
    rng = np.random.default_rng(7)
    for shape in [(9,), (4, 11), (3, 5, 64)]:
        for p_nan in (0.2, 0.6, 1.0):
            x = rng.integers(-3, 4, size=shape).astype(dtype)
            x[rng.random(shape) < p_nan] = np.nan
            x[rng.random(shape) < 0.05] = -np.inf
            x[rng.random(shape) < 0.05] = np.inf
            x.reshape(-1)[:2] = [np.finfo(dtype).min, np.finfo(dtype).max]
            for axis in range(len(shape)):
                for name in ("argmax", "argmin"):
                    want = getattr(tf_real, name)(x, axis=axis).numpy()
                    got = getattr(minitf, name)(x, axis=axis).numpy()
                    np.testing.assert_array_equal(got, want, err_msg=f"{name} {shape} {axis}")


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_leaky_relu_on_integers_matches_tensorflow(tf_real, dtype):
    values = [-3, 0, 2, 7] if dtype != "uint8" else [0, 2, 253]
    for alpha in (0.2, 2):
        want = tf_real.nn.leaky_relu(tf_real.constant(values, dtype), alpha=alpha)
        got = minitf.nn.leaky_relu(minitf.constant(values, dtype), alpha=alpha)
        assert got.dtype.name == want.dtype.name
        np.testing.assert_array_equal(got.numpy(), want.numpy())


ACTIVATIONS = {
    "softsign": lambda tf, x: tf.nn.softsign(x),
    "sigmoid": lambda tf, x: tf.sigmoid(x),
    "tanh": lambda tf, x: tf.tanh(x),
    "softplus": lambda tf, x: tf.nn.softplus(x),
    "elu": lambda tf, x: tf.nn.elu(x),
    "selu": lambda tf, x: tf.nn.selu(x),
    "gelu": lambda tf, x: tf.nn.gelu(x),
    "gelu_tanh": lambda tf, x: tf.nn.gelu(x, approximate=True),
    "swish": lambda tf, x: tf.nn.swish(x),
    "relu": lambda tf, x: tf.nn.relu(x),
    "leaky_relu": lambda tf, x: tf.nn.leaky_relu(x),
}
EDGES = [-np.inf, np.inf, np.nan, -1e30, 1e30, -50.0, 50.0, 0.0]


def _value_and_grad(tf, f, dtype):
    x = tf.constant(EDGES, dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(tf, x)
    return y.numpy(), tape.gradient(y, x).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_values_and_gradients_at_the_edges_match_tensorflow(tf_real, name, dtype):
    """±inf, NaN and huge inputs: the same NaNs, infinities and (to a few ulp) values. The sign
    of a zero is not compared (swish's gradient at -1e30 is -0.0 in TF and 0.0 here)."""
    tv, tg = _value_and_grad(tf_real, ACTIVATIONS[name], dtype)
    mv, mg = _value_and_grad(minitf, ACTIVATIONS[name], dtype)
    for got, want in ((mv, tv), (mg, tg)):
        np.testing.assert_allclose(got, want, rtol=4 * np.finfo(dtype).eps, atol=0,
                                   err_msg=name)
