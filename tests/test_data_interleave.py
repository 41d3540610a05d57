"""Dataset.interleave's visiting order, worked out by hand from TF's rule (issue 17): a ring
of ``cycle_length`` slots visited in turn, ``block_length`` elements per visit; an empty slot
is filled from the input when visited, an exhausted one is dropped and the visit moves on."""
from __future__ import annotations

import pytest

import minitf as tf


def _inner(x):
    # element x opens a dataset of x elements: 10x, 10x+1, ...
    return tf.data.Dataset.range(10 * x, 10 * x + x)


def test_cycle_two_block_one():
    # slot0 <- 1: 10 | slot1 <- 2: 20 | slot0 ends | slot1: 21 | slot0 <- 3: 30 | slot1 ends |
    # slot0: 31 | slot1 <- 4: 40 | 32 | 41 | slot0 ends | 42 | slot0 <- 5: 50 | 43 | 51 |
    # slot1 ends | 52 | input done, slot1 stays empty | 53 | 54
    d = tf.data.Dataset.range(1, 6).interleave(_inner, cycle_length=2)
    assert [int(v) for v in d] == [10, 20, 21, 30, 31, 40, 32, 41, 42, 50, 43, 51, 52, 53, 54]


def test_cycle_two_block_two():
    # two per visit: slot0 <- 1: 10, ends | slot1 <- 2: 20 21 | slot0 <- 3: 30 31 |
    # slot1 ends | slot0: 32, ends | slot1 <- 4: 40 41 | slot0 <- 5: 50 51 | 42 43 | 52 53 |
    # slot1 ends | 54
    d = tf.data.Dataset.range(1, 6).interleave(_inner, cycle_length=2, block_length=2)
    assert [int(v) for v in d] == [10, 20, 21, 30, 31, 32, 40, 41, 50, 51, 42, 43, 52, 53, 54]


def test_empty_inner_datasets_and_tuples():
    d = tf.data.Dataset.range(0, 6).interleave(
        lambda x: tf.data.Dataset.range(10 * x, 10 * x + x % 3), cycle_length=3)
    assert [int(v) for v in d] == [10, 20, 21, 40, 50, 51]
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2], [5, 7]))
    d = pairs.interleave(lambda a, b: tf.data.Dataset.from_tensors(a * b), cycle_length=2)
    assert [int(v) for v in d] == [5, 14]
    assert int(d.cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_bad_arguments():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="cycle_length"):
        ds.interleave(_inner, cycle_length=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="block_length"):
        ds.interleave(_inner, block_length=0)
    with pytest.raises(AttributeError, match="Dataset"):
        list(ds.interleave(lambda x: x))
