"""Keras layer machinery without TensorFlow: tracking, build, configs, training loop, callbacks,
weights files, and clear errors for bad input."""
from __future__ import annotations

import io
import os

import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def small_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    y = (x[:, :1] * 2 - x[:, 1:2]).astype(np.float32)
    return x, y


def _weights64(layer):
    """A layer's weights as float64 arrays, for NumPy re-computations of its float32 output."""
    return [np.asarray(w, np.float64) for w in layer.get_weights()]


# float32 forward passes against float64 NumPy on the same (float32) inputs and weights: dot
# products of a few dozen terms carry a relative error of about n·2⁻²⁴ < 1e-5.
F32 = dict(rtol=1e-5, atol=1e-6)


def test_dense_builds_on_first_call_with_keras_shapes():
    d = keras.layers.Dense(3)
    assert d.weights == [] and not d.built
    out = d(np.ones((4, 5)))
    assert out.shape == (4, 3) and out.dtype == tf.float32    # float64 input cast to float32
    kernel, bias = _weights64(d)
    np.testing.assert_allclose(out.numpy(), np.ones((4, 5)) @ kernel + bias, **F32)
    assert np.all(bias == 0) and np.abs(kernel).max() <= np.sqrt(6 / 8)   # glorot_uniform
    assert [v.path for v in d.weights] == [f"{d.name}/kernel", f"{d.name}/bias"]
    assert tuple(d.kernel.shape) == (5, 3)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 5"):
        d(np.ones((4, 6)))
    with pytest.raises(ValueError, match="min_ndim=2"):
        keras.layers.Dense(2)(np.ones(5))
    assert keras.layers.Dense(2, dtype="float64")(np.ones((1, 2))).dtype == tf.float64


def test_tracking_order_is_attribute_assignment_order():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.out = keras.layers.Dense(1, name="out")
            self.hidden = [keras.layers.Dense(4, name="h1"), keras.layers.Dense(4, name="h2")]
            self.scale = tf.Variable(2.0, name="scale")

        def call(self, x):
            for layer in self.hidden:
                x = layer(x)
            return self.out(x) * self.scale

    net = Net()
    net(np.ones((2, 3), np.float32))
    names = [getattr(v, "path", v.name) for v in net.trainable_variables]
    # Keras 3.15 gives the layers' weights these paths (built during net's first call, so under
    # its scope) in this order; the raw tf.Variable is not tracked (Keras tracks only
    # keras.Variables). (The model is "net" unless an earlier test made one: "net_1".)
    p = net.name
    assert names == [f"{p}/out/kernel", f"{p}/out/bias", f"{p}/h1/kernel",
                     f"{p}/h1/bias", f"{p}/h2/kernel", f"{p}/h2/bias"]
    net.hidden[0].trainable = False
    assert len(net.trainable_variables) == 4 and len(net.non_trainable_variables) == 2


def test_sequential_and_functional_equivalent():
    seq = keras.Sequential([keras.layers.Dense(30, activation="relu", input_shape=(8,)),
                            keras.layers.Dense(1)])
    assert seq.built and seq.count_params() == 301
    inp = keras.Input(shape=(8,))
    out = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(inp))
    fun = keras.Model(inputs=inp, outputs=out)
    fun.set_weights(seq.get_weights())
    x = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    np.testing.assert_array_equal(seq(x).numpy(), fun(x).numpy())
    np.testing.assert_array_equal(seq.predict(x, verbose=0), fun.predict(x, verbose=0))


