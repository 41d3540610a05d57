"""Keras 3 files without TensorFlow: ``.weights.h5`` and ``.keras`` round trips, the layout
Keras 3.15 writes (paths and attributes read from files Keras wrote, see the expected
tables), atomic writes, refusal of bad or mismatched files with Keras's exception types,
``custom_objects``, registration, configs, ``to_json`` / ``model_from_json``, ``clone_model``.
Interop with real Keras in both directions is in parity/test_keras_files_parity.py."""
import json
import os
import zipfile

import numpy as np
import pytest

import minitf as tf

h5py = pytest.importorskip("h5py")
keras = tf.keras
RNG = np.random.RandomState(0)
X = RNG.randn(16, 3).astype("float32")
Y = RNG.randn(16, 2).astype("float32")


def _seq(compiled=True, opt=None):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(2)])
    if compiled:
        m.compile(optimizer=opt or keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        m.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    return m


def _functional():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h, g = keras.layers.Dense(4)(a), keras.layers.Dense(4)(b)
    merged = keras.layers.Concatenate()([keras.layers.Add()([h, g]), h])
    return keras.Model([a, b], keras.layers.Dense(1, name="out")(merged))


def _h5_tree(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: out.__setitem__(
            name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else dict(obj.attrs)))
    return out


# ---- layout -------------------------------------------------------------------------------------
def test_weights_h5_has_keras_layout_for_a_compiled_sequential(tmp_path):
    # The groups, attributes and shapes of the file Keras 3.15 writes for this model
    # (Sequential Input(3) → Dense(4) → Dense(2), Adam after training), read with h5py.
    m = _seq()
    p = tmp_path / "m.weights.h5"
    m.save_weights(p)
    tree = _h5_tree(p)
    expected = {
        "layers": {}, "layers/dense": {}, "layers/dense/vars": {"name": m.layers[0].name},
        "layers/dense/vars/0": (3, 4), "layers/dense/vars/1": (4,),
        "layers/dense_1": {}, "layers/dense_1/vars": {"name": m.layers[1].name},
        "layers/dense_1/vars/0": (4, 2), "layers/dense_1/vars/1": (2,),
        "optimizer": {}, "optimizer/vars": {"name": "adam"},
        "optimizer/vars/0": (), "optimizer/vars/1": (),
        "optimizer/vars/2": (3, 4), "optimizer/vars/3": (3, 4), "optimizer/vars/4": (4,),
        "optimizer/vars/5": (4,), "optimizer/vars/6": (4, 2), "optimizer/vars/7": (4, 2),
        "optimizer/vars/8": (2,), "optimizer/vars/9": (2,), "vars": {"name": m.name}}
    assert tree == expected
    with h5py.File(p) as f:
        assert f["optimizer/vars/0"].dtype == np.int64 and f["optimizer/vars/0"][()] == 4
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], m.layers[0].kernel.numpy())
        np.testing.assert_array_equal(f["optimizer/vars/2"][()],
                                      m.optimizer.slot(m.layers[0].kernel, "momentum").numpy())


def test_rmsprop_slots_are_grouped_as_keras_creates_them(tmp_path):
    # Keras builds all velocities, then all momentums, then all average gradients.
    m = _seq(opt=keras.optimizers.RMSprop(momentum=0.5, centered=True))
    p = tmp_path / "m.weights.h5"
    m.save_weights(p)
    with h5py.File(p) as f:
        shapes = [f[f"optimizer/vars/{i}"].shape for i in range(len(f["optimizer/vars"]))]
    per_var = [(3, 4), (4,), (4, 2), (2,)]
    assert shapes == [(), ()] + per_var * 3


