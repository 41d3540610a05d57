"""tf.train checkpoints between minitf and TensorFlow, both ways.

minitf writes TensorFlow's TensorBundle files and object graph, so TensorFlow lists and
restores minitf's checkpoints and minitf restores TensorFlow's: for tf.Module trees and for
Sequential, functional and subclassed Keras models with their optimizers. Values are copied,
never computed, so every comparison is bit for bit.
"""
import os

import numpy as np
import pytest

import minitf


@pytest.fixture(scope="module")
def keras(tf_real):
    import keras
    return keras


def _tree(t):
    m = t.Module()
    m.zb = t.Variable([1.0, 2.0, 3.0])
    m.aw = t.Variable(np.arange(6.0).reshape(2, 3))
    m.sub = [t.Variable(5), {"y": t.Variable(True), "b": t.Variable(2.5)}]
    m.same = m.zb
    return m


def _zero(m):
    m.zb.assign([0.0, 0.0, 0.0])
    m.aw.assign(np.zeros((2, 3)))
    m.sub[0].assign(0)
    m.sub[1]["y"].assign(False)
    m.sub[1]["b"].assign(0.0)


def _values(m):
    return [np.asarray(v.numpy()) for v in (m.zb, m.aw, m.sub[0], m.sub[1]["y"], m.sub[1]["b"])]


def test_module_tree_minitf_to_tensorflow(tf_real, tmp_path):
    a = _tree(minitf)
    ckpt = minitf.train.Checkpoint(zz=a, aa=minitf.Variable(np.int64(7)))
    path = ckpt.save(str(tmp_path / "m"))
    ours = minitf.train.list_variables(path)
    assert [(k, list(s)) for k, s in tf_real.train.list_variables(path)] == ours
    for key, _ in ours:
        if key != "_CHECKPOINTABLE_OBJECT_GRAPH":
            np.testing.assert_array_equal(tf_real.train.load_variable(path, key),
                                          minitf.train.load_variable(path, key))
    b = _tree(tf_real)
    _zero(b)
    tck = tf_real.train.Checkpoint(zz=b, aa=tf_real.Variable(np.int64(0)))
    tck.restore(path).assert_consumed()
    for x, y in zip(_values(a), _values(b)):
        np.testing.assert_array_equal(x, y)
    assert int(tck.aa.numpy()) == 7 and int(tck.save_counter.numpy()) == 1
    assert tf_real.train.latest_checkpoint(str(tmp_path)) == path


def test_module_tree_tensorflow_to_minitf(tf_real, tmp_path):
    b = _tree(tf_real)
    path = tf_real.train.Checkpoint(zz=b, aa=tf_real.Variable(np.int64(7))).save(
        str(tmp_path / "t"))
    assert minitf.train.list_variables(path) == [
        (k, list(s)) for k, s in tf_real.train.list_variables(path)]
    a = _tree(minitf)
    _zero(a)
    ck = minitf.train.Checkpoint(zz=a, aa=minitf.Variable(np.int64(0)))
    ck.restore(path).assert_consumed()
    for x, y in zip(_values(a), _values(b)):
        np.testing.assert_array_equal(x, y)
    assert int(ck.aa.numpy()) == 7 and int(ck.save_counter.numpy()) == 1
    assert minitf.train.latest_checkpoint(str(tmp_path)) == path
    # Both libraries write the same state file.
    assert open(os.path.join(tmp_path, "checkpoint")).read() == (
        'model_checkpoint_path: "t-1"\nall_model_checkpoint_paths: "t-1"\n')


def test_same_keys_and_state_file_as_tensorflow(tf_real, tmp_path):
    a = minitf.train.Checkpoint(zz=_tree(minitf), aa=minitf.Variable(np.int64(7)))
    b = tf_real.train.Checkpoint(zz=_tree(tf_real), aa=tf_real.Variable(np.int64(7)))
    pa = [a.save(str(tmp_path / "a" / "ck")) for _ in range(2)][-1]
    pb = [b.save(str(tmp_path / "b" / "ck")) for _ in range(2)][-1]
    assert minitf.train.list_variables(pa) == [
        (k, list(s)) for k, s in tf_real.train.list_variables(pb)]
    assert open(tmp_path / "a" / "checkpoint").read() == open(tmp_path / "b" / "checkpoint").read()


def test_manager_keeps_what_tensorflows_keeps(tf_real, tmp_path):
    kept = {}
    for lib, name in ((minitf, "m"), (tf_real, "t")):
        ck = lib.train.Checkpoint(v=lib.Variable(1.0))
        manager = lib.train.CheckpointManager(ck, str(tmp_path / name), max_to_keep=2)
        paths = [manager.save() for _ in range(3)] + [manager.save(checkpoint_number=10)]
        kept[name] = ([os.path.basename(p) for p in paths],
                      [os.path.basename(p) for p in manager.checkpoints],
                      sorted(os.listdir(tmp_path / name)),
                      os.path.basename(lib.train.latest_checkpoint(str(tmp_path / name))))
    assert kept["m"] == kept["t"]


