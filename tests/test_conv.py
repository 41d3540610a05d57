"""Convolution, pooling and the CNN layers without TensorFlow: gradients against finite
differences in float64 (first and second order), max-pool tie routing and average-pool
divisors from their definitions, shapes and errors, Keras parameter counts from formulas, and
the same results on every backend (CuPy cases skip where no GPU is present).

Finite-difference bounds: the ops are linear in each argument (a convolution in the input and
in the filter, pooling in the input away from ties), so a central difference of the loss
``sum(up * op)`` along a direction v is exact up to rounding: |error| <= 2 ε S / h, with S the
loss's magnitude of terms (here below 1e3), ε = 2^-53 and h = 1e-3, i.e. < 1e-9. Quadratic
losses (second order) are exact the same way. We use atol 1e-7 on O(1..100) values.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf.ops.conv_ops import _conv_nd
from tests.test_backends import backend, gpu_backend  # noqa: F401  (fixtures)

H = 1e-3
ATOL = 1e-7

OPS = {
    "conv2d_same_stride": (lambda x, w: tf.nn.conv2d(x, w, 2, "SAME"), (2, 7, 6, 3), (3, 2, 3, 4)),
    "conv2d_dilated": (lambda x, w: tf.nn.conv2d(x, w, 1, "SAME", dilations=[2, 3]),
                       (1, 7, 8, 2), (2, 3, 2, 3)),
    "conv2d_explicit": (lambda x, w: tf.nn.conv2d(x, w, [1, 2], [[0, 0], [1, 2], [3, 0], [0, 0]]),
                        (2, 4, 5, 2), (3, 3, 2, 2)),
    "conv2d_grouped": (lambda x, w: tf.nn.conv2d(x, w, 1, "VALID"), (1, 5, 5, 6), (2, 2, 2, 3)),
    "conv1d": (lambda x, w: tf.nn.conv1d(x, w, 3, "SAME"), (2, 10, 3), (4, 3, 2)),
    "conv3d": (lambda x, w: tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME"),
               (1, 4, 5, 3, 2), (2, 2, 3, 2, 2)),
    "conv2d_transpose": (lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 8, 7, 3], [2, 2], "SAME"),
                         (2, 4, 4, 2), (3, 3, 3, 2)),
    "depthwise": (lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
                  (1, 6, 7, 3), (3, 2, 3, 2)),
    "max_pool2d": (lambda x, w: tf.nn.max_pool2d(x, 3, 2, "SAME"), (2, 7, 6, 2), None),
    "avg_pool2d": (lambda x, w: tf.nn.avg_pool2d(x, [2, 3], [1, 2], "SAME"), (2, 5, 6, 2), None),
    "max_pool1d": (lambda x, w: tf.nn.max_pool1d(x, 2, 1, "VALID"), (2, 6, 3), None),
    "avg_pool1d": (lambda x, w: tf.nn.avg_pool1d(x, 3, 2, "SAME"), (2, 7, 3), None),
}


def _loss(fn, x, w, up):
    return tf.reduce_sum(fn(x, w) * up)


def _grads(fn, xv, wv, up):
    x = tf.constant(xv)
    w = None if wv is None else tf.constant(wv)
    srcs = [x] if w is None else [x, w]
    with tf.GradientTape() as tape:
        tape.watch(srcs)
        loss = _loss(fn, x, w, up)
    return [g.numpy() for g in tape.gradient(loss, srcs)]


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradient_matches_finite_differences(name):
    fn, xs, ws = OPS[name]
    rng = np.random.default_rng(len(name))
    xv = rng.uniform(-2, 2, xs)
    wv = None if ws is None else rng.uniform(-1, 1, ws)
    up = tf.constant(rng.uniform(-1, 1, fn(tf.constant(xv), None if wv is None else
                                           tf.constant(wv)).shape))
    grads = _grads(fn, xv, wv, up)
    args = [xv] if wv is None else [xv, wv]
    for i, g in enumerate(grads):
        for _ in range(3):
            v = rng.standard_normal(args[i].shape)
            plus, minus = list(args), list(args)
            plus[i], minus[i] = args[i] + H * v, args[i] - H * v

            def f(a):
                return float(_loss(fn, tf.constant(a[0]),
                                   None if wv is None else tf.constant(a[1]), up))
            fd = (f(plus) - f(minus)) / (2 * H)
            assert abs(fd - float(np.sum(g * v))) < ATOL * max(1.0, abs(fd)), (name, i)


@pytest.mark.parametrize("name", ["conv2d_same_stride", "conv2d_grouped", "conv2d_transpose",
                                  "depthwise", "conv1d"])
def test_conv_second_order_matches_finite_differences(name):
    """Hessian-vector products of sum(conv(x, w)²) through nested tapes, every block (xx, xw,
    wx, ww), against central differences of the tape's own gradient."""
    fn, xs, ws = OPS[name]
    rng = np.random.default_rng(7)
    xv, wv = rng.uniform(-1, 1, xs), rng.uniform(-1, 1, ws)
    u = [rng.standard_normal(xs), rng.standard_normal(ws)]

    def grad(a, b):
        x, w = tf.constant(a), tf.constant(b)
        with tf.GradientTape() as t:
            t.watch([x, w])
            loss = tf.reduce_sum(fn(x, w) ** 2)
        return [g.numpy() for g in t.gradient(loss, [x, w])]

    x, w = tf.constant(xv), tf.constant(wv)
    with tf.GradientTape() as outer:
        outer.watch([x, w])
        with tf.GradientTape() as inner:
            inner.watch([x, w])
            loss = tf.reduce_sum(fn(x, w) ** 2)
        gx, gw = inner.gradient(loss, [x, w])
        s = tf.reduce_sum(gx * u[0]) + tf.reduce_sum(gw * u[1])
    hu = [g.numpy() for g in outer.gradient(s, [x, w])]     # H·u, H symmetric
    for i, shape in enumerate([xs, ws]):
        v = rng.standard_normal(shape)
        dv = [np.zeros(xs), np.zeros(ws)]
        dv[i] = H * v
        gp, gm = grad(xv + dv[0], wv + dv[1]), grad(xv - dv[0], wv - dv[1])
        fd = sum(np.sum((p - m) * uu) for p, m, uu in zip(gp, gm, u)) / (2 * H)   # vᵀ H u
        got = float(np.sum(hu[i] * v))
        assert abs(fd - got) < 1e-6 * max(1.0, abs(fd)), (name, i, fd, got)


