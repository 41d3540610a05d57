"""Issue #17's Keras additions against Keras 3 on TensorFlow: layers (weights, configs, outputs
and input gradients), losses, metrics, initializers and optimizer trajectories.

Bounds: float64 uses TOL["float64"] (1e-12): the same formulas in the same order, only the
summation order of reductions differs. float32 uses TOL["float32"] (rtol 1e-5, atol 1e-6):
every layer here is at most ~10 float32 roundings deep per output (a moments reduction over
<= 16 elements, rsqrt, one multiply-add), each at most 2**-24 relative, so both
implementations sit within ~16 * 6e-8 = 1e-6 relative of the exact value; rtol 1e-5 leaves a
10x margin, and atol 1e-6 covers outputs that cancel to ~0 (values here are O(1)). Optimizer
trajectories use ``trajectory_tolerance`` (derived there from TF's own float32 drift).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL

DTYPES = ["float32", "float64"]


def _close(a, b, dtype, tol=None):
    rtol, atol = tol or TOL[dtype]
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=rtol, atol=atol)


def _x(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# name: (constructor(fw, dtype), input shapes) — weights are set from NumPy in both
LAYERS = {
    "softmax": (lambda fw, d: fw.keras.layers.Softmax(dtype=d), [(3, 5)]),
    "softmax_axes": (lambda fw, d: fw.keras.layers.Softmax(axis=(1, 2), dtype=d), [(2, 3, 4)]),
    "relu": (lambda fw, d: fw.keras.layers.ReLU(dtype=d), [(3, 5)]),
    "relu_args": (lambda fw, d: fw.keras.layers.ReLU(max_value=1.0, negative_slope=0.1,
                                                     threshold=0.2, dtype=d), [(3, 5)]),
    "leaky_relu": (lambda fw, d: fw.keras.layers.LeakyReLU(dtype=d), [(3, 5)]),
    "prelu": (lambda fw, d: fw.keras.layers.PReLU(dtype=d), [(3, 5)]),
    "prelu_shared": (lambda fw, d: fw.keras.layers.PReLU(shared_axes=[1], dtype=d),
                     [(2, 3, 4)]),
    "elu": (lambda fw, d: fw.keras.layers.ELU(alpha=0.7, dtype=d), [(3, 5)]),
    "layer_norm": (lambda fw, d: fw.keras.layers.LayerNormalization(dtype=d), [(3, 6)]),
    "layer_norm_axes": (lambda fw, d: fw.keras.layers.LayerNormalization(axis=[1, 2], dtype=d),
                        [(2, 3, 4)]),
    "layer_norm_nocenter": (lambda fw, d: fw.keras.layers.LayerNormalization(
        center=False, epsilon=1e-5, dtype=d), [(3, 6)]),
    "group_norm": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=2, dtype=d),
                   [(2, 3, 8)]),
    "group_norm_instance": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=-1, dtype=d),
                            [(2, 5, 4)]),
    "group_norm_axis1": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=3, axis=1,
                                                                          dtype=d), [(2, 6, 4)]),
    "unit_norm": (lambda fw, d: fw.keras.layers.UnitNormalization(dtype=d), [(3, 5)]),
    "repeat_vector": (lambda fw, d: fw.keras.layers.RepeatVector(3, dtype=d), [(2, 4)]),
    "permute": (lambda fw, d: fw.keras.layers.Permute((2, 1), dtype=d), [(2, 3, 4)]),
    "masking": (lambda fw, d: fw.keras.layers.Masking(mask_value=0.5, dtype=d), [(2, 3, 4)]),
    "multiply": (lambda fw, d: fw.keras.layers.Multiply(dtype=d), [(3, 4), (3, 4), (3, 4)]),
    "subtract": (lambda fw, d: fw.keras.layers.Subtract(dtype=d), [(3, 4), (3, 4)]),
    "average": (lambda fw, d: fw.keras.layers.Average(dtype=d), [(3, 4), (3, 4), (3, 4)]),
    "maximum": (lambda fw, d: fw.keras.layers.Maximum(dtype=d), [(3, 4), (3, 4)]),
    "minimum": (lambda fw, d: fw.keras.layers.Minimum(dtype=d), [(3, 4), (3, 4)]),
    "dot": (lambda fw, d: fw.keras.layers.Dot(axes=1, dtype=d), [(3, 4), (3, 4)]),
    "dot_normalize": (lambda fw, d: fw.keras.layers.Dot(axes=-1, normalize=True, dtype=d),
                      [(3, 4), (3, 4)]),
    "dot_3d": (lambda fw, d: fw.keras.layers.Dot(axes=(2, 1), dtype=d), [(2, 3, 4), (2, 4, 5)]),
}


def _run_layer(fw, name, dtype):
    ctor, shapes = LAYERS[name]
    layer = ctor(fw, dtype)
    xs = [_x(s, seed=i, dtype=dtype) for i, s in enumerate(shapes)]
    if name == "masking":
        xs[0][0, 1, :] = 0.5       # one fully masked timestep
    if name == "relu_args":
        xs[0][0, :2] = [0.2, 1.0]  # exactly at the threshold and at max_value
    ins = [fw.constant(x) for x in xs]
    arg = ins if len(ins) > 1 else ins[0]
    layer(arg)                                    # build
    rng = np.random.default_rng(7)
    layer.set_weights([rng.uniform(-1, 1, w.shape).astype(dtype) for w in layer.get_weights()])
    with fw.GradientTape() as tape:
        for t in ins:
            tape.watch(t)
        out = layer(arg)
        weighted = fw.reduce_sum(out * fw.constant(_x(tuple(out.shape), 9, dtype)))
    grads = tape.gradient(weighted, ins + list(layer.trainable_weights))
    meta = ([(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights],
            layer.count_params())
    return [np.asarray(out)] + [np.asarray(g) for g in grads], meta, layer


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_keras(tf_real, name, dtype):
    mine, mmeta, _ = _run_layer(minitf, name, dtype)
    theirs, tmeta, _ = _run_layer(tf_real, name, dtype)
    assert mmeta == tmeta
    for a, b in zip(mine, theirs):
        _close(a, b, dtype)


def test_masking_mask_matches_keras(tf_real):
    x = _x((2, 3, 4))
    x[1, 2] = 0.0
    m = minitf.keras.layers.Masking()(minitf.constant(x))._keras_mask
    t = tf_real.keras.layers.Masking()(tf_real.constant(x))._keras_mask
    np.testing.assert_array_equal(np.asarray(m), np.asarray(t))
    logits = _x((2, 3))
    sm = minitf.keras.layers.Softmax()(minitf.constant(logits), mask=m)
    st = tf_real.keras.layers.Softmax()(tf_real.constant(logits), mask=t)
    _close(sm, st, "float32")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_config_keys_match_keras(tf_real, name):
    _, _, mine = _run_layer(minitf, name, "float32")
    _, _, theirs = _run_layer(tf_real, name, "float32")
    mc, tc = mine.get_config(), theirs.get_config()
    assert sorted(mc) == sorted(tc)
    for k in tc:
        if k in ("dtype", "name") or isinstance(tc[k], dict):
            continue
        want = tc[k]
        assert mc[k] == want or (isinstance(want, (list, tuple)) and list(mc[k]) == list(want)), k