def test_wide_and_deep_multi_input_multi_output():
    a, b = keras.Input(shape=(5,), name="wide"), keras.Input(shape=(6,), name="deep")
    h = keras.layers.Dense(8, activation="relu", name="hidden")(b)
    concat = keras.layers.concatenate([a, h])
    main = keras.layers.Dense(1, name="main")(concat)
    aux = keras.layers.Dense(1, name="aux")(h)
    model = keras.Model(inputs=[a, b], outputs=[main, aux])
    model.compile(optimizer="sgd", loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                  metrics=[["mae"], ["mae"]])
    rng = np.random.default_rng(1)
    xa, xb = rng.standard_normal((40, 5)), rng.standard_normal((40, 6))
    y = rng.standard_normal((40, 1))
    before = model.evaluate([xa, xb], [y, y], verbose=0, return_dict=True)["loss"]
    h = model.fit([xa, xb], [y, y], epochs=2, batch_size=8, verbose=0)
    assert set(h.history) == {"loss", "main_loss", "aux_loss", "main_mae", "aux_mae"}
    pm, pa = model.predict({"wide": xa, "deep": xb}, verbose=0)
    assert pm.shape == pa.shape == (40, 1)
    # The same forward pass in NumPy, from the trained weights (inputs rounded to float32).
    (kh, bh), (km, bm), (ka, ba) = (_weights64(model.get_layer(n))
                                    for n in ("hidden", "main", "aux"))
    xa32, xb32, y32 = (v.astype(np.float32).astype(np.float64) for v in (xa, xb, y))
    hidden = np.maximum(xb32 @ kh + bh, 0)
    want_m, want_a = np.c_[xa32, hidden] @ km + bm, hidden @ ka + ba
    np.testing.assert_allclose(pm, want_m, **F32)
    np.testing.assert_allclose(pa, want_a, **F32)
    # evaluate in batches of 32 and 8. As in TF 2.21 (checked): `loss` and the metrics are
    # means over samples, but each output's loss is the plain mean of its batch means.
    ev = model.evaluate([xa, xb], [y, y], batch_size=32, verbose=0, return_dict=True)
    se_m, se_a = (want_m - y32) ** 2, (want_a - y32) ** 2
    np.testing.assert_allclose(ev["loss"], 0.9 * se_m.mean() + 0.1 * se_a.mean(), rtol=1e-5)
    np.testing.assert_allclose(ev["main_mae"], np.abs(want_m - y32).mean(), rtol=1e-5)
    np.testing.assert_allclose(ev["aux_mae"], np.abs(want_a - y32).mean(), rtol=1e-5)
    np.testing.assert_allclose(ev["main_loss"], (se_m[:32].mean() + se_m[32:].mean()) / 2,
                               rtol=1e-5)
    np.testing.assert_allclose(ev["aux_loss"], (se_a[:32].mean() + se_a[32:].mean()) / 2,
                               rtol=1e-5)
    # Ten SGD steps (lr 0.01) on a smooth loss of this scale go downhill.
    assert ev["loss"] < before
    out = io.StringIO()
    model.summary(print_fn=lambda s: out.write(s + "\n"))
    assert "Total params" in out.getvalue() and "concatenate" in out.getvalue()


def test_fit_reduces_loss_and_history_shape():
    x, y = small_data()
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    h = model.fit(x, y, epochs=15, batch_size=16, validation_split=0.25, verbose=0)
    assert set(h.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert len(h.history["loss"]) == 15 and h.history["loss"][-1] < h.history["loss"][0] / 3
    assert model.history is h
    loss, mae = model.evaluate(x, y, verbose=0)
    assert loss < h.history["loss"][0]
    (k1, b1), (k2, b2) = _weights64(model.layers[0]), _weights64(model.layers[1])
    err = np.tanh(x @ k1 + b1) @ k2 + b2 - y
    np.testing.assert_allclose([loss, mae], [np.mean(err ** 2), np.mean(np.abs(err))], rtol=1e-5)


def test_model_losses_are_added_to_training_loss():
    x, y = small_data(16)
    model = keras.Sequential([keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(10.0),
                                                 kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    h = model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    pred = x @ np.ones((8, 1), np.float32)
    expected = np.mean((pred - y) ** 2) + 10.0 * 8
    assert h.history["loss"][0] == pytest.approx(expected, rel=1e-6)


def test_save_and_load_weights_round_trip(tmp_path):
    x, _ = small_data(4)
    m1 = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3),
                           keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    m2 = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3),
                           keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    path = tmp_path / "model.weights.npz"
    m1.save_weights(path)
    m2.load_weights(path)
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(m1(x).numpy(), m2(x).numpy())
    assert [p.name for p in tmp_path.iterdir()] == ["model.weights.npz"]   # no temporary left


def test_load_weights_errors(tmp_path):
    m = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3)])
    other = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    p = tmp_path / "w.weights.npz"
    other.save_weights(p)
    with pytest.raises(ValueError, match="shape"):
        m.load_weights(p)
    bad = tmp_path / "bad.weights.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable"):
        m.load_weights(bad)
    with pytest.raises(ValueError, match=".npz"):
        m.save_weights(tmp_path / "w.h5")
    np.savez(tmp_path / "obj.npz", a=np.array([object()], dtype=object))
    with pytest.raises(ValueError):
        m.load_weights(tmp_path / "obj.npz")


