"""Issue #17's Keras additions against Keras 3 on TensorFlow: layers (weights, configs, outputs
and input gradients), losses, metrics, initializers and optimizer trajectories.

Bounds: float64 uses TOL["float64"] (1e-12): the same formulas in the same order, only the
summation order of reductions differs. float32 uses TOL["float32"] (rtol 1e-5, atol 1e-6):
every layer here is at most ~10 float32 roundings deep per output (a moments reduction over
<= 16 elements, rsqrt, one multiply-add), each at most 2**-24 relative, so both
implementations sit within ~16 * 6e-8 = 1e-6 relative of the exact value; rtol 1e-5 leaves a
10x margin, and atol 1e-6 covers outputs that cancel to ~0 (values here are O(1)). Losses: a
sum over <= 4 elements and a weighted mean over 6, the same bound. Metrics (float32, as Keras
keeps them): unweighted counts are exact integers; weighted counts are sums of <= 32 float32
terms, and AUC adds 199 O(1/199) trapezoids; rounding errors of n such terms behave as a random
walk, ~sqrt(n) * 6e-8 <= 1e-6 relative, inside rtol 1e-5. Optimizer trajectories use
``trajectory_tolerance`` (derived there from TF's own float32 drift).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL

DTYPES = ["float32", "float64"]


def _close(a, b, dtype, tol=None):
    rtol, atol = tol or TOL[dtype]
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=rtol, atol=atol)


def _x(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# name: (constructor(fw, dtype), input shapes) — weights are set from NumPy in both
LAYERS = {
    "softmax": (lambda fw, d: fw.keras.layers.Softmax(dtype=d), [(3, 5)]),
    "softmax_axes": (lambda fw, d: fw.keras.layers.Softmax(axis=(1, 2), dtype=d), [(2, 3, 4)]),
    "relu": (lambda fw, d: fw.keras.layers.ReLU(dtype=d), [(3, 5)]),
    "relu_args": (lambda fw, d: fw.keras.layers.ReLU(max_value=1.0, negative_slope=0.1,
                                                     threshold=0.2, dtype=d), [(3, 5)]),
    "leaky_relu": (lambda fw, d: fw.keras.layers.LeakyReLU(dtype=d), [(3, 5)]),
    "prelu": (lambda fw, d: fw.keras.layers.PReLU(dtype=d), [(3, 5)]),
    "prelu_shared": (lambda fw, d: fw.keras.layers.PReLU(shared_axes=[1], dtype=d),
                     [(2, 3, 4)]),
    "elu": (lambda fw, d: fw.keras.layers.ELU(alpha=0.7, dtype=d), [(3, 5)]),
    "layer_norm": (lambda fw, d: fw.keras.layers.LayerNormalization(dtype=d), [(3, 6)]),
    "layer_norm_axes": (lambda fw, d: fw.keras.layers.LayerNormalization(axis=[1, 2], dtype=d),
                        [(2, 3, 4)]),
    "layer_norm_nocenter": (lambda fw, d: fw.keras.layers.LayerNormalization(
        center=False, epsilon=1e-5, dtype=d), [(3, 6)]),
    "group_norm": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=2, dtype=d),
                   [(2, 3, 8)]),
    "group_norm_instance": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=-1, dtype=d),
                            [(2, 5, 4)]),
    "group_norm_axis1": (lambda fw, d: fw.keras.layers.GroupNormalization(groups=3, axis=1,
                                                                          dtype=d), [(2, 6, 4)]),
    "unit_norm": (lambda fw, d: fw.keras.layers.UnitNormalization(dtype=d), [(3, 5)]),
    "repeat_vector": (lambda fw, d: fw.keras.layers.RepeatVector(3, dtype=d), [(2, 4)]),
    "permute": (lambda fw, d: fw.keras.layers.Permute((2, 1), dtype=d), [(2, 3, 4)]),
    "masking": (lambda fw, d: fw.keras.layers.Masking(mask_value=0.5, dtype=d), [(2, 3, 4)]),
    "multiply": (lambda fw, d: fw.keras.layers.Multiply(dtype=d), [(3, 4), (3, 4), (3, 4)]),
    "subtract": (lambda fw, d: fw.keras.layers.Subtract(dtype=d), [(3, 4), (3, 4)]),
    "average": (lambda fw, d: fw.keras.layers.Average(dtype=d), [(3, 4), (3, 4), (3, 4)]),
    "maximum": (lambda fw, d: fw.keras.layers.Maximum(dtype=d), [(3, 4), (3, 4)]),
    "minimum": (lambda fw, d: fw.keras.layers.Minimum(dtype=d), [(3, 4), (3, 4)]),
    "dot": (lambda fw, d: fw.keras.layers.Dot(axes=1, dtype=d), [(3, 4), (3, 4)]),
    "dot_normalize": (lambda fw, d: fw.keras.layers.Dot(axes=-1, normalize=True, dtype=d),
                      [(3, 4), (3, 4)]),
    "dot_3d": (lambda fw, d: fw.keras.layers.Dot(axes=(2, 1), dtype=d), [(2, 3, 4), (2, 4, 5)]),
}


def _run_layer(fw, name, dtype):
    ctor, shapes = LAYERS[name]
    layer = ctor(fw, dtype)
    xs = [_x(s, seed=i, dtype=dtype) for i, s in enumerate(shapes)]
    if name == "masking":
        xs[0][0, 1, :] = 0.5       # one fully masked timestep
    if name == "relu_args":
        xs[0][0, :2] = [0.2, 1.0]  # exactly at the threshold and at max_value
    ins = [fw.constant(x) for x in xs]
    arg = ins if len(ins) > 1 else ins[0]
    layer(arg)                                    # build
    rng = np.random.default_rng(7)
    layer.set_weights([rng.uniform(-1, 1, w.shape).astype(dtype) for w in layer.get_weights()])
    with fw.GradientTape() as tape:
        for t in ins:
            tape.watch(t)
        out = layer(arg)
        weighted = fw.reduce_sum(out * fw.constant(_x(tuple(out.shape), 9, dtype)))
    grads = tape.gradient(weighted, ins + list(layer.trainable_weights))
    meta = ([(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights],
            layer.count_params())
    return [np.asarray(out)] + [np.asarray(g) for g in grads], meta, layer


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_keras(tf_real, name, dtype):
    mine, mmeta, _ = _run_layer(minitf, name, dtype)
    theirs, tmeta, _ = _run_layer(tf_real, name, dtype)
    assert mmeta == tmeta
    for a, b in zip(mine, theirs):
        _close(a, b, dtype)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "prelu", "layer_norm",
                                  "group_norm", "unit_norm", "softmax", "permute", "repeat_vector",
                                  "dot"])
def test_mask_propagation_matches_keras(tf_real, name):
    """Which of the new layers pass a Masking layer's mask on (Keras's supports_masking)."""
    def run(fw):
        x = _x((2, 3, 4))
        x[0, 2] = 0.0
        masked = fw.keras.layers.Masking()(fw.constant(x))
        layer = {"relu": fw.keras.layers.ReLU(), "leaky_relu": fw.keras.layers.LeakyReLU(),
                 "elu": fw.keras.layers.ELU(), "prelu": fw.keras.layers.PReLU(),
                 "layer_norm": fw.keras.layers.LayerNormalization(),
                 "group_norm": fw.keras.layers.GroupNormalization(groups=2),
                 "unit_norm": fw.keras.layers.UnitNormalization(),
                 "softmax": fw.keras.layers.Softmax(axis=1),
                 "permute": fw.keras.layers.Permute((2, 1)),
                 "repeat_vector": fw.keras.layers.RepeatVector(2),
                 "dot": fw.keras.layers.Dot(axes=2)}[name]
        arg = [masked, masked] if name == "dot" else masked[:, 0] if name == "repeat_vector" \
            else masked
        try:
            out = layer(arg)
        except ValueError as e:
            return type(e).__name__
        m = getattr(out, "_keras_mask", None)
        return None if m is None else np.asarray(m).tolist()
    assert run(minitf) == run(tf_real)


def test_masking_mask_matches_keras(tf_real):
    x = _x((2, 3, 4))
    x[1, 2] = 0.0
    m = minitf.keras.layers.Masking()(minitf.constant(x))._keras_mask
    t = tf_real.keras.layers.Masking()(tf_real.constant(x))._keras_mask
    np.testing.assert_array_equal(np.asarray(m), np.asarray(t))
    logits = _x((2, 3))
    sm = minitf.keras.layers.Softmax()(minitf.constant(logits), mask=m)
    st = tf_real.keras.layers.Softmax()(tf_real.constant(logits), mask=t)
    _close(sm, st, "float32")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_config_keys_match_keras(tf_real, name):
    _, _, mine = _run_layer(minitf, name, "float32")
    _, _, theirs = _run_layer(tf_real, name, "float32")
    mc, tc = mine.get_config(), theirs.get_config()
    assert sorted(mc) == sorted(tc)
    for k in tc:
        if k in ("dtype", "name") or isinstance(tc[k], dict):
            continue
        want = tc[k]
        assert mc[k] == want or (isinstance(want, (list, tuple)) and list(mc[k]) == list(want)), k


# ---- losses -------------------------------------------------------------------------------

def _loss_data(name, seed=0):
    rng = np.random.default_rng(seed)
    if name in ("KLDivergence", "Poisson", "MeanSquaredLogarithmicError"):
        yt = rng.uniform(0, 1, (6, 4))
        yp = rng.uniform(0, 1, (6, 4))
        yt[0, 0], yp[1, 1] = 0.0, 0.0           # the clip / epsilon regimes
        if name == "MeanSquaredLogarithmicError":
            yp[2, 2] = -0.5                     # below epsilon: clipped
    elif name in ("Hinge", "SquaredHinge"):
        yt = rng.integers(0, 2, (6, 4)).astype(float)     # 0/1 labels become -1/+1
        yp = rng.standard_normal((6, 4))
    elif name == "CategoricalHinge":
        yt = np.eye(4)[rng.integers(0, 4, 6)]
        yp = rng.standard_normal((6, 4))
    else:
        yt = rng.standard_normal((6, 4))
        yp = rng.standard_normal((6, 4))
        if name == "MeanAbsolutePercentageError":
            yt[0, 0] = 0.0                      # |y_true| below epsilon
        if name == "LogCosh":
            yp[0, 0] = 60.0                     # large error: no overflow
    return yt, yp


LOSSES = ["KLDivergence", "Poisson", "CosineSimilarity", "LogCosh", "Hinge", "SquaredHinge",
          "CategoricalHinge", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError"]
LOSS_FNS = {"KLDivergence": "kl_divergence", "Poisson": "poisson",
            "CosineSimilarity": "cosine_similarity", "LogCosh": "log_cosh", "Hinge": "hinge",
            "SquaredHinge": "squared_hinge", "CategoricalHinge": "categorical_hinge",
            "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
            "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error"}


def _keras3(fw):
    """The Keras 3 namespace: tf.keras lacks the long function names (kl_divergence, ...),
    which keras 3 has; minitf.keras has both."""
    if fw is minitf:
        # what `import keras` means on minitf: the package itself (minitf.keras, the attribute,
        # is tf.keras's view with TF's short names, as in TF)
        import sys
        return sys.modules["minitf.keras"]
    import keras
    return keras


def _run_loss(fw, name, dtype, reduction):
    yt, yp = _loss_data(name)
    sw = np.linspace(0.5, 2.0, 6).astype(dtype)
    loss = getattr(fw.keras.losses, name)(reduction=reduction, dtype=dtype)
    t, p = fw.constant(yt.astype(dtype)), fw.constant(yp.astype(dtype))
    with fw.GradientTape() as tape:
        tape.watch(p)
        value = loss(t, p, sample_weight=fw.constant(sw))
        total = fw.reduce_sum(value)
    grad = tape.gradient(total, p)
    fn = getattr(_keras3(fw).losses, LOSS_FNS[name])(t, p)
    return [np.asarray(value), np.asarray(grad), np.asarray(fn)], loss.name


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", LOSSES)
def test_loss_matches_keras(tf_real, name, dtype, reduction):
    mine, mname = _run_loss(minitf, name, dtype, reduction)
    theirs, tname = _run_loss(tf_real, name, dtype, reduction)
    assert mname == tname
    for a, b in zip(mine, theirs):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        _close(a, b, dtype)


def test_hinge_labels_not_binary_are_kept(tf_real):
    yt, yp = [[-1.0, 1.0, 0.0]], [[0.3, -0.2, 0.5]]     # -1/0/1: not all 0/1
    for fn in ("hinge", "squared_hinge"):
        _close(getattr(minitf.keras.losses, fn)(yt, yp), getattr(tf_real.keras.losses, fn)(yt, yp),
               "float32")


ALIASES = ["MSE", "MAE", "MAPE", "MSLE", "KLD", "mse", "mae", "mape", "msle", "kld",
           "kullback_leibler_divergence", "logcosh", "huber"]


@pytest.mark.parametrize("module", ["losses", "metrics"])
@pytest.mark.parametrize("alias", ALIASES)
def test_tf_keras_aliases(tf_real, module, alias):
    yt, yp = _loss_data("Poisson")
    want = getattr(getattr(tf_real.keras, module), alias)(yt.astype("float32"),
                                                           yp.astype("float32"))
    got = getattr(getattr(minitf.keras, module), alias)(yt.astype("float32"),
                                                        yp.astype("float32"))
    _close(got, want, "float32")


GET_NAMES = ["mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
             "kl_divergence", "logcosh", "log_cosh", "huber", "poisson", "cosine_similarity",
             "hinge", "squared_hinge", "categorical_hinge", "auc", "AUC", "rmse",
             "root_mean_squared_error", "top_k_categorical_accuracy",
             "sparse_top_k_categorical_accuracy", "f1_score", "F1Score", "mean_io_u",
             "log_cosh_error", "LogCoshError", "precision", "recall"]


@pytest.mark.parametrize("module", ["losses", "metrics"])
@pytest.mark.parametrize("name", GET_NAMES)
def test_get_accepts_the_same_names(tf_real, module, name):
    def kind(fw):
        try:
            obj = getattr(fw.keras, module).get(name)
        except (ValueError, TypeError) as e:       # MeanIoU() needs num_classes: TypeError
            return type(e).__name__
        return "class" if not callable(obj) or hasattr(obj, "get_config") else "function"
    assert kind(minitf) == kind(tf_real)


# ---- metrics ------------------------------------------------------------------------------

def _metric_batches(kind, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(2):
        if kind == "binary":
            yt = rng.integers(0, 2, (16,)).astype("float32")
            yp = rng.uniform(0, 1, (16,)).astype("float32")
            yp[:3] = [0.5, 100 / 199, 0.0]        # on a threshold, on a bucket edge, zero
        elif kind == "multi":
            yt = np.eye(5, dtype="float32")[rng.integers(0, 5, 12)]
            yp = rng.uniform(0, 1, (12, 5)).astype("float32")
            yp[0, :] = 0.5                        # ties everywhere
        elif kind == "sparse":
            yt = rng.integers(0, 5, (12,)).astype("float32")
            yp = rng.uniform(0, 1, (12, 5)).astype("float32")
            yp[0, :] = 0.5
        elif kind == "iou":
            yt = rng.integers(0, 4, (20,))
            yp = rng.integers(0, 4, (20,))
            yt[0], yp[1] = 7, -1                    # out of range: left out
        else:
            yt = rng.standard_normal((10, 3)).astype("float32")
            yp = rng.standard_normal((10, 3)).astype("float32")
        out.append((yt, yp, rng.uniform(0.2, 2.0, len(yt)).astype("float32")))
    return out


METRICS = {
    "auc_roc": (lambda fw: fw.keras.metrics.AUC(), "binary"),
    "auc_pr": (lambda fw: fw.keras.metrics.AUC(curve="PR"), "binary"),
    "auc_pr_minoring": (lambda fw: fw.keras.metrics.AUC(curve="PR", summation_method="minoring"),
                        "binary"),
    "auc_roc_majoring": (lambda fw: fw.keras.metrics.AUC(summation_method="majoring"), "binary"),
    "auc_prgain": (lambda fw: fw.keras.metrics.AUC(curve="PRGAIN"), "binary"),
    "auc_11": (lambda fw: fw.keras.metrics.AUC(num_thresholds=11), "binary"),
    "auc_thresholds": (lambda fw: fw.keras.metrics.AUC(thresholds=[0.1, 0.35, 0.5, 0.9]),
                       "binary"),
    "auc_multi_label": (lambda fw: fw.keras.metrics.AUC(multi_label=True), "multi"),
    "auc_multi_label_pr_weights": (lambda fw: fw.keras.metrics.AUC(
        multi_label=True, num_labels=5, curve="PR", label_weights=[1., 0., 2., .5, 3.]), "multi"),
    "auc_multi_label_thresholds": (lambda fw: fw.keras.metrics.AUC(
        multi_label=True, thresholds=[0.2, 0.5, 0.7], summation_method="minoring"), "multi"),
    "auc_logits": (lambda fw: fw.keras.metrics.AUC(from_logits=True), "binary"),
    # label_weights without multi_label: each column's predictions weighted in one count
    "auc_label_weights_flat": (lambda fw: fw.keras.metrics.AUC(
        label_weights=[1., 0., 2., .5, 3.]), "multi"),
    "auc_label_weights_flat_pr_thresholds": (lambda fw: fw.keras.metrics.AUC(
        label_weights=[.5, 2., 1., 0., 1.5], curve="PR", thresholds=[0.2, 0.5, 0.7]), "multi"),
    "precision": (lambda fw: fw.keras.metrics.Precision(), "binary"),
    "precision_list": (lambda fw: fw.keras.metrics.Precision(thresholds=[0.3, 0.5, 0.7]),
                       "binary"),
    "precision_even": (lambda fw: fw.keras.metrics.Precision(thresholds=[0.0, 0.5, 1.0]),
                       "binary"),
    "precision_class_id": (lambda fw: fw.keras.metrics.Precision(class_id=2), "multi"),
    "precision_top_k": (lambda fw: fw.keras.metrics.Precision(top_k=2), "multi"),
    "precision_top_k_class_id": (lambda fw: fw.keras.metrics.Precision(top_k=3, class_id=1),
                                 "multi"),
    "precision_top_k_thresholds": (lambda fw: fw.keras.metrics.Precision(
        top_k=2, thresholds=[0.3, 0.6]), "multi"),
    "recall_top_k": (lambda fw: fw.keras.metrics.Recall(top_k=2), "multi"),
    "recall_top_k_even": (lambda fw: fw.keras.metrics.Recall(
        top_k=3, thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]), "multi"),
    "recall": (lambda fw: fw.keras.metrics.Recall(), "binary"),
    "recall_list": (lambda fw: fw.keras.metrics.Recall(thresholds=[0.2, 0.8]), "binary"),
    "top_k": (lambda fw: fw.keras.metrics.TopKCategoricalAccuracy(k=2), "multi"),
    "sparse_top_k": (lambda fw: fw.keras.metrics.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    "rmse": (lambda fw: fw.keras.metrics.RootMeanSquaredError(), "regression"),
    "mape": (lambda fw: fw.keras.metrics.MeanAbsolutePercentageError(), "regression"),
    "msle": (lambda fw: fw.keras.metrics.MeanSquaredLogarithmicError(), "regression"),
    "cosine": (lambda fw: fw.keras.metrics.CosineSimilarity(), "regression"),
    "logcosh": (lambda fw: fw.keras.metrics.LogCoshError(), "regression"),
    "hinge": (lambda fw: fw.keras.metrics.Hinge(), "multi"),
    "squared_hinge": (lambda fw: fw.keras.metrics.SquaredHinge(), "multi"),
    "categorical_hinge": (lambda fw: fw.keras.metrics.CategoricalHinge(), "multi"),
    "kld": (lambda fw: fw.keras.metrics.KLDivergence(), "multi"),
    "poisson": (lambda fw: fw.keras.metrics.Poisson(), "multi"),
    "mean_iou": (lambda fw: fw.keras.metrics.MeanIoU(num_classes=4), "iou"),
    "mean_iou_ignore": (lambda fw: fw.keras.metrics.MeanIoU(num_classes=4, ignore_class=0),
                        "iou"),
    "f1_none": (lambda fw: fw.keras.metrics.F1Score(), "multi"),
    "f1_micro": (lambda fw: fw.keras.metrics.F1Score(average="micro", threshold=0.5), "multi"),
    "f1_macro": (lambda fw: fw.keras.metrics.F1Score(average="macro"), "multi"),
    "f1_weighted": (lambda fw: fw.keras.metrics.F1Score(average="weighted"), "multi"),
    "fbeta": (lambda fw: fw.keras.metrics.FBetaScore(beta=2.0, threshold=0.4), "multi"),
}


def _run_metric(fw, name, weighted):
    ctor, kind = METRICS[name]
    m = ctor(fw)
    results = []
    for yt, yp, sw in _metric_batches(kind):
        if kind == "iou" and weighted:
            sw = np.round(sw * 2)                     # MeanIoU counts in int64
        m.update_state(yt, yp, sample_weight=sw if weighted else None)
        results.append(np.asarray(m.result()))
    variables = [(v.name, tuple(v.shape)) for v in m.variables]
    m.reset_state()
    results.append(np.asarray(m.result()))
    return results, variables, m.name


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_matches_keras(tf_real, name, weighted):
    mine, mvars, mname = _run_metric(minitf, name, weighted)
    theirs, tvars, tname = _run_metric(tf_real, name, weighted)
    assert mvars == tvars
    assert mname.split("_")[0] == tname.split("_")[0]
    for a, b in zip(mine, theirs):
        assert np.shape(a) == np.shape(b)
        _close(a, b, "float32")


@pytest.mark.parametrize("name", ["mape", "msle", "kld", "logcosh", "top_k_categorical_accuracy",
                                  "cosine_similarity", "hinge", "auc", "root_mean_squared_error"])
def test_compile_metric_strings_match_keras(tf_real, name):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = rng.uniform(0, 1, (32, 2)).astype("float32")
    w = [rng.uniform(-0.5, 0.5, (3, 2)).astype("float32"), np.zeros(2, "float32")]

    def fit(fw):
        model = fw.keras.Sequential([fw.keras.Input((3,)),
                                     fw.keras.layers.Dense(2, activation="sigmoid")])
        model.set_weights(w)
        try:
            model.compile(optimizer=fw.keras.optimizers.SGD(0.1), loss="mse", metrics=[name])
            return model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0).history
        except ValueError as e:
            return type(e).__name__
    mh, th = fit(minitf), fit(tf_real)
    if isinstance(th, str):
        assert mh == th
        return
    assert sorted(mh) == sorted(th)
    for k in th:
        _close(mh[k], th[k], "float32")


@pytest.mark.parametrize("name", ["kld", "KLD", "mape", "MSLE", "log_cosh", "huber", "poisson",
                                  "hinge", "categorical_hinge", "cosine_similarity"])
def test_compile_loss_strings_match_keras(tf_real, name):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = rng.uniform(0.1, 1, (32, 2)).astype("float32")
    w = [rng.uniform(-0.5, 0.5, (3, 2)).astype("float32"), np.zeros(2, "float32")]

    def fit(fw):
        model = fw.keras.Sequential([fw.keras.Input((3,)),
                                     fw.keras.layers.Dense(2, activation="softmax")])
        model.set_weights(w)
        model.compile(optimizer=fw.keras.optimizers.SGD(0.1), loss=name)
        return model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0).history
    mh, th = fit(minitf), fit(tf_real)
    _close(mh["loss"], th["loss"], "float32")


# ---- Keras 3 strictness ------------------------------------------------------------------

def _outcome(fn):
    try:
        out = fn()
    except Exception as e:          # the exception TYPE is what must match
        return type(e).__name__
    return np.asarray(out).tolist() if out is not None else None


STRICT_CASES = {
    "lambda_list_of_floats": lambda fw: fw.keras.layers.Lambda(lambda x: x)([1.0, 2.0]),
    "lambda_float": lambda fw: fw.keras.layers.Lambda(lambda x: x)(3.0),
    "lambda_list_of_tensors": lambda fw: fw.keras.layers.Lambda(lambda x: x[0] + x[1])(
        [fw.ones(2), fw.ones(2)]),
    "dense_nested_list": lambda fw: fw.keras.layers.Dense(2)([[1.0, 2.0]]).shape,
    "add_list_of_floats": lambda fw: fw.keras.layers.Add()([1.0, 2.0]),
    "metric_reset_states": lambda fw: fw.keras.metrics.Mean().reset_states(),
    "auc_reset_states": lambda fw: fw.keras.metrics.AUC().reset_states(),
    "layer_reset_states": lambda fw: fw.keras.layers.Dense(2).reset_states(),
}


@pytest.mark.parametrize("case", sorted(STRICT_CASES))
def test_strictness_matches_keras(tf_real, case):
    assert _outcome(lambda: STRICT_CASES[case](minitf)) == \
        _outcome(lambda: STRICT_CASES[case](tf_real))


def test_attributes_before_super_init_match_keras(tf_real):
    def build(fw):
        class Block(fw.keras.layers.Layer):
            def __init__(self):
                self.units = 3
                self.inner = fw.keras.layers.Dense(2)
                super().__init__()

            def call(self, x):
                return self.inner(x)
        b = Block()
        out = b(np.ones((1, 4), np.float32))
        return b.units, tuple(out.shape), [tuple(w.shape) for w in b.weights]
    assert build(minitf) == build(tf_real)


# ---- initializers -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["uniform", "orthogonal", "identity", "Identity", "zeros",
                                  "ones", "random_uniform", "IdentityInitializer"])
def test_initializer_names_match_keras(tf_real, name):
    def config(fw):
        try:
            init = fw.keras.initializers.get(name)
        except ValueError as e:
            return type(e).__name__
        return type(init).__name__, init.get_config()
    mine, theirs = config(minitf), config(tf_real)
    assert mine == theirs or (mine[0] == theirs[0] and
                              {k: v for k, v in mine[1].items()} == theirs[1])


@pytest.mark.parametrize("shape,gain", [((3, 3), 1.0), ((2, 4), 2.5), ((5, 2), 1.0)])
def test_identity_initializer_matches_keras(tf_real, shape, gain):
    for dtype in DTYPES:
        a = minitf.keras.initializers.Identity(gain=gain)(shape, dtype=dtype)
        b = tf_real.keras.initializers.Identity(gain=gain)(shape, dtype=dtype)
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for bad in ((3,), (2, 3, 4)):
        assert _outcome(lambda: minitf.keras.initializers.Identity()(bad)) == \
            _outcome(lambda: tf_real.keras.initializers.Identity()(bad))


TF_INITS = {
    "zeros": lambda fw: fw.zeros_initializer()(shape=(2, 3)),
    "ones_f64": lambda fw: fw.ones_initializer()(shape=(2,), dtype=fw.float64),
    "constant": lambda fw: fw.constant_initializer(0.1)(shape=(3,)),
    "constant_f64": lambda fw: fw.constant_initializer(0.1)(shape=(3,), dtype=fw.float64),
    "constant_list": lambda fw: fw.constant_initializer([1.0, 2.0, 3.0, 4.0])(shape=(2, 2)),
    "constant_int": lambda fw: fw.constant_initializer(3)(shape=(2,), dtype=fw.int32),
    "constant_bad_shape": lambda fw: fw.constant_initializer([1.0, 2.0])(shape=(3,)),
    "zeros_int": lambda fw: fw.zeros_initializer()(shape=(2,), dtype=fw.int64),
    "ones_string_dtype": lambda fw: fw.ones_initializer()(shape=(2,), dtype="float16"),
    "normal_config": lambda fw: sorted(fw.random_normal_initializer(0.5, 2.0).get_config()
                                       .items()),
    "uniform_config": lambda fw: sorted(fw.random_uniform_initializer(-1.0, 1.0).get_config()
                                        .items()),
    "normal_shape": lambda fw: fw.random_normal_initializer(seed=1)(shape=(4, 5)).shape,
    "uniform_range": lambda fw: bool(fw.reduce_all(fw.abs(
        fw.random_uniform_initializer(-0.3, 0.3, seed=1)(shape=(50,))) <= 0.3)),
}


@pytest.mark.parametrize("case", sorted(TF_INITS))
def test_tf_initializers_match_tf(tf_real, case):
    mine = _outcome(lambda: TF_INITS[case](minitf))
    theirs = _outcome(lambda: TF_INITS[case](tf_real))
    assert mine == theirs
