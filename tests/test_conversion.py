"""Python values converted as TensorFlow 2.21 converts them (each expectation was printed by TF:
`tf.constant([], tf.int32)` is an empty int32 tensor, a ragged nest is a ValueError with TF's
message, not NumPy's)."""
import numpy as np
import pytest

import minitf as tf


@pytest.mark.parametrize("value, dtype, shape", [
    ([], tf.int32, (0,)), ([[], []], tf.int32, (2, 0)), ([], tf.bool, (0,)),
    ([], tf.string, (0,)), ([], tf.int64, (0,)), ([[]] * 3, tf.float64, (3, 0)),
])
def test_an_empty_nest_takes_the_dtype_asked_for(value, dtype, shape):
    t = tf.constant(value, dtype)
    assert t.dtype == dtype and t.shape == shape and t.numpy().size == 0


def test_an_empty_nest_without_a_dtype_is_float32():
    assert tf.constant([]).dtype == tf.float32


@pytest.mark.parametrize("dtype", [None, tf.float32, tf.int32, tf.string])
def test_a_ragged_nest_is_tensorflows_value_error(dtype):
    with pytest.raises(ValueError, match="non-rectangular Python sequence"):
        tf.constant([[1], [1, 2]], dtype)


def test_numbers_in_a_nest_still_convert():
    np.testing.assert_array_equal(tf.constant([[1, 2]], tf.int32).numpy(), [[1, 2]])
