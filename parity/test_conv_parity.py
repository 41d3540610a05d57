"""Convolution and pooling ops against TensorFlow: values and gradients (with respect to the
input and the filter), float32 and float64, on identical inputs, with edge cases on purpose
(odd sizes, strides larger than the kernel, dilation, padding at the borders, ties), and the
exception types of bad input.

The bound is derived, not tuned. Each output element of these ops (and of their gradients,
which are convolutions too) is a sum of at most ``n`` products of exact inputs. A sum of n
products computed in any order with unit roundoff u errs by at most n·u·S, where S is the same
sum with every term replaced by its absolute value (Higham, *Accuracy and Stability*, 3.1;
fused multiply-adds only tighten it). TensorFlow's and minitf's results are each within that
of the exact sum, so they differ by at most 2·n·u·S. S is computed by running the same op in
float64 on |inputs| and |upstream gradient|, so the bound is elementwise. Max pooling only
selects, but its gradient adds the upstream values of every window whose maximum an element
is (n: the most windows that overlap one element, ceil(k/s) per axis); average pooling adds one
division (n + 1 terms).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf

U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}

# name: (fn(tf, x, w), x shape, w shape or None, n: the most terms any element sums)
CASES = {
    "conv2d_valid": (lambda tf, x, w: tf.nn.conv2d(x, w, 1, "VALID"),
                     (2, 6, 5, 3), (3, 2, 3, 4), 2 * 6 * 5 * 4),
    "conv2d_same_stride2_odd": (lambda tf, x, w: tf.nn.conv2d(x, w, 2, "SAME"),
                                (2, 7, 5, 3), (3, 3, 3, 2), 2 * 7 * 5 * 3),
    "conv2d_stride_gt_kernel": (lambda tf, x, w: tf.nn.conv2d(x, w, [3, 4], "SAME"),
                                (1, 8, 9, 2), (2, 2, 2, 3), 8 * 9 * 3),
    "conv2d_dilated_same": (lambda tf, x, w: tf.nn.conv2d(x, w, 1, "SAME", dilations=2),
                            (2, 7, 6, 2), (3, 3, 2, 3), 2 * 7 * 6 * 3),
    "conv2d_dilated_strided": (lambda tf, x, w: tf.nn.conv2d(x, w, 2, "VALID", dilations=2),
                               (1, 9, 8, 2), (2, 3, 2, 2), 9 * 8 * 2),
    "conv2d_explicit": (lambda tf, x, w: tf.nn.conv2d(x, w, [2, 1],
                                                     [[0, 0], [2, 1], [0, 3], [0, 0]]),
                        (2, 5, 4, 3), (3, 2, 3, 2), 2 * 8 * 7 * 3),
    "conv2d_grouped": (lambda tf, x, w: tf.nn.conv2d(x, w, 1, "SAME"),
                       (2, 5, 5, 4), (3, 3, 2, 6), 2 * 5 * 5 * 6),
    "conv1d_same_stride": (lambda tf, x, w: tf.nn.conv1d(x, w, 2, "SAME"),
                           (3, 9, 2), (4, 2, 3), 3 * 9 * 3),
    "conv1d_dilated": (lambda tf, x, w: tf.nn.conv1d(x, w, 1, "VALID", dilations=3),
                       (2, 11, 3), (3, 3, 2), 2 * 11 * 3),
    "conv3d_same": (lambda tf, x, w: tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"),
                    (2, 5, 4, 5, 2), (2, 3, 2, 2, 3), 2 * 5 * 4 * 5 * 3),
    "conv2d_transpose_same": (lambda tf, x, w: tf.nn.conv2d_transpose(x, w, [2, 9, 10, 3], 2,
                                                                      "SAME"),
                              (2, 5, 5, 4), (3, 3, 3, 4), 2 * 9 * 10 * 4),
    "conv2d_transpose_valid": (lambda tf, x, w: tf.nn.conv2d_transpose(x, w, [1, 8, 7, 2],
                                                                       [2, 3], "VALID"),
                               (1, 3, 2, 3), (3, 2, 2, 3), 8 * 7 * 3),
    "depthwise_same": (lambda tf, x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
                       (2, 7, 6, 3), (3, 3, 3, 2), 2 * 7 * 6 * 2),
    "depthwise_dilated": (lambda tf, x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID",
                                                                  dilations=[2, 2]),
                          (1, 7, 7, 2), (2, 3, 2, 2), 7 * 7 * 2),
    "convolution_1d": (lambda tf, x, w: tf.nn.convolution(x, w, 2, "SAME"),
                       (2, 9, 3), (3, 3, 2), 2 * 9 * 3),
    "convolution_2d": (lambda tf, x, w: tf.nn.convolution(x, w, [2, 1], "VALID"),
                       (2, 7, 6, 2), (3, 2, 2, 3), 2 * 7 * 6 * 3),
    "convolution_3d": (lambda tf, x, w: tf.nn.convolution(x, w, [1, 2, 1], "SAME", "NDHWC"),
                       (1, 4, 5, 3, 2), (2, 2, 2, 2, 3), 4 * 5 * 3 * 3),
    "atrous_conv2d": (lambda tf, x, w: tf.nn.atrous_conv2d(x, w, 2, "SAME"),
                      (2, 7, 6, 2), (3, 3, 2, 3), 2 * 7 * 6 * 3),
    "max_pool2d_same_odd": (lambda tf, x, w: tf.nn.max_pool2d(x, 3, 2, "SAME"),
                            (2, 7, 6, 3), None, 4),
    "max_pool2d_stride_gt_kernel": (lambda tf, x, w: tf.nn.max_pool2d(x, [2, 1], [3, 2],
                                                                      "VALID"),
                                    (1, 8, 7, 2), None, 1),
    "max_pool2d_explicit": (lambda tf, x, w: tf.nn.max_pool2d(
        x, 2, 2, [[0, 0], [1, 0], [1, 1], [0, 0]]), (1, 5, 4, 2), None, 1),
    "max_pool1d_same": (lambda tf, x, w: tf.nn.max_pool1d(x, 3, 2, "SAME"), (2, 8, 3), None, 2),
    "max_pool3d": (lambda tf, x, w: tf.nn.max_pool3d(x, 2, [1, 2, 2], "SAME"),
                   (1, 3, 5, 4, 2), None, 2),
    "avg_pool2d_same_odd": (lambda tf, x, w: tf.nn.avg_pool2d(x, 3, 2, "SAME"),
                            (2, 7, 6, 3), None, 10),
    "avg_pool2d_valid_stride": (lambda tf, x, w: tf.nn.avg_pool2d(x, [2, 3], [3, 1], "VALID"),
                                (1, 8, 7, 2), None, 7),
    "avg_pool1d_same": (lambda tf, x, w: tf.nn.avg_pool1d(x, 4, 3, "SAME"), (2, 10, 2), None, 5),
    "avg_pool3d_same": (lambda tf, x, w: tf.nn.avg_pool3d(x, 2, 2, "SAME"),
                        (1, 3, 5, 4, 2), None, 9),
}


# TF's CPU kernels for 3-D pooling exist in float32 only (float64 is an error there)
FLOAT32_ONLY = {"max_pool3d", "avg_pool3d_same"}

# TF's CPU kernels compute these forward but have no gradient for them (dilated
# Conv2DBackpropInput, grouped convolution: InvalidArgumentError). minitf differentiates them;
# the reference is then the same mathematics through ops TF can differentiate on a CPU:
# atrous_conv2d (space-to-batch around a plain convolution), subsampled for a stride with VALID
# padding, and a grouped convolution as one convolution per group.
TF_REFERENCE = {
    "conv2d_dilated_same": lambda tf, x, w: tf.nn.atrous_conv2d(x, w, 2, "SAME"),
    "conv2d_dilated_strided": lambda tf, x, w: tf.nn.atrous_conv2d(x, w, 2, "VALID")[:, ::2,
                                                                                    ::2],
    "conv1d_dilated": lambda tf, x, w: tf.nn.atrous_conv2d(x[:, None], w[None], 3,
                                                           "VALID")[:, 0],
    "conv2d_grouped": lambda tf, x, w: tf.concat(
        [tf.nn.conv2d(xg, wg, 1, "SAME") for xg, wg in
         zip(tf.split(x, 2, axis=3), tf.split(w, 2, axis=3))], axis=3),
}


def _run(fw, fn, xv, wv, up, dtype):
    x = fw.constant(xv.astype(dtype))
    w = None if wv is None else fw.constant(wv.astype(dtype))
    srcs = [x] if w is None else [x, w]
    with fw.GradientTape() as tape:
        tape.watch(srcs)
        y = fn(fw, x, w)
        loss = fw.reduce_sum(y * fw.constant(up.astype(dtype)))
    return [np.asarray(y)] + [np.asarray(g) for g in tape.gradient(loss, srcs)]


def _inputs(name, xs, ws):
    rng = np.random.default_rng(abs(hash(name)) % 2 ** 32)
    xv = rng.uniform(-2, 2, xs)
    wv = None if ws is None else rng.uniform(-1, 1, ws)
    return rng, xv, wv


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_tf(tf_real, name, dtype):
    fn, xs, ws, n = CASES[name]
    if dtype == "float64" and name in FLOAT32_ONLY:
        with pytest.raises(tf_real.errors.OpError):     # so this line cannot go stale
            _run(tf_real, fn, np.ones(xs), None, np.ones(1), dtype)
        return
    rng, xv, wv = _inputs(name, xs, ws)
    yshape = np.asarray(fn(tf_real, tf_real.constant(xv.astype("float32")), None if wv is None
                           else tf_real.constant(wv.astype("float32")))).shape
    up = rng.uniform(-1, 1, yshape)
    got = _run(minitf, fn, xv, wv, up, dtype)
    if name in TF_REFERENCE:
        try:              # TF's oneDNN kernels (TF_ENABLE_ONEDNN_OPTS=1) differentiate these
            want = _run(tf_real, fn, xv, wv, up, dtype)
        except tf_real.errors.InvalidArgumentError:    # its reference kernels do not
            want = _run(tf_real, TF_REFERENCE[name], xv, wv, up, dtype)
    else:
        want = _run(tf_real, fn, xv, wv, up, dtype)
    # S: the same sums over absolute values, exactly enough in float64 (see module docstring)
    # Max pooling is not monotone in |x|: its S routes |upstream| through x's own maxima.
    xs_ = xv if name.startswith("max_pool") else np.abs(xv)
    s = _run(minitf, fn, xs_, None if wv is None else np.abs(wv), np.abs(up), "float64")
    for g, t, a, what in zip(got, want, s, ["value", "d/dinput", "d/dfilter"]):
        assert g.shape == t.shape and g.dtype == t.dtype, (what, g.shape, t.shape)
        bound = 2 * (n + 1) * U[dtype] * np.abs(a)
        err = np.abs(g.astype(np.float64) - t.astype(np.float64))
        assert np.all(err <= bound), (what, float(np.max(err - bound)))


# max pooling at ties and at the borders: the gradient's routing must be TF's exactly
TIES = {
    "one_window_all_equal": (np.ones((1, 2, 2, 1)), 2, 2, "VALID"),
    "overlapping_windows": (np.array([1., 3., 3., 1., 3., 3., 0., 3., 2.]).reshape(1, 3, 3, 1),
                            2, 1, "VALID"),
    "same_padding_negative": (-np.ones((1, 3, 3, 1)), 2, 2, "SAME"),
    "plateau_stride_gt_kernel": (np.full((1, 5, 5, 2), 4.0), 2, 3, "SAME"),
    "column_ties": (np.array([[2., 2.], [2., 5.], [5., 5.]]).reshape(1, 3, 2, 1), [2, 2], 1,
                    "SAME"),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(TIES))
def test_max_pool_ties_route_like_tf(tf_real, case, dtype):
    xv, k, s, pad = TIES[case]
    fn = lambda fw, x, w: fw.nn.max_pool2d(x, k, s, pad)  # noqa: E731
    shape = np.asarray(fn(tf_real, tf_real.constant(xv), None)).shape
    up = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)   # distinct: routing is visible
    got = _run(minitf, fn, xv, None, up, dtype)
    want = _run(tf_real, fn, xv, None, up, dtype)
    for g, t in zip(got, want):
        np.testing.assert_array_equal(g, t)


def test_max_pool_second_order_matches_tf(tf_real):
    xv = np.random.default_rng(3).uniform(-1, 1, (1, 5, 4, 2))

    def second(fw):
        x = fw.constant(xv)
        with fw.GradientTape() as outer:
            outer.watch(x)
            with fw.GradientTape() as inner:
                inner.watch(x)
                y = fw.reduce_sum(fw.nn.max_pool2d(x, 2, 2, "SAME") ** 2)
            s = fw.reduce_sum(inner.gradient(y, x) ** 2)
        return np.asarray(outer.gradient(s, x))
    np.testing.assert_allclose(second(minitf), second(tf_real), rtol=1e-12, atol=0)


def test_conv2d_second_order_matches_tf(tf_real):
    rng = np.random.default_rng(4)
    xv, wv = rng.standard_normal((2, 5, 6, 2)), rng.standard_normal((3, 2, 2, 3))

    def second(fw):
        x, w = fw.constant(xv), fw.constant(wv)
        with fw.GradientTape(persistent=True) as outer:
            outer.watch([x, w])
            with fw.GradientTape() as inner:
                inner.watch([x, w])
                y = fw.reduce_sum(fw.nn.conv2d(x, w, 2, "SAME") ** 2)
            gx, gw = inner.gradient(y, [x, w])
            s = fw.reduce_sum(gx * gx) + fw.reduce_sum(fw.sin(gw))
        return [np.asarray(g) for g in outer.gradient(s, [x, w])]
    for g, t in zip(second(minitf), second(tf_real)):
        np.testing.assert_allclose(g, t, rtol=1e-10, atol=1e-10)


# ---- bad input: the exception type TF raises ------------------------------------------------
BAD = {
    "conv2d_nchw_on_cpu": lambda tf: tf.nn.conv2d(tf.ones((1, 3, 5, 5)), tf.ones((2, 2, 3, 4)),
                                                  1, "VALID", data_format="NCHW"),
    "conv2d_channel_mismatch": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                       tf.ones((2, 2, 2, 4)), 1, "VALID"),
    "conv2d_bad_padding": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)),
                                                  1, "same"),
    "conv2d_rank3_input": lambda tf: tf.nn.conv2d(tf.ones((5, 5, 3)), tf.ones((2, 2, 3, 4)), 1,
                                                  "VALID"),
    "conv2d_rank3_filter": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 3, 4)), 1,
                                                   "VALID"),
    "conv2d_dtype_mix": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                tf.ones((2, 2, 3, 4), tf.float64), 1, "VALID"),
    "conv2d_bool": lambda tf: tf.nn.conv2d(tf.ones((1, 4, 4, 1), tf.bool),
                                           tf.ones((1, 1, 1, 1), tf.bool), 1, "SAME"),
    "conv2d_stride0": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)), 0,
                                              "VALID"),
    "conv2d_strides_len3": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                   tf.ones((2, 2, 3, 4)), [1, 1, 1], "VALID"),
    "conv2d_batch_stride": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                   tf.ones((2, 2, 3, 4)), [2, 1, 1, 1], "VALID"),
    "conv2d_explicit_size3": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                     tf.ones((2, 2, 3, 4)), 1,
                                                     [[0, 0], [1, 2], [0, 1]]),
    "conv2d_explicit_negative": lambda tf: tf.nn.conv2d(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)), 1, [[0, 0], [-1, 2], [0, 1], [0, 0]]),
    "conv2d_explicit_batch": lambda tf: tf.nn.conv2d(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 4)), 1, [[1, 0], [0, 0], [0, 0], [0, 0]]),
    "conv1d_explicit": lambda tf: tf.nn.conv1d(tf.ones((1, 5, 3)), tf.ones((2, 3, 4)), 1,
                                               [[0, 0], [1, 1], [0, 0]]),
    "conv1d_rank2": lambda tf: tf.nn.conv1d(tf.ones((5, 3)), tf.ones((2, 3, 4)), 1, "VALID"),
    "conv3d_int_strides": lambda tf: tf.nn.conv3d(tf.ones((1, 5, 5, 5, 3)),
                                                  tf.ones((2, 2, 2, 3, 4)), 2, "SAME"),
    "conv3d_int32": lambda tf: tf.nn.conv3d(tf.ones((1, 5, 5, 5, 3), tf.int32),
                                            tf.ones((2, 2, 2, 3, 4), tf.int32),
                                            [1, 1, 1, 1, 1], "SAME"),
    "conv3d_dilated_cpu": lambda tf: tf.nn.conv3d(tf.ones((1, 5, 5, 5, 3)),
                                                  tf.ones((2, 2, 2, 3, 4)), [1, 1, 1, 1, 1],
                                                  "VALID", dilations=[1, 2, 2, 2, 1]),
    "conv3d_channel": lambda tf: tf.nn.conv3d(tf.ones((1, 5, 5, 5, 3)),
                                              tf.ones((2, 2, 2, 2, 4)), [1, 1, 1, 1, 1], "SAME"),
    "conv2d_transpose_size": lambda tf: tf.nn.conv2d_transpose(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 4, 3)), [1, 7, 7, 4], 1, "VALID"),
    "conv2d_transpose_channels": lambda tf: tf.nn.conv2d_transpose(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 4, 2)), [1, 6, 6, 4], 1, "VALID"),
    "conv2d_transpose_batch": lambda tf: tf.nn.conv2d_transpose(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 4, 3)), [2, 6, 6, 4], 1, "VALID"),
    "conv2d_transpose_shape3": lambda tf: tf.nn.conv2d_transpose(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 4, 3)), [6, 6, 4], 1, "VALID"),
    "conv2d_transpose_dilated_cpu": lambda tf: tf.nn.conv2d_transpose(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 4, 3)), [1, 7, 7, 4], 1, "VALID", dilations=2),
    "depthwise_channels": lambda tf: tf.nn.depthwise_conv2d(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 2, 2)), [1, 1, 1, 1], "VALID"),
    "depthwise_strides2": lambda tf: tf.nn.depthwise_conv2d(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 2)), [2, 2], "VALID"),
    "depthwise_unequal_strides": lambda tf: tf.nn.depthwise_conv2d(
        tf.ones((1, 5, 5, 3)), tf.ones((2, 2, 3, 2)), [1, 2, 1, 1], "VALID"),
    "depthwise_nchw_cpu": lambda tf: tf.nn.depthwise_conv2d(
        tf.ones((1, 3, 5, 5)), tf.ones((2, 2, 3, 2)), [1, 1, 1, 1], "VALID",
        data_format="NCHW"),
    "depthwise_int32": lambda tf: tf.nn.depthwise_conv2d(
        tf.ones((1, 5, 5, 3), tf.int32), tf.ones((2, 2, 3, 2), tf.int32), [1, 1, 1, 1],
        "VALID"),
    "max_pool_nchw_cpu": lambda tf: tf.nn.max_pool2d(tf.ones((1, 3, 4, 4)), 2, 2, "VALID",
                                                     data_format="NCHW"),
    "avg_pool_nchw_cpu": lambda tf: tf.nn.avg_pool2d(tf.ones((1, 3, 4, 4)), 2, 2, "VALID",
                                                     data_format="NCHW"),
    "max_pool_bad_padding": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), 2, 2, "FOO"),
    "max_pool_bool": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1), tf.bool), 2, 2, "SAME"),
    "avg_pool_int": lambda tf: tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1), tf.int32), 2, 2, "VALID"),
    "avg_pool_explicit": lambda tf: tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1)), 2, 2,
                                                     [[0, 0], [1, 1], [1, 1], [0, 0]]),
    "max_pool_rank3": lambda tf: tf.nn.max_pool2d(tf.ones((4, 4, 1)), 2, 2, "VALID"),
    "max_pool1d_rank2": lambda tf: tf.nn.max_pool1d(tf.ones((5, 3)), 2, 2, "SAME"),
    "max_pool_ksize_len3": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), [2, 2, 2], 2,
                                                       "SAME"),
    "max_pool_ksize_batch": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), [2, 2, 2, 1], 2,
                                                        "SAME"),
    "max_pool_ksize0": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), 0, 2, "SAME"),
    "max_pool_stride0": lambda tf: tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), 2, 0, "SAME"),
    "max_pool_rank6": lambda tf: tf.nn.max_pool(tf.ones((1, 4, 4, 4, 2, 1)), 2, 2, "SAME"),
    "pool_dilated_same": lambda tf: tf.nn.pool(tf.ones((1, 5, 5, 1)), [2, 2], "AVG",
                                               padding="SAME", dilations=[2, 2]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_tf_type(tf_real, case):
    with pytest.raises(Exception) as want:
        BAD[case](tf_real)
    with pytest.raises(Exception) as got:
        BAD[case](minitf)
    assert type(got.value).__name__ == type(want.value).__name__, (got.value, want.value)
    assert isinstance(got.value, (TypeError, ValueError, minitf.errors.OpError))


EMPTY = {
    "conv2d_filter_larger": lambda tf: tf.nn.conv2d(tf.ones((1, 5, 5, 3)),
                                                    tf.ones((6, 6, 3, 4)), 1, "VALID"),
    "max_pool_window_larger": lambda tf: tf.nn.max_pool2d(tf.ones((1, 5, 5, 3)), 6, 1, "VALID"),
    "avg_pool_window_larger_same": lambda tf: tf.nn.avg_pool2d(
        tf.reshape(tf.range(75.), (1, 5, 5, 3)), 7, 1, "SAME"),
    "conv2d_int32": lambda tf: tf.nn.conv2d(tf.reshape(tf.range(25), (1, 5, 5, 1)),
                                            tf.ones((2, 2, 1, 2), tf.int32), 1, "VALID"),
    "max_pool_uint8": lambda tf: tf.nn.max_pool2d(
        tf.cast(tf.reshape(tf.range(16), (1, 4, 4, 1)), tf.uint8), 3, 2, "SAME"),
    "conv2d_transpose_odd_same": lambda tf: tf.nn.conv2d_transpose(
        tf.reshape(tf.range(18.), (1, 3, 3, 2)), tf.ones((3, 3, 1, 2)), [1, 5, 6, 1], 2,
        "SAME"),
}


@pytest.mark.parametrize("case", sorted(EMPTY))
def test_shapes_and_integer_values_match_tf(tf_real, case):
    got, want = np.asarray(EMPTY[case](minitf)), np.asarray(EMPTY[case](tf_real))
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