def test_max_pool_second_order_is_the_routing():
    """d/dx of sum(g(x)) where g = d sum(maxpool(x)²)/dx = 2·maxpool(x) routed to the argmax:
    2 at each window's maximum (twice where an element is the maximum of two windows)."""
    xv = np.array([[1., 5., 2.], [4., 3., 0.], [6., 1., 2.]]).reshape(1, 3, 3, 1)
    x = tf.constant(xv)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.nn.max_pool2d(x, 2, 1, "VALID") ** 2)
        s = tf.reduce_sum(inner.gradient(y, x))
    # windows' maxima: 5 (top-left and top-right windows), 6 and 3 -> counts
    want = np.array([[0, 4, 0], [0, 2, 0], [2, 0, 0]], float)
    np.testing.assert_array_equal(outer.gradient(s, x).numpy()[0, :, :, 0], want)


def test_max_pool_ties_go_to_the_first_maximum(backend):
    x = tf.constant(np.array([[3., 3., 1.], [3., 3., 3.], [0., 3., 3.]]).reshape(1, 3, 3, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 1, "VALID")
        loss = tf.reduce_sum(y * tf.constant(np.array([1., 10., 100., 1000.]).reshape(1, 2, 2,
                                                                                    1)))
    g = tape.gradient(loss, x).numpy()[0, :, :, 0]
    # each window's first maximum in row-major order: (0,0), (0,1), (1,0), (1,1)
    np.testing.assert_array_equal(g, [[1, 10, 0], [100, 1000, 0], [0, 0, 0]])


def test_avg_pool_same_divides_by_covered_elements(backend):
    x = tf.reshape(tf.range(1., 21.), (1, 4, 5, 1))
    y = tf.nn.avg_pool2d(x, 3, 2, "SAME").numpy()[0, :, :, 0]
    v = np.arange(1., 21.).reshape(4, 5)
    # SAME: out 2x3, pads total rows 1 (0 before), cols 2 (1 before)
    want = [[v[0:3, 0:2].mean(), v[0:3, 1:4].mean(), v[0:3, 3:5].mean()],
            [v[2:4, 0:2].mean(), v[2:4, 1:4].mean(), v[2:4, 3:5].mean()]]
    np.testing.assert_allclose(y, want, rtol=1e-6)


def test_conv2d_values_from_the_definition(backend):
    rng = np.random.default_rng(2)
    xv, wv = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 2, 3, 4))
    y = tf.nn.conv2d(tf.constant(xv), tf.constant(wv), [2, 1], "SAME", dilations=1).numpy()
    # SAME: rows out 3, pad total 1 -> (0, 1); cols out 5, pad total 1 -> (0, 1)
    xp = np.pad(xv, ((0, 0), (0, 1), (0, 1), (0, 0)))
    want = np.zeros((2, 3, 5, 4))
    for i in range(3):
        for j in range(5):
            want[:, i, j] = np.einsum("nhwc,hwco->no", xp[:, 2 * i:2 * i + 3, j:j + 2], wv)
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12)