def _make(lib, K, kind):
    if kind == "sequential":
        return K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="relu"),
                             K.layers.Dense(2)])
    if kind == "functional":
        i = K.Input((3,))
        return K.Model(i, K.layers.Dense(2)(K.layers.Dense(4, activation="relu")(i)))

    class Net(K.Model):
        def __init__(self):
            super().__init__()
            self.l1 = K.layers.Dense(4, activation="relu")
            self.l2 = K.layers.Dense(2)

        def call(self, x):
            return self.l2(self.l1(x))
    return Net()


X = np.random.RandomState(0).randn(16, 3).astype("float32")
Y = np.random.RandomState(1).randn(16, 2).astype("float32")
KINDS = ["sequential", "functional", "subclassed"]
OPTS = {"adam": lambda K: K.optimizers.Adam(0.01),
        "sgd_momentum": lambda K: K.optimizers.SGD(0.05, momentum=0.9)}


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


@pytest.mark.parametrize("opt", sorted(OPTS))
@pytest.mark.parametrize("kind", KINDS)
def test_keras_model_minitf_to_tensorflow(keras, tf_real, tmp_path, kind, opt):
    m = _make(minitf, minitf.keras, kind)
    o = OPTS[opt](minitf.keras)
    m.compile(o, "mse")
    m.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    path = minitf.train.Checkpoint(model=m, optimizer=o).save(str(tmp_path / "m"))
    m2 = _make(tf_real, keras, kind)
    o2 = OPTS[opt](keras)
    m2.compile(o2, "mse")
    m2(X[:1])
    o2.build(m2.trainable_variables)
    tf_real.train.Checkpoint(model=m2, optimizer=o2).restore(path).assert_consumed()
    _assert_same(m.weights, m2.weights)
    _assert_same(o.variables, o2.variables)


@pytest.mark.parametrize("opt", sorted(OPTS))
@pytest.mark.parametrize("kind", KINDS)
def test_keras_model_tensorflow_to_minitf(keras, tf_real, tmp_path, kind, opt):
    keras.utils.set_random_seed(0)          # the same starting weights on every run
    m2 = _make(tf_real, keras, kind)
    o2 = OPTS[opt](keras)
    m2.compile(o2, "mse")
    m2.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    path = tf_real.train.Checkpoint(model=m2, optimizer=o2).save(str(tmp_path / "t"))
    m = _make(minitf, minitf.keras, kind)
    o = OPTS[opt](minitf.keras)
    m.compile(o, "mse")
    # Restored before the model and the optimizer are built: deferred, applied at the first
    # step of training, as in TensorFlow.
    status = minitf.train.Checkpoint(model=m, optimizer=o).restore(path)
    m.fit(X[:8], Y[:8], epochs=1, batch_size=8, verbose=0, shuffle=False)
    m2.fit(X[:8], Y[:8], epochs=1, batch_size=8, verbose=0, shuffle=False)
    status.assert_consumed()
    assert int(o.iterations.numpy()) == int(o2.iterations.numpy()) == 5
    # One more step from bit-equal state. The float32 gradients of this 3-4-2 MLP, computed by
    # two BLAS libraries in different orders, differ by a few ulps (relative δ ≈ 1e-6 at most:
    # sums of ≤ 16 products). SGD moves a weight by lr·(g + μ·velocity): error ≤ lr·δ·|g|
    # ≈ 1e-8. Adam moves it by lr·m̂/(√v̂ + ε) with m and v from four earlier steps: the new
    # gradient enters m̂ with weight (1 − β1) = 0.1 and v̂ with (1 − β2), so the update's
    # error is about lr·0.1·δ·|g|/√v̂ ≲ lr·δ ≈ 1e-8. Plus one float32 ulp of |w| < 2
    # (2.4e-7): atol 1e-6 leaves a margin of 4.
    for a, b in zip(m.weights, m2.weights):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), atol=1e-6, rtol=0)


# ---- the "Training checkpoints" guide: Net + optimizer + dataset iterator -------------------

def _guide_objects(lib, K):
    class Net(K.Model):
        def __init__(self):
            super().__init__()
            self.l1 = K.layers.Dense(5)

        def call(self, x):
            return self.l1(x)
    inputs = lib.range(10.0)[:, None]
    labels = inputs * 5.0 + lib.range(5.0)[None, :]
    ds = lib.data.Dataset.from_tensor_slices(dict(x=inputs, y=labels)).repeat().batch(2)
    return Net(), K.optimizers.Adam(0.1), iter(ds)


def _guide_train(lib, net, opt, it, n):
    for _ in range(n):
        example = next(it)
        with lib.GradientTape() as tape:
            loss = lib.reduce_mean(lib.abs(net(example["x"]) - example["y"]))
        grads = tape.gradient(loss, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))


