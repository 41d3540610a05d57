"""tf.image.adjust_contrast: each channel moved away from (or towards) its per-image mean,
checked against the formula in float64; TF registers no gradient for it (LookupError)."""
import numpy as np
import pytest

import minitf as tf


def _reference(x: np.ndarray, factor: float) -> np.ndarray:
    mean = x.mean(axis=(-3, -2), keepdims=True)
    return (x - mean) * factor + mean


@pytest.mark.parametrize("shape", [(1, 1, 3), (3, 5, 2), (2, 7, 3, 1), (2, 2, 4, 4, 3)])
def test_matches_the_formula(shape):
    x = np.random.RandomState(0).rand(*shape)
    got = tf.image.adjust_contrast(tf.constant(x, tf.float32), 1.7).numpy()
    assert got.dtype == np.float32
    # float32 work on values in [0, 1]: the mean of at most 35 terms is within ~35 ulps
    # (2**-24 each), then one subtract, multiply and add: 1e-5 absolute bounds it.
    np.testing.assert_allclose(got, _reference(x.astype(np.float32).astype(np.float64), 1.7),
                               atol=1e-5)


def test_exact_on_small_integers():
    x = tf.constant([[[1.0, 10.0], [3.0, 20.0]], [[5.0, 30.0], [7.0, 40.0]]])   # means 4, 25
    got = tf.image.adjust_contrast(x, 2.0).numpy()
    np.testing.assert_array_equal(got, [[[-2.0, -5.0], [2.0, 15.0]], [[6.0, 35.0], [10.0, 55.0]]])


def test_other_dtypes_are_converted_and_back():
    x = np.array([[[0.25], [0.75]]])
    out64 = tf.image.adjust_contrast(tf.constant(x), 3.0)
    assert out64.dtype == tf.float64
    np.testing.assert_array_equal(out64.numpy(), [[[-0.25], [1.25]]])     # float: not clipped
    u8 = tf.image.adjust_contrast(tf.constant([[[100], [200]]], tf.uint8), 3.0)
    assert u8.dtype == tf.uint8
    # 100/255 and 200/255 spread about their mean by 3: 0/255 (clipped from -50) and 255.
    assert u8.numpy().ravel().tolist() == [0, 255]


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input must be at least 3-D, "
                                                             r"got shape\[3,3\]"):
        tf.image.adjust_contrast(tf.zeros([3, 3]), 2.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"contrast_factor must be scalar"):
        tf.image.adjust_contrast(tf.zeros([2, 2, 3]), [1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="is a double tensor"):
        tf.image.adjust_contrast(tf.zeros([2, 2, 3]), tf.constant(2.0, tf.float64))
    if tf.get_backend() == "numpy":
        with pytest.raises(tf.errors.NotFoundError, match="T=DT_HALF"):
            tf.image.adjust_contrast(tf.zeros([2, 2, 3], tf.float16), 2.0)


def test_no_gradient_registered():
    image = tf.Variable([[[0.5, 0.0, 0.0]]])
    delta = tf.Variable(0.1)
    with tf.GradientTape() as tape:
        new_image = tf.image.adjust_contrast(image, delta)
    with pytest.raises(LookupError, match="gradient registry has no entry for: "
                                          "AdjustContrastv2"):
        tape.gradient(new_image, [image, delta])


def test_off_the_path_it_does_not_matter():
    image = tf.Variable([[[0.5, 0.0, 0.0]]])
    delta = tf.Variable(0.1)
    with tf.GradientTape() as tape:
        tf.image.adjust_contrast(image, delta)
        z = tf.reduce_sum(image * 2.0)
    g_image, g_delta = tape.gradient(z, [image, delta])
    assert g_image.numpy().tolist() == [[[2.0, 2.0, 2.0]]] and g_delta is None
