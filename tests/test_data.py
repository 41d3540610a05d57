"""tf.data without TensorFlow: pipelines, shuffle's buffer semantics, readers, fit on datasets."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf

Dataset = tf.data.Dataset


def values(ds):
    return [np.asarray(e).tolist() if not isinstance(e, (tuple, dict)) else e
            for e in ds.as_numpy_iterator()]


def test_basic_pipeline():
    ds = Dataset.from_tensor_slices(np.arange(10)).map(lambda x: x * 2).filter(
        lambda x: x % 3 == 0).batch(2)
    assert values(ds) == [[0, 6], [12, 18]]
    assert values(Dataset.range(5).skip(1).take(3)) == [1, 2, 3]
    assert values(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert [tuple(int(v) for v in e) for e in Dataset.range(3).enumerate(start=5)] == \
        [(5, 0), (6, 1), (7, 2)]
    assert values(Dataset.from_tensor_slices([[1, 2], [3, 4]]).unbatch()) == [1, 2, 3, 4]


def test_structures_and_specs():
    ds = Dataset.from_tensor_slices({"a": [1, 2, 3], "b": np.ones((3, 2))})
    e = next(iter(ds))
    assert set(e) == {"a", "b"} and e["a"].dtype == tf.int32 and e["b"].dtype == tf.float64
    spec = ds.batch(2).element_spec
    assert spec["b"].shape == (None, 2) and ds.batch(2, drop_remainder=True).element_spec[
        "a"].shape == (2,)
    assert int(ds.cardinality()) == 3 and int(ds.repeat().cardinality()) == -1
    assert int(ds.filter(lambda e: e["a"] > 1).cardinality()) == -2
    assert int(ds.batch(2).cardinality()) == 2 and len(ds) == 3


def test_padded_batch_and_ragged_error():
    ds = Dataset.range(1, 5).map(lambda n: tf.fill([n], n))
    assert [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()] == [
        [[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="different shapes"):
        list(ds.batch(2))


def test_bad_inputs():
    with pytest.raises(ValueError, match="not compatible"):
        Dataset.from_tensor_slices((np.ones(10), np.ones(5)))
    with pytest.raises(ValueError, match="scalar"):
        Dataset.range(3).unbatch()


def test_shuffle_buffer_semantics():
    base = Dataset.range(20)
    assert values(base.shuffle(1, seed=3)) == list(range(20))       # buffer of 1: no change
    a = values(base.shuffle(5, seed=3, reshuffle_each_iteration=False))
    assert sorted(a) == list(range(20)) and a != list(range(20))
    # With a buffer of 5, element k can only come out once k-4 elements have gone before it.
    assert all(pos >= v - 4 for pos, v in enumerate(a))
    tf.random.set_seed(11)
    ds = base.shuffle(20, seed=1)
    first, second = values(ds), values(ds)
    assert first != second                                            # reshuffled per epoch
    tf.random.set_seed(11)
    ds2 = base.shuffle(20, seed=1)
    assert values(ds2) == first and values(ds2) == second             # reproducible
    fixed = base.shuffle(20, seed=1, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)


def test_cache_and_concatenate():
    calls = []
    ds = Dataset.range(3).map(lambda x: (calls.append(1), x)[1]).cache()
    assert values(ds) == values(ds) == [0, 1, 2] and len(calls) == 3
    assert values(Dataset.range(2).concatenate(Dataset.range(3))) == [0, 1, 0, 1, 2]


def test_text_and_csv(tmp_path):
    p = tmp_path / "data.csv"
    p.write_text("x,y,label\n1.5,2,0\n2.5,,1\n3.5,4,0\n")
    got = [l for l in tf.data.TextLineDataset(str(p)).as_numpy_iterator()]
    assert got[0] == b"x,y,label" and len(got) == 4
    ds = tf.data.experimental.make_csv_dataset(str(p), batch_size=2, label_name="label",
                                               column_defaults=[0.0, [-1], 0], shuffle=False,
                                               num_epochs=1)
    feats, labels = next(iter(ds))
    assert sorted(feats) == ["x", "y"] and feats["y"].numpy().tolist() == [2, -1]
    assert feats["x"].dtype == tf.float32 and labels.numpy().tolist() == [0, 1]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3\n")
    # A short record among those read to infer the types is a ValueError when building (TF);
    # with the types given, it is an InvalidArgumentError when read.
    with pytest.raises(ValueError, match="Problem inferring types: CSV row 3 has 1"):
        tf.data.experimental.make_csv_dataset(str(bad), batch_size=1)
    short = tf.data.experimental.make_csv_dataset(str(bad), batch_size=1, shuffle=False,
                                                  column_defaults=[0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 2 fields but have 1"):
        list(short)
    bad.write_text("a,b\n1,x\n")
    ds = tf.data.experimental.make_csv_dataset(str(bad), batch_size=1, column_defaults=[0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid"):
        next(iter(ds))
    a, b = tf.io.decode_csv(tf.constant(["1,2.5", "3,"]), record_defaults=[[0], [9.0]])
    assert a.numpy().tolist() == [1, 3] and b.numpy().tolist() == [2.5, 9.0]


def test_fit_evaluate_predict_on_datasets():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    train = Dataset.from_tensor_slices((x, y)).shuffle(64, seed=1).batch(16)
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    h = model.fit(train, epochs=5, validation_data=Dataset.from_tensor_slices((x, y)).batch(32),
                  verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] / 5 and "val_loss" in h.history
    assert model.predict(Dataset.from_tensor_slices(x).batch(10), verbose=0).shape == (64, 1)
    # steps_per_epoch on an infinite dataset: one iterator carries on across epochs.
    seen = []
    inf = Dataset.from_tensor_slices((x, y)).batch(16).repeat()
    model.fit(inf, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[
        tf.keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, l: seen.append(b))])
    assert seen == [0, 1] * 3
    ev = model.evaluate(inf, steps=3, verbose=0)
    assert np.isfinite(ev)


def test_dict_inputs_for_a_multi_input_model():
    a, b = tf.keras.Input(shape=(2,), name="a"), tf.keras.Input(shape=(1,), name="b")
    out = tf.keras.layers.Dense(1)(tf.keras.layers.concatenate([a, b]))
    model = tf.keras.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    ds = Dataset.from_tensor_slices(({"a": np.ones((8, 2), np.float32),
                                      "b": np.ones((8, 1), np.float32)},
                                     np.ones((8, 1), np.float32))).batch(4)
    assert len(model.fit(ds, epochs=2, verbose=0).history["loss"]) == 2