def test_callbacks(tmp_path):
    x, y = small_data()
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")   # loss never improves
    seen = []
    ckpt = tmp_path / "ep{epoch:02d}.weights.npz"
    csv_path = tmp_path / "log.csv"
    h = model.fit(x, y, epochs=10, verbose=0, validation_data=(x, y), callbacks=[
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
        keras.callbacks.ModelCheckpoint(str(ckpt)),
        keras.callbacks.CSVLogger(str(csv_path)),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e)),
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.0),
    ])
    assert len(h.history["loss"]) == 3 and seen == [0, 1, 2]
    assert sorted(p.name for p in tmp_path.glob("ep*.npz")) == [
        "ep01.weights.npz", "ep02.weights.npz", "ep03.weights.npz"]
    lines = csv_path.read_text().strip().splitlines()
    assert lines[0].split(",") == ["epoch", "loss", "val_loss"] and len(lines) == 4
    rows = [[float(v) for v in line.split(",")] for line in lines[1:]]
    assert [r[0] for r in rows] == [0, 1, 2]
    np.testing.assert_allclose([r[1:] for r in rows],
                               np.c_[h.history["loss"], h.history["val_loss"]], rtol=1e-6)
    # Learning rate 0: the weights never move, so every epoch's loss is the initial model's MSE
    # (which is why val_loss never improves and EarlyStopping stops after 1 + patience epochs).
    kernel, bias = _weights64(model.layers[0])
    mse = np.mean((x @ kernel + bias - y) ** 2)
    np.testing.assert_allclose(h.history["loss"] + h.history["val_loss"], mse, rtol=1e-5)
    m2 = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    m2.load_weights(tmp_path / "ep03.weights.npz")
    for a, b in zip(m2.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_reduce_lr_on_plateau():
    x, y = small_data()
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e-9), loss="mse")
    model.fit(x, y, epochs=4, verbose=0, callbacks=[
        keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1,
                                          min_delta=1.0)])
    assert float(model.optimizer.learning_rate) < 1e-9


def test_optimizer_contract():
    v, w = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    opt = keras.optimizers.SGD(0.1)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        it = opt.apply_gradients([(tf.constant([1.0, 1.0]), v), (None, w)])
    assert int(it) == 1 and v.numpy().tolist() == pytest.approx([0.9, 1.9])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, v)])
    with pytest.raises(ValueError, match="should be float"):
        keras.optimizers.SGD(learning_rate=1)
    with pytest.raises(ValueError, match="Only one of"):
        keras.optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        keras.optimizers.get("adamax_typo")
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    x = tf.Variable(0.0)
    opt2 = keras.optimizers.SGD(0.1)
    for _ in range(100):
        opt2.minimize(lambda: (x - 3.0) ** 2, [x])
    assert float(x) == pytest.approx(3.0, abs=1e-4) and int(opt2.iterations) == 100


def test_schedules_and_constraints():
    s = keras.optimizers.schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
    assert [float(s(i)) for i in (0, 2, 3, 4, 5)] == [1.0, 1.0, 0.5, 0.5, pytest.approx(0.1)]
    v = tf.Variable([1.0, -1.0], constraint=keras.constraints.NonNeg())
    keras.optimizers.SGD(0.1).apply_gradients([(tf.constant([0.0, 0.0]), v)])
    assert v.numpy().tolist() == [1.0, 0.0]


def test_unknown_names_give_clear_errors():
    with pytest.raises(ValueError, match="activation"):
        keras.layers.Dense(2, activation="relux")
    with pytest.raises(ValueError, match="loss identifier"):
        keras.losses.get("msee")
    with pytest.raises(ValueError, match="initializer"):
        keras.layers.Dense(2, kernel_initializer="glorot")
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        keras.layers.Dense(2, unitz=3)
    with pytest.raises(ValueError, match="reduction"):
        keras.losses.MeanSquaredError(reduction="avg")