def test_channels_first_equals_channels_last():
    """The NCHW path (used on the GPU; TF's CPU kernels refuse it) is the NHWC convolution
    with transposed data."""
    rng = np.random.default_rng(5)
    xv, wv = rng.standard_normal((2, 7, 6, 3)), rng.standard_normal((3, 3, 3, 2))
    last = tf.nn.conv2d(tf.constant(xv), tf.constant(wv), 2, "SAME").numpy()
    first = _conv_nd("Conv2D", tf.constant(xv.transpose(0, 3, 1, 2)), tf.constant(wv), [2, 2],
                     [1, 1], "SAME", None, True).numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), last, rtol=1e-13, atol=1e-13)


def _nchw_on_cpu():
    # TF's CPU kernels refuse NCHW while its GPU kernels compute it (as minitf does on CuPy),
    # so the error is asked of the CPU even when the suite runs on the GPU backend
    with tf.device("/CPU:0"):
        return tf.nn.conv2d(tf.ones((1, 3, 5, 5)), tf.ones((2, 2, 3, 4)), 1, "VALID",
                            data_format="NCHW")


@pytest.mark.parametrize("call, error", [
    (_nchw_on_cpu, tf.errors.UnimplementedError),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 2, 4)), 1, "VALID"),
     tf.errors.InvalidArgumentError),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)), 1, "same"),
     tf.errors.InvalidArgumentError),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)), [1, 1, 1], "VALID"),
     ValueError),
    (lambda: tf.nn.conv1d(tf.ones((1, 5, 3)), tf.ones((2, 3, 4)), 1, [[0, 0], [1, 1], [0, 0]]),
     TypeError),
    (lambda: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1), tf.bool), 2, 2, "SAME"),
     tf.errors.InvalidArgumentError),
    (lambda: tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1), tf.int32), 2, 2, "SAME"),
     tf.errors.InvalidArgumentError),
    (lambda: tf.nn.max_pool(tf.ones((1, 2, 2, 2, 2, 1)), 2, 2, "SAME"), ValueError),
])
def test_bad_input_raises_tf_types(call, error):
    with pytest.raises(error) as e:
        call()
    assert "Conv" in str(e.value) or "Pool" in str(e.value) or "rank" in str(e.value) or \
        "padding" in str(e.value) or "length" in str(e.value)


