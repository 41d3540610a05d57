"""tf.config.experimental's TensorFloat-32 switch: TF's default (on), its argument rules, the
one function the GPU backend reads, and (below) the error TF32 brings to a GPU matmul.

TF allows TF32 by default: on an Ampere-or-later GPU a float32 matmul may round its operands to
TF32's 10 explicit mantissa bits and accumulate in float32. The test suite runs with TF32 off
on the GPU (conftest.py sets the backend strict), so float32 results compare with NumPy's; the
bound test turns it on and checks the error it brings stays inside TF32's bound, and that
turning it off restores full float32 accuracy. On NumPy the flag must change nothing at all.

Error bound for one element of C = A @ B with inner size K (first order in the unit roundoffs):
each operand rounded to nearest TF32 has relative error at most u_t = 2**-11 (10 stored bits),
so each product a*b is off by at most (2 u_t + u_t**2) |a b|; float32 accumulation of K terms
adds at most K u_32 sum|a b| with u_32 = 2**-24 (any summation order, gamma_K). Hence
|C - C_exact| <= ((2 u_t + u_t**2) + K u_32 (1 + 2 u_t)) * (|A| @ |B|), and with TF32 off the
product term drops: |C - C_exact| <= (K + 1) u_32 * (|A| @ |B|).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import _backend
from tests.test_backends import _use_backend


@pytest.fixture(autouse=True)
def _restore_default():
    # the user-facing flag back to TF's default, and the backend's compute type back to what
    # the suite runs with (strict on the GPU: conftest.py)
    backend_before = _backend.tensor_float_32()
    yield
    tf.config.experimental.enable_tensor_float_32_execution(True)
    _backend.set_tensor_float_32(backend_before)


def test_default_is_on_as_in_tensorflow():
    assert tf.config.experimental.tensor_float_32_execution_enabled() is True
    assert tf.config.tensor_float_32_enabled() is True


@pytest.mark.parametrize("value, expected", [
    (False, False), (True, True), (0, False), (1, True), (2.5, True), (None, False),
    (np.bool_(False), False), (np.int64(3), True)])
def test_values_are_taken_for_their_truth(value, expected):
    tf.config.experimental.enable_tensor_float_32_execution(not expected)
    assert tf.config.experimental.enable_tensor_float_32_execution(value) is None
    assert tf.config.experimental.tensor_float_32_execution_enabled() is expected
    assert tf.config.tensor_float_32_enabled() is expected


@pytest.mark.parametrize("value", ["x", [], [1], object()])
def test_objects_without_a_truth_value_of_their_own_raise_type_error(value):
    with pytest.raises(TypeError, match="enable_tensor_float_32_execution"):
        tf.config.experimental.enable_tensor_float_32_execution(value)
    assert tf.config.tensor_float_32_enabled() is True   # unchanged


def test_numpy_float32_matmul_is_unchanged_by_the_switch():
    # CPUs have no TF32 arithmetic: the same float32 product, bit for bit, either way.
    if tf.get_backend() != "numpy":
        pytest.skip("a CPU-only claim: on a GPU the switch does change float32 matmuls")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((17, 33)).astype(np.float32)
    b = rng.standard_normal((33, 9)).astype(np.float32)
    on = tf.matmul(a, b).numpy()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    off = tf.matmul(a, b).numpy()
    np.testing.assert_array_equal(on, off)


# ---- the error TF32 brings (module docstring: the bound) ----

K = 256
U_T, U_32 = 2.0 ** -11, 2.0 ** -24


@pytest.fixture(params=["numpy", "cupy"])
def any_backend(request):
    yield from _use_backend(request.param)


def _matmul(a, b, tf32: bool) -> np.ndarray:
    tf.config.experimental.enable_tensor_float_32_execution(tf32)
    return np.asarray(tf.matmul(tf.constant(a), tf.constant(b)).numpy(), np.float64)


def test_tf32_error_within_its_bound(any_backend):
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (64, K)).astype(np.float32)
    b = rng.uniform(-1, 1, (K, 48)).astype(np.float32)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
    strict, fast = _matmul(a, b, False), _matmul(a, b, True)
    err_strict, err_fast = np.abs(strict - exact), np.abs(fast - exact)
    assert np.all(err_strict <= (K + 1) * U_32 * scale)
    assert np.all(err_fast <= ((2 * U_T + U_T ** 2) + K * U_32 * (1 + 2 * U_T)) * scale)
    if any_backend == "numpy":
        # CPUs have no TF32: the flag must not change a single bit.
        np.testing.assert_array_equal(fast, strict)
    else:
        # TF32 really is in use: its rounding (~2**-11 per operand, so about 1e-3 here) dwarfs
        # float32's (~1e-6 here); a factor of 30 separates them with room on either side.
        assert err_fast.max() > 30 * err_strict.max()


def test_flag_reaches_the_backend():
    tf.config.experimental.enable_tensor_float_32_execution(False)
    assert _backend.tensor_float_32() is False
    tf.config.experimental.enable_tensor_float_32_execution(True)
    assert _backend.tensor_float_32() is True