def test_config_round_trip():
    d = keras.layers.Dense(4, activation="tanh", name="d")
    d2 = keras.layers.Dense.from_config(d.get_config())
    assert (d2.units, d2.activation, d2.name) == (4, keras.activations.tanh, "d")
    seq = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), keras.layers.Dropout(0.5)])
    clone = keras.Sequential.from_config(seq.get_config())
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Dropout"]
    assert clone.count_params() == 9
    assert (clone.layers[0].units, clone.layers[1].rate) == (3, 0.5)
    clone.set_weights(seq.get_weights())
    x = np.random.default_rng(2).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_array_equal(clone(x).numpy(), seq(x).numpy())


def _assert_dropout_of(out, x, rate):
    """``out`` is ``x`` with each unit kept with probability 1 - rate and scaled by
    1/(1 - rate) (TF's inverted dropout), else zeroed. Over n = 4000 units the kept fraction
    has standard deviation sqrt(rate·(1-rate)/n) < 0.008: 0.04 is five of them."""
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert abs(kept.mean() - (1 - rate)) < 0.04, kept.mean()


def test_dropout_and_noise_only_when_training():
    x = np.ones((1000, 4), np.float32)
    d = keras.layers.Dropout(0.5)
    np.testing.assert_array_equal(d(x).numpy(), x)
    _assert_dropout_of(d(x, training=True).numpy(), x, 0.5)
    model = keras.Sequential([d])
    np.testing.assert_array_equal(model(x).numpy(), x)
    _assert_dropout_of(model(x, training=True).numpy(), x, 0.5)
    # A rate other than 0.5 tells the scale 1/(1-rate) apart from 1/rate.
    ramp = np.linspace(1, 2, 4000, dtype=np.float32).reshape(1000, 4)
    _assert_dropout_of(keras.layers.Dropout(0.3)(ramp, training=True).numpy(), ramp, 0.3)
    g = keras.layers.GaussianNoise(1.0)
    assert np.array_equal(g(x).numpy(), x)
    noise = g(x, training=True).numpy() - x
    # 4000 draws of N(0, 1): the mean is within 5·(1/sqrt(4000)) = 0.08 of 0, the standard
    # deviation within 5·(1/sqrt(8000)) = 0.056 of 1.
    assert abs(noise.mean()) < 0.08 and abs(noise.std() - 1) < 0.056


def test_batchnorm_and_normalization():
    x = np.random.default_rng(0).normal(3.0, 2.0, (256, 3)).astype(np.float32)
    norm = keras.layers.Normalization()
    norm.adapt(x)
    z = norm(x).numpy()
    assert np.allclose(z.mean(0), 0, atol=1e-5) and np.allclose(z.std(0), 1, atol=1e-3)
    bn = keras.layers.BatchNormalization(momentum=0.0)
    out = bn(x, training=True).numpy()
    assert np.allclose(out.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0), rtol=1e-5)
    # The batch's biased variance, and epsilon 1e-3 (TF 2.21 gives both).
    np.testing.assert_allclose(bn.moving_variance.numpy(), x.var(0), rtol=1e-5)
    np.testing.assert_allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-5,
                               atol=1e-5)
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert len(bn.trainable_weights) == 2


def test_embedding_and_initializer_statistics():
    e = keras.layers.Embedding(10, 4)
    out = e(np.array([[1, 2, 3]]))
    assert out.shape == (1, 3, 4)
    np.testing.assert_array_equal(out.numpy()[0], e.get_weights()[0][[1, 2, 3]])
    w = keras.initializers.GlorotUniform(seed=0)((300, 500)).numpy()
    assert np.abs(w).max() <= np.sqrt(6 / 800) and abs(w.std() - np.sqrt(2 / 800)) < 1e-3
    he = keras.initializers.HeNormal(seed=0)((300, 500)).numpy()
    assert abs(he.std() - np.sqrt(2 / 300)) < 3e-3 and np.abs(he).max() <= 2 * np.sqrt(2 / 300) / 0.8796
    init = keras.initializers.RandomNormal()
    np.testing.assert_array_equal(init((3,)).numpy(), init((3,)).numpy())


def test_metric_subclass_and_reset_state():
    class Count(keras.metrics.Metric):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.n = self.add_weight(name="n")

        def update_state(self, values):
            self.n.assign_add(float(np.size(values)))

        def result(self):
            return self.n.value()
    c = Count()
    c.update_state([1, 2, 3])
    assert float(c.result()) == 3.0
    c.reset_state()
    assert float(c.result()) == 0.0
    with pytest.raises(AttributeError):      # Keras 3 removed the alias reset_states
        c.reset_states()


