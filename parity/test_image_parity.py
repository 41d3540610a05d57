"""``tf.image`` against TensorFlow: resize (bilinear and nearest, up and down, values and
gradients), flips, central_crop, per_image_standardization, convert_image_dtype, PNG coding
(byte-exact pixels) and JPEG decoding, and the exception types of bad input.

Bounds. Bilinear resizing computes in float32 in both (TF's kernel does, for any input dtype):
each output is a + (b - a)·t twice over, with the same float32 weights t, each step within
2 roundings, so the two agree to 8·u·max|x| (u = 2^-24); the gradient adds at most
ceil(in/out) + 1 upstream values per input per axis, each weighted, so 2·(n + 1)·u·S with S
the same adjoint of |upstream| (computed in float64). Nearest, flips and crops only move
values: exact. Standardisation: mean and standard deviation are sums of m float32 terms
(m = pixels), so each within m·u relative; the result (x - mean)/std within (2m + 4)·u·(|x| +
|mean|)/std.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf

U32 = 2.0 ** -24

RESIZES = [((4, 5), (7, 3), "bilinear"), ((6, 6), (3, 4), "bilinear"), ((3, 4), (5, 3),
           "nearest"), ((7, 5), (2, 3), "nearest"), ((5, 5), (5, 5), "bilinear"),
           ((1, 4), (3, 8), "bilinear")]


def _resize(fw, xv, size, method, up):
    x = fw.constant(xv)
    with fw.GradientTape() as tape:
        tape.watch(x)
        y = fw.image.resize(x, size, method=method)
        loss = fw.reduce_sum(y * fw.constant(up.astype(y.dtype.name)))
    return np.asarray(y), np.asarray(tape.gradient(loss, x))


@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8"])
@pytest.mark.parametrize("src, size, method", RESIZES)
def test_resize_matches_tf(tf_real, src, size, method, dtype):
    rng = np.random.default_rng(sum(src) + sum(size))
    xv = (rng.uniform(0, 255, (2,) + src + (3,))).astype(dtype)
    up = rng.uniform(-1, 1, (2,) + size + (3,))
    if dtype == "uint8":     # integers have no gradient: values only
        got = np.asarray(minitf.image.resize(xv, size, method=method))
        want = np.asarray(tf_real.image.resize(xv, size, method=method))
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=0, atol=8 * U32 * 255)
        return
    gy, gg = _resize(minitf, xv, size, method, up)
    ty, tg = _resize(tf_real, xv, size, method, up)
    assert gy.dtype == ty.dtype and gg.dtype == tg.dtype
    if method == "nearest":
        np.testing.assert_array_equal(gy, ty)
        np.testing.assert_allclose(gg, tg, rtol=0, atol=4 * U32 * np.abs(up).sum())
        return
    np.testing.assert_allclose(gy, ty, rtol=0, atol=8 * U32 * np.abs(xv).max())
    _, s = _resize(minitf, np.abs(xv).astype("float64"), size, method, np.abs(up))
    n = max(-(-a // b) for a, b in zip(src, size)) + 1
    assert np.all(np.abs(gg - tg) <= 2 * (n * n + 1) * U32 * np.abs(s) + 1e-30)


def test_resize_single_image_and_3d_input(tf_real):
    xv = np.arange(12.0).reshape(3, 4, 1)
    np.testing.assert_allclose(np.asarray(minitf.image.resize(xv, (5, 3))),
                               np.asarray(tf_real.image.resize(xv, (5, 3))), atol=1e-5)


OPS = {
    "flip_left_right": lambda tf, x: tf.image.flip_left_right(x),
    "flip_up_down": lambda tf, x: tf.image.flip_up_down(x),
    "central_crop_half": lambda tf, x: tf.image.central_crop(x, 0.5),
    "central_crop_0.33": lambda tf, x: tf.image.central_crop(x, 0.33),
    "central_crop_1": lambda tf, x: tf.image.central_crop(x, 1.0),
}


@pytest.mark.parametrize("shape", [(7, 7, 2), (2, 6, 10, 1), (5, 4, 3)])
@pytest.mark.parametrize("name", sorted(OPS))
def test_moving_ops_are_exact(tf_real, name, shape):
    xv = np.random.default_rng(0).standard_normal(shape)

    def run(fw):
        x = fw.constant(xv)
        with fw.GradientTape() as tape:
            tape.watch(x)
            y = OPS[name](fw, x)
            loss = fw.reduce_sum(y * y * y)
        return np.asarray(y), np.asarray(tape.gradient(loss, x))
    for g, t in zip(run(minitf), run(tf_real)):
        np.testing.assert_array_equal(g, t)


@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8", "int32"])
def test_per_image_standardization_matches_tf(tf_real, dtype):
    rng = np.random.default_rng(1)
    xv = rng.uniform(0, 200, (2, 4, 5, 3)).astype(dtype)
    got = np.asarray(minitf.image.per_image_standardization(xv))
    want = np.asarray(tf_real.image.per_image_standardization(xv))
    assert got.dtype == want.dtype
    x64 = xv.astype(np.float64)
    m = 4 * 5 * 3
    std = x64.reshape(2, -1).std(axis=1).reshape(2, 1, 1, 1)
    bound = (2 * m + 4) * U32 * (np.abs(x64) + np.abs(x64.mean(axis=(1, 2, 3),
                                                               keepdims=True))) / std
    assert np.all(np.abs(got - want) <= bound)
    flat = np.full((1, 2, 2, 1), 7.0, "float32")       # stddev 0: the 1/sqrt(pixels) floor
    np.testing.assert_array_equal(np.asarray(minitf.image.per_image_standardization(flat)),
                                  np.asarray(tf_real.image.per_image_standardization(flat)))


CONVERSIONS = [
    ("uint8", "float32", [0, 1, 128, 255], False),
    ("uint8", "float64", [0, 1, 128, 255], False),
    ("float32", "uint8", [0.0, 0.25, 0.5, 1.0, 0.999], False),
    ("float32", "uint8", [0.0, 1.2, -0.1, 1.0], True),
    ("float32", "int16", [-0.5, 0.5, 1.0, -1.0], False),
    ("uint8", "int16", [0, 1, 128, 255], False),
    ("uint8", "int32", [0, 1, 128, 255], False),
    ("int32", "uint8", [0, 2 ** 30, 2 ** 31 - 1, 5], False),
    ("int16", "uint8", [0, 255, 256, 32767], True),
    ("float64", "float32", [0.1, 0.5, 2.0], False),
    ("float32", "float32", [0.1, 0.5, 2.0], False),
]


@pytest.mark.parametrize("src, dst, values, saturate", CONVERSIONS)
def test_convert_image_dtype_matches_tf(tf_real, src, dst, values, saturate):
    x = np.array(values, dtype=src)
    got = minitf.image.convert_image_dtype(minitf.constant(x), getattr(minitf, dst),
                                           saturate=saturate)
    want = tf_real.image.convert_image_dtype(tf_real.constant(x), getattr(tf_real, dst),
                                             saturate=saturate)
    assert got.dtype.name == want.dtype.name
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_png_round_trip_matches_tf(tf_real, channels):
    img = np.random.default_rng(channels).integers(0, 256, (5, 7, channels)).astype("uint8")
    ours = minitf.image.encode_png(img).numpy()
    theirs = tf_real.image.encode_png(img).numpy()
    for blob in (ours, theirs):        # each decodes the other's file to the same pixels
        np.testing.assert_array_equal(np.asarray(minitf.image.decode_png(blob)), img)
        np.testing.assert_array_equal(np.asarray(tf_real.image.decode_png(blob)), img)
    for c in (1, 3, 4):
        got = np.asarray(minitf.image.decode_png(theirs, channels=c)).astype(int)
        want = np.asarray(tf_real.image.decode_png(theirs, channels=c)).astype(int)
        assert got.shape == want.shape
        # colour to grey: TF goes through libpng's fixed-point rgb_to_gray, Pillow through
        # ITU-R 601-2 luma with its own rounding: the same weights, rounded differently, so
        # at most one level apart; every other conversion only drops or adds channels: exact
        one_level = c == 1 and channels >= 3
        assert np.abs(got - want).max() <= (1 if one_level else 0)


def test_jpeg_decoding_matches_tf(tf_real):
    """Pillow's libjpeg decodes with the accurate integer inverse DCT: bit-equal to TF's
    ``dct_method='INTEGER_ACCURATE'`` (TF's default is the fast, less accurate IDCT)."""
    yy, xx = np.mgrid[0:16, 0:24]
    img = np.stack([yy * 8, xx * 6, (yy + xx) * 4], -1).astype("uint8")
    blob = tf_real.image.encode_jpeg(img, quality=90).numpy()
    got = np.asarray(minitf.image.decode_jpeg(blob))
    want = np.asarray(tf_real.image.decode_jpeg(blob, dct_method="INTEGER_ACCURATE"))
    np.testing.assert_array_equal(got, want)
    ours = minitf.image.encode_jpeg(img, quality=90).numpy()
    assert np.abs(np.asarray(tf_real.image.decode_jpeg(ours)).astype(int) - img).max() < 24


BAD = {
    "resize_rank2": lambda tf: tf.image.resize(tf.ones((3, 4)), (2, 2)),
    "resize_size3": lambda tf: tf.image.resize(tf.ones((1, 3, 4, 1)), (2, 2, 1)),
    "resize_method": lambda tf: tf.image.resize(tf.ones((1, 3, 4, 1)), (2, 2), method="foo"),
    "resize_zero": lambda tf: tf.image.resize(tf.ones((1, 3, 4, 1)), (0, 2)),
    "flip_rank2": lambda tf: tf.image.flip_left_right(tf.ones((3, 4))),
    "central_crop_0": lambda tf: tf.image.central_crop(tf.ones((3, 4, 1)), 0.0),
    "central_crop_rank2": lambda tf: tf.image.central_crop(tf.ones((3, 4)), 0.5),
    "convert_bool": lambda tf: tf.image.convert_image_dtype(tf.constant([True]), tf.float32),
    "random_crop_too_big": lambda tf: tf.image.random_crop(tf.ones((1, 3, 4, 1)), (1, 4, 2, 1)),
    "random_crop_rank": lambda tf: tf.image.random_crop(tf.ones((1, 3, 4, 1)), (2, 2, 1)),
    "random_flip_rank2": lambda tf: tf.image.random_flip_left_right(tf.ones((3, 4))),
    "encode_png_float": lambda tf: tf.image.encode_png(tf.ones((3, 4, 1))),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_tf_type(tf_real, case):
    with pytest.raises(Exception) as want:
        BAD[case](tf_real)
    with pytest.raises(Exception) as got:
        BAD[case](minitf)
    assert type(got.value).__name__ == type(want.value).__name__, (got.value, want.value)


def test_random_ops_give_tf_shapes(tf_real):
    x = np.arange(60.0).reshape(1, 5, 4, 3)
    for fn in (lambda tf: tf.image.random_crop(x, (1, 2, 3, 3), seed=1),
               lambda tf: tf.image.random_flip_left_right(x, seed=1),
               lambda tf: tf.image.random_flip_up_down(x[0], seed=1)):
        got, want = fn(minitf), fn(tf_real)
        assert tuple(got.shape) == tuple(want.shape) and got.dtype.name == want.dtype.name


@pytest.mark.parametrize("src, size", [((3, 4), (6, 6)), ((5, 3), (4, 4)), ((7, 9), (5, 3))])
def test_resize_preserving_aspect_ratio_matches_tf(tf_real, src, size):
    xv = np.random.default_rng(2).uniform(0, 1, (1,) + src + (2,)).astype("float32")
    got = np.asarray(minitf.image.resize(xv, size, preserve_aspect_ratio=True))
    want = np.asarray(tf_real.image.resize(xv, size, preserve_aspect_ratio=True))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=8 * U32)