def test_empty_output_when_window_is_larger():
    assert tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((6, 6, 3, 4)), 1, "VALID").shape == \
        (1, 0, 0, 4)
    assert tf.nn.max_pool2d(tf.ones((1, 5, 5, 3)), 6, 1, "VALID").shape == (1, 0, 0, 3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_same_on_every_backend(gpu_backend, name, dtype):  # noqa: F811
    """CuPy against the NumPy backend. Bound: both are IEEE sums of at most ~100 products of
    O(1) terms in a different order: float32 atol 1e-4 (100·2⁻²⁴·|terms| ≤ 6e-6·16), float64
    1e-12."""
    fn, xs, ws = OPS[name]
    rng = np.random.default_rng(11)
    xv = rng.uniform(-2, 2, xs).astype(dtype)
    wv = None if ws is None else rng.uniform(-1, 1, ws).astype(dtype)
    with tf.device("/CPU:0"):
        up = tf.constant(np.ones(fn(tf.constant(xv), None if wv is None else
                                    tf.constant(wv)).shape, dtype))
        ref = _grads(fn, xv, wv, up)
    got = _grads(fn, xv, wv, tf.constant(up.numpy()))
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, atol=1e-4 if dtype == "float32" else 1e-12)


# ---- layers ---------------------------------------------------------------------------------
L = tf.keras.layers


@pytest.mark.parametrize("layer, shape, count", [
    # kernel k·k·c_in·f + f biases
    (lambda: L.Conv2D(32, 3), (1, 28, 28, 1), 3 * 3 * 1 * 32 + 32),
    (lambda: L.Conv2D(64, (3, 2), use_bias=False), (1, 9, 9, 32), 3 * 2 * 32 * 64),
    (lambda: L.Conv2D(6, 3, groups=3), (1, 6, 6, 9), 3 * 3 * 3 * 6 + 6),
    (lambda: L.Conv1D(5, 4), (2, 10, 3), 4 * 3 * 5 + 5),
    (lambda: L.Conv3D(2, 2), (1, 4, 4, 4, 3), 2 * 2 * 2 * 3 * 2 + 2),
    # transpose: k·k·f·c_in + f
    (lambda: L.Conv2DTranspose(3, 3, strides=2), (1, 4, 4, 5), 3 * 3 * 3 * 5 + 3),
    # depthwise: k·k·c_in·m + c_in·m
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=2), (1, 5, 5, 4), 3 * 3 * 4 * 2 + 8),
    # separable: k·k·c_in·m + c_in·m·f + f
    (lambda: L.SeparableConv2D(8, 3, depth_multiplier=2), (1, 5, 5, 4),
     3 * 3 * 4 * 2 + 4 * 2 * 8 + 8),
])
def test_parameter_counts_follow_the_formula(layer, shape, count):
    lyr = layer()
    lyr(tf.ones(shape))
    assert lyr.count_params() == count


@pytest.mark.parametrize("layer, shape", [
    (lambda: L.Conv2D(4, 3, strides=2, padding="same"), (2, 7, 8, 3)),
    (lambda: L.Conv2D(4, 3, dilation_rate=2), (2, 9, 8, 3)),
    (lambda: L.Conv1D(4, 3, padding="causal", dilation_rate=2), (2, 9, 3)),
    (lambda: L.Conv3D(2, 2, strides=2), (1, 5, 4, 4, 1)),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same"), (2, 5, 4, 3)),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, output_padding=1), (2, 5, 4, 3)),
    (lambda: L.Conv2DTranspose(4, 4, strides=3), (2, 5, 4, 3)),
    (lambda: L.DepthwiseConv2D(3, strides=2, padding="same"), (2, 7, 7, 3)),
    (lambda: L.SeparableConv2D(5, 3, padding="same"), (2, 6, 7, 3)),
    (lambda: L.MaxPooling2D(3, 2, padding="same"), (2, 7, 8, 3)),
    (lambda: L.AveragePooling1D(3, padding="same"), (2, 7, 3)),
    (lambda: L.GlobalAveragePooling2D(keepdims=True), (2, 7, 8, 3)),
    (lambda: L.GlobalMaxPooling1D(), (2, 7, 3)),
    (lambda: L.UpSampling2D((2, 3)), (2, 3, 4, 3)),
    (lambda: L.ZeroPadding2D(((1, 2), (0, 3))), (2, 3, 4, 3)),
    (lambda: L.Cropping2D(((1, 0), (1, 2))), (2, 4, 5, 3)),
    (lambda: L.Resizing(5, 3), (2, 7, 8, 3)),
    (lambda: L.CenterCrop(3, 4), (2, 7, 8, 3)),
])
def test_compute_output_shape_matches_the_call(layer, shape):
    lyr = layer()
    y = lyr(tf.ones(shape))
    assert tuple(lyr.compute_output_shape((None,) + shape[1:])) == (None,) + tuple(y.shape[1:])


