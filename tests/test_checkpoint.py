"""tf.train.Checkpoint, CheckpointManager and the TensorBundle files, without TensorFlow.

Expected values come from the format's specification (CRC-32C check values, the table's
layout), from the values the test itself put in, or from training runs compared with each
other bit for bit; interop with real TensorFlow is in parity/test_checkpoint_parity.py."""
from __future__ import annotations

import os
import struct

import numpy as np
import pytest

import minitf as tf
from minitf.train import crc32c, table, tensor_bundle, wire


# ---- the file format ----------------------------------------------------------------------

@pytest.mark.parametrize("data, want", [
    (b"", 0x00000000),
    (b"123456789", 0xE3069283),               # the CRC-32C check value
    (bytes(32), 0x8A9136AA),                  # RFC 3720, B.4: 32 bytes of zeros
    (b"\xff" * 32, 0x62A8AB43),               # RFC 3720, B.4: 32 bytes of 0xff
    (bytes(range(32)), 0x46DD794E),           # RFC 3720, B.4: incrementing bytes
])
def test_crc32c_matches_published_check_values(data, want):
    assert crc32c.value(data) == want
    assert crc32c.extend(crc32c.value(data[:5]), data[5:]) == want


def test_crc32c_pure_python_path_agrees(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "google_crc32c", None)     # import fails: table path
    assert crc32c.value(b"123456789") == 0xE3069283
    assert crc32c.unmask(crc32c.mask(0xE3069283)) == 0xE3069283


def test_table_round_trips_many_blocks_and_restarts(monkeypatch):
    monkeypatch.setattr(table, "BLOCK_SIZE", 200)              # force several data blocks
    items = [(f"key/{i:04d}".encode(), bytes([i % 251]) * (i % 7)) for i in range(100)]
    blob = table.build(items)
    assert struct.unpack("<Q", blob[-8:])[0] == table.MAGIC
    assert table.parse(blob) == dict(items)


def test_table_rejects_unsorted_keys_and_corruption():
    with pytest.raises(ValueError):
        table.build([(b"b", b""), (b"a", b"")])
    blob = bytearray(table.build([(b"a", b"1"), (b"b", b"2")]))
    blob[3] ^= 0xFF
    with pytest.raises(ValueError, match="checksum"):
        table.parse(bytes(blob))


def test_entry_and_object_graph_protos_round_trip():
    e = {"dtype": 9, "shape": [0, 3, 70000], "offset": 1 << 33, "size": 5, "crc32c": 1 << 31}
    got = wire.decode_entry(wire.encode_entry(e))
    assert {k: got[k] for k in e} == e
    nodes = [{"children": [(1, "w"), (1, "alias")], "attributes": [],
              "slot_variables": [], "has_checkpoint_values": True},
             {"children": [], "attributes": [("VARIABLE_VALUE", "v", "w/.ATTRIBUTES/X")],
              "slot_variables": [(0, "m", 1)], "has_checkpoint_values": True}]
    assert wire.decode_object_graph(wire.encode_object_graph(nodes)) == nodes


@pytest.mark.parametrize("value", [
    np.float32(3.5), np.arange(6, dtype=np.float64).reshape(2, 3), np.array([True, False]),
    np.arange(4, dtype=np.int8), np.arange(3, dtype=np.uint8), np.int64(-7),
    np.zeros((2, 0), np.float16), np.arange(3, dtype=np.int32), np.arange(2, dtype=np.int16),
])
def test_bundle_round_trips_each_dtype(tmp_path, value):
    prefix = str(tmp_path / "b")
    tensor_bundle.write(prefix, {"x": value})
    r = tensor_bundle.BundleReader(prefix)
    got = r.get("x")
    assert got.dtype == np.asarray(value).dtype and got.shape == np.asarray(value).shape
    np.testing.assert_array_equal(got, value)


def test_bundle_detects_corrupted_data(tmp_path):
    prefix = str(tmp_path / "b")
    tensor_bundle.write(prefix, {"x": np.arange(4.0)})
    path = tensor_bundle.data_path(prefix)
    raw = bytearray(open(path, "rb").read())
    raw[0] ^= 1
    open(path, "wb").write(bytes(raw))
    with pytest.raises(tf.errors.DataLossError):
        tensor_bundle.BundleReader(prefix).get("x")


def test_missing_checkpoint_is_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "nothing-1"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.list_variables(str(tmp_path / "nothing"))


def test_a_failed_write_leaves_no_files(tmp_path):
    prefix = str(tmp_path / "bad")
    with pytest.raises(TypeError):
        tensor_bundle.write(prefix, {"ok": np.zeros(2), "bad": np.array([object()])})
    assert os.listdir(tmp_path) == []