def _graph_attributes(path):
    from minitf.train import tensor_bundle, wire
    raw = tensor_bundle.BundleReader(path).get("_CHECKPOINTABLE_OBJECT_GRAPH")[()]
    return [a for node in wire.decode_object_graph(raw) for a in node["attributes"]]


def test_guide_checkpoint_keys_match_tensorflow(keras, tf_real, tmp_path):
    paths = {}
    for lib, K, name in ((minitf, minitf.keras, "m"), (tf_real, keras, "t")):
        net, opt, it = _guide_objects(lib, K)
        _guide_train(lib, net, opt, it, 3)
        ckpt = lib.train.Checkpoint(step=lib.Variable(1), optimizer=opt, net=net, iterator=it)
        paths[name] = lib.train.CheckpointManager(ckpt, str(tmp_path / name), 3).save()
    # Same keys; the iterator's state has TF's key and graph attribute (ITERATOR), though
    # its contents differ (TF: a serialized pipeline as DT_VARIANT; minitf: a position).
    keys = {n: [k for k, _ in tf_real.train.list_variables(p)] for n, p in paths.items()}
    assert keys["m"] == keys["t"]
    assert "iterator/.ATTRIBUTES/ITERATOR_STATE" in keys["m"]
    names = {n: sorted((a[0], a[2]) for a in _graph_attributes(p)) for n, p in paths.items()}
    assert names["m"] == names["t"]


def test_guide_checkpoint_tensorflow_to_minitf(keras, tf_real, tmp_path):
    net2, opt2, it2 = _guide_objects(tf_real, keras)
    _guide_train(tf_real, net2, opt2, it2, 4)
    ck2 = tf_real.train.Checkpoint(step=tf_real.Variable(5), optimizer=opt2, net=net2,
                                   iterator=it2)
    path = ck2.save(str(tmp_path / "ckpt"))
    net, opt, it = _guide_objects(minitf, minitf.keras)
    # TF's iterator state is its serialized pipeline, which minitf cannot replay: refused.
    with pytest.raises(NotImplementedError, match="written by TensorFlow"):
        minitf.train.Checkpoint(step=minitf.Variable(1), optimizer=opt, net=net,
                                iterator=it).restore(path)
    # Without the iterator, the rest restores (deferred until the net and slots exist).
    net, opt, it = _guide_objects(minitf, minitf.keras)
    ck = minitf.train.Checkpoint(step=minitf.Variable(1), optimizer=opt, net=net)
    status = ck.restore(path).expect_partial()
    net(np.zeros((1, 1), "float32"))                # building the net applies its values
    _assert_same(net.weights, net2.weights)
    opt.build(net.trainable_variables)              # so do the Adam slots
    _assert_same(opt.variables, opt2.variables)
    _guide_train(minitf, net, opt, it, 1)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError):
        status.assert_consumed()                    # the iterator's value found no object
    assert int(ck.step.numpy()) == 5 and int(opt.iterations.numpy()) == 5


def test_many_variables_span_several_table_blocks_both_ways(tf_real, tmp_path):
    # 600 keys make an index of ~40 KB: many 4 KB data blocks, restart points and an index
    # block with several entries, in the files of both writers; plus a string variable.
    rng = np.random.RandomState(0)
    vals = {f"var_{i:04d}_{'x' * (i % 37)}": np.asarray(
        rng.randn(*rng.randint(1, 5, size=rng.randint(0, 3))), "float32") for i in range(600)}
    vals["s"] = np.array([b"a", b"b" * 300, b""], dtype=object)

    def tree(lib):
        m = lib.Module()
        for k, v in vals.items():
            setattr(m, k, lib.Variable(lib.constant(v)))
        return m
    pt = tf_real.train.Checkpoint(m=tree(tf_real)).write(str(tmp_path / "t"))
    pm = minitf.train.Checkpoint(m=tree(minitf)).write(str(tmp_path / "m"))
    assert os.path.getsize(pt + ".index") > 8 * 4096
    listed = minitf.train.list_variables(pt)
    assert len(listed) == 602
    assert listed == [(k, list(s)) for k, s in tf_real.train.list_variables(pm)]
    ours, theirs = minitf.train.load_checkpoint(pt), tf_real.train.load_checkpoint(pm)
    for key, _ in listed:
        if key != "_CHECKPOINTABLE_OBJECT_GRAPH":
            np.testing.assert_array_equal(ours.get_tensor(key), theirs.get_tensor(key))
    back = tree(minitf)
    for v in vars(back).values():
        if hasattr(v, "dtype") and v.dtype == "float32":     # a DType or a name
            v.assign(np.zeros(v.shape, "float32"))
    minitf.train.Checkpoint(m=back).read(pt).assert_consumed()
    for k, v in vals.items():
        np.testing.assert_array_equal(getattr(back, k).numpy(), v)
