"""tf.TensorArray's element shape, checked as TF 2.21 checks it, outside staged loops.

With ``infer_shape`` (the default) each write merges the element shape with the value's shape,
so a partly known ``element_shape`` (``[None]``) is fixed by the first write and a later write
of other rows is refused: eagerly TF's ValueError "Incompatible shape for value ...", while a
tf.function traces TF's graph array's "Inconsistent shapes: saw ... but expected ... ".
Expected messages are literals from TF 2.21 runs (parity/test_tensor_array_shapes_parity.py
makes the same calls side by side).
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import minitf as tf
from minitf.errors import InvalidArgumentError

F32 = tf.float32


# ---- eager --------------------------------------------------------------------------------

def test_eager_write_merges_a_partly_known_element_shape():
    ta = tf.TensorArray(F32, size=2, element_shape=[None]).write(0, [1.0, 2.0, 3.0])
    assert ta.element_shape.as_list() == [3]                        # TF 2.21
    with pytest.raises(ValueError, match=re.escape(
            "Incompatible shape for value ((1,)), expected ((3,))")):   # TF 2.21
        ta.write(1, [1.0])


def test_eager_merged_shape_gives_the_zeros_of_unwritten_slots():
    ta = tf.TensorArray(F32, size=2, element_shape=[None, 2]).write(0, [[1.0, 2.0]])
    out = ta.stack()                                    # TF 2.21: (2, 1, 2), zeros in slot 1
    assert out.shape == (2, 1, 2)
    np.testing.assert_array_equal(out.numpy(), [[[1.0, 2.0]], [[0.0, 0.0]]])
    ta = tf.TensorArray(F32, size=2, element_shape=[None, 2]).write(0, [[1.0, 2.0]])
    with pytest.raises(ValueError, match=re.escape(
            "Incompatible shape for value ((2, 2)), expected ((1, 2))")):   # TF 2.21
        ta.write(1, [[1.0, 2.0], [3.0, 4.0]])


def test_eager_scatter_merges_too():
    ta = tf.TensorArray(F32, size=2, element_shape=[None]).scatter(
        [0, 1], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(ValueError, match=re.escape(
            "Incompatible shape for value ((1,)), expected ((3,))")):   # TF 2.21
        ta.write(1, [1.0])


def test_eager_without_infer_shape_nothing_merges():
    ta = tf.TensorArray(F32, size=2, element_shape=[None], infer_shape=False)
    ta = ta.write(0, [1.0, 2.0, 3.0]).write(1, [1.0])            # TF 2.21: accepted
    assert ta.element_shape.as_list() == [None]
    assert int(ta.size()) == 2


def test_eager_dtype_message_is_tfs():
    # TF 2.21's message ends in a space
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "TensorArray dtype is float32 but Op is trying to write dtype int32 ") + "$"):
        tf.TensorArray(F32, size=2).write(0, tf.constant([1, 2]))
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "TensorArray dtype is float32 but Op is trying to write dtype float64 ") + "$"):
        tf.TensorArray(F32, size=2).scatter([0, 1], tf.constant([1.0, 2.0], tf.float64))


def test_eager_split_checks_its_lengths_as_tf():
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "TensorArray's size is not equal to the size of lengths (3 vs. 2), and the "
            "TensorArray is not marked as dynamically resizeable.")):   # TF 2.21
        tf.TensorArray(F32, size=3).split([1.0, 2.0, 3.0, 4.0], [1, 3])
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is 3 "
            "and value's shape is: [4] ")):                             # TF 2.21
        tf.TensorArray(F32, size=2).split([1.0, 2.0, 3.0, 4.0], [1, 2])
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "Expected value to be at least a vector, but received shape: [] ")):  # TF 2.21
        tf.TensorArray(F32, size=2).split(1.0, [1, 2])
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "Expected lengths to be a vector, received shape: [1, 2] ")):  # TF 2.21
        tf.TensorArray(F32, size=2).split([1.0, 2.0, 3.0, 4.0], [[1, 3]])
    # a dynamic_size array takes any number of pieces (TF 2.21: size 2)
    ta = tf.TensorArray(F32, size=3, dynamic_size=True).split([1.0, 2.0, 3.0, 4.0], [1, 3])
    assert int(ta.size()) == 2


def test_eager_unstack_and_split_take_rows_of_any_shape():
    # TF 2.21's eager unstack and split check no shapes and leave the element shape as it was
    ta = tf.TensorArray(F32, size=2, element_shape=[2]).unstack([[1.0, 2.0, 3.0],
                                                                 [4.0, 5.0, 6.0]])
    assert ta.element_shape.as_list() == [2]
    np.testing.assert_array_equal(ta.stack().numpy(), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    ta = tf.TensorArray(F32, size=2, element_shape=[2]).unstack([[1.0, 2.0, 3.0],
                                                                 [4.0, 5.0, 6.0]])
    with pytest.raises(ValueError, match=re.escape(
            "Incompatible shape for value ((3,)), expected ((2,))")):   # TF 2.21
        ta.write(0, [1.0, 2.0, 3.0])
    ta = tf.TensorArray(F32, size=2).unstack([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert ta.element_shape is None                                   # TF 2.21: unknown
    ta = ta.write(0, [1.0])                                           # TF 2.21: accepted
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "Shapes of all inputs must match: values[0].shape = [1] != values[1].shape = [3]")):
        ta.stack()                                                    # TF 2.21: Pack's error
    ta = tf.TensorArray(F32, size=2, element_shape=[2]).split([1.0, 2.0, 3.0, 4.0], [1, 3])
    assert ta.element_shape.as_list() == [2]
    np.testing.assert_array_equal(ta.read(1).numpy(), [2.0, 3.0, 4.0])   # TF 2.21
    ta = tf.TensorArray(F32, size=2).split([1.0, 2.0, 3.0, 4.0], [1, 3])
    assert ta.element_shape is None                                   # TF 2.21: unknown
    np.testing.assert_array_equal(ta.write(1, [[1.0, 2.0]]).read(1).numpy(), [[1.0, 2.0]])


def test_eager_unstack_errors_are_tfs():
    with pytest.raises(ValueError, match=re.escape(
            "Cannot unstack 2 tensors into a TensorArray of static size 1 ") + "$"):  # TF 2.21
        tf.TensorArray(F32, size=1).unstack([1.0, 2.0])
    with pytest.raises(ValueError, match=re.escape(
            "Argument `axis` = 0 not in range [0, 0)")):                  # TF 2.21
        tf.TensorArray(F32, size=2).unstack(1.0)


def test_eager_scatter_converts_python_values_by_their_own_dtype():
    # TF 2.21: Python ints are int32 and Python floats float32 there, then refused
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "TensorArray dtype is float32 but Op is trying to write dtype int32 ")):
        tf.TensorArray(F32, size=2).scatter([0, 1], [1, 2])
    with pytest.raises(InvalidArgumentError, match=re.escape(
            "TensorArray dtype is float64 but Op is trying to write dtype float32 ")):
        tf.TensorArray(tf.float64, size=2).scatter([0, 1], [1.0, 2.0])
    out = tf.TensorArray(F32, size=2).scatter([1, 0], [1.0, 2.0]).stack()
    np.testing.assert_array_equal(out.numpy(), [2.0, 1.0])
    # traced, TF's graph array converts by the array's dtype (TF 2.21: [2., 1.] float64)
    out = tf.function(lambda: tf.TensorArray(tf.float64, size=2).scatter(
        [1, 0], [1.0, 2.0]).stack())()
    assert out.dtype == tf.float64
    np.testing.assert_array_equal(out.numpy(), [2.0, 1.0])


# ---- straight-line code in a tf.function ----------------------------------------------------

def _traced_error(fn):
    with pytest.raises(ValueError) as info:
        tf.function(fn)()
    return str(info.value).rstrip("\n").split("\n")[-1].strip(" ")


INCONSISTENT = [
    # name, body, TF 2.21's last line (its message ends in a space, stripped here)
    ("write", lambda: tf.TensorArray(F32, size=2).write(0, [1.0, 2.0]).write(
        1, [1.0, 2.0, 3.0]).size(), "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"),
    ("element_shape", lambda: tf.TensorArray(F32, size=2, element_shape=[2]).write(
        0, [1.0, 2.0, 3.0]).size(),
     "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"),
    ("merged", lambda: tf.TensorArray(F32, size=2, element_shape=[None]).write(
        0, [1.0, 2.0, 3.0]).write(1, [1.0]).size(),
     "ValueError: Inconsistent shapes: saw (1,) but expected (3,)"),
    ("rank", lambda: tf.TensorArray(F32, size=2).write(0, 1.0).write(1, [1.0, 2.0]).size(),
     "ValueError: Inconsistent shapes: saw (2,) but expected ()"),
    ("scatter", lambda: tf.TensorArray(F32, size=3).write(2, [1.0, 2.0]).scatter(
        [0, 1], [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]).size(),
     "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"),
    ("unstack", lambda: tf.TensorArray(F32, size=2).write(0, [1.0, 2.0]).unstack(
        [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]).size(),
     "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"),
    ("split", lambda: tf.TensorArray(F32, size=2, element_shape=[2]).split(
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 3]).size(),
     "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"),
    ("split-then-write", lambda: tf.TensorArray(F32, size=2).split(
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 3]).write(0, [1.0, 2.0]).size(),
     "ValueError: Inconsistent shapes: saw (2,) but expected (3,)"),
]


@pytest.mark.parametrize("name,body,line", INCONSISTENT, ids=[c[0] for c in INCONSISTENT])
def test_traced_writes_merge_the_element_shape(name, body, line):
    assert _traced_error(body) == line


def test_traced_merged_shape_gives_zeros_and_no_infer_takes_any():
    out = tf.function(lambda: tf.TensorArray(F32, size=2, element_shape=[None]).write(
        0, [1.0, 2.0, 3.0]).stack())()
    np.testing.assert_array_equal(out.numpy(), [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])  # TF 2.21
    n = tf.function(lambda: tf.TensorArray(F32, size=2, infer_shape=False).write(
        0, [1.0, 2.0]).write(1, [1.0, 2.0, 3.0]).size())()
    assert int(n) == 2                                                     # TF 2.21


def _loop_scatter(n):
    ta = tf.TensorArray(F32, size=3, element_shape=[2])
    for i in tf.range(n):
        ta = ta.scatter([i], [[1.0, 2.0, 3.0]])
    return ta.stack()


def _loop_unstack(n):
    ta = tf.TensorArray(F32, size=2, element_shape=[2])
    for i in tf.range(n):
        ta = ta.unstack([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    return ta.stack()


@pytest.mark.parametrize("body", [_loop_scatter, _loop_unstack])
def test_staged_loop_rows_of_another_shape(body):
    with pytest.raises(ValueError) as info:
        tf.function(body)(tf.constant(3))
    last = str(info.value).rstrip("\n").split("\n")[-1].strip(" ")
    assert last == "ValueError: Inconsistent shapes: saw (3,) but expected (2,)"   # TF 2.21
