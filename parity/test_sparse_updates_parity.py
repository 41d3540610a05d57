"""Optimizer updates from a tf.gather (Embedding-style) gradient with repeated rows, against
Keras 3 on TensorFlow.

The gradient is a tf.IndexedSlices with row 0 looked up three times. Keras keeps the rows
apart in zero-preserving ops (square(g) adds g1² + g2² + g3² to Adam's velocity, not
(g1 + g2 + g3)²), see minitf/keras/optimizers/sliced_gradient.py; densifying first moves row 0
by about 1e-2 after three steps, so the bound below separates the two by four orders.

Bound: what remains is summation order. Keras scatters repeated rows one by one
(assign_add of slices) where minitf may sum them first; each reordering of k = 3 float32
additions moves a result by at most (k - 1) ulp of its magnitude (|v| < 8 here, ulp 9.5e-7),
and three steps can carry three such differences: 3 · 2 · 9.5e-7 ≈ 5.7e-6.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as mtf

tf = pytest.importorskip("tensorflow")

CASES = [("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.9, "nesterov": True}),
         ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}), ("RMSprop", {}),
         ("RMSprop", {"centered": True, "momentum": 0.5}), ("Adagrad", {}), ("Adamax", {}),
         ("Nadam", {}), ("Ftrl", {}), ("Adadelta", {}), ("Lion", {})]
BOUND = 5.7e-6


def _train(fw, name, kwargs):
    rows = fw.constant([0, 2, 0, 3, 0])
    w = fw.constant(np.arange(10, dtype=np.float32).reshape(5, 2) - 4.5)
    opt = getattr(fw.keras.optimizers, name)(0.1, **kwargs)
    v = fw.Variable(np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2))
    for _ in range(3):
        with fw.GradientTape() as tape:
            y = fw.reduce_sum(fw.gather(v, rows) * w)
        g = tape.gradient(y, v)
        assert type(g).__name__ == "IndexedSlices"
        opt.apply_gradients([(g, v)])
    return v.numpy()


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_repeated_rows_update_as_keras(name, kwargs):
    got, want = _train(mtf, name, kwargs), _train(tf, name, kwargs)
    np.testing.assert_allclose(got, want, rtol=0, atol=BOUND)