def test_cnn_in_sequential_summary_and_fit():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(8, 8, 1)),
        L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(), L.SeparableConv2D(3, 2),
        L.Flatten(), L.Dense(2)])
    assert model.count_params() == (9 * 4 + 4) + (2 * 2 * 4 + 4 * 3 + 3) + (2 * 2 * 3 * 2 + 2)
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    h = model.fit(rng.standard_normal((16, 8, 8, 1)).astype("float32"),
                  rng.integers(0, 2, 16), epochs=2, batch_size=8, verbose=0)
    assert len(h.history["loss"]) == 2 and np.isfinite(h.history["loss"]).all()


def test_layer_errors():
    with pytest.raises(ValueError):
        L.Conv2D(0, 3)
    with pytest.raises(ValueError):
        L.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError):
        L.Conv2D(4, 3, strides=2, dilation_rate=2)
    conv = L.Conv2D(2, 3)
    conv(tf.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="expected axis -1"):
        conv(tf.ones((1, 5, 5, 2)))
    with pytest.raises(ValueError, match="expected ndim=4"):
        conv(tf.ones((5, 5, 3)))


def test_spatial_dropout_drops_whole_channels():
    y = L.SpatialDropout2D(0.5, seed=1)(tf.ones((8, 4, 4, 16)), training=True).numpy()
    per_map = y.transpose(0, 3, 1, 2).reshape(8 * 16, 16)
    assert all(len(set(m.tolist())) == 1 for m in per_map)       # a map is all 0 or all 2
    assert set(np.unique(y).tolist()) == {0.0, 2.0}
    np.testing.assert_array_equal(L.SpatialDropout2D(0.5)(tf.ones((2, 3, 3, 4))).numpy(), 1.0)


def test_get_config_round_trip():
    for layer in [L.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
                  L.DepthwiseConv2D(3, depth_multiplier=2),
                  L.SeparableConv2D(4, 3), L.Conv2DTranspose(3, 3, strides=2),
                  L.MaxPooling2D(3), L.AveragePooling1D(2), L.GlobalMaxPooling2D(),
                  L.UpSampling2D(), L.ZeroPadding2D(2), L.Cropping2D(1), L.Rescaling(0.5),
                  L.Resizing(4, 4), L.CenterCrop(2, 2), L.RandomFlip("horizontal"),
                  L.RandomCrop(2, 2, seed=3), L.SpatialDropout2D(0.3)]:
        cfg = layer.get_config()
        clone = type(layer).from_config(cfg)
        assert clone.get_config() == cfg, type(layer).__name__


