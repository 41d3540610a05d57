"""The CNN and image-preprocessing Keras layers against Keras 3: weight names, shapes and order,
parameter counts, output shapes, config keys, and values and gradients (with respect to the
input and every weight) in float32 and float64, with Keras's initial weights copied in.

Bound: as in test_conv_parity.py, each output is a sum of at most n products (n below the
product of the input's size and the filters), computed in different orders by the two
implementations: |difference| <= 2·n·u·S elementwise, S the same computation on absolute
values (float64). The layers add at most a bias and an activation (one rounding each), so
n + 2 terms, and the activation's own implementation error: TF's float32 tanh is Eigen's
rational approximation, within 2 ulp of the exact value, NumPy's within 1-2 ulp, so 4 ulp =
8·u·|result| between the two. The activations used (relu, tanh) have |f'| <= 1, so S is
computed for the layer without its activation (an upper bound of the activated sums; on
|inputs| tanh' would be near 0 and S too small), and the derivative f'(z) = 1 - tanh(z)² of
the two differs by at most 2·|tanh|·4 ulp + 1 rounding <= 10·u, which the backward pass
multiplies by the same sums: 10·u·S more. In all: (2n + 14)·u·S + 8·u·|result|.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf

U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}

# name: (constructor(layers_module, dtype), input shape, kwargs to call)
LAYERS = {
    "Conv1D_causal_dilated": (lambda L, d: L.Conv1D(3, 3, padding="causal", dilation_rate=2,
                                                    dtype=d), (2, 9, 2)),
    "Conv1D_strided": (lambda L, d: L.Conv1D(4, 2, strides=3, padding="same", dtype=d),
                       (2, 10, 3)),
    "Conv2D_valid": (lambda L, d: L.Conv2D(4, 3, dtype=d), (2, 7, 6, 2)),
    "Conv2D_same_stride_tanh": (lambda L, d: L.Conv2D(3, (3, 2), strides=2, padding="same",
                                                      activation="tanh", dtype=d),
                                (2, 7, 8, 3)),
    "Conv2D_dilated_nobias": (lambda L, d: L.Conv2D(2, 2, dilation_rate=(2, 1), use_bias=False,
                                                    dtype=d), (1, 7, 6, 2)),
    "Conv3D": (lambda L, d: L.Conv3D(2, 2, strides=(1, 2, 1), padding="same", dtype=d),
               (1, 4, 5, 3, 2)),
    "Conv2DTranspose_valid": (lambda L, d: L.Conv2DTranspose(3, 3, strides=2, dtype=d),
                              (2, 4, 3, 2)),
    "Conv2DTranspose_same_outpad": (lambda L, d: L.Conv2DTranspose(
        2, 3, strides=2, padding="same", output_padding=1, dtype=d), (1, 3, 4, 3)),
    "DepthwiseConv2D": (lambda L, d: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same",
                                                       dtype=d), (2, 5, 6, 3)),
    "SeparableConv2D": (lambda L, d: L.SeparableConv2D(4, 3, strides=2, activation="relu",
                                                       dtype=d), (2, 7, 7, 3)),
    "MaxPooling2D_same": (lambda L, d: L.MaxPooling2D(3, 2, padding="same", dtype=d),
                          (2, 7, 6, 3)),
    "MaxPooling1D": (lambda L, d: L.MaxPooling1D(2, dtype=d), (2, 7, 3)),
    "AveragePooling2D_same": (lambda L, d: L.AveragePooling2D(3, 2, padding="same", dtype=d),
                              (2, 7, 6, 3)),
    "AveragePooling1D": (lambda L, d: L.AveragePooling1D(3, strides=1, dtype=d), (2, 7, 3)),
    "GlobalAveragePooling2D": (lambda L, d: L.GlobalAveragePooling2D(dtype=d), (2, 5, 4, 3)),
    "GlobalMaxPooling2D_keepdims": (lambda L, d: L.GlobalMaxPooling2D(keepdims=True, dtype=d),
                                    (2, 5, 4, 3)),
    "GlobalAveragePooling1D": (lambda L, d: L.GlobalAveragePooling1D(dtype=d), (2, 5, 3)),
    "GlobalMaxPooling1D": (lambda L, d: L.GlobalMaxPooling1D(dtype=d), (2, 5, 3)),
    "UpSampling2D": (lambda L, d: L.UpSampling2D((2, 3), dtype=d), (2, 3, 2, 2)),
    "UpSampling2D_bilinear": (lambda L, d: L.UpSampling2D(2, interpolation="bilinear",
                                                          dtype=d), (1, 3, 4, 2)),
    "ZeroPadding2D": (lambda L, d: L.ZeroPadding2D(((1, 2), (0, 1)), dtype=d), (2, 3, 3, 2)),
    "Cropping2D": (lambda L, d: L.Cropping2D(((1, 0), (2, 1)), dtype=d), (2, 5, 6, 2)),
    "Rescaling": (lambda L, d: L.Rescaling(1 / 255, offset=-0.5, dtype=d), (2, 3, 3, 1)),
    "Resizing_bilinear": (lambda L, d: L.Resizing(5, 3, dtype=d), (2, 4, 6, 2)),
    "Resizing_nearest_crop": (lambda L, d: L.Resizing(4, 4, interpolation="nearest",
                                                      crop_to_aspect_ratio=True, dtype=d),
                              (2, 6, 9, 1)),
    "CenterCrop": (lambda L, d: L.CenterCrop(3, 2, dtype=d), (2, 6, 5, 2)),
    "CenterCrop_upscale": (lambda L, d: L.CenterCrop(6, 4, dtype=d), (1, 4, 5, 1)),
}
# Bilinear resizing computes in float32 in both frameworks; in float64 the bound is float32's.
FLOAT32_INSIDE = {"UpSampling2D_bilinear", "Resizing_bilinear", "CenterCrop_upscale"}


def _build(fw, name, dtype):
    make, shape = LAYERS[name]
    layer = make(fw.keras.layers, dtype)
    layer(fw.constant(np.zeros(shape, dtype)))
    return layer


def _run(fw, layer, xv, weights, up, dtype):
    if weights:
        layer.set_weights([w.astype(dtype) for w in weights])
    x = fw.constant(xv.astype(dtype))
    ws = list(layer.trainable_weights)
    with fw.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = fw.reduce_sum(y * fw.constant(up.astype(y.dtype.name)))
    grads = tape.gradient(loss, [x] + ws)
    return [np.asarray(y)] + [np.asarray(g) for g in grads]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_keras(tf_real, name, dtype):
    k = _build(tf_real, name, dtype)
    m = _build(minitf, name, dtype)
    assert [tuple(w.shape) for w in m.weights] == [tuple(w.shape) for w in k.weights]
    assert [w.path for w in m.weights] == [w.path.replace(k.name, m.name) for w in k.weights]
    assert m.count_params() == k.count_params()
    weights = [np.asarray(w) for w in k.get_weights()]
    _, shape = LAYERS[name]
    rng = np.random.default_rng(len(name))
    xv = rng.uniform(-2, 2, shape)
    if name.startswith("Rescaling"):
        xv = rng.integers(0, 256, shape).astype(float)
    yshape = tuple(k.compute_output_shape(shape))
    assert tuple(m.compute_output_shape(shape)) == yshape
    up = rng.uniform(-1, 1, yshape)
    want = _run(tf_real, k, xv, weights, up, dtype)
    got = _run(minitf, m, xv, weights, up, dtype)
    mk = _build(minitf, name, "float64")
    if hasattr(mk, "activation"):   # S of the linear part: |activation'| <= 1 (docstring)
        mk.activation = minitf.keras.activations.get(None)
    absw = [np.abs(w) for w in weights]
    s = _run(minitf, mk, np.abs(xv) if "Max" not in name else xv, absw, np.abs(up), "float64")
    n = int(np.prod(shape)) * max(4, int(np.prod(yshape[-1:])))
    u = U["float32" if name in FLOAT32_INSIDE else dtype]
    for g, t, a in zip(got, want, s):
        assert g.shape == t.shape and g.dtype == t.dtype, (g.shape, t.shape, g.dtype, t.dtype)
        bound = (2 * n + 14) * u * np.abs(a) + 8 * u * np.abs(t)
        err = np.abs(g.astype(np.float64) - t.astype(np.float64))
        assert np.all(err <= bound), float(np.max(err - bound))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_config_keys_match_keras(tf_real, name):
    k = _build(tf_real, name, "float32").get_config()
    m = _build(minitf, name, "float32").get_config()
    assert set(m) == set(k), (set(m) ^ set(k))
    for key, v in k.items():
        if key in ("name", "dtype") or isinstance(v, dict):
            continue
        assert m[key] == v, (key, m[key], v)


def test_random_layers_pass_through_at_inference(tf_real):
    x = np.random.default_rng(0).uniform(0, 1, (2, 5, 6, 1)).astype("float32")
    for make in (lambda L: L.RandomFlip(), lambda L: L.RandomCrop(3, 4)):
        want = np.asarray(make(tf_real.keras.layers)(x, training=False))
        got = np.asarray(make(minitf.keras.layers)(x, training=False))
        np.testing.assert_array_equal(got, want)


def test_random_layers_in_training_give_keras_shapes(tf_real):
    x = np.ones((2, 5, 6, 1), "float32")
    for make in (lambda L: L.RandomFlip("vertical"), lambda L: L.RandomCrop(3, 4),
                 lambda L: L.RandomCrop(7, 2), lambda L: L.SpatialDropout2D(0.5)):
        want = make(tf_real.keras.layers)(x, training=True)
        got = make(minitf.keras.layers)(x, training=True)
        assert tuple(got.shape) == tuple(want.shape) and got.dtype.name == want.dtype.name
