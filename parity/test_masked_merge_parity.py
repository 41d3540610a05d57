"""Merge layers on masked inputs (Embedding(mask_zero=True)) against Keras 3.

Keras 3 does more than OR the masks: Maximum/Minimum let a masked entry never win (it takes
the other input's value), Multiply counts masked entries as 1 and zeroes the entries masked in
every input, Concatenate concatenates the masks (an unmasked input counts as all True). The
outputs and their masks are compared eagerly, and a functional model whose pooling reads the
merged mask is compared end to end. Same weights on both sides; float32 results of at most a
few roundings, so equality to 1e-6 relative.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as mtf

keras = pytest.importorskip("keras")

IDS = np.array([[1, 2, 0, 0], [3, 0, 4, 0]])
IDS2 = np.array([[0, 2, 5, 0], [3, 1, 0, 0]])
KINDS = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]


def _embeddings(k):
    rng = np.random.RandomState(0)
    layers = [k.layers.Embedding(6, 3, mask_zero=True), k.layers.Embedding(6, 3, mask_zero=True),
              k.layers.Embedding(6, 3)]
    for e in layers:
        e.build((None, 4))
        e.set_weights([rng.uniform(-1, 1, (6, 3)).astype("float32")])
    return layers


def _eager(k, kind, second_masked):
    e1, e2, e3 = _embeddings(k)
    a, b = e1(IDS), (e2 if second_masked else e3)(IDS2)
    out = getattr(k.layers, kind)()([a, b])
    mask = getattr(out, "_keras_mask", None)
    return np.asarray(out), None if mask is None else np.asarray(mask)


@pytest.mark.parametrize("second_masked", [True, False], ids=["both_masked", "one_masked"])
@pytest.mark.parametrize("kind", KINDS)
def test_merged_values_and_masks_match_keras(kind, second_masked):
    (got, got_mask), (want, want_mask) = (_eager(mtf.keras, kind, second_masked),
                                         _eager(keras, kind, second_masked))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
    assert (got_mask is None) == (want_mask is None)
    if want_mask is not None:
        np.testing.assert_array_equal(got_mask, want_mask)


@pytest.mark.parametrize("kind", ["Maximum", "Multiply", "Concatenate", "Add"])
def test_functional_model_pools_with_the_merged_mask(kind):
    def build(k):
        e1, e2, _ = _embeddings(k)
        i1, i2 = k.Input((4,), dtype="int32"), k.Input((4,), dtype="int32")
        merged = getattr(k.layers, kind)()([e1(i1), e2(i2)])
        pooled = k.layers.GlobalAveragePooling1D()(merged)
        return k.Model([i1, i2], pooled)
    got = np.asarray(build(mtf.keras)([IDS, IDS2]))
    want = np.asarray(build(keras)([IDS, IDS2]))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
