"""tf.image.adjust_contrast compared with TensorFlow: the same float32 bits (the per-channel
means are summed in TF's kernel's order), dtypes, errors and the missing gradient."""
import numpy as np
import pytest

import minitf


def _run(tf, shape, dtype, factor):
    x = np.random.RandomState(sum(shape)).rand(*shape)
    x = (x * 255).astype(dtype) if dtype == "uint8" else x.astype(dtype)
    try:
        y = tf.image.adjust_contrast(tf.constant(x), factor)
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    return y.dtype.name, tuple(y.shape), y.numpy()


@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 5, 2), (7, 9, 3), (2, 13, 11, 3),
                                   (2, 2, 64, 33, 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8", "float16"])
def test_values_match_tensorflow_bitwise(tf_real, shape, dtype):
    want = _run(tf_real, shape, dtype, 1.7)
    got = _run(minitf, shape, dtype, 1.7)
    if len(want) == 2:          # an error (float16 has no CPU kernel)
        assert got == want
        return
    assert got[:2] == want[:2]
    np.testing.assert_array_equal(got[2], want[2])


@pytest.mark.parametrize("shape,factor", [((3, 3), 2.0), ((2, 2, 3), [1.0, 2.0]),
                                          ((2, 2, 3), "f64"), ((2, 2, 3), 2)])
def test_errors_match_tensorflow(tf_real, shape, factor):
    def run(tf):
        f = tf.constant(2.0, tf.float64) if factor == "f64" else factor
        try:
            return tuple(tf.image.adjust_contrast(tf.zeros(shape), f).shape)
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e)
    assert run(minitf) == run(tf_real)


def test_gradient_lookup_error_matches_tensorflow(tf_real):
    def run(tf):
        image = tf.Variable([[[0.5, 0.0, 0.0]]])
        delta = tf.Variable(0.1)
        with tf.GradientTape() as tape:
            new_image = tf.image.adjust_contrast(image, delta)
        try:
            return tape.gradient(new_image, [image, delta])
        except LookupError as e:
            return type(e).__name__, str(e)
    assert run(minitf) == run(tf_real)
