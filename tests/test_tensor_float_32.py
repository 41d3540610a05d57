"""tf.config.experimental's TensorFloat-32 switch: TF's default (on), its argument rules, and
the one function the GPU backend reads."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def _restore_default():
    yield
    tf.config.experimental.enable_tensor_float_32_execution(True)


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
