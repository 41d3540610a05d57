"""tf.data.Dataset.list_files: glob patterns, sorted matches, shuffling, TF's error."""
from __future__ import annotations

import os

import pytest

import minitf as tf


@pytest.fixture
def folder(tmp_path):
    for n in ("b.csv", "a.csv", "c.txt", "d.csv"):
        (tmp_path / n).write_text("x")
    return str(tmp_path)


def _names(ds):
    return [os.path.basename(x.numpy().decode()) for x in ds]


def test_matches_are_sorted_across_patterns(folder):
    ds = tf.data.Dataset.list_files([os.path.join(folder, "c.txt"),
                                     os.path.join(folder, "*.csv")], shuffle=False)
    assert _names(ds) == ["a.csv", "b.csv", "c.txt", "d.csv"]
    assert ds.element_spec == tf.TensorSpec((), tf.string)
    assert int(ds.cardinality()) == 4


def test_shuffled_by_default_and_a_new_order_each_pass(folder):
    ds = tf.data.Dataset.list_files(os.path.join(folder, "*"), seed=1)
    orders = {tuple(_names(ds)) for _ in range(20)}
    assert all(sorted(o) == ["a.csv", "b.csv", "c.txt", "d.csv"] for o in orders)
    assert len(orders) > 1          # 24 orders possible: 20 passes giving one would be a bug


def test_no_match_is_invalid_argument(folder):
    with pytest.raises(tf.errors.InvalidArgumentError, match="No files matched pattern"):
        tf.data.Dataset.list_files(os.path.join(folder, "*.zzz"))
