"""tf.data pipelines give TensorFlow's elements, in TensorFlow's order, with its dtypes, shapes,
element_spec and cardinality, wherever TF's order is deterministic (everything but shuffle)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf import nest

X = np.arange(12, dtype=np.float32).reshape(6, 2)
Y = np.array([0, 1, 0, 1, 1, 0])

PIPELINES = {
    "slices_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "slices_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"x": X, "y": Y}),
    "slices_list": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]),
    "python_floats": lambda tf: tf.data.Dataset.from_tensor_slices([1.5, 2.5]),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors((X, Y)),
    "range": lambda tf: tf.data.Dataset.range(2, 11, 3),
    "map_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (tf.reduce_sum(x) * 2.0, y + 1)),
    "map_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"x": X, "y": Y}).map(
        lambda d: d["x"] * tf.cast(d["y"], tf.float32)),
    "filter": lambda tf: tf.data.Dataset.range(10).filter(lambda v: v % 3 == 0),
    "batch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4),
    "batch_drop": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4, True),
    "padded_batch": lambda tf: tf.data.Dataset.range(1, 6).map(
        lambda n: tf.fill([n], n)).padded_batch(2),
    "padded_batch_shapes": lambda tf: tf.data.Dataset.range(1, 4).map(
        lambda n: tf.fill([n], n)).padded_batch(2, padded_shapes=[5],
                                                 padding_values=tf.constant(-1, tf.int64)),
    "repeat_take_skip": lambda tf: tf.data.Dataset.range(4).repeat(3).skip(2).take(7),
    "repeat_forever_take": lambda tf: tf.data.Dataset.range(3).repeat().take(8),
    "unbatch": lambda tf: tf.data.Dataset.from_tensor_slices(X).batch(4).unbatch(),
    "enumerate": lambda tf: tf.data.Dataset.from_tensor_slices(Y).enumerate(start=3),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                           tf.data.Dataset.from_tensor_slices(X))),
    "zip_dict": lambda tf: tf.data.Dataset.zip({"a": tf.data.Dataset.range(3),
                                                "b": tf.data.Dataset.range(5)}),
    "cache": lambda tf: tf.data.Dataset.range(4).map(lambda v: v * v).cache().repeat(2),
    "concatenate": lambda tf: tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(3)),
    "prefetch": lambda tf: tf.data.Dataset.range(3).prefetch(2),
    "batch_of_batches": lambda tf: tf.data.Dataset.range(10).batch(3, True).batch(2),
}


def _elements(ds):
    return [[(np.asarray(v).dtype.str, np.asarray(v).shape, np.asarray(v).tolist())
             for v in nest.flatten(e)] for e in ds.as_numpy_iterator()]


def _spec(ds):
    return [(tuple(s.shape), s.dtype.name) for s in nest.flatten(ds.element_spec)]


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tensorflow(tf_real, name):
    mine, theirs = PIPELINES[name](minitf), PIPELINES[name](tf_real)
    assert _elements(mine) == _elements(theirs)
    assert _spec(mine) == _spec(theirs)
    assert int(mine.cardinality()) == int(theirs.cardinality().numpy())


def test_infinite_and_unknown_cardinality(tf_real):
    for fw in (minitf, tf_real):
        assert int(fw.data.Dataset.range(3).repeat().cardinality()) == -1
        assert int(fw.data.Dataset.range(3).filter(lambda v: v > 0).cardinality()) == -2


def test_text_and_csv_readers_match_tensorflow(tf_real, tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b,c,label\n1,2.5,x,0\n3,,y,1\n5,6.5,z,1\n7,8,w,0\n")
    lines = [list(fw.data.TextLineDataset(str(p)).as_numpy_iterator())
             for fw in (minitf, tf_real)]
    assert lines[0] == lines[1]
    got = []
    for fw in (minitf, tf_real):
        ds = fw.data.experimental.make_csv_dataset(
            str(p), batch_size=3, label_name="label", column_defaults=[0, 0.0, "", 0],
            shuffle=False, num_epochs=1)
        got.append([({k: (np.asarray(v).dtype.kind, np.asarray(v).tolist())
                      for k, v in f.items()}, np.asarray(l).tolist())
                    for f, l in ds.as_numpy_iterator()])
    assert got[0] == got[1]
    decoded = [[np.asarray(t).tolist() for t in fw.io.decode_csv(
        fw.constant(["1,2.5", "3,"]), record_defaults=[[0], [9.0]])] for fw in (minitf, tf_real)]
    assert decoded[0] == decoded[1]


@pytest.mark.parametrize("bad", [
    lambda tf: tf.data.Dataset.from_tensor_slices((np.ones(10), np.ones(5))),
    lambda tf: list(tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n], n)).batch(2)),
    lambda tf: tf.data.Dataset.range(3).unbatch(),
])
def test_bad_inputs_raise_tensorflows_errors(tf_real, bad):
    kinds = []
    for fw in (minitf, tf_real):
        try:
            bad(fw)
            kinds.append(None)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            kinds.append(type(e).__name__)
    assert kinds[0] == kinds[1] and kinds[0] is not None