def test_subclassed_model_paths_follow_attributes_and_containers(tmp_path):
    class Block(keras.layers.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.d = keras.layers.Dense(3)
            self.parts = [keras.layers.Dense(3), keras.layers.BatchNormalization()]

        def call(self, x):
            return self.parts[1](self.parts[0](self.d(x)))

    class Sub(keras.Model):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.block = Block()
            self.out = keras.layers.Dense(1)

        def call(self, x):
            return self.out(self.block(x))

    m = Sub()
    m(X)
    p = tmp_path / "s.weights.h5"
    m.save_weights(p)
    tree = _h5_tree(p)
    datasets = {k: v for k, v in tree.items() if isinstance(v, tuple)}
    # Keras 3.15: attributes sorted; `layers` (the model's tracked layers) names `out` by
    # its class, since `block` was already written under its attribute.
    assert datasets == {
        "block/d/vars/0": (3, 3), "block/d/vars/1": (3,),
        "block/parts/batch_normalization/vars/0": (3,),
        "block/parts/batch_normalization/vars/1": (3,),
        "block/parts/batch_normalization/vars/2": (3,),
        "block/parts/batch_normalization/vars/3": (3,),
        "block/parts/dense/vars/0": (3, 3), "block/parts/dense/vars/1": (3,),
        "layers/dense/vars/0": (3, 1), "layers/dense/vars/1": (1,)}
    m2 = Sub()
    m2(X)
    m2.load_weights(p)
    for a, b in zip(m.weights, m2.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ---- round trips --------------------------------------------------------------------------------
def test_keras_file_round_trip_restores_weights_compile_state_and_optimizer(tmp_path):
    m = _seq()
    p = tmp_path / "m.keras"
    m.save(p)
    with zipfile.ZipFile(p) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        meta = json.loads(zf.read("metadata.json"))
        cfg = json.loads(zf.read("config.json"))
    assert meta["keras_version"].startswith("3.")
    assert (cfg["module"], cfg["class_name"]) == ("keras", "Sequential")
    assert cfg["compile_config"]["loss"] == "mse" and cfg["compile_config"]["metrics"] == ["mae"]
    m2 = keras.models.load_model(p)
    np.testing.assert_array_equal(m.predict(X, verbose=0), m2.predict(X, verbose=0))
    assert type(m2.optimizer) is keras.optimizers.Adam
    assert float(m2.optimizer.learning_rate) == np.float32(0.01)
    assert int(m2.optimizer.iterations.numpy()) == 4
    for a, b in zip(m.optimizer.variables, m2.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # Training continues identically: same weights after one more epoch.
    m.fit(X, Y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    m2.fit(X, Y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(m.weights, m2.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_model_compile_false_leaves_it_uncompiled(tmp_path):
    p = tmp_path / "m.keras"
    _seq().save(p)
    assert not keras.models.load_model(p, compile=False).compiled


def test_functional_round_trip_rebuilds_the_graph(tmp_path):
    m = _functional()
    p = tmp_path / "f.keras"
    m.save(p)
    m2 = keras.models.load_model(p)
    assert [l.name for l in m2.layers] == [l.name for l in m.layers]
    xs = [X, Y]
    np.testing.assert_array_equal(m.predict(xs, verbose=0), m2.predict(xs, verbose=0))
    cfg = m.get_config()
    assert cfg["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert cfg["output_layers"] == ["out", 0, 0]


def test_weights_h5_round_trip_and_keras_file_as_weights_source(tmp_path):
    m, other = _functional(), _functional()
    m.save_weights(tmp_path / "f.weights.h5")
    other.load_weights(tmp_path / "f.weights.h5")
    for a, b in zip(m.weights, other.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    m.save(tmp_path / "f.keras")
    third = _functional()
    third.load_weights(tmp_path / "f.keras")
    for a, b in zip(m.weights, third.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_old_npz_weights_still_save_and_load(tmp_path):
    m, other = _seq(False), _seq(False)
    m.save_weights(tmp_path / "w.weights.npz")
    other.load_weights(tmp_path / "w.weights.npz")
    for a, b in zip(m.weights, other.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ---- custom objects -----------------------------------------------------------------------------
class Scale(keras.layers.Layer):
    """A custom layer with a constructor argument and its own get_config."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _custom_model():
    return keras.Sequential([keras.Input((3,)), Scale(3.0), keras.layers.Dense(1)])


def test_unregistered_custom_layer_needs_custom_objects(tmp_path):
    p = tmp_path / "c.keras"
    m = _custom_model()
    m.save(p)
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        keras.models.load_model(p)
    m2 = keras.models.load_model(p, custom_objects={"Scale": Scale})
    assert m2.layers[0].factor == 3.0
    np.testing.assert_array_equal(m.predict(X, verbose=0), m2.predict(X, verbose=0))
    with keras.saving.custom_object_scope({"Scale": Scale}):
        keras.models.load_model(p)


def test_registered_classes_and_functions_are_stored_by_package_and_name(tmp_path):
    @keras.saving.register_keras_serializable(package="tests_files")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return 2 * x

        def get_config(self):
            return super().get_config()

    @keras.saving.register_keras_serializable(package="tests_files")
    def half_mse(y_true, y_pred):
        return 0.5 * tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    m = keras.Sequential([keras.Input((3,)), Doubler(), keras.layers.Dense(2)])
    m.compile(optimizer="sgd", loss=half_mse)
    p = tmp_path / "r.keras"
    m.save(p)
    with zipfile.ZipFile(p) as zf:
        cfg = json.loads(zf.read("config.json"))
    assert cfg["config"]["layers"][1]["registered_name"] == "tests_files>Doubler"
    assert cfg["compile_config"]["loss"]["registered_name"] == "tests_files>half_mse"
    m2 = keras.models.load_model(p)
    assert type(m2.layers[0]) is Doubler and m2.loss is half_mse
    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_user_layer_without_get_config_gets_keras_auto_config():
    class Plain(keras.layers.Layer):
        def __init__(self, units, act="relu", **kwargs):
            super().__init__(**kwargs)
            self.units = units

    class NotPlain(keras.layers.Layer):
        def __init__(self, init, **kwargs):
            super().__init__(**kwargs)

    cfg = Plain(3, name="p").get_config()
    assert {k: cfg[k] for k in ("name", "units", "act", "trainable")} == \
        {"name": "p", "units": 3, "act": "relu", "trainable": True}
    assert Plain.from_config(cfg).units == 3
    with pytest.raises(NotImplementedError, match="get_config"):
        NotPlain(keras.initializers.Ones()).get_config()


# ---- configs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("obj", [
    keras.layers.Dense(3, activation="tanh", use_bias=False, kernel_regularizer="l2"),
    keras.layers.Dropout(0.3, seed=1), keras.layers.BatchNormalization(momentum=0.9),
    keras.layers.Reshape((2, 3)), keras.layers.Activation("relu"),
    keras.layers.Embedding(10, 4), keras.layers.Concatenate(axis=1), keras.layers.Add(),
    keras.layers.GaussianNoise(0.1), keras.layers.Flatten(),
    keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    keras.losses.Huber(delta=2.0), keras.losses.SparseCategoricalCrossentropy(ignore_class=0),
    keras.metrics.Precision(thresholds=0.3), keras.metrics.BinaryAccuracy(threshold=0.7),
    keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), keras.optimizers.Adam(0.002),
    keras.optimizers.RMSprop(centered=True), keras.optimizers.Adagrad(), keras.optimizers.Nadam(),
    keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)),
    keras.initializers.RandomNormal(stddev=0.3, seed=2), keras.initializers.GlorotUniform(seed=1),
    keras.initializers.Constant(0.5), keras.initializers.VarianceScaling(2.0, "fan_out"),
    keras.regularizers.L1L2(l1=0.1, l2=0.2), keras.constraints.MaxNorm(3, axis=1),
    keras.constraints.UnitNorm(axis=1),
    keras.optimizers.schedules.CosineDecay(0.1, 100, alpha=0.1),
    keras.optimizers.schedules.InverseTimeDecay(0.1, 10, 0.5),
], ids=lambda o: type(o).__name__)
def test_config_round_trips_through_json(obj):
    s = keras.saving.serialize_keras_object(obj)
    assert s["module"].startswith("keras.") and s["registered_name"] is None
    back = keras.saving.deserialize_keras_object(json.loads(json.dumps(s)))
    assert type(back) is type(obj)
    assert keras.saving.serialize_keras_object(back)["config"] == s["config"]


def test_dense_config_has_keras_keys():
    cfg = keras.layers.Dense(3, name="d").get_config()
    assert {"name", "trainable", "dtype", "units", "activation", "use_bias",
            "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
            "kernel_constraint", "bias_constraint"} <= set(cfg)
    assert cfg["kernel_initializer"]["module"] == "keras.initializers"


def test_keras_only_keys_at_their_off_values_are_accepted_and_others_refused():
    base = {"name": "d", "units": 2, "quantization_config": None}
    assert keras.layers.Dense.from_config(base).units == 2
    with pytest.raises(TypeError, match="quantization_config"):
        keras.layers.Dense.from_config({**base, "quantization_config": {"mode": "int8"}})


def test_to_json_model_from_json_and_clone_model_give_new_weights():
    m = _functional()
    m2 = keras.models.model_from_json(m.to_json())
    m3 = keras.models.clone_model(m)
    for other in (m2, m3):
        assert [l.name for l in other.layers] == [l.name for l in m.layers]
        assert [tuple(w.shape) for w in other.weights] == [tuple(w.shape) for w in m.weights]
        assert not any(a is b for a, b in zip(other.weights, m.weights))
    s = _seq(False)
    c = keras.models.clone_model(s)
    assert type(c) is keras.Sequential and c.count_params() == s.count_params()


# ---- refusing bad files -------------------------------------------------------------------------
def test_filenames_and_missing_files_give_keras_errors(tmp_path):
    m = _seq(False)
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        m.save_weights(tmp_path / "x.h5")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        m.save(tmp_path / "x")
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(tmp_path / "nope.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="File format not supported"):
        m.load_weights(tmp_path / "x.txt")
    with pytest.raises(FileNotFoundError):
        m.load_weights(tmp_path / "nope.weights.h5")
    (tmp_path / "junk.keras").write_bytes(b"junk")
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(tmp_path / "junk.keras")
    (tmp_path / "junk.weights.h5").write_bytes(b"junk")
    with pytest.raises(OSError):
        m.load_weights(tmp_path / "junk.weights.h5")
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        unbuilt.save_weights(tmp_path / "u.weights.h5")


def test_mismatched_weights_raise_and_change_nothing(tmp_path):
    src = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(2)])
    src.save_weights(tmp_path / "s.weights.h5")
    target = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(5)])
    before = [w.numpy().copy() for w in target.weights]
    with pytest.raises(ValueError, match="(?s)A total of 1 objects could not be loaded.*shape"):
        target.load_weights(tmp_path / "s.weights.h5")
    for b, w in zip(before, target.weights):
        np.testing.assert_array_equal(b, w.numpy())
    with pytest.warns(UserWarning, match="could not be loaded"):
        target.load_weights(tmp_path / "s.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(target.layers[0].kernel.numpy(), src.layers[0].kernel.numpy())
    np.testing.assert_array_equal(target.layers[1].kernel.numpy(), before[2])
    fewer = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, use_bias=False),
                              keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="expected 1 variables, but received 2"):
        fewer.load_weights(tmp_path / "s.weights.h5")


def test_optimizer_with_other_variable_count_is_skipped_with_a_warning(tmp_path):
    m = _seq()
    m.save_weights(tmp_path / "m.weights.h5")
    fresh = _seq(compiled=False)
    fresh.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")   # not built: 2 variables
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(fresh.layers[0].kernel.numpy(), m.layers[0].kernel.numpy())


def test_links_and_object_arrays_in_a_weights_file_are_refused(tmp_path):
    m = _seq(False)
    p = tmp_path / "m.weights.h5"
    m.save_weights(p)
    with h5py.File(p, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")
    with pytest.raises(ValueError, match="plain numeric"):
        m.load_weights(p)
    m.save_weights(p)
    with h5py.File(p, "a") as f:
        del f["layers/dense/vars/1"]
        f.create_dataset("layers/dense/vars/1", data=np.array([b"abcd"] * 4))
    with pytest.raises(ValueError, match="plain numeric"):
        m.load_weights(p)


def test_keras_zip_bomb_member_is_refused(tmp_path):
    import struct
    p = tmp_path / "m.keras"
    _seq(False).save(p)
    raw = bytearray(p.read_bytes())
    # The central directory entry of config.json (signature PK\1\2, name at offset 46)
    # now claims 10**9 uncompressed bytes for a member stored in a few hundred.
    at = raw.index(b"PK\x01\x02config.json"[:4], raw.index(b"PK\x01\x02"))
    while raw[at + 46:at + 57] != b"config.json":
        at = raw.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + 24, 10**9)
    p.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="refusing"):
        keras.models.load_model(p)


# ---- atomic writes ------------------------------------------------------------------------------
def test_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "m.keras"
    good = _seq(False)
    good.save(p)
    before = p.read_bytes()
    bad = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    with pytest.raises((NotImplementedError, ValueError)):
        bad.save(p)
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]
    w = tmp_path / "m.weights.h5"
    good.save_weights(w)
    before = w.read_bytes()

    class Boom(keras.layers.Layer):
        def build(self, shape):
            self.v = self.add_weight(shape=(2,), name="v")

        def save_own_variables(self, store):
            raise RuntimeError("disk full")

    boom = keras.Sequential([keras.Input((3,)), Boom()])
    with pytest.raises(RuntimeError, match="disk full"):
        boom.save_weights(w)
    assert w.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.keras", "m.weights.h5"]


def test_overwrite_false_refuses_existing_files(tmp_path):
    m = _seq(False)
    m.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        m.save(tmp_path / "m.keras", overwrite=False)


def test_docs_saving_page_examples_run():
    import doctest
    import pathlib
    page = pathlib.Path(__file__).parent.parent / "docs" / "saving.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_model_checkpoint_writes_keras_and_weights_h5_files(tmp_path):
    m = _seq(compiled=False)
    m.compile(optimizer="adam", loss="mse")
    cbs = [keras.callbacks.ModelCheckpoint(str(tmp_path / "m{epoch}.keras"), monitor="loss"),
           keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch}.weights.h5"),
                                           save_weights_only=True, monitor="loss")]
    m.fit(X, Y, epochs=2, verbose=0, callbacks=cbs)
    assert sorted(os.listdir(tmp_path)) == ["m1.keras", "m2.keras", "w1.weights.h5",
                                            "w2.weights.h5"]
    again = keras.models.load_model(tmp_path / "m2.keras")
    np.testing.assert_array_equal(again.predict(X, verbose=0), m.predict(X, verbose=0))
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        keras.callbacks.ModelCheckpoint("a.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`"):
        keras.callbacks.ModelCheckpoint("a.weights")


# Required constructor arguments of the exported layers, by parameter name, so that every
# layer (also those added later) is checked without a list of classes.
_REQUIRED = {"units": 3, "filters": 2, "kernel_size": 2, "rate": 0.5, "target_shape": (2, 3),
             "activation": "relu", "input_dim": 5, "output_dim": 2, "stddev": 0.1,
             "dims": (2, 1), "n": 2, "axes": 1, "height": 2, "width": 2, "size": 2,
             "pool_size": 2, "max_value": 1.0, "mean": 0.0, "groups": 1, "factor": 0.1,
             "num_tokens": 3, "cropping": 1, "padding": 1, "scale": 1.0, "offset": 0.0,
             "num_bins": 3, "bin_boundaries": [0.0], "num_heads": 2, "key_dim": 2,
             "depth_multiplier": 1, "output_shape": 3, "equation": "ab,bc->ac"}


def _constructible(namespace, base):
    import inspect
    for name, cls in sorted(vars(namespace).items()):
        if name.startswith("_") or not isinstance(cls, type) or not issubclass(cls, base):
            continue
        kwargs = {}
        for p, v in inspect.signature(cls.__init__).parameters.items():
            if p in ("self", "args", "kwargs") or v.default is not inspect.Parameter.empty:
                continue
            kwargs[p] = _REQUIRED.get(p)
        if None in kwargs.values():
            continue              # takes a layer, cell or function: covered elsewhere
        try:
            yield cls(**kwargs)
        except Exception:         # an argument the table guesses wrong: not this test's topic
            continue


@pytest.mark.parametrize("namespace, base, at_least", [
    (keras.layers, keras.layers.Layer, 40), (keras.losses, keras.losses.Loss, 5),
    (keras.metrics, keras.metrics.Metric, 8), (keras.optimizers, keras.optimizers.Optimizer, 6),
    (keras.initializers, keras.initializers.Initializer, 10),
    (keras.regularizers, keras.regularizers.Regularizer, 3),
    (keras.constraints, keras.constraints.Constraint, 3)],
    ids=["layers", "losses", "metrics", "optimizers", "initializers", "regularizers",
         "constraints"])
def test_every_exported_class_round_trips_its_config_through_json(namespace, base, at_least):
    checked = 0
    for obj in _constructible(namespace, base):
        s = keras.saving.serialize_keras_object(obj)
        back = keras.saving.deserialize_keras_object(json.loads(json.dumps(s)))
        assert type(back) is type(obj), type(obj).__name__
        again = json.loads(json.dumps(keras.saving.serialize_keras_object(back)["config"]))
        assert again == json.loads(json.dumps(s["config"])), type(obj).__name__
        checked += 1
    assert checked >= at_least


def test_registered_custom_initializer_inside_a_layer_config_is_found_again(tmp_path):
    # Not a subclass of Initializer (Keras accepts any callable with get_config), so only
    # its registered key can find it.
    @keras.saving.register_keras_serializable(package="tests_files")
    class Halves:
        def __call__(self, shape, dtype=None):
            return tf.fill(shape, tf.constant(0.5, dtype or "float32"))

        def get_config(self):
            return {}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer=Halves())])
    m.save(tmp_path / "i.keras")
    m2 = keras.models.load_model(tmp_path / "i.keras")
    assert type(m2.layers[0].kernel_initializer) is Halves


def test_functional_config_with_keras_call_kwargs_loads():
    # Keras records `mask: None` among a call's kwargs (a nested Sequential's call here does
    # not take it): a None the layer does not take is dropped, other kwargs are passed.
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)], name="inner")
    a = keras.Input((3,))
    m = keras.Model(a, keras.layers.Dense(1)(inner(a)))
    cfg = m.get_config()
    entry = next(e for e in cfg["layers"] if e["name"] == "inner")
    entry["inbound_nodes"][0]["kwargs"]["mask"] = None
    m2 = keras.Model.from_config(json.loads(json.dumps(cfg)))
    assert [type(l).__name__ for l in m2.layers] == ["InputLayer", "Sequential", "Dense"]


def test_configs_as_keras_writes_them_load():
    # Excerpts of Keras 3.15 config.json entries: keys minitf's layers do not take, at the
    # values that switch their feature off, and DTypePolicy dicts.
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None}
    bn = keras.layers.BatchNormalization.from_config({
        "name": "bn", "trainable": True, "dtype": policy, "axis": -1, "momentum": 0.99,
        "epsilon": 0.001, "center": True, "scale": True, "beta_initializer": "zeros",
        "gamma_initializer": "ones", "moving_mean_initializer": "zeros",
        "moving_variance_initializer": "ones", "beta_regularizer": None,
        "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None,
        "synchronized": False, "renorm": False, "renorm_clipping": None,
        "renorm_momentum": 0.99})
    assert bn.dtype == "float32" and bn.momentum == 0.99
    flat = keras.layers.Flatten.from_config({"name": "f", "trainable": True, "dtype": policy,
                                             "data_format": "channels_last"})
    assert flat.name == "f"
    with pytest.raises(TypeError, match="renorm"):
        keras.layers.BatchNormalization.from_config({"name": "b", "renorm": True})
    assert keras.layers.Dense(2, dtype=policy).dtype == "float32"


def test_keras_utils_and_models_namespaces_have_the_saving_functions():
    assert keras.utils.register_keras_serializable is keras.saving.register_keras_serializable
    assert keras.utils.serialize_keras_object is keras.saving.serialize_keras_object
    assert keras.utils.custom_object_scope is keras.saving.custom_object_scope
    for name in ("load_model", "save_model", "model_from_json", "clone_model"):
        assert callable(getattr(keras.models, name))
    assert callable(keras.saving.load_model) and callable(keras.saving.save_model)
