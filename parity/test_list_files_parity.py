"""tf.data.Dataset.list_files against TensorFlow: the sorted matches of one or several glob
patterns, the element spec, and the error when nothing matches (type and text)."""
from __future__ import annotations

import os

import pytest

import minitf as mtf

tf = pytest.importorskip("tensorflow")


@pytest.fixture
def folder(tmp_path):
    for n in ("b.csv", "a.csv", "c.txt", "d.csv", "e1.log", "e2.log"):
        (tmp_path / n).write_text("x")
    return str(tmp_path)


def _names(ds):
    return [os.path.basename(x.numpy().decode()) for x in ds]


@pytest.mark.parametrize("patterns", [["*.csv"], ["c.txt", "*.csv"], ["e?.log", "[ab].csv"],
                                      ["*"]])
def test_sorted_matches_as_tf(folder, patterns):
    full = [os.path.join(folder, p) for p in patterns]
    arg = full[0] if len(full) == 1 else full
    got = mtf.data.Dataset.list_files(arg, shuffle=False)
    want = tf.data.Dataset.list_files(arg, shuffle=False)
    assert _names(got) == _names(want)
    assert str(got.element_spec) == str(want.element_spec)
    # shuffled: the same files (the order is TF's Philox stream, not reproduced)
    assert sorted(_names(mtf.data.Dataset.list_files(arg, seed=42))) == sorted(_names(want))


def test_no_match_error_as_tf(folder):
    pattern = os.path.join(folder, "*.zzz")
    with pytest.raises(tf.errors.InvalidArgumentError) as want:
        tf.data.Dataset.list_files(pattern)
    with pytest.raises(mtf.errors.InvalidArgumentError) as got:
        mtf.data.Dataset.list_files(pattern)
    assert str(got.value) == str(want.value)