def test_cnn_training_same_on_every_backend(gpu_backend):  # noqa: F811
    """Three fit epochs of a small CNN (conv, depthwise, pooling, upsampling, resize) on CuPy
    equal the NumPy backend's (float32: sums in another order, the header's bound 1e-5
    relative, 1e-6 absolute as test_backends' training test)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 8, 8, 2)).astype(np.float32)
    y = rng.integers(0, 3, 32)

    def train():
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(8, 8, 2)), L.Conv2D(4, 3, padding="same", activation="relu"),
            L.DepthwiseConv2D(3, strides=2, padding="same"), L.MaxPooling2D(2, 1, "same"),
            L.UpSampling2D(), L.AveragePooling2D(2), L.Resizing(3, 3), L.Flatten(),
            L.Dense(3)])
        model.set_weights([np.random.default_rng(i).uniform(-0.3, 0.3, w.shape)
                           .astype(np.float32) for i, w in enumerate(model.get_weights())])
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        return h.history["loss"], model.get_weights()

    with tf.device("/CPU:0"):
        ref_loss, ref_w = train()
    loss, w = train()
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5)
    for a, b in zip(w, ref_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sizes, kernel, padding", [
    ((7, 6), (2, 2), "SAME"), ((8, 6), (2, 3), "VALID"), ((5,), (2,), "SAME"),
    ((4, 5, 6), (2, 1, 3), "SAME"), ((9, 9), (3, 3), "VALID")])
def test_tiling_windows_shortcut_equals_the_taps(sizes, kernel, padding):
    """Windows with stride = kernel take a reshape instead of one slice per tap: the same
    im2col array, and the same col2im."""
    from minitf.ops import _windows as W
    rng = np.random.default_rng(0)
    g = W.geometry(sizes, kernel, kernel, (1,) * len(kernel), padding)
    assert W._tiling(g)
    xp = W.pad(rng.standard_normal((2,) + sizes + (3,)), g)
    taps = np.stack([xp[W._tap_slices(t, g)] for t in g.taps], axis=-2)
    np.testing.assert_array_equal(W.patches(xp, g), taps)
    cols = rng.standard_normal(taps.shape)
    buf = np.zeros((2,) + g.padded + (3,))
    for i, t in enumerate(g.taps):
        buf[W._tap_slices(t, g)] += cols[..., i, :]
    crop = (slice(None),) + tuple(slice(lo, lo + m) for (lo, _), m in zip(g.pads, g.sizes))
    np.testing.assert_array_equal(W.col2im(cols, g, cols.dtype), buf[crop])


def test_unknown_image_size_stays_unknown_in_functional_models():
    """keras.Input(shape=(None, None, 3)): the conv and pooling layers' symbolic outputs keep
    height and width unknown (Keras's shapes), and the model runs on any size."""
    inp = tf.keras.Input(shape=(None, None, 3))
    y = L.Conv2D(4, 3)(inp)
    assert tuple(y.shape) == (None, None, None, 4)
    z = L.MaxPooling2D()(y)
    assert tuple(z.shape) == (None, None, None, 4)
    out = L.Dense(2)(L.GlobalAveragePooling2D()(z))
    assert tuple(out.shape) == (None, 2)
    model = tf.keras.Model(inp, out)
    assert model(np.ones((1, 10, 12, 3), "float32")).shape == (1, 2)
    fixed = L.Conv2D(4, 3)(tf.keras.Input(shape=(8, 9, 3)))
    assert tuple(fixed.shape) == (None, 6, 7, 4)


def test_channels_first_runs_on_the_gpu(gpu_backend):  # noqa: F811
    """TF's GPU kernels take NCHW (its CPU kernels refuse it, as minitf's NumPy backend does):
    on CuPy, NCHW convolution, depthwise convolution, pooling and a channels_first Conv2D
    layer equal the NHWC results transposed (float64: the same sums, 1e-12)."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 7, 6, 4))
    xf = tf.constant(x.transpose(0, 3, 1, 2))
    w, dw = tf.constant(rng.standard_normal((3, 3, 4, 5))), \
        tf.constant(rng.standard_normal((3, 3, 4, 2)))
    pairs = [(tf.nn.conv2d(tf.constant(x), w, 2, "SAME"),
              tf.nn.conv2d(xf, w, 2, "SAME", data_format="NCHW")),
             (tf.nn.depthwise_conv2d(tf.constant(x), dw, [1, 1, 1, 1], "VALID"),
              tf.nn.depthwise_conv2d(xf, dw, [1, 1, 1, 1], "VALID", data_format="NCHW")),
             (tf.nn.max_pool2d(tf.constant(x), 3, 2, "SAME"),
              tf.nn.max_pool2d(xf, 3, 2, "SAME", data_format="NCHW")),
             (tf.nn.avg_pool2d(tf.constant(x), 2, 1, "SAME"),
              tf.nn.avg_pool2d(xf, 2, 1, "SAME", data_format="NCHW"))]
    layer = L.Conv2D(3, 2, data_format="channels_first", dtype="float64")
    yl = layer(xf)
    pairs.append((tf.nn.conv2d(tf.constant(x), layer.kernel, 1, "VALID") + layer.bias, yl))
    for last, first in pairs:
        np.testing.assert_allclose(first.numpy().transpose(0, 2, 3, 1), last.numpy(),
                                   rtol=1e-12, atol=1e-12)
