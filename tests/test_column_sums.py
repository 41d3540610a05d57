"""Sums and means over leading axes (bias gradients, batch-normalization statistics) on every
backend. NumPy adds a column's rows in order; the GPU does the same up to
``_kernels._SERIAL_ROWS`` rows (bit-identical), and beyond that adds chunks of ``_CHUNK`` rows
in order and then the chunks in order. For that blocked order the classical bound on the
rounding error of a sum of n terms added k deep is (k - 1)·u·Σ|x| (u the unit roundoff), here
k = chunk + n / chunk; the check uses that bound against the exactly rounded sum (math.fsum)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minitf as tf
from minitf import _kernels
from tests.test_backends import backend  # noqa: F401  (fixture)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [50, 2000, 30000])
@pytest.mark.parametrize("mean", [False, True])
def test_leading_axis_sums(backend, dtype, rows, mean):  # noqa: F811
    x = np.random.default_rng(rows).standard_normal((rows, 3, 7)).astype(dtype) + 0.5
    t = tf.constant(x)
    got = (tf.reduce_mean if mean else tf.reduce_sum)(t, axis=[0, 1]).numpy()
    n = rows * 3
    ref = (np.mean if mean else np.sum)(x, axis=(0, 1))
    if backend == "numpy" or n <= _kernels._SERIAL_ROWS:
        np.testing.assert_array_equal(got, ref)          # NumPy's order, to the bit
        return
    cols = x.reshape(n, 7)
    exact = np.array([math.fsum(cols[:, j].astype(np.float64)) for j in range(7)])
    depth = _kernels._CHUNK + -(-n // _kernels._CHUNK)
    u = np.finfo(dtype).eps / 2
    bound = (depth - 1) * u * np.abs(cols).astype(np.float64).sum(axis=0)
    if mean:
        exact, bound = exact / n, bound / n + u * np.abs(exact / n)   # one more rounding: ÷ n
    assert np.all(np.abs(got.astype(np.float64) - exact) <= bound), \
        (np.abs(got - exact).max(), bound.min())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(512, 512), (512, 10), (1, 40), (300, 33), (257, 1, 65),
                                   (4096, 3)])
def test_wide_column_sums_add_rows_in_numpy_s_order(backend, dtype, shape):  # noqa: F811
    # A Dense layer's bias gradient: many columns, rows spread over several of the GPU
    # kernel's tiles (256 float32 or 128 float64 rows each) and columns over several of its
    # blocks (32 each), neither a multiple of the tile. The sum is NumPy's to the bit.
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(dtype)
    x[0, ...] = -0.0 if shape[0] == 1 else x[0, ...]     # a lone -0.0 row stays -0.0
    got = tf.reduce_sum(tf.constant(x), axis=0).numpy()
    np.testing.assert_array_equal(got, np.sum(x, axis=0))
    assert np.array_equal(np.signbit(got), np.signbit(np.sum(x, axis=0)))
