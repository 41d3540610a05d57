"""Axes and arguments TensorFlow rejects, and values it computes differently (issue 12 §2).

TF never wraps an axis modulo the rank, never rounds a float shape and never lets a reduction
name one dimension twice. Each row of ``BAD_ARGUMENTS`` was run under TensorFlow 2.21 (eager) to
find the exception type it raises; ``parity/test_op_arguments_parity.py`` re-checks every row
against live TF. The expected values below come from TF's observed output or from the
mathematics (stated beside each), never from minitf itself.
"""
from __future__ import annotations

import builtins
import math

import numpy as np
import pytest

import minitf as tf


def _m():
    return tf.ones([2, 3])


# (id, fn(tf), exception type name, fragments minitf's message must contain)
BAD_ARGUMENTS = [
    # out-of-range axes: TF's kernels raise InvalidArgumentError...
    ("cumsum axis=2", lambda tf: tf.cumsum(tf.ones([2, 3]), axis=2), "InvalidArgumentError",
     ["[-2, 2)", "got 2", "Cumsum"]),
    ("cumsum axis=-3", lambda tf: tf.cumsum(tf.ones([2, 3]), axis=-3), "InvalidArgumentError",
     ["got -3"]),
    ("cumsum scalar", lambda tf: tf.cumsum(tf.constant(1.0)), "InvalidArgumentError",
     ["[0, 0)"]),
    ("cumsum axis tensor", lambda tf: tf.cumsum(tf.ones([2, 3]), axis=tf.constant(2)),
     "InvalidArgumentError", ["got 2"]),
    ("cumsum axis list", lambda tf: tf.cumsum(tf.ones([2, 3]), axis=[1]),
     "InvalidArgumentError", ["scalar"]),
    ("cumprod axis=2", lambda tf: tf.math.cumprod(tf.ones([2, 3]), axis=2),
     "InvalidArgumentError", ["got 2", "Cumprod"]),
    ("softmax axis=2", lambda tf: tf.nn.softmax(tf.ones([2, 3]), axis=2), "InvalidArgumentError",
     ["[-2, 2)", "dim=2"]),
    ("softmax axis=-3", lambda tf: tf.nn.softmax(tf.ones([2, 3]), axis=-3),
     "InvalidArgumentError", ["dim=-3"]),
    ("softmax scalar", lambda tf: tf.nn.softmax(tf.constant(1.0)), "InvalidArgumentError",
     [">= 1 dimension"]),
    ("log_softmax axis=2", lambda tf: tf.nn.log_softmax(tf.ones([2, 3]), axis=2),
     "InvalidArgumentError", ["dim=2"]),
    ("softmax_xent axis=2", lambda tf: tf.nn.softmax_cross_entropy_with_logits(
        tf.ones([2, 3]), tf.ones([2, 3]), axis=2), "InvalidArgumentError", ["dim=2"]),
    ("reverse axis=2", lambda tf: tf.reverse(tf.ones([2, 3]), [2]), "InvalidArgumentError",
     ["= 2", "ReverseV2"]),
    ("reverse axis=-3", lambda tf: tf.reverse(tf.ones([2, 3]), [-3]), "InvalidArgumentError",
     ["= -3"]),
    ("reverse duplicate", lambda tf: tf.reverse(tf.ones([2, 3]), [0, -2]),
     "InvalidArgumentError", ["axis 0 specified more than once"]),
    ("reverse bare int", lambda tf: tf.reverse(tf.ones([2, 3]), 1), "InvalidArgumentError",
     ["1-dimension"]),
    ("split axis=2", lambda tf: tf.split(tf.ones([2, 3]), 1, axis=2), "InvalidArgumentError",
     ["got 2", "input rank (2)"]),
    ("split sizes axis=-3", lambda tf: tf.split(tf.ones([2, 3]), [1], axis=-3),
     "InvalidArgumentError", ["got -3", "SplitV"]),
    ("split scalar", lambda tf: tf.split(tf.constant(1.0), 1), "InvalidArgumentError",
     ["got 0"]),
    ("gather axis=2", lambda tf: tf.gather(tf.ones([2, 3]), [0], axis=2),
     "InvalidArgumentError", ["at least rank 3", "is rank 2", "GatherV2"]),
    ("gather axis=-3", lambda tf: tf.gather(tf.ones([2, 3]), [0], axis=-3),
     "InvalidArgumentError", ["at least rank 3"]),
    ("gather scalar params", lambda tf: tf.gather(tf.constant(1.0), [0]),
     "InvalidArgumentError", ["at least 1 dimensional"]),
    ("concat axis=2", lambda tf: tf.concat([tf.ones([2, 3])] * 2, 2), "InvalidArgumentError",
     ["[-2, 2)", "got 2"]),
    ("concat scalars", lambda tf: tf.concat([tf.constant(1.0)] * 2, 0), "InvalidArgumentError",
     ["scalars"]),
    ("squeeze axis=2", lambda tf: tf.squeeze(tf.ones([1, 3]), 2), "InvalidArgumentError",
     ["index 2", "2 dimensions"]),
    ("squeeze axis=-3", lambda tf: tf.squeeze(tf.ones([1, 3]), -3), "InvalidArgumentError",
     ["index -3"]),
    ("expand_dims axis=3", lambda tf: tf.expand_dims(tf.ones([2, 3]), 3),
     "InvalidArgumentError", ["index 3"]),
    ("reduce_sum axis=2", lambda tf: tf.reduce_sum(tf.ones([2, 3]), 2), "InvalidArgumentError",
     ["(2 for input with 2 dimension(s)"]),
    ("reduce_sum scalar axis=0", lambda tf: tf.reduce_sum(tf.constant(1.0), 0),
     "InvalidArgumentError", ["(0 for input with 0 dimension(s)"]),
    ("reduce_logsumexp axis=-3", lambda tf: tf.reduce_logsumexp(tf.ones([2, 3]), -3),
     "InvalidArgumentError", ["-3"]),
    ("argmax axis=2", lambda tf: tf.argmax(tf.ones([2, 3]), 2), "InvalidArgumentError",
     ["[-2, 2)", "got 2"]),
    ("argmin scalar", lambda tf: tf.argmin(tf.constant(1.0)), "InvalidArgumentError",
     ["[0, 0)"]),
    ("one_hot axis=2", lambda tf: tf.one_hot([0, 1], 3, axis=2), "InvalidArgumentError",
     ["-1 or between [0, 2)", "received: 2"]),
    ("one_hot axis=-2", lambda tf: tf.one_hot([0, 1], 3, axis=-2), "InvalidArgumentError",
     ["received: -2"]),
    ("linspace axis=2", lambda tf: tf.linspace([0.0, 0.0], [1.0, 1.0], 3, axis=2),
     "InvalidArgumentError", ["index 2"]),
    ("transpose perm 2", lambda tf: tf.transpose(tf.ones([2, 3]), [0, 2]),
     "InvalidArgumentError", ["2 is out of range [0 .. 2)"]),
    ("transpose perm -3", lambda tf: tf.transpose(tf.ones([2, 3]), [-3, 0]),
     "InvalidArgumentError", ["-1 is out of range"]),
    # ... TF's Python wrappers raise ValueError or IndexError
    ("stack axis=3", lambda tf: tf.stack([tf.ones([2, 3])] * 2, axis=3), "ValueError",
     ["= 3", "[-3, 3)"]),
    ("stack axis=-4", lambda tf: tf.stack([tf.ones([2, 3])] * 2, axis=-4), "ValueError",
     ["= -4"]),
    ("stack axis before shapes", lambda tf: tf.stack([tf.constant(1.0), tf.ones([3])], axis=1),
     "ValueError", ["= 1", "[-1, 1)"]),
    ("stack shapes differ", lambda tf: tf.stack([tf.ones([2]), tf.ones([2]), tf.ones([3])]),
     "InvalidArgumentError", ["values[2].shape = [3]"]),
    ("unstack axis=2", lambda tf: tf.unstack(tf.ones([2, 3]), axis=2), "ValueError", ["2"]),
    ("tensordot axes=3", lambda tf: tf.tensordot(tf.ones([2, 3]), tf.ones([2, 3]), 3),
     "ValueError", ["Received 3", "dimensions 2"]),
    ("tensordot axis 2", lambda tf: tf.tensordot(tf.ones([2, 3]), tf.ones([3, 2]), [[2], [0]]),
     "IndexError", ["axis 2", "rank 2"]),
    ("norm axis twice", lambda tf: tf.norm(tf.ones([2, 3]), axis=[0, 0]), "ValueError",
     ["unique"]),
    # duplicated reduction axes
    ("reduce_sum [0, 0]", lambda tf: tf.reduce_sum(tf.ones([2, 3]), [0, 0]),
     "InvalidArgumentError", ["duplicate dimension: 0"]),
    ("reduce_sum [0, -2]", lambda tf: tf.reduce_sum(tf.ones([2, 3]), [0, -2]),
     "InvalidArgumentError", ["duplicate dimension: 0"]),
    ("reduce_sum tensor [1, 1]", lambda tf: tf.reduce_sum(tf.ones([2, 3]), tf.constant([1, 1])),
     "InvalidArgumentError", ["duplicate dimension: 1"]),
    ("reduce_mean [1, 1]", lambda tf: tf.reduce_mean(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_max [1, 1]", lambda tf: tf.reduce_max(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_min [1, -1]", lambda tf: tf.reduce_min(tf.ones([2, 3]), [1, -1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_prod [1, 1]", lambda tf: tf.reduce_prod(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_any [1, 1]", lambda tf: tf.reduce_any(tf.ones([2, 3]) > 0, [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_all [0, 0]", lambda tf: tf.reduce_all(tf.ones([2, 3]) > 0, [0, 0]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_logsumexp [1, 1]", lambda tf: tf.reduce_logsumexp(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_variance [1, 1]", lambda tf: tf.math.reduce_variance(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("reduce_std [1, 1]", lambda tf: tf.math.reduce_std(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    ("moments [1, 1]", lambda tf: tf.nn.moments(tf.ones([2, 3]), [1, 1]),
     "InvalidArgumentError", ["duplicate"]),
    # float axes and shapes: a Python float fails TF's int32 conversion (TypeError); a float
    # list or tensor reaches the kernel, whose type check fails (InvalidArgumentError)
    ("reduce_sum axis 1.0", lambda tf: tf.reduce_sum(tf.ones([2, 3]), 1.0), "TypeError",
     ["1.0"]),
    ("reduce_sum axis [1.0]", lambda tf: tf.reduce_sum(tf.ones([2, 3]), [1.0]),
     "InvalidArgumentError", ["float"]),
    ("cumsum axis 1.0", lambda tf: tf.cumsum(tf.ones([2, 3]), 1.0), "TypeError", ["1.0"]),
    ("argmax axis 1.0", lambda tf: tf.argmax(tf.ones([2, 3]), 1.0), "TypeError", []),
    ("concat axis 1.0", lambda tf: tf.concat([tf.ones([2, 3])] * 2, 1.0), "TypeError", []),
    ("split axis 1.0", lambda tf: tf.split(tf.ones([2, 3]), 1, axis=1.0), "TypeError", []),
    ("expand_dims axis 1.0", lambda tf: tf.expand_dims(tf.ones([2, 3]), 1.0), "TypeError", []),
    ("unstack axis 1.0", lambda tf: tf.unstack(tf.ones([2, 3]), axis=1.0), "TypeError", []),
    ("gather axis 1.0", lambda tf: tf.gather(tf.ones([2, 3]), [0], axis=1.0),
     "InvalidArgumentError", ["Taxis"]),
    ("reverse axis [1.0]", lambda tf: tf.reverse(tf.ones([2, 3]), [1.0]),
     "InvalidArgumentError", ["float"]),
    ("ones [2.5]", lambda tf: tf.ones([2.5]), "TypeError", ["2.5"]),
    ("ones [2.0]", lambda tf: tf.ones([2.0]), "TypeError", ["2.0"]),
    ("ones (2.0, 3)", lambda tf: tf.ones((2.0, 3)), "TypeError", []),
    ("zeros [2.5]", lambda tf: tf.zeros([2.5]), "TypeError", ["2.5"]),
    ("zeros float tensor", lambda tf: tf.zeros(tf.constant([2.0])), "InvalidArgumentError",
     ["index_type", "float"]),
    ("fill [2.0]", lambda tf: tf.fill([2.0], 1.0), "InvalidArgumentError", ["index_type"]),
    ("fill 2.0", lambda tf: tf.fill(2.0, 1.0), "TypeError", []),
    ("reshape [2.0, 3]", lambda tf: tf.reshape(tf.ones([6]), [2.0, 3]), "InvalidArgumentError",
     ["Tshape"]),
    ("reshape [2.5, 2]", lambda tf: tf.reshape(tf.ones([6]), [2.5, 2]),
     "InvalidArgumentError", ["Tshape"]),
    ("reshape float tensor", lambda tf: tf.reshape(tf.ones([6]), tf.constant([2.0, 3.0])),
     "InvalidArgumentError", ["Tshape"]),
    ("tile [1.0, 2.0]", lambda tf: tf.tile(tf.ones([2, 3]), [1.0, 2.0]),
     "InvalidArgumentError", ["Tmultiples"]),
    ("broadcast_to [2.0, 3.0]", lambda tf: tf.broadcast_to(tf.ones([3]), [2.0, 3.0]),
     "InvalidArgumentError", ["float"]),
    ("transpose perm floats", lambda tf: tf.transpose(tf.ones([2, 3]), [1.0, 0.0]),
     "InvalidArgumentError", ["Tperm"]),
    ("eye 2.5", lambda tf: tf.eye(2.5), "TypeError", ["2.5"]),
    ("random.normal [2.0]", lambda tf: tf.random.normal([2.0]), "InvalidArgumentError",
     ["float"]),
    ("random.uniform [2.5]", lambda tf: tf.random.uniform([2.5]), "InvalidArgumentError",
     ["float"]),
    ("random.normal NumPy float", lambda tf: tf.random.normal(np.array([2.0])),
     "InvalidArgumentError", ["double"]),
    ("argmax axis NumPy float", lambda tf: tf.argmax(tf.ones([2, 3]), np.float64(1.0)),
     "TypeError", []),
    ("gather axis NumPy float", lambda tf: tf.gather(tf.ones([2, 3]), [0], axis=np.float64(1)),
     "InvalidArgumentError", ["Taxis"]),
    ("split num 3.0", lambda tf: tf.split(tf.ones([2, 3]), 3.0, axis=1), "ValueError", ["3.0"]),
    ("split sizes floats", lambda tf: tf.split(tf.ones([2, 3]), [1.0, 2.0], axis=1),
     "InvalidArgumentError", ["Tlen"]),
    ("ones [None]", lambda tf: tf.ones([None]), "ValueError", ["None"]),
    # negative sizes: TF's InvalidArgumentError, not NumPy's ValueError
    ("ones [-1]", lambda tf: tf.ones([-1]), "InvalidArgumentError", ["-1 must be >= 0"]),
    ("zeros [2, -1]", lambda tf: tf.zeros([2, -1]), "InvalidArgumentError", ["-1"]),
    ("fill [-1]", lambda tf: tf.fill([-1], 1.0), "InvalidArgumentError", ["-1"]),
    ("eye -1", lambda tf: tf.eye(-1), "InvalidArgumentError", ["-1"]),
    ("random.normal [-1]", lambda tf: tf.random.normal([-1]), "InvalidArgumentError", ["-1"]),
    ("reshape [-2, 3]", lambda tf: tf.reshape(tf.ones([2, 3]), [-2, 3]), "InvalidArgumentError",
     ["-2"]),
    ("tile [1, -1]", lambda tf: tf.tile(tf.ones([2, 3]), [1, -1]), "InvalidArgumentError",
     ["multiples[1]"]),
    # one_hot: indices must be uint8/int8/int32/int64, depth a non-negative integer
    ("one_hot float indices", lambda tf: tf.one_hot([0.0, 1.0], 3), "InvalidArgumentError",
     ["TI", "float"]),
    ("one_hot int16 indices", lambda tf: tf.one_hot(tf.constant([0, 1], tf.int16), 3),
     "InvalidArgumentError", ["int16"]),
    ("one_hot depth -1", lambda tf: tf.one_hot([0, 1], -1), "InvalidArgumentError",
     ["depth must be non-negative, got: -1"]),
    ("one_hot depth 2.5", lambda tf: tf.one_hot([0, 1], 2.5), "TypeError", ["2.5"]),
    ("one_hot float depth tensor", lambda tf: tf.one_hot([0, 1], tf.constant(2.0)),
     "ValueError", ["float32"]),
    ("one_hot depth [3]", lambda tf: tf.one_hot([0, 1], [3]), "InvalidArgumentError",
     ["depth must be a scalar"]),
    ("one_hot depth 2**31", lambda tf: tf.one_hot([0, 1], 2 ** 31), "InvalidArgumentError",
     ["non-negative"]),
    ("one_hot int64 depth tensor", lambda tf: tf.one_hot([0, 1], tf.constant(3, tf.int64)),
     "ValueError", ["int64"]),
    # leaky_relu takes ints (cast to float32) but not bools
    ("leaky_relu bool", lambda tf: tf.nn.leaky_relu(tf.constant([True])), "InvalidArgumentError",
     ["bool"]),
]


def exception_type(name: str, framework) -> type:
    """The exception class called ``name`` in ``framework.errors`` or among the built-ins."""
    return getattr(framework.errors, name, None) or getattr(builtins, name)


@pytest.mark.parametrize("case", BAD_ARGUMENTS, ids=[c[0] for c in BAD_ARGUMENTS])
def test_bad_argument_raises_tensorflows_exception(case):
    _, fn, exc, fragments = case
    with pytest.raises(exception_type(exc, tf)) as info:
        fn(tf)
    assert type(info.value).__module__.split(".")[0] in ("minitf", "builtins"), \
        f"a library's own exception leaked: {type(info.value)!r}"
    for f in fragments:
        assert f in str(info.value), f"{f!r} not in {str(info.value)!r}"


# ---- arguments TF accepts stay accepted, with the right values ------------------------------

X = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("op, ref", [
    (lambda tf, x, a: tf.cumsum(x, axis=a), lambda x, a: np.cumsum(x, axis=a)),
    (lambda tf, x, a: tf.math.cumprod(x + 1, axis=a), lambda x, a: np.cumprod(x + 1, axis=a)),
    (lambda tf, x, a: tf.reverse(x, [a]), lambda x, a: np.flip(x, a)),
    (lambda tf, x, a: tf.concat([x, x], a), lambda x, a: np.concatenate([x, x], a)),
    (lambda tf, x, a: tf.gather(x, [1, 0], axis=a), lambda x, a: np.take(x, [1, 0], axis=a)),
    (lambda tf, x, a: tf.reduce_sum(x, [a]), lambda x, a: x.sum(a)),
    (lambda tf, x, a: tf.argmax(x, a), lambda x, a: np.argmax(x, a)),
    (lambda tf, x, a: tf.nn.softmax(x, a),
     lambda x, a: np.exp(x) / np.exp(x).sum(a, keepdims=True)),
    (lambda tf, x, a: tf.split(x, [1, x.shape[a] - 1], axis=a)[0],
     lambda x, a: np.split(x, [1], axis=a)[0]),
])
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_in_range_axes_work_and_negative_counts_from_the_end(op, ref, axis):
    got = op(tf, tf.constant(X), axis).numpy()
    np.testing.assert_allclose(got, ref(X, axis), rtol=1e-12)


def test_stack_axis_counts_in_the_result_rank():
    a, b = np.ones((2, 3)), np.zeros((2, 3))
    for axis in (2, -3):
        got = tf.stack([tf.constant(a), tf.constant(b)], axis=axis).numpy()
        np.testing.assert_array_equal(got, np.stack([a, b], axis=axis))


def test_integral_float_axes_where_tfs_python_code_accepts_them():
    # TF computes these axes in Python, so 1.0 works there (unlike cumsum's, which it converts)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(tf.nn.softmax(x, 0.0).numpy(), tf.nn.softmax(x, 0).numpy())
    assert tf.stack([x, x], 1.0).shape == (2, 2, 3)
    assert tf.squeeze(tf.ones([1, 3]), 0.0).shape == (3,)
    assert tf.one_hot([0, 1], 3, axis=0.0).shape == (3, 2)


def test_squeeze_may_name_an_axis_twice_as_tf_allows():
    assert tf.squeeze(tf.ones([1, 3]), [0, -2]).shape == (3,)


def test_scalar_reverse_is_the_scalar():
    assert float(tf.reverse(tf.constant(5.0), [0])) == 5.0


def test_one_hot_edge_arguments_tf_accepts():
    assert tf.one_hot([0, 1], 0).shape == (2, 0)                       # depth 0
    np.testing.assert_array_equal(tf.one_hot([-1, 5], 3).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(tf.one_hot([0, 1], 3, axis=0).numpy(),
                                  [[1, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(tf.one_hot(tf.constant([2], tf.uint8), 3).numpy(), [[0, 0, 1]])
    # TF wraps a Python depth to int32: 2**40 is 0 columns, 2**32 + 2 is 2 (not an allocation
    # of 2**40 columns)
    assert tf.one_hot([0, 1], 2 ** 40).shape == (2, 0)
    assert tf.one_hot([0, 1], 2 ** 32 + 2).shape == (2, 2)
    assert tf.one_hot([0, 1], tf.constant(3)).shape == (2, 3)


def test_integer_shapes_and_axes_in_every_form_still_work():
    n = tf.constant(2, tf.int64)
    assert tf.ones([n, 3]).shape == (2, 3)
    assert tf.zeros(tf.constant([2, 3], tf.int64)).shape == (2, 3)
    assert tf.ones(np.array([2, 3])).shape == (2, 3)
    assert tf.ones(tf.ones([2, 3]).shape).shape == (2, 3)
    assert tf.reshape(tf.ones([6]), (np.int64(2), -1)).shape == (2, 3)
    assert tf.reduce_sum(tf.ones([2, 3]), np.int64(1)).shape == (2,)
    assert tf.reduce_sum(tf.ones([2, 3]), []).shape == (2, 3)
    assert tf.reduce_sum(tf.ones([2, 3]), range(2)).shape == ()


def test_numpy_floats_are_truncated_as_tfs_conversion_does():
    # TF 2.21 converts a NumPy float array or scalar to int32 by truncation in these places
    # (not in a Python list, where tf.ones([np.float32(2)]) is a TypeError)
    x = tf.constant(X)
    assert tf.ones(np.array([2.5])).shape == (2,)
    assert tf.fill(np.array([2.7], np.float32), 1.0).shape == (2,)
    assert tf.reshape(tf.ones([6]), np.array([2.9, 3.0])).shape == (2, 3)
    assert tf.tile(x, np.array([1.0, 2.0])).shape == (2, 6)
    np.testing.assert_array_equal(tf.reduce_sum(x, np.float64(1.9)).numpy(), X.sum(1))
    np.testing.assert_array_equal(tf.reduce_sum(x, np.float64(-0.5)).numpy(), X.sum(0))
    np.testing.assert_array_equal(tf.cumsum(x, np.float64(1.9)).numpy(), np.cumsum(X, 1))
    np.testing.assert_array_equal(tf.one_hot(np.array([1.7]), 3).numpy(), [[0, 1, 0]])
    assert tf.one_hot([0], np.float64(3.0)).shape == (1, 3)
    with pytest.raises(TypeError):
        tf.ones([np.float32(2)])


def test_rejected_arguments_are_not_mutated():
    sizes, axes = [1, -1], [0, 0]
    tf.split(tf.ones([3, 2]), sizes)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reduce_sum(tf.ones([2, 3]), axes)
    assert sizes == [1, -1] and axes == [0, 0]


# ---- argmax / argmin and NaN ----------------------------------------------------------------
# TF 2.21's outputs (probed on float16, float32 and float64 alike): NaN is never the extreme
# value, the first index wins a tie, a slice with nothing else gives 0.
NAN, INF = math.nan, math.inf
ARG_CASES = [   # (values, argmax, argmin)
    ([1, NAN, 3], 2, 0),
    ([NAN, 1, 3], 2, 1),
    ([1, 3, NAN], 1, 0),
    ([NAN, NAN, 1], 2, 2),
    ([1, NAN, NAN, 3], 3, 0),
    ([3, NAN, 1, NAN], 0, 2),
    ([1, 2, 3, NAN, 4], 4, 0),
    ([NAN, NAN], 0, 0),
    ([-INF, NAN], 0, 0),
    ([INF, NAN], 0, 0),
    ([NAN, INF], 1, 0),
    ([3, 3, 1, 1], 0, 2),
]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("values, imax, imin", ARG_CASES)
def test_argmax_and_argmin_skip_nan_as_tf(values, imax, imin, dtype):
    x = tf.constant(values, dtype)
    assert int(tf.argmax(x)) == imax
    assert int(tf.argmin(x)) == imin


def _running_best(row, largest: bool) -> int:
    """TF's arg-max kernel as a loop: the best starts at the lowest finite value of the dtype
    and only a strictly better element replaces it (NaN compares false, so never does)."""
    info = np.finfo(row.dtype)
    best, index = (info.min, 0) if largest else (info.max, 0)
    for i, v in enumerate(row):
        if (v > best) if largest else (v < best):
            best, index = v, i
    return index


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_argmax_along_each_axis_matches_the_running_best(dtype):
    rng = np.random.default_rng(12)
    x = rng.integers(-3, 4, size=(6, 7)).astype(dtype)
    x[rng.random(x.shape) < 0.4] = np.nan
    x[0] = np.nan                       # an all-NaN row
    x[1, :3] = [-np.inf, np.finfo(dtype).min, np.nan]
    for axis in (0, 1):
        moved = np.moveaxis(x, axis, -1)
        for fn, largest in ((tf.argmax, True), (tf.argmin, False)):
            want = [_running_best(r, largest) for r in moved.reshape(-1, moved.shape[-1])]
            np.testing.assert_array_equal(fn(x, axis=axis).numpy().reshape(-1), want)


def test_integer_argmax_is_unchanged():
    assert int(tf.argmax(tf.constant([1, 7, 7, -2]))) == 1
    assert int(tf.argmin(tf.constant([1, 7, -2, -2], tf.int64))) == 2


# ---- leaky_relu on integers -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64"])
def test_leaky_relu_casts_integers_to_float32(dtype):
    y = tf.nn.leaky_relu(tf.constant([-3, 0, 2], dtype))
    assert y.dtype == tf.float32
    # TF: alpha (0.2 as a float32) times the float32 input
    np.testing.assert_array_equal(y.numpy(), np.array([-3 * np.float32(0.2), 0, 2], np.float32))


def test_leaky_relu_of_a_python_int_list_and_uint8():
    np.testing.assert_array_equal(tf.nn.leaky_relu([-5, 4], alpha=2).numpy(), [-10.0, 4.0])
    # uint8 has no negatives: 253 stays 253 once cast (TF gives 253.0)
    assert tf.nn.leaky_relu(tf.constant([253], tf.uint8)).numpy().tolist() == [253.0]


# ---- activation gradients at ±inf and large |x| -----------------------------------------------

def _grad(f, values, dtype):
    x = tf.constant(values, dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softsign_gradient_is_zero_at_infinity(dtype):
    g = _grad(tf.nn.softsign, [-INF, INF, NAN, 0.0, 3.0, -1e30], dtype)
    # d/dx x/(1+|x|) = 1/(1+|x|)²: 0 at ±inf, 1/16 at 3, 1e-60 at 1e30 (0 in float32)
    want = np.array([0.0, 0.0, NAN, 1.0, 1 / 16, 1e-60], dtype)
    np.testing.assert_allclose(g, want, rtol=1e-15, atol=0)


def test_softsign_gradient_matches_finite_differences_and_has_a_second_derivative():
    xs = np.array([-2.5, -0.3, 0.4, 7.0])
    h = 1e-6
    fd = ((xs + h) / (1 + np.abs(xs + h)) - (xs - h) / (1 + np.abs(xs - h))) / (2 * h)
    np.testing.assert_allclose(_grad(tf.nn.softsign, xs, "float64"), fd, rtol=1e-7)
    x = tf.constant(xs)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.nn.softsign(x)
        g = inner.gradient(y, x)
    # d²/dx² = -2·sign(x)/(1+|x|)³
    np.testing.assert_allclose(outer.gradient(g, x).numpy(),
                               -2 * np.sign(xs) / (1 + np.abs(xs)) ** 3, rtol=1e-12)


@pytest.mark.parametrize("name, f, want", [
    # TF 2.21's gradients at [-inf, inf, -1e30, 1e30] (identical in float32 and float64)
    ("sigmoid", lambda x: tf.sigmoid(x), [0, 0, 0, 0]),
    ("tanh", lambda x: tf.tanh(x), [0, 0, 0, 0]),
    ("softplus", lambda x: tf.nn.softplus(x), [0, 1, 0, 1]),
    ("elu", lambda x: tf.nn.elu(x), [0, 1, 0, 1]),
    ("selu", lambda x: tf.nn.selu(x), [0, 1.0507009873554805, 0, 1.0507009873554805]),
    ("relu", lambda x: tf.nn.relu(x), [0, 1, 0, 1]),
    ("leaky_relu", lambda x: tf.nn.leaky_relu(x), [0.2, 1, 0.2, 1]),
    ("gelu", lambda x: tf.nn.gelu(x), [NAN, NAN, 0, 1]),
    ("swish", lambda x: tf.nn.swish(x), [NAN, NAN, 0, 1]),
])
def test_activation_gradients_at_infinity_are_tfs(name, f, want):
    g = _grad(f, [-INF, INF, -1e30, 1e30], "float64")
    np.testing.assert_allclose(g, want, rtol=1e-7)


def test_split_by_a_0d_tensor_is_a_value_error_and_zero_ways_an_invalid_argument():
    # TF 2.21: a rank-0 tensor is refused before any shape is looked at (ValueError), and a
    # Python 0 fails Split's attr check "must be at least minimum 1" (InvalidArgumentError).
    with pytest.raises(ValueError, match="Rank-0 tensors are not supported"):
        tf.split(tf.ones([4]), tf.constant(2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least minimum 1"):
        tf.split(tf.ones([4]), 0)