# ---- the object graph -----------------------------------------------------------------------

def _module():
    m = tf.Module()
    m.zb = tf.Variable([1.0, 2.0, 3.0])
    m.aw = tf.Variable(np.arange(6.0).reshape(2, 3))
    m.sub = [tf.Variable(5), {"y": tf.Variable(True), "b": tf.Variable(2.5)}, "not tracked"]
    m.same = m.zb
    return m


def test_keys_follow_the_first_path_breadth_first(tmp_path):
    ckpt = tf.train.Checkpoint(zz=_module(), aa=tf.Variable(np.int64(7)))
    keys = [k for k, _ in tf.train.list_variables(ckpt.write(str(tmp_path / "m")))]
    # Keyword arguments sorted; a Module's attributes in assignment order; an alias
    # (`same`) is saved once, under the first path.
    assert keys == ["_CHECKPOINTABLE_OBJECT_GRAPH", "aa/.ATTRIBUTES/VARIABLE_VALUE",
                    "zz/aw/.ATTRIBUTES/VARIABLE_VALUE", "zz/sub/0/.ATTRIBUTES/VARIABLE_VALUE",
                    "zz/sub/1/b/.ATTRIBUTES/VARIABLE_VALUE",
                    "zz/sub/1/y/.ATTRIBUTES/VARIABLE_VALUE",
                    "zz/zb/.ATTRIBUTES/VARIABLE_VALUE"]


def test_restore_by_structure_not_by_variable_name(tmp_path):
    a = _module()
    path = tf.train.Checkpoint(net=a).write(str(tmp_path / "m"))
    b = tf.Module()      # same structure, different variable names and initial values
    b.zb = tf.Variable([0.0, 0.0, 0.0], name="other")
    b.aw = tf.Variable(np.zeros((2, 3)))
    b.sub = [tf.Variable(0), {"y": tf.Variable(False), "b": tf.Variable(0.0)}]
    tf.train.Checkpoint(net=b).restore(path).assert_consumed()
    np.testing.assert_array_equal(b.zb.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(b.aw.numpy(), np.arange(6.0).reshape(2, 3))
    assert int(b.sub[0].numpy()) == 5 and bool(b.sub[1]["y"].numpy()) is True


def test_status_assertions(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(str(tmp_path / "m"))
    fewer = tf.train.Checkpoint(a=tf.Variable(0.0))
    status = fewer.restore(path)
    with pytest.raises(AssertionError, match="Unresolved object"):
        status.assert_consumed()
    status.assert_existing_objects_matched()
    assert status.expect_partial() is status
    assert float(fewer.a.numpy()) == 1.0
    more = tf.train.Checkpoint(a=tf.Variable(0.0), b=tf.Variable(0.0), c=tf.Variable(0.0))
    with pytest.raises(AssertionError, match="not bound"):
        more.restore(path).assert_existing_objects_matched()
    with pytest.raises(AssertionError):
        tf.train.Checkpoint(a=tf.Variable(0.0)).restore(None).assert_consumed()


def test_shape_and_dtype_mismatches_raise(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable([1.0, 2.0])).write(str(tmp_path / "m"))
    with pytest.raises(ValueError, match="incompatible tensor with shape"):
        tf.train.Checkpoint(a=tf.Variable([1.0, 2.0, 3.0])).restore(path)
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
        tf.train.Checkpoint(a=tf.Variable([1, 2])).restore(path)


def test_checkpoint_refuses_untrackable_values():
    with pytest.raises(ValueError, match="trackable"):
        tf.train.Checkpoint(x=3)


def test_save_numbers_and_latest_checkpoint(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    d = str(tmp_path)
    assert tf.train.latest_checkpoint(d) is None
    p1 = ckpt.save(os.path.join(d, "ck"))
    p2 = ckpt.save(os.path.join(d, "ck"))
    assert [os.path.basename(p) for p in (p1, p2)] == ["ck-1", "ck-2"]
    assert tf.train.latest_checkpoint(d) == p2
    assert open(os.path.join(d, "checkpoint")).read() == (
        'model_checkpoint_path: "ck-2"\nall_model_checkpoint_paths: "ck-2"\n')
    ckpt2 = tf.train.Checkpoint(v=tf.Variable(0.0))
    ckpt2.restore(p1).assert_consumed()
    assert int(ckpt2.save_counter.numpy()) == 1     # the counter is restored with the values


def test_manager_keeps_the_newest_and_deletes_the_rest(tmp_path):
    d = str(tmp_path / "run")
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=2)
    assert manager.latest_checkpoint is None
    paths = [manager.save() for _ in range(4)]
    assert [os.path.basename(p) for p in paths] == ["ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"]
    assert manager.checkpoints == paths[2:]
    assert sorted(os.listdir(d)) == ["checkpoint", "ckpt-3.data-00000-of-00001", "ckpt-3.index",
                                     "ckpt-4.data-00000-of-00001", "ckpt-4.index"]
    assert manager.save(checkpoint_number=100).endswith("ckpt-100")
    # A new manager on the same directory carries on from its state file.
    again = tf.train.CheckpointManager(ckpt, d, max_to_keep=2)
    assert again.latest_checkpoint == os.path.join(d, "ckpt-100")
    assert again.checkpoints == [os.path.join(d, "ckpt-4"), os.path.join(d, "ckpt-100")]
    with pytest.raises(ValueError):
        tf.train.CheckpointManager(ckpt, d, max_to_keep=0)


# ---- Keras: deferred restoration and bit-exact resumption -----------------------------------

def _model(kind):
    K = tf.keras
    tf.keras.utils.set_random_seed(1)
    if kind == "sequential":
        return K.Sequential([K.Input((3,)), K.layers.Dense(8, activation="relu"),
                             K.layers.Dense(2)])
    if kind == "functional":
        i = K.Input((3,))
        return K.Model(i, K.layers.Dense(2)(K.layers.Dense(8, activation="tanh")(i)))

    class Net(K.Model):
        def __init__(self):
            super().__init__()
            self.hidden = K.layers.Dense(8, activation="relu")
            self.out = K.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))
    return Net()


