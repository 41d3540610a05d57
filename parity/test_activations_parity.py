"""keras.activations.relu (every combination of its options) and hard_sigmoid against Keras 3 on
TF, bit for bit: values, the sign of zeros, and gradients at the kinks, in float32 and float64."""
import numpy as np
import pytest

import minitf

X = np.array([-7., -2., -0.5, 0., 0.5, 1., 3., 6., 7.])
OPTIONS = [{}, dict(max_value=6.0), dict(max_value=3.0), dict(threshold=0.5),
           dict(threshold=1.0, max_value=6.0), dict(negative_slope=0.1),
           dict(negative_slope=0.1, threshold=0.5),
           dict(negative_slope=0.1, max_value=6.0, threshold=1.0),
           dict(negative_slope=0.2, max_value=3.0)]


def _value_and_grad(fw, fn, dtype, **kw):
    x = fw.constant(X.astype(dtype))
    with fw.GradientTape() as tape:
        tape.watch(x)
        y = fn(fw)(x, **kw)
    return y.numpy(), tape.gradient(y, x).numpy()


def _same(a, b):
    return (a.dtype == b.dtype and np.array_equal(a, b)
            and np.array_equal(np.signbit(a), np.signbit(b)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_relu_options_match_keras(tf_real, kw, dtype):
    relu = lambda fw: fw.keras.activations.relu      # noqa: E731
    (a, ga), (b, gb) = (_value_and_grad(fw, relu, dtype, **kw) for fw in (minitf, tf_real))
    assert _same(a, b) and _same(ga, gb), (a, b, ga, gb)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hard_sigmoid_matches_keras(tf_real, dtype):
    hs = lambda fw: fw.keras.activations.hard_sigmoid  # noqa: E731
    (a, ga), (b, gb) = (_value_and_grad(fw, hs, dtype) for fw in (minitf, tf_real))
    assert _same(a, b) and _same(ga, gb), (a, b, ga, gb)
