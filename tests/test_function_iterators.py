"""Iterators passed to a tf.function (TF's rule, from the tf.function guide "Using Python
iterators and generators"): a tf.data iterator's ``next`` is an op of the graph, so each call
takes the next element; a Python iterator is a Python object, advanced once while tracing."""
import sys

import pytest

import minitf as tf


def _printed(capsys):
    return capsys.readouterr().out.split()


def test_dataset_iterator_advances_on_every_call(capsys):
    @tf.function
    def consume(it):
        tf.print(next(it), output_stream=sys.stdout)

    it = iter(tf.data.Dataset.from_tensor_slices([1, 2, 3]))
    for _ in range(3):
        consume(it)
    assert _printed(capsys) == ["1", "2", "3"]
    assert consume.experimental_get_tracing_count() == 1
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        consume(it)


def test_python_iterator_is_read_once_while_tracing(capsys):
    @tf.function
    def consume(it):
        tf.print(next(it), output_stream=sys.stdout)

    it = iter([1, 2, 3])
    for _ in range(3):
        consume(it)
    assert _printed(capsys) == ["1", "1", "1"]


def test_structured_elements_stay_together():
    @tf.function
    def take(it):
        x, (y, z) = next(it)
        return x * 100 + y * 10 + z

    ds = tf.data.Dataset.from_tensor_slices(([1, 2], ([3, 4], [5, 6])))
    it = iter(ds)
    assert [int(take(it)), int(take(it))] == [135, 246]


def test_returned_element_values_and_dtypes():
    @tf.function
    def take(it):
        return next(it)

    it = iter(tf.data.Dataset.from_tensor_slices({"a": [1.5, 2.5], "b": [7, 8]}))
    first, second = take(it), take(it)
    assert (float(first["a"]), int(first["b"])) == (1.5, 7)
    assert (float(second["a"]), int(second["b"])) == (2.5, 8)
    assert second["a"].dtype == tf.float32 and second["b"].dtype == tf.int32
