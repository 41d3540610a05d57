"""Strict dtypes, Python-operand conversion and Tensor protocols (TF_SEMANTICS §3)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf

IAE = tf.errors.InvalidArgumentError


@pytest.mark.parametrize("value, dtype", [
    (1.0, tf.float32), (1, tf.int32), (2 ** 40, tf.int64), (True, tf.bool),
    ([1, 2.5], tf.float32), (np.array([1.0]), tf.float64), (np.array([1]), tf.int64),
    (np.float32(1), tf.float32), (np.array([1.0], np.float16), tf.float16),
])
def test_default_dtypes(value, dtype):
    assert tf.constant(value).dtype == dtype
    assert tf.convert_to_tensor(value).dtype == dtype


def test_explicit_dtype_conversion_rules():
    assert tf.constant(np.array([1.5]), dtype=tf.float32).dtype == tf.float32
    with pytest.raises(TypeError, match="Cannot convert 1.5 to EagerTensor of dtype int32"):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.convert_to_tensor(tf.constant(1.0, tf.float64), dtype=tf.float32)
    assert tf.Variable(np.array([1.0])).dtype == tf.float64 and tf.Variable(1).dtype == tf.int32


@pytest.mark.parametrize("make", [
    lambda: tf.constant(1.0) + tf.constant(1.0, tf.float64),
    lambda: tf.constant(1.0) + tf.constant(1),
    lambda: tf.constant(1) + tf.constant(1, tf.int64),
    lambda: tf.constant(1.0) + tf.constant(1.0, tf.float16),
    lambda: tf.constant(1.0) * tf.constant(1.0, tf.float64),
    lambda: tf.constant(1.0) == tf.constant(1),
    lambda: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), tf.float64)),
    lambda: tf.constant(1) + 2.5,
])
def test_mixed_dtypes_raise_invalid_argument(make):
    with pytest.raises(IAE, match="cannot compute"):
        make()


def test_mixed_dtype_message_names_op_and_dtypes():
    with pytest.raises(IAE) as e:
        tf.constant(1.0) + tf.constant(1.0, tf.float64)
    assert "AddV2" in str(e.value) and "input #1" in str(e.value)
    assert "float tensor but is a double tensor" in str(e.value)


@pytest.mark.parametrize("make", [
    lambda: 2.5 + tf.constant(1), lambda: tf.constant(1) - 2.0,
    lambda: tf.constant(1) * 2.0, lambda: 2.0 * tf.constant(1),
])
def test_float_scalar_into_int_tensor_is_type_error(make):
    with pytest.raises(TypeError, match="Cannot convert 2"):
        make()


def test_truediv_rules():
    with pytest.raises(TypeError, match="same dtype"):
        tf.constant(1.0) / tf.constant(1)
    with pytest.raises(TypeError, match="same dtype"):
        tf.constant(1) / 2.0
    r = tf.constant(1) / tf.constant(2)
    assert r.dtype == tf.float64 and float(r) == 0.5
    assert (tf.constant(1, tf.int64) / tf.constant(2, tf.int64)).dtype == tf.float64
    assert (tf.constant(7) // tf.constant(2)).dtype == tf.int32
    assert int(tf.constant(7) // 2) == 3 and int(tf.constant(-7) % 3) == 2
    assert (tf.constant(3) ** 2).dtype == tf.int32
    with pytest.raises(IAE, match="negative integer powers"):
        tf.constant(2) ** -1


def test_python_and_numpy_operands_take_the_tensor_dtype():
    f32 = tf.constant(2.0)
    assert (f32 + 3).dtype == tf.float32 and (3 + f32).dtype == tf.float32
    assert (tf.constant(2.0, tf.float64) + 2.5).dtype == tf.float64
    assert float(tf.constant(1.0) + 2 ** 40) == np.float32(1 + 2 ** 40)
    assert int(tf.constant(1) + 2 ** 40) == 1          # int32 wraps, as TF
    assert float(tf.constant(1.0) + True) == 2.0
    assert (tf.constant([1.0]) * np.array([1.5])).dtype == tf.float32
    r = np.array([2.5]) + tf.constant([1.0])
    assert isinstance(r, tf.Tensor) and r.dtype == tf.float32
    assert (tf.constant([1.0], tf.float64) * np.array([1.5], np.float32)).dtype == tf.float64
    assert (tf.constant([1]) * np.array([2.5], np.float32)).numpy().tolist() == [2]
    assert (tf.Variable(1.0) * np.float64(3.3)).dtype == tf.float32


def test_integer_semantics():
    assert int(tf.reduce_mean(tf.constant([1, 2]))) == 1
    assert int(tf.reduce_mean(tf.constant([-1, -2]))) == -1   # truncation toward zero
    assert tf.cast(tf.constant([-1.7, 1.7]), tf.int32).numpy().tolist() == [-1, 1]
    assert tf.nn.relu(tf.constant([-1, 2])).numpy().tolist() == [0, 2]
    with pytest.raises(IAE, match="not in the list of allowed values"):
        tf.sqrt(tf.constant(4))


def test_shape_errors():
    with pytest.raises(IAE, match=r"Incompatible shapes: \[2\] vs. \[3\]"):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])
    with pytest.raises(IAE, match=r"Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,5\]"):
        tf.matmul(tf.ones((2, 3)), tf.ones((4, 5)))
    # TF 2.21's words: MatMul for two operands of rank <= 2, BatchMatMulV2 above
    with pytest.raises(IAE, match=r"In\[0\] and In\[1\] ndims must be == 2: 1"):
        tf.matmul(tf.constant([1.0]), tf.constant([1.0]))
    with pytest.raises(IAE, match=r"In\[0\] and In\[1\] has different ndims: \[2\] vs. \[2,2\]"):
        tf.matmul(tf.ones([2]), tf.ones([2, 2]))
    with pytest.raises(IAE, match=r"In\[1\] ndims must be >= 2: 1 \[Op:BatchMatMulV2\]"):
        tf.matmul(tf.ones([1, 2, 2]), tf.ones([2]))
    # strided slice: a negative index is reported after adding the size, as TF's kernel does
    with pytest.raises(IAE, match=r"slice index -1 of dimension 0 out of bounds"):
        tf.constant([1, 2])[-3]
    with pytest.raises(IAE, match=r"slice index 7 of dimension 1 out of bounds"):
        tf.constant([[1, 2]])[..., 7]
    with pytest.raises(IAE, match=r"Index out of range using input dim 1; input has only 1 dims"):
        tf.constant([1, 2])[0, 0]
    with pytest.raises(IAE, match="tensor with 6 values, but the requested shape has 4"):
        tf.reshape(tf.ones(6), (2, 2))
    with tf.device("/CPU:0"):   # (indices are not checked on a GPU, as in TF)
        with pytest.raises(IAE, match=r"indices\[0\] = 3 is not in \[0, 2\)"):
            tf.gather(tf.constant([1, 2]), [3])


def test_repr_and_str():
    assert repr(tf.constant(9.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=9.0>"
    assert repr(tf.constant(3)) == "<tf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert repr(tf.constant([1.0, 2.0])) == \
        "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert str(tf.constant([1.0, 2.0])) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert str(tf.ones((2, 2))) == "tf.Tensor(\n[[1. 1.]\n [1. 1.]], shape=(2, 2), dtype=float32)"
    assert repr(tf.Variable(1.0, name="w")) == \
        "<tf.Variable 'w:0' shape=() dtype=float32, numpy=1.0>"
    assert str(tf.float32) == "<dtype: 'float32'>" and repr(tf.float32) == "tf.float32"


def test_python_protocols():
    t = tf.constant([[1, 2], [3, 4]])
    assert len(t) == 2 and [r.numpy().tolist() for r in t] == [[1, 2], [3, 4]]
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(3)) == 3
    assert bool(tf.constant(True)) and not bool(tf.constant(0.0))
    assert np.square(tf.constant([2.0, 3.0])).tolist() == [4.0, 9.0]
    assert np.asarray(t).dtype == np.int32
    with pytest.raises(TypeError):
        len(tf.constant(1.0))
    with pytest.raises(TypeError):
        iter(tf.constant(1.0))
    with pytest.raises(TypeError, match="unhashable"):
        hash(tf.constant(1.0))
    assert (tf.constant(1.0) == None) is False  # noqa: E711
    assert not bool(tf.constant([1.0, 2.0]) == tf.constant([1.0, 2.0, 3.0]))
    assert t.shape == (2, 2) and t.shape.as_list() == [2, 2] and str(t.shape) == "(2, 2)"
    assert [1, 2][tf.constant(1)] == 2     # scalar int tensors work as Python indices


def test_getitem():
    x = tf.reshape(tf.range(24), (2, 3, 4))
    n = np.arange(24).reshape(2, 3, 4)
    for key in [0, -1, (1, 2), (slice(None), slice(None, None, 2)), (Ellipsis, 1),
                (slice(None, None, -1), tf.newaxis, 0), (0, slice(1, None), slice(-1, 0, -2)),
                (tf.constant(1),)]:
        np.testing.assert_array_equal(x[key].numpy(), n[tuple(
            int(k) if isinstance(k, tf.Tensor) else k for k in (key if isinstance(key, tuple)
                                                                  else (key,)))])
    with pytest.raises(IAE):
        x[5]
    with pytest.raises(TypeError):
        x[1.5]


def test_tensors_are_immutable_and_inputs_are_copied():
    a = np.array([1.0, 2.0])
    t = tf.constant(a)
    a[0] = 100.0
    assert t.numpy().tolist() == [1.0, 2.0]
    out = t.numpy()
    out[0] = 5.0
    assert t.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(TypeError):
        t[0] = 3.0


def test_creation_ops():
    assert tf.zeros((2, 3)).dtype == tf.float32 and tf.ones([2], tf.int32).numpy().tolist() == [1, 1]
    assert tf.fill([2], 7).numpy().tolist() == [7, 7]
    assert tf.eye(2, 3).numpy().tolist() == [[1, 0, 0], [0, 1, 0]]
    assert tf.range(5).dtype == tf.int32 and tf.range(0.0, 1.0, 0.25).numpy().tolist() == \
        [0, 0.25, 0.5, 0.75]
    assert tf.range(1, 10, 3).numpy().tolist() == [1, 4, 7]
    assert tf.linspace(0.0, 1.0, 5).numpy().tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert tf.zeros_like(tf.constant([1, 2])).dtype == tf.int32
    assert tf.one_hot([0, 2], 3).numpy().tolist() == [[1, 0, 0], [0, 0, 1]]
    assert tf.shape(tf.ones((2, 3))).numpy().tolist() == [2, 3]
    assert int(tf.size(tf.ones((2, 3)))) == 6 and int(tf.rank(tf.ones((2, 3)))) == 2
    assert tf.where([True, False, True]).numpy().tolist() == [[0], [2]]
    assert tf.argmax([[1, 3], [4, 2]]).numpy().tolist() == [1, 0]
    assert tf.argmax([[1, 3], [4, 2]], axis=1).dtype == tf.int64


def test_random_is_reproducible_with_seeds():
    tf.random.set_seed(3)
    a = [tf.random.normal([4]), tf.random.uniform([4], seed=1), tf.random.truncated_normal([500])]
    tf.random.set_seed(3)
    b = [tf.random.normal([4]), tf.random.uniform([4], seed=1), tf.random.truncated_normal([500])]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert float(tf.reduce_max(tf.abs(a[2]))) <= 2.0
    assert not np.array_equal(tf.random.normal([4]).numpy(), a[0].numpy())


def test_tensor_shape_equals_lists_as_in_tf():
    # TF 2.21: TensorShape([2, 3]) == [2, 3] and == (2, 3) are True; != [2, 3] is False.
    s = tf.TensorShape([2, 3])
    assert s == [2, 3] and s == (2, 3) and not (s != [2, 3])
    assert s != [2, None] and tf.TensorShape([2, None]) == [2, None]
    assert hash(s) == hash((2, 3)) and {s: 1}[(2, 3)] == 1


def test_as_dtype_reads_tf_datatype_enum_numbers():
    """TF's DataType enum numbers (types.proto) name dtypes too: tf.zeros(1, 1), written in the
    Keras subclassing guide, passes 1 as `dtype`, which TF reads as DT_FLOAT."""
    expected = {1: tf.float32, 2: tf.float64, 3: tf.int32, 4: tf.uint8, 5: tf.int16, 6: tf.int8,
                9: tf.int64, 10: tf.bool, 19: tf.float16}
    for number, dtype in expected.items():
        assert tf.as_dtype(number) == dtype
    z = tf.zeros(1, 1)
    assert z.dtype == tf.float32 and z.shape == (1,)
    for bad in (0, 100):     # no such enum value: TF raises TypeError
        with pytest.raises(TypeError):
            tf.as_dtype(bad)
