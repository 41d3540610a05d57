"""Keras on minitf against Keras 3 on TensorFlow: optimizer trajectories, fit's History,
losses in every regime, metrics. Tolerances as in minitf/checks/parity_check.py: float64 1e-12
(summation order in matmuls is the only difference); float32 rtol 1e-5 / atol 1e-6, except a
100-step float32 trajectory, held to twice TensorFlow's own float32 error on it
(`trajectory_tolerance`, which derives it)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL, trajectory_tolerance
from minitf.checks.trajectory_cases import MODELS, OPTIMIZERS, run


def _close(a, b, dtype, tol=None):
    rtol, atol = tol or TOL[dtype]
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("opt", [o[0] for o in OPTIMIZERS])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_optimizer_trajectory_matches_keras(tf_real, model, opt, dtype):
    ml, mw = run(minitf, model, opt, dtype, steps=100)
    tl, tw = run(tf_real, model, opt, dtype, steps=100)
    tol = None
    if dtype == "float32":
        el, ew = run(tf_real, model, opt, "float64", steps=100)
        tol = trajectory_tolerance([tl, *tw], [el, *ew])
    for a, b in zip([ml, *mw], [tl, *tw]):
        _close(a, b, dtype, tol)


def _fit(fw, x, y, xv, yv, weights, **kw):
    model = fw.keras.Sequential([fw.keras.Input(shape=(4,)),
                                 fw.keras.layers.Dense(8, activation="tanh",
                                                       kernel_regularizer=fw.keras.regularizers.L2(0.01)),
                                 fw.keras.layers.Dense(3)])
    model.set_weights(weights)
    model.compile(optimizer=fw.keras.optimizers.Adam(0.01),
                  loss=fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0,
                  validation_data=(xv, yv), **kw)
    return h.history, model.get_weights(), model.evaluate(xv, yv, verbose=0), model.predict(xv, verbose=0)


def test_fit_history_matches_keras(tf_real):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((70, 4)).astype(np.float32)   # 70: the last batch is short
    y = rng.integers(0, 3, 70)
    xv, yv = x[:20] + 0.1, y[:20]
    weights = [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in [(4, 8), (8,), (8, 3), (3,)]]
    mh, mw, me, mp = _fit(minitf, x, y, xv, yv, weights)
    th, tw, te, tp = _fit(tf_real, x, y, xv, yv, weights)
    assert sorted(mh) == sorted(th) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for k in th:
        _close(mh[k], th[k], "float32")
    for a, b in zip(mw, tw):
        _close(a, b, "float32")
    _close(me, te, "float32")
    _close(mp, tp, "float32")


LOSS_CASES = {
    "mse_rank_mismatch": ("MeanSquaredError", {}, [1., 2., 3., 4.], [[1.5], [2.], [2.], [6.]]),
    "mae": ("MeanAbsoluteError", {}, [[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]]),
    "huber": ("Huber", {}, [[0., 1.], [0., 0.]], [[.6, .4], [.4, .6]]),
    "huber_delta": ("Huber", {"delta": 0.5}, [[0., 1.], [0., 0.]], [[.6, .4], [.4, 2.6]]),
    "bce": ("BinaryCrossentropy", {}, [[0., 1.], [0., 0.]], [[.6, .4], [.4, .6]]),
    "bce_clip": ("BinaryCrossentropy", {}, [[0., 1.], [1., 1.]], [[1., 0.], [1., 0.5]]),
    "bce_smooth": ("BinaryCrossentropy", {"label_smoothing": 0.2}, [[0., 1.]], [[.3, .8]]),
    "bce_logits": ("BinaryCrossentropy", {"from_logits": True}, [[0., 1.], [0., 0.]],
                   [[-2., 3.], [0., 100.]]),
    "cce": ("CategoricalCrossentropy", {}, [[0., 1., 0.], [0., 0., 1.]],
            [[.05, .95, 0.], [.1, .8, .1]]),
    "cce_unnormalised": ("CategoricalCrossentropy", {}, [[0., 1., 0.], [0., 0., 1.]],
                         [[.1, 1.9, 0.], [.2, 1.6, .2]]),
    "cce_logits_smooth": ("CategoricalCrossentropy", {"from_logits": True,
                                                      "label_smoothing": 0.1},
                          [[0., 1., 0.], [0., 0., 1.]], [[1., 2., 3.], [1000., 0., -1000.]]),
    "scce": ("SparseCategoricalCrossentropy", {}, [1, 2], [[.05, .95, 0.], [.1, .8, .1]]),
    "scce_exact": ("SparseCategoricalCrossentropy", {}, [[1], [0]], [[0., 1., 0., 0.],
                                                                     [.5, .5, 0., 0.]]),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, [1, 2],
                    [[1., 2., 3.], [1., 2., 3.]]),
    "scce_ignore": ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0},
                    [1, 0, 2], [[1., 2., 3.], [4., 2., 0.], [1., 2., 3.]]),
}


@pytest.mark.parametrize("sw", [None, [0.8, 0.2]])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_values_and_gradients_match_keras(tf_real, name, reduction, sw):
    cls, kw, yt, yp = LOSS_CASES[name]
    if sw is not None and len(yt) != 2:
        sw = None
    out = []
    for fw in (minitf, tf_real):
        yp_t = fw.constant(np.asarray(yp, np.float32))
        with fw.GradientTape() as tape:
            tape.watch(yp_t)
            loss = getattr(fw.keras.losses, cls)(reduction=reduction, **kw)(
                np.asarray(yt), yp_t, sample_weight=None if sw is None else np.asarray(sw))
            total = fw.reduce_sum(loss)
        out.append((np.asarray(loss), np.asarray(tape.gradient(total, yp_t))))
    _close(out[0][0], out[1][0], "float32")
    _close(out[0][1], out[1][1], "float32")


@pytest.mark.parametrize("act, loss", [("softmax", "CategoricalCrossentropy"),
                                       ("softmax", "SparseCategoricalCrossentropy"),
                                       ("sigmoid", "BinaryCrossentropy")])
def test_keras_activation_logits_shortcut(tf_real, act, loss):
    logits = np.array([[10., -10., 0.], [0., 0., 50.]], np.float32)
    yt = {"CategoricalCrossentropy": [[0., 1., 0.], [1., 0., 0.]],
          "SparseCategoricalCrossentropy": [1, 0],
          "BinaryCrossentropy": [[0., 1., 1.], [1., 1., 0.]]}[loss]
    vals = []
    for fw in (minitf, tf_real):
        probs = getattr(fw.keras.activations, act)(fw.constant(logits))
        vals.append(np.asarray(getattr(fw.keras.losses, loss)(reduction="none")(
            np.asarray(yt), probs)))
    _close(vals[0], vals[1], "float32")


def test_regularization_losses_match_keras(tf_real):
    w = np.array([[1., -2.], [0.5, 0.]], np.float32)
    out = []
    for fw in (minitf, tf_real):
        layer = fw.keras.layers.Dense(2, kernel_regularizer=fw.keras.regularizers.L1L2(0.01, 0.1),
                                      bias_regularizer="l1",
                                      activity_regularizer=fw.keras.regularizers.L2(0.01))
        layer(np.ones((3, 2), np.float32))
        layer.set_weights([w, np.array([0.5, -0.5], np.float32)])
        layer(np.ones((3, 2), np.float32))
        out.append(sorted(float(l) for l in layer.losses))
    _close(out[0], out[1], "float32")


METRIC_CASES = [
    ("Mean", [([1, 3, 5, 7], None), ([2], [10]), ([[1, 2], [3, 4]], [1, 0])]),
    ("MeanSquaredError", [([[0, 1], [0, 0]], [[1, 1], [1, 0]], None),
                          ([[0, 1]], [[0.5, 0.5]], [1.0])]),
    ("MeanAbsoluteError", [([[0, 1], [0, 0]], [[1, 1], [1, 0]], None)]),
    ("Accuracy", [([[1], [2], [3], [4]], [[0], [2], [3], [4]], None)]),
    ("BinaryAccuracy", [([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], None),
                        ([[1], [0]], [[0.5], [0.5]], [[1], [2]])]),
    ("CategoricalAccuracy", [([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
                              None)]),
    ("SparseCategoricalAccuracy", [([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], None),
                                   ([0, 1, 1], [[.5, .5, 0], [.2, .3, .5], [.1, .8, .1]],
                                    [0.3, 0.5, 0.2])]),
    ("Precision", [([0, 1, 1, 1], [1, 0, 1, 1], None), ([0, 1, 1, 1], [1, 0, 1, 1],
                                                       [0, 0, 1, 0]),
                   ([1, 0], [0.5, 0.51], None)]),
    ("Recall", [([0, 1, 1, 1], [1, 0, 1, 1], None), ([1, 1], [0.2, 0.7], [2, 1])]),
]


@pytest.mark.parametrize("name, updates", METRIC_CASES, ids=[c[0] for c in METRIC_CASES])
def test_metrics_match_keras(tf_real, name, updates):
    results = []
    for fw in (minitf, tf_real):
        m = getattr(fw.keras.metrics, name)()
        seq = []
        for args in updates:
            *data, sw = args
            m.update_state(*[np.asarray(d, np.float32) for d in data],
                           sample_weight=None if sw is None else np.asarray(sw, np.float32))
            seq.append(float(m.result()))
        m.reset_state()
        seq.append(float(m.result()))
        results.append(seq)
    _close(results[0], results[1], "float32")


def _multi_output(fw, weights, x, y):
    a = fw.keras.Input(shape=(3,))
    h = fw.keras.layers.Dense(4, activation="tanh", name="h")(a)
    m = fw.keras.Model(a, [fw.keras.layers.Dense(1, name="main")(h),
                           fw.keras.layers.Dense(1, name="aux")(h)])
    m.set_weights(weights)
    m.compile(optimizer=fw.keras.optimizers.SGD(0.1), loss=["mse", "mae"],
              loss_weights=[0.7, 0.3], metrics=[["mae"], ["mse"]])
    return m.fit(x, [y, 2 * y], batch_size=4, epochs=3, shuffle=False, verbose=0).history


def _class_weighted(fw, weights, x, labels):
    m = fw.keras.Sequential([fw.keras.Input(shape=(3,)),
                             fw.keras.layers.Dense(3, activation="softmax")])
    m.set_weights(weights)
    m.compile(optimizer=fw.keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
    return m.fit(x, labels, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, batch_size=4, epochs=3,
                 shuffle=False, verbose=0).history


def test_multi_output_history_and_class_weight_match_keras(tf_real):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    y = rng.standard_normal((10, 1)).astype(np.float32)
    w = [rng.uniform(-1, 1, s).astype(np.float32) for s in [(3, 4), (4,), (4, 1), (1,), (4, 1),
                                                              (1,)]]
    mh, th = _multi_output(minitf, w, x, y), _multi_output(tf_real, w, x, y)
    assert sorted(mh) == sorted(th)
    for k in th:
        _close(mh[k], th[k], "float32")
    labels = rng.integers(0, 3, 10)
    w2 = [rng.uniform(-1, 1, s).astype(np.float32) for s in [(3, 3), (3,)]]
    mh, th = _class_weighted(minitf, w2, x, labels), _class_weighted(tf_real, w2, x, labels)
    for k in th:
        _close(mh[k], th[k], "float32")


def _custom_train_step_history(fw):
    keras = fw.keras

    class CustomModel(keras.Model):
        def train_step(self, data):       # the Keras 3 guide's "Customizing what happens in fit"
            x, y = data
            with fw.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(32,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    rng = np.random.default_rng(0)
    model.set_weights([rng.uniform(-0.3, 0.3, (32, 1)).astype(np.float32),
                       np.zeros(1, np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    x = rng.random((64, 32)).astype(np.float32)
    y = rng.random((64, 1)).astype(np.float32)
    return model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history


def test_custom_train_step_matches_keras(tf_real):
    mh, th = _custom_train_step_history(minitf), _custom_train_step_history(tf_real)
    assert sorted(mh) == sorted(th) == ["loss", "mae"]
    for k in th:
        _close(mh[k], th[k], "float32")
