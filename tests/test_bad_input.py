"""Bad and unusual input, without TensorFlow (issue 12 §3; docs/bad-input.md).

Every expected outcome here was first observed on TensorFlow 2.21 (the live comparison of every
op is parity/test_bad_input_parity.py): the exception type TF raises, or the value it returns.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf.errors import InvalidArgumentError, NotFoundError, UnimplementedError

X = tf.constant([[1.0, -2.0], [3.0, 0.5]])
B = tf.constant([[True, False], [True, True]])
S = tf.constant([["ab", "c"], ["", "d"]])


# ---- None is "an unsupported type": ValueError, not TypeError -------------------------------

@pytest.mark.parametrize("call", [
    lambda: tf.constant(None),
    lambda: tf.convert_to_tensor(None, tf.float32),
    lambda: tf.exp(None),
    lambda: tf.add(X, None),
    lambda: X + None,
    lambda: tf.reduce_sum(None),
    lambda: tf.concat([None, X], 0),
    lambda: tf.constant([None]),
], ids=["constant", "convert_dtype", "exp", "add", "operator", "reduce_sum", "concat", "list"])
def test_none_is_a_value_error(call):
    with pytest.raises(ValueError, match="unsupported type"):
        call()


# ---- bool and string: not numbers to arithmetic, reductions and ordering ---------------------

NUMERIC_ONLY = {
    "reduce_sum": lambda t: tf.reduce_sum(t),
    "reduce_mean": lambda t: tf.reduce_mean(t),
    "reduce_max": lambda t: tf.reduce_max(t),
    "reduce_prod": lambda t: tf.reduce_prod(t),
    "cumsum": lambda t: tf.cumsum(t),
    "abs": lambda t: tf.abs(t),
    "negative": lambda t: tf.negative(t),
    "square": lambda t: tf.square(t),
    "sign": lambda t: tf.sign(t),
    "round": lambda t: tf.round(t),
    "subtract": lambda t: tf.subtract(t, t),
    "maximum": lambda t: tf.maximum(t, t),
    "less": lambda t: tf.less(t, t),
    "add_n": lambda t: tf.add_n([t, t]),
    "relu": lambda t: tf.nn.relu(t),
    "matmul": lambda t: tf.matmul(t, t),
    "trace_bool": lambda t: tf.linalg.trace(t) if t.dtype == tf.bool else tf.reduce_sum(t),
}


@pytest.mark.parametrize("value", [B, S], ids=["bool", "string"])
@pytest.mark.parametrize("op", sorted(NUMERIC_ONLY))
def test_numeric_ops_reject_bool_and_string(op, value):
    with pytest.raises(InvalidArgumentError, match=f"of {value.dtype.name} is not in the list"):
        NUMERIC_ONLY[op](value)


def test_reduce_sum_of_strings_does_not_concatenate():
    with pytest.raises(InvalidArgumentError, match=r"\[Op:Sum\]"):
        tf.reduce_sum(tf.constant(["a", "b"]))


def test_clip_by_value_on_strings_raises_instead_of_garbage_bytes():
    with pytest.raises(TypeError, match="dtype string"):      # -1.0 is no string
        tf.clip_by_value(S, -1.0, 1.0)
    with pytest.raises(InvalidArgumentError, match="Minimum"):
        tf.clip_by_value(S, "a", "b")
    with pytest.raises(TypeError, match="Cannot convert 1.0 to EagerTensor of dtype string"):
        tf.constant(1.0, dtype=tf.string)


def test_strings_cast_zeros_ones_and_pad():
    with pytest.raises(UnimplementedError, match="Cast string to float"):
        tf.cast(S, tf.float32)
    with pytest.raises(UnimplementedError, match="Cast float to string"):
        tf.cast(X, tf.string)
    assert tf.zeros_like(S).numpy().tolist() == [[b"", b""], [b"", b""]]
    with pytest.raises(InvalidArgumentError, match="OnesLike"):
        tf.ones_like(S)
    padded = tf.pad(tf.constant([["a"]]), [[1, 0], [0, 1]])
    assert padded.numpy().tolist() == [[b"", b""], [b"a", b""]]
    assert tf.pad(tf.constant([[True]]), [[1, 0], [0, 1]]).numpy().tolist() == [
        [False, False], [True, False]]


def test_bool_multiplication_is_tf_logical_and():
    # TF: the number is truncated toward zero, then tested against 0.
    got = tf.constant([True] * 6) * tf.constant([-2.5, -1.0, -0.3, 0.3, 1.0, 2.5])
    assert got.dtype == tf.bool
    assert got.numpy().tolist() == [True, True, False, False, True, True]
    assert (tf.constant([True, False]) * 2).numpy().tolist() == [True, False]
    with pytest.raises(TypeError, match="dtype bool"):        # number on the left: strict
        2 * tf.constant([True, False])
    with pytest.raises(InvalidArgumentError, match="Mul"):    # tf.multiply itself: no bools
        tf.multiply(B, B)


def test_division_of_bool_or_string_is_a_type_error():
    with pytest.raises(TypeError, match="Invalid dtype tf.bool"):
        B / B
    with pytest.raises(TypeError, match="Invalid dtype tf.string"):
        tf.math.divide_no_nan(S, S)
    with pytest.raises(TypeError, match="same dtype"):
        tf.math.divide_no_nan(tf.constant([1.0]), tf.constant([1.0], tf.float64))
    got = tf.math.divide_no_nan(tf.constant([3, 1]), tf.constant([2, 0]))
    assert got.dtype == tf.float64 and got.numpy().tolist() == [1.5, 0.0]


def test_any_all_and_logical_ops_take_bools_only():
    with pytest.raises(InvalidArgumentError, match="bool tensor but is a float tensor"):
        tf.reduce_any(tf.constant([1.0]))
    with pytest.raises(TypeError):
        tf.reduce_all([1.0])
    with pytest.raises(TypeError):
        tf.logical_and([1.0], [0.0])
    assert bool(tf.reduce_any([False, True]))


def test_norm_of_bools_is_a_type_error_as_in_tf():
    with pytest.raises(TypeError, match="numeric"):
        tf.norm(B)


# ---- empty tensors: reductions return their identity, softmax an empty result ----------------

def test_empty_max_and_min_are_the_dtype_extremes():
    e = tf.zeros((0, 3))
    assert float(tf.reduce_max(e)) == -np.inf and float(tf.reduce_min(e)) == np.inf
    assert tf.reduce_max(e, axis=0).numpy().tolist() == [-np.inf] * 3
    assert tf.reduce_max(e, axis=1).shape == (0,)
    ei = tf.zeros((0, 3), tf.int32)
    assert int(tf.reduce_max(ei)) == -2 ** 31 and int(tf.reduce_min(ei)) == 2 ** 31 - 1
    assert tf.reduce_max(tf.zeros((0,), tf.float16)).dtype == tf.float16


def test_empty_logsumexp_softmax_and_reshape():
    assert float(tf.reduce_logsumexp(tf.zeros((0, 3)))) == -np.inf
    assert tf.reduce_logsumexp(tf.zeros((0, 3)), axis=0).numpy().tolist() == [-np.inf] * 3
    assert tf.nn.softmax(tf.zeros((2, 0))).shape == (2, 0)
    assert tf.nn.log_softmax(tf.zeros((0, 2)), axis=0).shape == (0, 2)
    loss = tf.nn.softmax_cross_entropy_with_logits(tf.zeros((2, 0)), tf.zeros((2, 0)))
    assert loss.shape == (2,)
    assert tf.reshape(tf.zeros((2, 0)), [0, -1]).shape == (0, 2)
    assert tf.reshape(tf.zeros((0, 3)), [0, -1]).shape == (0, 3)
    assert tf.reshape(tf.zeros((2, 0, 3)), [-1, 0]).shape == (6, 0)
    assert tf.reshape(tf.zeros((0, 3, 2)), [4, -1]).shape == (4, 0)
    assert tf.boolean_mask(tf.zeros((3, 0)), [True, False, True]).shape == (2, 0)
    assert tf.cumsum(tf.zeros((0, 2)), exclusive=True, reverse=True).shape == (0, 2)


def test_empty_mean_is_nan_without_numpy_warnings(recwarn):
    assert np.isnan(float(tf.reduce_mean(tf.zeros((0, 3)))))
    assert not [w for w in recwarn if "empty" in str(w.message) or "invalid" in str(w.message)]


def test_empty_argmax_and_mirror_pad_are_tf_errors():
    with pytest.raises(InvalidArgumentError, match=r"Reduction axis 1 is empty in shape \[2,0\]"):
        tf.argmax(tf.zeros((2, 0)), axis=1)
    assert tf.argmax(tf.zeros((0, 2)), axis=1).shape == (0,)
    with pytest.raises(InvalidArgumentError, match="MirrorPad"):
        tf.pad(tf.zeros((0, 3)), [[1, 1], [2, 1]], mode="REFLECT")


# ---- no NumPy or Python exception from NumPy's internals reaches the user --------------------

LEAKS = {   # each of these raised a NumPy/Python internal error before; TF's type on the right
    "sign of bool (UFuncTypeError)": (lambda: tf.sign(B), InvalidArgumentError),
    "bias_add of a scalar (IndexError)": (lambda: tf.nn.bias_add(tf.constant(1.0), tf.ones(3)),
                                          InvalidArgumentError),
    "trace of a scalar (ValueError)": (lambda: tf.linalg.trace(tf.constant(1.0)),
                                       InvalidArgumentError),
    "trace of strings": (lambda: tf.linalg.trace(S), TypeError),
    "argmin of empty (ValueError)": (lambda: tf.argmin(tf.zeros((0, 2))), InvalidArgumentError),
    "solve float16 (TypeError)": (lambda: tf.linalg.solve(tf.eye(2, dtype=tf.float16),
                                                          tf.ones((2, 1), tf.float16)),
                                  NotFoundError),
    "solve broadcast batch": (lambda: tf.linalg.solve(tf.eye(3, batch_shape=[2]) * 2.0,
                                                      tf.ones((3, 2))), InvalidArgumentError),
    "reciprocal of ints": (lambda: tf.math.reciprocal(tf.constant([1])), NotFoundError),
    "variance of ints": (lambda: tf.math.reduce_variance(tf.constant([1, 2])), TypeError),
    "scalar logits": (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([0]), logits=tf.constant(1.0)), ValueError),
    "logits of another rank": (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([0, 1]), logits=tf.ones((2, 2, 3))), ValueError),
    "clip_by_norm of ints": (lambda: tf.clip_by_norm(tf.constant([1]), 2.0),
                             InvalidArgumentError),
    "l2_normalize of bools": (lambda: tf.math.l2_normalize(B), InvalidArgumentError),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_numpy_errors_do_not_leak(case):
    call, expected = LEAKS[case]
    with pytest.raises(Exception) as info:
        call()
    assert type(info.value) is expected or (
        expected is InvalidArgumentError and isinstance(info.value, expected)), info.value
    assert not type(info.value).__module__.startswith("numpy")


# ---- values TF gives where minitf used to give another ------------------------------------

def test_float_floordiv_is_floor_of_the_quotient():
    got = tf.math.floordiv(tf.constant([1.0, np.inf, -np.inf, 7.0]),
                           tf.constant([0.1, 2.0, 2.0, np.inf]))
    assert got.numpy().tolist() == [10.0, np.inf, -np.inf, 0.0]


def test_moments_of_ints_and_float16():
    mean, var = tf.nn.moments(tf.constant([[1, 2], [3, 5]]), axes=[0])
    assert mean.dtype == tf.int32 and mean.numpy().tolist() == [2, 3]
    assert var.numpy().tolist() == [1, 2]
    m16, v16 = tf.nn.moments(tf.constant([1.0, 2.0, 4.0], tf.float16), axes=[0])
    assert m16.dtype == tf.float16 and float(v16) == pytest.approx(14 / 9, rel=1e-3)


def test_softmax_cross_entropy_casts_labels_to_the_logits_dtype():
    for labels in (tf.constant([[True, False]]), tf.constant([[1.0, 0.0]], tf.float64)):
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=tf.ones((1, 2)))
        assert loss.dtype == tf.float32
        assert float(loss[0]) == pytest.approx(np.log(2), rel=1e-6)


def test_float16_inverse_is_computed():
    got = tf.linalg.inv(tf.eye(3, dtype=tf.float16) * 3)
    assert got.dtype == tf.float16
    np.testing.assert_allclose(got.numpy(), np.eye(3) / 3, rtol=1e-3)


def test_complex_input_errors_are_tfs():
    # Complex tensors exist (tests/test_complex.py); what stays an error is TF's: a real
    # number before a complex one in a list, a Python complex asked to be real.
    with pytest.raises(ValueError, match="mixed types"):
        tf.constant([1.5, 2j])
    with pytest.raises(TypeError, match="Cannot convert 1j"):
        tf.constant(1j, tf.float32)


# ---- conversion limits, creation ops and empty lists -------------------------------------

CONVERSIONS = {   # TF's exception type, observed on TF 2.21
    "float 1e300 has no float32": (lambda: tf.constant(1e300), ValueError),
    "1e300 beside an inf": (lambda: tf.constant([1e300, float("inf")]), ValueError),
    "int beyond int64": (lambda: tf.constant(2 ** 70, tf.int64), ValueError),
    "numbers and text mixed": (lambda: tf.constant([1, "a"]), ValueError),
    "None inside a list": (lambda: tf.constant([None]), ValueError),
    "object array": (lambda: tf.constant(np.array([object()])), ValueError),
    "datetime64 array": (lambda: tf.constant(np.array(["2020-01-01"], "datetime64[D]")),
                         ValueError),
    "as_dtype(None)": (lambda: tf.as_dtype(None), TypeError),
    "abs of uint8": (lambda: tf.abs(tf.constant([1], tf.uint8)), InvalidArgumentError),
    "negative of uint8": (lambda: tf.negative(tf.constant([1], tf.uint8)), InvalidArgumentError),
    "add_n of []": (lambda: tf.add_n([]), ValueError),
    "slice step 0": (lambda: tf.constant([1, 2])[::0], InvalidArgumentError),
    "range walking away": (lambda: tf.range(0, 5, -1), InvalidArgumentError),
    "range too long": (lambda: tf.range(0.0, 1e30, 1.0), InvalidArgumentError),
    "dropout of ints": (lambda: tf.nn.dropout(tf.constant([1, 2]), 0.5), ValueError),
    "where(float cond, x, y)": (lambda: tf.where(tf.constant([1.0, 0.0]), 1.0, 2.0),
                                InvalidArgumentError),
}


@pytest.mark.parametrize("case", sorted(CONVERSIONS))
def test_conversion_and_creation_errors_are_tfs(case):
    call, expected = CONVERSIONS[case]
    with pytest.raises(expected) as info:
        call()
    assert not type(info.value).__module__.startswith("numpy")


def test_python_values_that_tf_accepts():
    assert tf.constant([2 ** 70, 1], tf.float32).numpy()[0] == np.float32(2.0 ** 70)
    assert tf.stack([]).dtype == tf.float32 and tf.stack([]).shape == (0,)
    assert float(tf.random.shuffle(tf.constant(1.0))) == 1.0
    coords = tf.where(tf.constant([[1.0, 0.0], [0.0, 3.0]]))     # non-zero, as for bools
    assert coords.dtype == tf.int64 and coords.numpy().tolist() == [[0, 0], [1, 1]]
    with pytest.raises(ValueError, match="unsupported type"):
        tf.constant([1.0]) + [None]          # None never becomes NaN


ARGUMENT_SHAPES = {   # NumPy's ValueError/IndexError leaked from each before; TF's kernel errors
    "pad of a scalar": lambda: tf.pad(tf.constant(0), []),
    "paddings a vector": lambda: tf.pad(tf.ones(2), [1, 1]),
    "negative paddings": lambda: tf.pad(tf.ones(2), [[-1, 1]]),
    "tile by a scalar": lambda: tf.tile(tf.ones(2), tf.constant(0)),
    "scatter with 0-d indices": lambda: tf.tensor_scatter_nd_update(tf.ones(3), tf.constant(0),
                                                                    1.0),
    "scatter with too many updates": lambda: tf.tensor_scatter_nd_update(tf.ones(3), [[0]],
                                                                         [1.0, 2.0]),
    "uniform ints from an empty range": lambda: tf.random.uniform([2], maxval=0, dtype=tf.int32),
}


@pytest.mark.parametrize("case", sorted(ARGUMENT_SHAPES))
def test_argument_shapes_are_invalid_argument_errors(case):
    with pytest.raises(InvalidArgumentError):
        ARGUMENT_SHAPES[case]()


def test_valid_pad_tile_and_scatter_still_work():
    assert tf.pad(tf.ones((1, 2)), [[1, 0], [0, 1]]).numpy().tolist() == [[0, 0, 0], [1, 1, 0]]
    assert tf.tile(tf.ones(2), [2]).shape == (4,)
    got = tf.tensor_scatter_nd_update(tf.ones(3), [[1]], [5.0])
    assert got.numpy().tolist() == [1.0, 5.0, 1.0]


OUT_OF_INT64 = {   # Python's OverflowError (or NumPy's "array is too big") leaked from each
    "float32 + 10**400": lambda: tf.constant(1.0) + 10 ** 400,
    "range from 2**70": lambda: tf.range(2 ** 70, 2 ** 70 + 2),
    "pad by 2**70": lambda: tf.pad(tf.ones(2), [[2 ** 70, 0]]),
    "tile by 2**70": lambda: tf.tile(tf.ones(2), [2 ** 70]),
    "reduce_sum over axis 2**70": lambda: tf.reduce_sum(tf.ones(2), 2 ** 70),
    "split into sizes beyond int64": lambda: tf.split(tf.ones(2), [2 ** 70, -2 ** 70 + 2]),
    "index 2**70": lambda: tf.constant([1, 2])[2 ** 70],
    "slice to -2**70": lambda: tf.constant([1, 2])[-2 ** 70:],
}


@pytest.mark.parametrize("case", sorted(OUT_OF_INT64))
def test_integers_beyond_int64_are_value_errors(case):
    with pytest.raises(ValueError, match="out-of-range integer"):
        OUT_OF_INT64[case]()


def test_a_shape_whose_size_overflows_is_an_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="overflow"):
        tf.ones([2 ** 40, 2 ** 40])