def _steps(model, opt, n, start):
    rng = np.random.RandomState(start)
    for _ in range(n):
        x = rng.randn(8, 3).astype("float32")
        y = rng.randn(8, 2).astype("float32")
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                model.trainable_variables))


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed"])
@pytest.mark.parametrize("make_opt", [lambda: tf.keras.optimizers.Adam(0.01),
                                      lambda: tf.keras.optimizers.SGD(0.05, momentum=0.9)],
                         ids=["adam", "sgd_momentum"])
def test_training_resumes_bit_exactly(tmp_path, kind, make_opt):
    model, opt = _model(kind), make_opt()
    _steps(model, opt, 5, start=0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=opt),
                                         str(tmp_path), max_to_keep=1)
    manager.save()
    _steps(model, opt, 5, start=1)
    # A fresh process's view: new objects, restored before the first step (the optimizer's
    # slots and a subclassed model's weights do not exist yet: deferred restoration).
    model2, opt2 = _model(kind), make_opt()
    status = tf.train.Checkpoint(model=model2, optimizer=opt2).restore(
        tf.train.latest_checkpoint(str(tmp_path)))
    _steps(model2, opt2, 5, start=1)
    status.assert_consumed()
    for a, b in zip(model.weights + opt.variables, model2.weights + opt2.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(opt2.iterations.numpy()) == 10


def test_fit_resumes_from_a_checkpoint_bit_exactly(tmp_path):
    rng = np.random.RandomState(3)
    x, y = rng.randn(32, 3).astype("float32"), rng.randn(32, 2).astype("float32")

    def compiled():
        m = _model("sequential")
        m.compile(tf.keras.optimizers.Adam(0.01), "mse")
        return m
    m = compiled()
    m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    path = tf.train.Checkpoint(model=m).save(str(tmp_path / "ck"))
    m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    m2 = compiled()
    tf.train.Checkpoint(model=m2).restore(path)      # the optimizer is reached through the model
    m2.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(m.weights + m.optimizer.variables, m2.weights + m2.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_slots_restored_inside_a_traced_step_stay_variables(tmp_path):
    """fit's first traced step builds Adam's slots and the pending restore fills them. That
    assignment must stay outside the trace: were it recorded, the restored arrays would be
    constants of the replayed program, so each replay would restart from them (on the GPU)
    or update them in place (on the CPU), changing a tensor read from the slot earlier."""
    rng = np.random.RandomState(3)
    x, y = rng.randn(16, 3).astype("float32"), rng.randn(16, 2).astype("float32")
    m = _model("sequential")
    m.compile(tf.keras.optimizers.Adam(0.01), "mse")
    m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    path = tf.train.Checkpoint(model=m).save(str(tmp_path / "ck"))
    m2 = _model("sequential")
    m2.compile(tf.keras.optimizers.Adam(0.01), "mse")
    tf.train.Checkpoint(model=m2).restore(path)
    m2.fit(x[:8], y[:8], epochs=1, batch_size=8, shuffle=False, verbose=0)
    slot = m2.optimizer.variables[2]                 # the first kernel's momentum
    read = tf.identity(slot)
    kept = read.numpy().copy()
    m2.fit(x[8:], y[8:], epochs=1, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_array_equal(read.numpy(), kept)
    assert not np.array_equal(slot.numpy(), kept)    # the replay did update the slot


# ---- dataset iterators (the "Training checkpoints" guide's flow) ----------------------------

def _toy_dataset():
    inputs = tf.range(10.0)[:, None]
    labels = inputs * 5.0 + tf.range(5.0)[None, :]
    return tf.data.Dataset.from_tensor_slices(dict(x=inputs, y=labels)).repeat().batch(2)


def test_iterator_position_is_saved_and_replayed(tmp_path):
    it = iter(_toy_dataset())
    for _ in range(7):
        next(it)
    path = tf.train.Checkpoint(iterator=it).write(str(tmp_path / "it"))
    want = [next(it)["x"].numpy() for _ in range(4)]
    fresh = iter(_toy_dataset())
    tf.train.Checkpoint(iterator=fresh).read(path).assert_consumed()
    got = [next(fresh)["x"].numpy() for _ in range(4)]
    # 7 batches of 2 from a repeated range(10): the next batch starts at element 14 % 10 = 4.
    np.testing.assert_array_equal(got[0], [[4.0], [5.0]])
    for a, b in zip(want, got):
        np.testing.assert_array_equal(a, b)


def test_iterator_get_next_and_end_of_sequence():
    it = iter(tf.data.Dataset.range(2))
    assert isinstance(it, tf.data.Iterator)
    assert [int(it.get_next()), int(next(it))] == [0, 1]
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()


def test_an_iterator_state_minitf_cannot_replay_is_refused(tmp_path):
    # TensorFlow's own ITERATOR_STATE is its serialized pipeline (here 5 opaque strings).
    prefix = str(tmp_path / "foreign")
    graph = wire.encode_object_graph([
        {"children": [(1, "iterator")], "attributes": [], "slot_variables": [],
         "has_checkpoint_values": True},
        {"children": [], "attributes": [("ITERATOR", "", "iterator/.ATTRIBUTES/ITERATOR")],
         "slot_variables": [], "has_checkpoint_values": True}])
    tensor_bundle.write(prefix, {
        "_CHECKPOINTABLE_OBJECT_GRAPH": np.array(graph, dtype=object),
        "iterator/.ATTRIBUTES/ITERATOR_STATE": np.array([b"\x08\x01"] * 5, dtype=object)})
    with pytest.raises(NotImplementedError, match="written by TensorFlow"):
        tf.train.Checkpoint(iterator=iter(_toy_dataset())).read(prefix)


def test_restore_of_a_missing_prefix_names_the_likely_cause(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="missing the checkpoint suffix"):
        tf.train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "ckpt"))


def test_guide_loop_with_iterator_resumes_bit_exactly(tmp_path):
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.l1 = tf.keras.layers.Dense(5)

        def call(self, x):
            return self.l1(x)

    def setup():
        tf.keras.utils.set_random_seed(0)
        net, opt, it = Net(), tf.keras.optimizers.Adam(0.1), iter(_toy_dataset())
        ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=it)
        return ckpt, tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=3)

    def train(ckpt, n):
        for _ in range(n):
            example = next(ckpt.iterator)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.abs(ckpt.net(example["x"]) - example["y"]))
            grads = tape.gradient(loss, ckpt.net.trainable_variables)
            ckpt.optimizer.apply_gradients(zip(grads, ckpt.net.trainable_variables))
            ckpt.step.assign_add(1)

    ckpt, manager = setup()
    ckpt.restore(manager.latest_checkpoint)          # None: initialise from scratch
    train(ckpt, 9)
    manager.save()
    train(ckpt, 6)
    ckpt2, manager2 = setup()
    ckpt2.restore(manager2.latest_checkpoint)        # the net is unbuilt: deferred
    train(ckpt2, 6)
    assert int(ckpt2.step.numpy()) == 16
    for a, b in zip(ckpt.net.weights + ckpt.optimizer.variables,
                    ckpt2.net.weights + ckpt2.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_an_exhausted_iterator_restores_at_its_end(tmp_path):
    it = iter(tf.data.Dataset.range(3))
    assert [int(x) for x in it] == [0, 1, 2]
    path = tf.train.Checkpoint(iterator=it).write(str(tmp_path / "end"))
    fresh = iter(tf.data.Dataset.range(3))
    tf.train.Checkpoint(iterator=fresh).read(path)
    assert list(fresh) == []
    shorter = iter(tf.data.Dataset.range(2))        # fewer elements than were consumed
    tf.train.Checkpoint(iterator=shorter).read(path)
    with pytest.raises(tf.errors.OutOfRangeError):
        shorter.get_next()