def test_loss_subclass_huber():
    class HuberLoss(keras.losses.Loss):
        def __init__(self, threshold=1.0, **kwargs):
            self.threshold = threshold
            super().__init__(**kwargs)

        def call(self, y_true, y_pred):
            error = y_true - y_pred
            small = tf.abs(error) < self.threshold
            return tf.where(small, tf.square(error) / 2,
                            self.threshold * tf.abs(error) - self.threshold ** 2 / 2)

        def get_config(self):
            return {**super().get_config(), "threshold": self.threshold}
    loss = HuberLoss(2.0)
    assert float(loss([[0.0], [0.0]], [[1.0], [3.0]])) == pytest.approx((0.5 + 4.0) / 2)
    assert loss.get_config()["threshold"] == 2.0


def test_known_keras_loss_values():
    # Values Keras 3 prints (TF_SEMANTICS §5), which the parity suite also checks live.
    L = keras.losses
    yt, yp = [[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]]
    assert float(L.MeanSquaredError()(yt, yp)) == 0.5
    assert float(L.MeanSquaredError()(yt, yp, sample_weight=[0.8, 0.2])) == pytest.approx(0.25)
    assert float(L.MeanSquaredError()([1., 2., 3., 4.], [[1.5], [2.], [2.], [6.]])) == 1.3125
    assert float(L.BinaryCrossentropy()([[0., 1.]], [[1., 0.]])) == pytest.approx(16.03024,
                                                                               rel=1e-6)
    assert float(L.huber(np.zeros(4), [.5, 1., 2., -3.])) == pytest.approx(1.15625)


def test_model_fit_on_tensors_and_unbatched_errors():
    x, y = small_data(10)
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)
    model.compile(optimizer="adam", loss="mse")
    model.build((None, 8))
    start = model.get_weights()
    on_arrays = model.fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    model.set_weights(start)
    model.compile(optimizer="adam", loss="mse")          # a fresh optimizer
    on_tensors = model.fit(tf.constant(x), tf.constant(y), epochs=2, shuffle=False,
                           verbose=0).history["loss"]
    assert on_tensors == on_arrays and on_arrays[1] < on_arrays[0]
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(x, y[:5], verbose=0)


