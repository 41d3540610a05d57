"""``tf.image`` without TensorFlow: resize against its definition (half-pixel centres), the
resize gradient as the adjoint of the forward map, crops and flips, standardisation,
dtype conversion, PNG/JPEG round trips and the message when Pillow is missing.

Bilinear resizing computes in float32 (as TF's kernel): each output is two nested
a + (b - a)·t steps with float32 weights, within 4 roundings of the float64 formula on the
same weights: atol 8·2^-24·max|x|.
"""
from __future__ import annotations

import builtins

import numpy as np
import pytest

import minitf as tf


def _bilinear_ref(x, oh, ow):
    """TF2's half-pixel bilinear resize of (H, W) in float64 with float32 sample positions."""
    h, w = x.shape

    def axis(n, o):
        pos = (np.arange(o, dtype=np.float32) + np.float32(0.5)) * (np.float32(n) /
                                                                   np.float32(o)) - np.float32(0.5)
        lo = np.maximum(np.floor(pos), 0).astype(int)
        hi = np.minimum(np.ceil(pos), n - 1).astype(int)
        return lo, hi, (pos - np.floor(pos)).astype(np.float64)
    ylo, yhi, yl = axis(h, oh)
    xlo, xhi, xl = axis(w, ow)
    top = x[ylo][:, xlo] + (x[ylo][:, xhi] - x[ylo][:, xlo]) * xl
    bot = x[yhi][:, xlo] + (x[yhi][:, xhi] - x[yhi][:, xlo]) * xl
    return top + (bot - top) * yl[:, None]


@pytest.mark.parametrize("src, dst", [((4, 5), (7, 3)), ((6, 6), (3, 4)), ((1, 3), (4, 6)),
                                      ((5, 5), (5, 5))])
def test_bilinear_resize_follows_half_pixel_centres(src, dst):
    x = np.random.default_rng(0).uniform(0, 10, src)
    got = tf.image.resize(x[None, :, :, None], dst).numpy()[0, :, :, 0]
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _bilinear_ref(x.astype(np.float32).astype(np.float64),
                                                  *dst), rtol=0, atol=8 * 2 ** -24 * 10)


def test_nearest_resize_picks_floor_of_the_centre():
    x = np.arange(12).reshape(1, 3, 4, 1).astype(np.int32)
    y = tf.image.resize(x, (5, 3), method="nearest")
    assert y.dtype == tf.int32
    # rows: floor((i + 0.5) * 3/5) = 0, 0, 1, 2, 2; cols: floor((j + 0.5) * 4/3) = 0, 2, 3
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], x[0, [0, 0, 1, 2, 2]][:, [0, 2, 3], 0])


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_resize_gradient_is_the_adjoint(method):
    """<up, R x> = <R^T up, x> for the gradient R^T up: the resize is linear in x."""
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((2, 5, 4, 3)).astype(np.float32))
    up = tf.constant(rng.standard_normal((2, 3, 7, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.image.resize(x, (3, 7), method=method)
        loss = tf.reduce_sum(y * up)
    g = tape.gradient(loss, x).numpy().astype(np.float64)
    lhs = float(np.sum(y.numpy().astype(np.float64) * up.numpy()))
    rhs = float(np.sum(g * x.numpy()))
    assert abs(lhs - rhs) <= 1e-4 * np.sum(np.abs(up.numpy())) * np.abs(x.numpy()).max()


def test_flips_crops_and_standardization():
    x = tf.reshape(tf.range(24.), (2, 3, 4, 1))
    np.testing.assert_array_equal(tf.image.flip_left_right(x).numpy(), x.numpy()[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(x).numpy(), x.numpy()[:, ::-1])
    img = tf.reshape(tf.range(49.), (7, 7, 1))
    np.testing.assert_array_equal(tf.image.central_crop(img, 0.5).numpy(),
                                  img.numpy()[1:6, 1:6])     # int((7 - 3.5) / 2) = 1
    s = tf.image.per_image_standardization(x).numpy()
    v = x.numpy()
    want = (v - v.mean(axis=(1, 2, 3), keepdims=True)) / v.std(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(s, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(tf.image.per_image_standardization(tf.ones((2, 2, 1))), 0.0)


def test_random_crop_is_a_window_of_the_input():
    x = np.arange(5 * 6 * 2).reshape(5, 6, 2)
    for seed in range(5):
        y = tf.image.random_crop(x, (3, 4, 2), seed=seed).numpy()
        found = [(i, j) for i in range(3) for j in range(3)
                 if np.array_equal(x[i:i + 3, j:j + 4], y)]
        assert len(found) == 1
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.image.random_crop(x, (6, 4, 2))


def test_convert_image_dtype_rules():
    c = tf.image.convert_image_dtype
    np.testing.assert_allclose(c(tf.constant([0, 51, 255], tf.uint8), tf.float32).numpy(),
                               [0, 0.2, 1], rtol=1e-6)
    # float -> integer: x·(MAX + 0.5), truncated; saturate clips first
    np.testing.assert_array_equal(c(tf.constant([0.0, 0.5, 1.0]), tf.uint8).numpy(),
                                  [0, 127, 255])
    np.testing.assert_array_equal(c(tf.constant([1.2, -0.1]), tf.uint8, saturate=True).numpy(),
                                  [255, 0])
    # integer -> integer: by the ratio of (MAX + 1)s
    np.testing.assert_array_equal(c(tf.constant([1, 255], tf.uint8), tf.int32).numpy(),
                                  [2 ** 23, 255 * 2 ** 23])
    with pytest.raises(AttributeError):
        c(tf.constant([True]), tf.float32)


def test_png_and_jpeg_round_trips():
    img = np.random.default_rng(0).integers(0, 256, (4, 5, 3)).astype(np.uint8)
    png = tf.image.encode_png(img)
    assert png.dtype == tf.string and png.shape == ()
    np.testing.assert_array_equal(tf.image.decode_png(png).numpy(), img)
    flat = np.full((8, 8, 3), 120, np.uint8)
    back = tf.image.decode_jpeg(tf.image.encode_jpeg(flat, quality=95)).numpy()
    assert np.abs(back.astype(int) - 120).max() <= 1
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.image.decode_png(tf.image.encode_jpeg(flat))


def test_missing_pillow_names_the_extra(monkeypatch):
    real = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match=r"pillow.*minitf\[image\]"):
        tf.image.encode_png(np.zeros((1, 1, 1), np.uint8))