def test_files_untouched_by_failed_save(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    path = tmp_path / "m.weights.npz"
    model.save_weights(path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError):
        model.save_weights(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.weights.npz"]


@pytest.mark.parametrize("relu", [True, False])
def test_fused_dense_equals_the_three_ops_bit_for_bit(relu):
    from minitf.ops.nn_ops import dense
    rng = np.random.default_rng(4)
    x = tf.constant(rng.standard_normal((5, 3, 4)))
    w = tf.Variable(rng.standard_normal((4, 6)))
    b = tf.Variable(rng.standard_normal(6))

    def both():
        out = []
        for fused in (True, False):
            with tf.GradientTape() as outer:
                outer.watch(x)
                with tf.GradientTape() as inner:
                    inner.watch(x)
                    if fused:
                        y = dense(x, w, b, relu=relu)
                    else:
                        y = x @ w + b
                        y = tf.nn.relu(y) if relu else y
                    loss = tf.reduce_sum(y * y)
                gx, gw, gb = inner.gradient(loss, [x, w, b])
                s = tf.reduce_sum(gx * gx) + tf.reduce_sum(gw) + tf.reduce_sum(gb)
            out.append([y.numpy(), gx.numpy(), gw.numpy(), gb.numpy(),
                        outer.gradient(s, x).numpy()])
        return out
    fused, plain = both()
    for a, c in zip(fused[:4], plain[:4]):      # values and first derivatives: same bits
        np.testing.assert_array_equal(a, c)
    # Second derivatives: the same terms, but the outer backward pass adds the adjoint
    # contributions in another order (one op instead of three), so they agree to rounding.
    np.testing.assert_allclose(fused[4], plain[4], rtol=1e-14, atol=0)


def _cyclic_garbage_of(fn) -> list:
    """The objects ``fn()`` leaves in reference cycles (they wait for the garbage collector
    instead of being freed when the last reference goes)."""
    import gc
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        fn()
        gc.collect()
        return [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_training_steps_leave_no_reference_cycles():
    """A training step's gradients and activations are freed as soon as the step drops them:
    on a GPU, arrays left in reference cycles would hold device memory until the collector
    happened to run (this once kept a big MLP's gradients, 84 MB, alive into the next step).
    Checked for a tape step, a traced step, ``fit`` and nested/persistent tapes."""
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("f4"), rng.integers(0, 3, 64)
    model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(3)])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss_fn, metrics=["accuracy"])
    opt = tf.keras.optimizers.Adam()
    X, Y = tf.constant(x), tf.constant(y)

    def step(a, b):
        with tf.GradientTape() as tape:
            loss = loss_fn(b, model(a, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    traced = tf.function(step)
    v = tf.Variable(2.0)

    def higher():
        with tf.GradientTape() as t2:
            with tf.GradientTape(persistent=True) as t1:
                z = v * v * v
            g = t1.gradient(z, v)
        return t2.gradient(g, v), t1.jacobian(z, v)

    for fn in (lambda: step(X, Y), lambda: traced(X, Y),
               lambda: model.fit(x, y, epochs=1, verbose=0), higher):
        fn()
        fn()   # variables, slots and traces exist: what follows is the steady state
        # A step that makes cycles makes them every time; garbage that shows up once came from
        # elsewhere (an earlier test's thread ending meanwhile), so three tries, one clean.
        assert min((_cyclic_garbage_of(fn) for _ in range(3)), key=len) == []


DROP = [0.3]


def _fit_run(run_eagerly, calls=None, **fit_kwargs):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((100, 6)).astype("f4")
    y = rng.integers(0, 3, 100)
    sw = rng.uniform(0.5, 2.0, 100).astype("f4")

    class Counting(tf.keras.Sequential):
        def train_step(self, data):
            if calls is not None:
                calls.append(data[0].shape[0])     # a Python side effect: runs when traced
            return super().train_step(data)

    # before the model: as in Keras 3, Dropout's SeedGenerator takes its seed from `random`
    # when the layer is made, so both runs then draw the same masks
    tf.keras.utils.set_random_seed(3)
    model = Counting([tf.keras.Input((6,)), tf.keras.layers.Dense(16, activation="relu"),
                      tf.keras.layers.Dropout(DROP[0]), tf.keras.layers.Dense(3)])
    model.set_weights([rng.uniform(-0.4, 0.4, w.shape).astype("f4") for w in model.get_weights()])
    model.compile(tf.keras.optimizers.Adam(0.01),
                  tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=run_eagerly)
    hist = model.fit(x, y, sample_weight=sw, epochs=3, batch_size=32, shuffle=False,
                     validation_split=0.2, verbose=0, **fit_kwargs)
    return hist.history, model.get_weights(), model.evaluate(x, y, verbose=0)


def test_fit_runs_compiled_steps_equal_to_eager_ones():
    """fit and evaluate run train_step/test_step as tf.functions unless run_eagerly (Keras's
    default on TF): the same numbers bit for bit (dropout included: a replay draws fresh masks
    from the same generator), with train_step's Python code run only while tracing: once more
    for the smaller last batch, never again in later epochs."""
    eager_calls, compiled_calls = [], []
    he, we, ee = _fit_run(True, eager_calls)
    hc, wc, ec = _fit_run(False, compiled_calls)
    assert list(he) == list(hc) == ["accuracy", "loss", "val_accuracy", "val_loss"]  # Keras sorts
    assert he == hc and ee == ec
    for a, b in zip(we, wc):
        assert np.array_equal(a, b)
    assert eager_calls == [32, 32, 16] * 3          # 80 training samples per epoch
    # the smaller last batch retraces with the batch dimension relaxed (reduce_retracing, as
    # Keras's train function): there the traced x.shape[0] is None, as in TF
    assert 2 <= len(compiled_calls) <= 3 and set(compiled_calls) == {32, None}


def test_run_eagerly_switches_and_run_functions_eagerly():
    calls = []
    _fit_run(False, calls)
    traced = len(calls)
    tf.config.run_functions_eagerly(True)
    try:
        calls.clear()
        _fit_run(False, calls)
        assert calls == [32, 32, 16] * 3
    finally:
        tf.config.run_functions_eagerly(False)
    assert traced < 9
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    assert model.run_eagerly is False
    model.run_eagerly = True        # takes effect at the next batch, as in Keras
    model.fit(np.ones((4, 2), "f4"), np.ones((4, 1), "f4"), verbose=0)
