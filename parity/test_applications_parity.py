"""keras.applications against Keras 3: VGG16, ResNet50 and MobileNetV2 built by both with
weights=None have the same layer names and order, layer hyperparameters, weight names and
shapes in the same order, and parameter counts; Keras's randomly initialised model saved to
.weights.h5 (and, for MobileNetV2, to a legacy .h5 whole-model file) loads into minitf's and
both predict the same; the argument errors, preprocess_input and decode_predictions match.

Bounds for the predictions. Each output is computed by the two implementations from the same
weights, layer after layer, in different summation orders. A convolution or dense output is a
sum of n products (n = kh·kw·c_in): rounded, it is within n·u·S of the exact sum, S the sum
of the products' absolute values. The batch normalizations, ReLUs, additions and poolings add
a few roundings each (< 8·u relative per layer). The weights here are Keras's own
initialisation (variance-preserving at most: glorot/He scale, so S stays within a small
multiple of the layer's output scale) and batch-normalization statistics drawn near the
identity (gamma, variance in [0.8, 1.2], beta, mean in [-0.1, 0.1]), so an error entering a
layer leaves it with gain about 1. Summing over the layers, each implementation is within
u·(Σ_l n_l + 8·L)·M of the exact result, M = max |output|; the two within twice that:

    |minitf - keras| <= 2·u·(Σ_l n_l + 8·L)·M

(the assumption is the gain about 1, which the weights above give; u = 2^-53 in float64,
2^-24 in float32). For VGG16 without the top (13 convolutions) Σ n_l = 9·(3 + 2·64 + 2·128
+ 3·256 + 5·512) = 33,507: a float32 bound of 4.0e-3·M and a float64 one of 7.5e-12·M;
a wrong weight order, a swapped mean and variance or another epsilon (1e-3 against 1.001e-5
in ResNet's batch normalizations changes outputs by ~1e-3 relative) is far beyond the float64
bound.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import minitf
from minitf.keras.applications import imagenet_utils

U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}
HYPER = ("filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias",
         "activation", "units", "axis", "momentum", "epsilon", "center", "scale", "max_value",
         "negative_slope", "threshold", "pool_size", "data_format", "depth_multiplier",
         "keepdims", "interpolation")

# name: (Keras/minitf constructor name, kwargs, input shape of the prediction check)
CASES = {
    "VGG16": ("VGG16", dict(include_top=False, input_shape=(32, 32, 3), pooling="max"),
              (2, 32, 32, 3)),
    "ResNet50": ("ResNet50", dict(include_top=False, input_shape=(32, 32, 3)), (2, 32, 32, 3)),
    "MobileNetV2": ("MobileNetV2", dict(include_top=True, alpha=0.35, input_shape=(96, 96, 3),
                                        classes=10, classifier_activation=None),
                    (2, 96, 96, 3)),
}


@pytest.fixture(scope="module")
def keras(tf_real):
    import keras
    return keras


def _build_pair(keras, cls, kwargs, floatx):
    """Keras's and minitf's model, both built with fresh name counters and ``floatx``."""
    old_k, old_m = keras.config.floatx(), minitf.keras.backend.floatx()
    old_policy = keras.config.dtype_policy()
    keras.config.set_floatx(floatx)
    minitf.keras.backend.set_floatx(floatx)
    try:
        keras.backend.clear_session()
        minitf.keras.backend.clear_session()
        k = getattr(keras.applications, cls)(weights=None, **kwargs)
        m = getattr(minitf.keras.applications, cls)(weights=None, **kwargs)
    finally:
        keras.config.set_floatx(old_k)
        # Keras keeps the dtype policy clear_session fixed from floatx: put it back too, or
        # every later Keras model in this process is built in `floatx`.
        keras.config.set_dtype_policy(old_policy)
        minitf.keras.backend.set_floatx(old_m)
    return k, m


def _randomize_batch_norms(k, seed=0):
    """Draw batch-normalization weights near the identity, so that their order matters."""
    rng = np.random.RandomState(seed)
    for layer in k.layers:
        if type(layer).__name__ == "BatchNormalization":
            n = layer.gamma.shape[0]
            dtype = layer.gamma.dtype
            layer.set_weights([rng.uniform(0.8, 1.2, n).astype(dtype),
                               rng.uniform(-0.1, 0.1, n).astype(dtype),
                               rng.uniform(-0.1, 0.1, n).astype(dtype),
                               rng.uniform(0.8, 1.2, n).astype(dtype)])


def _dot_lengths(k) -> tuple:
    """(Σ n_l over the convolution and dense layers, number of layers)."""
    total = 0
    for layer in k.layers:
        kind = type(layer).__name__
        if kind in ("Conv2D", "Dense"):
            total += int(np.prod(layer.kernel.shape[:-1]))
        elif kind == "DepthwiseConv2D":
            total += int(np.prod(layer.kernel.shape[:2]))
    return total, len(k.layers)


@pytest.fixture(scope="module", params=list(CASES))
def pair64(request, keras):
    cls, kwargs, shape = CASES[request.param]
    k, m = _build_pair(keras, cls, kwargs, "float64")
    return request.param, k, m, shape


def test_structure_equals_keras(pair64):
    _, k, m, _ = pair64
    assert k.name == m.name
    assert [l.name for l in m.layers] == [l.name for l in k.layers]
    assert [type(l).__name__ for l in m.layers] == [type(l).__name__ for l in k.layers]
    for kl, ml in zip(k.layers, m.layers):
        assert [(w.name, tuple(w.shape)) for w in ml.weights] == \
            [(w.name, tuple(w.shape)) for w in kl.weights], kl.name
        kc, mc = kl.get_config(), ml.get_config()
        for key in HYPER:
            if key in kc:
                assert mc.get(key) == kc[key], (kl.name, key)
    assert m.count_params() == k.count_params()
    assert m.output_shape == k.output_shape and m.input_shape == k.input_shape


def test_keras_weights_h5_load_and_predict_float64(pair64, tmp_path):
    _, k, m, shape = pair64
    _randomize_batch_norms(k)
    path = str(tmp_path / "k.weights.h5")
    k.save_weights(path)
    m.load_weights(path)
    for kw, mw in zip(k.weights, m.weights):
        np.testing.assert_array_equal(mw.numpy(), np.asarray(kw))
    x = np.random.RandomState(1).uniform(-1, 1, shape)
    want, got = np.asarray(k(x, training=False)), m(x, training=False).numpy()
    assert got.dtype == np.float64
    n, layers = _dot_lengths(k)
    bound = 2 * U["float64"] * (n + 8 * layers) * np.abs(want).max()
    assert np.abs(got - want).max() <= bound


@pytest.mark.parametrize("name", list(CASES))
def test_keras_weights_predict_float32(keras, name, tmp_path):
    cls, kwargs, shape = CASES[name]
    if name == "ResNet50":          # the heaviest: float64 above covers it
        kwargs = dict(kwargs, pooling="avg")
    k, m = _build_pair(keras, cls, kwargs, "float32")
    _randomize_batch_norms(k, seed=2)
    path = str(tmp_path / "k.weights.h5")
    k.save_weights(path)
    m.load_weights(path)
    x = np.random.RandomState(3).uniform(-1, 1, shape).astype("float32")
    want, got = np.asarray(k(x, training=False)), m(x, training=False).numpy()
    n, layers = _dot_lengths(k)
    assert np.abs(got - want).max() <= 2 * U["float32"] * (n + 8 * layers) * np.abs(want).max()


def test_documented_totals_match_keras(keras):
    keras.backend.clear_session()
    assert keras.applications.ResNet50(weights=None).count_params() == 25_636_712
    assert keras.applications.MobileNetV2(weights=None).count_params() == 3_538_984
    vgg = keras.applications.VGG16(weights=None, input_shape=(32, 32, 3))
    # the documented 138,357,544 is at 224x224: fc1 then has 7·7·512 inputs instead of 512
    assert vgg.count_params() + (7 * 7 * 512 - 512) * 4096 == 138_357_544
    m = minitf.keras.applications.VGG16(weights=None, input_shape=(32, 32, 3))
    assert m.count_params() == vgg.count_params()


def test_legacy_h5_model_file_from_keras(keras, tmp_path):
    kwargs = dict(include_top=False, alpha=0.35, input_shape=(32, 32, 3), pooling="avg")
    k, _ = _build_pair(keras, "MobileNetV2", kwargs, "float32")
    _randomize_batch_norms(k, seed=4)
    path = str(tmp_path / "mobilenet.h5")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # Keras warns that .h5 is a legacy format
        k.save(path)
    m = minitf.keras.applications.MobileNetV2(weights=path, **kwargs)
    for kw, mw in zip(k.weights, m.weights):
        np.testing.assert_array_equal(mw.numpy(), np.asarray(kw))


def test_input_tensor_model_matches_keras(keras):
    keras.backend.clear_session()
    minitf.keras.backend.clear_session()
    outs = []
    for lib in (keras, minitf.keras):
        inp = lib.Input((32, 32, 3))
        x = lib.layers.Rescaling(1 / 127.5, offset=-1)(inp)
        model = lib.applications.VGG16(weights=None, include_top=False, input_tensor=x)
        outs.append(([l.name for l in model.layers], model.output_shape, len(model.inputs)))
    assert outs[0] == outs[1]


def _error(build):
    try:
        build()
    except Exception as e:      # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("case", [
    ("VGG16", dict(weights="no/such/file.h5")),
    ("MobileNetV2", dict(weights="no/such/file.h5")),
    ("ResNet50", dict(weights="imagenet", classes=10)),
    ("MobileNetV2", dict(weights="imagenet", classes=10)),
    ("ResNet50", dict(weights=None, include_top=False, input_shape=(31, 64, 3))),
    ("VGG16", dict(weights=None, input_shape=(None, None, 3))),
    ("VGG16", dict(weights=None, include_top=False, input_shape=(32, 32))),
    ("ResNet50", dict(weights="imagenet", input_shape=(64, 64, 3))),
    ("ResNet50", dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1))),
    ("MobileNetV2", dict(weights="imagenet", alpha=0.2)),
    ("MobileNetV2", dict(weights=None, input_shape=(32, 32, 3), input_tensor="INPUT_48")),
    ("VGG16", dict(weights=None, include_top=False, input_tensor="NUMPY")),
    ("MobileNetV2", dict(weights="FILE", alpha=0.35, input_shape=(96, 96, 3),
                         classifier_activation="relu")),
], ids=lambda c: c[0])
def test_argument_errors_match_keras(keras, tmp_path, case):
    cls, kwargs = case
    path = tmp_path / "w.h5"
    path.write_bytes(b"")
    errors = []
    for lib in (keras, minitf.keras):
        kw = dict(kwargs)
        if kw.get("weights") == "FILE":
            kw["weights"] = str(path)
        if kw.get("input_tensor") == "INPUT_48":
            kw["input_tensor"] = lib.Input((32, 48, 3))
        elif kw.get("input_tensor") == "NUMPY":
            kw["input_tensor"] = np.zeros((1, 32, 32, 3))
        errors.append(_error(lambda: getattr(lib.applications, cls)(**kw)))
    assert errors[0] is not None and errors[0][0] == "ValueError"
    k_type, k_msg = errors[0]
    m_type, m_msg = errors[1]
    assert m_type == k_type
    if cls == "MobileNetV2" and "classifier_activation" in kwargs:
        # the message ends with the activation function's repr, which differs
        k_msg, m_msg = k_msg.split("classifier_activation=")[0], m_msg.split(
            "classifier_activation=")[0]
    if "KerasTensor" in k_msg or "input_tensor.shape" in k_msg:
        k_msg, m_msg = k_msg.split("Received")[0], m_msg.split("Received")[0]
    assert m_msg == k_msg


PIXELS = np.random.RandomState(5).uniform(0, 255, (2, 4, 5, 3))


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,x", [
    ("channels_last", PIXELS), ("channels_first", PIXELS.transpose(0, 3, 1, 2)),
    ("channels_first", PIXELS[0].transpose(2, 0, 1)),
    ("channels_last", PIXELS.astype("float32")), ("channels_last", PIXELS.astype("uint8"))])
def test_preprocess_input_numpy_matches_keras(keras, mode, data_format, x):
    from keras.applications import imagenet_utils as k_utils
    want = k_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    got = imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_preprocess_input_tensor_matches_keras(tf_real, keras, mode, dtype):
    from keras.applications import imagenet_utils as k_utils
    x = PIXELS.astype(dtype)
    want = np.asarray(k_utils.preprocess_input(tf_real.constant(x), mode=mode))
    got = imagenet_utils.preprocess_input(minitf.constant(x), mode=mode).numpy()
    # the same operations in the same order (one rounding each, a product by 1/std against a
    # division allowed): within 2 ulp of the result's scale
    np.testing.assert_allclose(got, want, rtol=0, atol=4 * U[dtype] * np.abs(want).max())


def test_decode_predictions_matches_keras(keras, monkeypatch):
    from keras.src.applications import imagenet_utils as k_utils
    index = {str(i): [f"n{i:08d}", f"name_{i}"] for i in range(1000)}
    monkeypatch.setattr(k_utils, "CLASS_INDEX", index)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", index)
    preds = np.random.RandomState(6).uniform(0, 1, (3, 1000)).astype("float32")
    preds[2, [10, 20, 30]] = 2.0          # a three-way tie at the top
    want = k_utils.decode_predictions(preds, top=4)
    got = imagenet_utils.decode_predictions(preds, top=4)
    assert got == want
    with pytest.raises(ValueError) as k_err:
        k_utils.decode_predictions(preds[:, :999])
    with pytest.raises(ValueError) as m_err:
        imagenet_utils.decode_predictions(preds[:, :999])
    assert str(m_err.value) == str(k_err.value)


def test_keras_constants_are_keras_315s(keras):
    """URLs, file hashes and file names of the weight files and the class index."""
    from keras.src.applications import mobilenet_v2 as k_mnv2
    from keras.src.applications import resnet as k_resnet
    from keras.src.applications import vgg16 as k_vgg16
    from keras.src.applications import imagenet_utils as k_utils
    from minitf.keras.applications import mobilenet_v2, resnet, vgg16
    assert imagenet_utils.CLASS_INDEX_PATH == k_utils.CLASS_INDEX_PATH
    assert resnet.BASE_WEIGHTS_PATH == k_resnet.BASE_WEIGHTS_PATH
    assert resnet.WEIGHTS_HASHES["resnet50"] == k_resnet.WEIGHTS_HASHES["resnet50"]
    assert (vgg16.WEIGHTS_PATH, vgg16.WEIGHTS_PATH_NO_TOP) == \
        (k_vgg16.WEIGHTS_PATH, k_vgg16.WEIGHTS_PATH_NO_TOP)
    assert mobilenet_v2.BASE_WEIGHT_PATH == k_mnv2.BASE_WEIGHT_PATH
    assert os.path.basename(vgg16.WEIGHTS_PATH) == "vgg16_weights_tf_dim_ordering_tf_kernels.h5"


def test_seed_custom_loop_gradients_match_keras_float64(keras, tf_real):
    """The seed notes' loop: MobileNetV2(weights=None, classes=5) under a GradientTape with
    sparse categorical cross-entropy (here alpha=0.35 on 32x32 images, float64; called as
    the notes call it, without ``training``, so the batch normalizations use their moving
    averages). Gradients of every trainable variable match Keras's.
    Bound: the backward pass runs each layer's products twice more (the input gradient and
    the weight gradient), so three times the forward bound, against the largest gradient of
    all the variables, G: 6·u·(Σ n_l + 8·L)·G."""
    kwargs = dict(alpha=0.35, input_shape=(32, 32, 3), classes=5)
    k, m = _build_pair(keras, "MobileNetV2", kwargs, "float64")
    m.set_weights([np.asarray(w) for w in k.get_weights()])
    rng = np.random.RandomState(7)
    x = rng.uniform(0, 1, (4, 32, 32, 3))
    y = np.array([0, 3, 1, 4])
    with tf_real.GradientTape() as tape:
        loss_k = tf_real.reduce_mean(keras.losses.sparse_categorical_crossentropy(
            y, k(x)))
    g_k = tape.gradient(loss_k, k.trainable_variables)
    with minitf.GradientTape() as tape:
        loss_m = minitf.reduce_mean(minitf.keras.losses.sparse_categorical_crossentropy(
            y_true=y, y_pred=m(x)))
    g_m = tape.gradient(loss_m, m.trainable_variables)
    n, layers = _dot_lengths(k)
    c = 2 * U["float64"] * (n + 8 * layers)
    assert abs(float(loss_m) - float(loss_k)) <= c * abs(float(loss_k))
    assert len(g_m) == len(g_k) and all(g is not None for g in g_m)
    # A weight's gradient sums products over the batch and positions with both signs, so it
    # can be much smaller than the backward signals it is made of; their scale is bounded by
    # the largest gradient of all, G, which is what the rounding errors are relative to.
    big = max(np.abs(np.asarray(g)).max() for g in g_k)
    for gk, gm, v in zip(g_k, g_m, k.trainable_variables):
        assert np.abs(gm.numpy() - np.asarray(gk)).max() <= 3 * c * big, v.path


def test_frozen_base_in_a_sequential_counts_match_keras(keras):
    counts = []
    for lib in (keras, minitf.keras):
        lib.backend.clear_session()
        base = lib.applications.MobileNetV2(weights=None, alpha=0.35, include_top=False,
                                            input_shape=(32, 32, 3), pooling="avg")
        for layer in base.layers[:-5]:
            layer.trainable = False
        model = lib.models.Sequential([base, lib.layers.Dense(3)])
        row = [len(model.trainable_variables), len(model.non_trainable_variables),
               model.built]
        model.layers[0].trainable = False
        row += [len(model.trainable_variables), len(model.weights)]
        counts.append(row)
    assert counts[0] == counts[1]


def test_tutorial_transfer_learning_model_matches_keras(keras, tmp_path):
    """TF's transfer-learning tutorial's model: preprocess_input on a keras.Input, a frozen
    MobileNetV2 base called with training=False, pooling, dropout and a dense head; with
    Keras's weights copied in, the predictions agree (float64: the forward bound above)."""
    preds = []
    x = np.random.RandomState(8).uniform(0, 255, (2, 32, 32, 3))
    for lib in (keras, minitf.keras):
        old = lib.backend.floatx() if lib is minitf.keras else keras.config.floatx()
        old_policy = keras.config.dtype_policy()
        (keras.config if lib is keras else lib.backend).set_floatx("float64")
        # Keras fixes its global dtype policy from floatx when the first layer is made and
        # keeps it until clear_session: without this, a float32 layer made earlier in the
        # process left Keras's model float32 here (the order-dependent failure seen in
        # `make test`, 3e-8 off). minitf follows floatx at once (a difference, noted in
        # docs/keras.md); clearing both keeps the two builds alike.
        lib.backend.clear_session()
        try:
            base = lib.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False,
                                                weights=None, alpha=0.35)
            inputs = lib.Input(shape=(32, 32, 3))
            h = lib.applications.mobilenet_v2.preprocess_input(inputs)
            h = base(h, training=False)
            h = lib.layers.GlobalAveragePooling2D()(h)
            h = lib.layers.Dropout(0.2)(h)
            dense = lib.layers.Dense(1)
            model = lib.Model(inputs, dense(h))
        finally:
            (keras.config if lib is keras else lib.backend).set_floatx(old)
            keras.config.set_dtype_policy(old_policy)   # the policy outlives floatx in Keras
        base.trainable = False
        if lib is keras:
            _randomize_batch_norms(base, seed=9)
            path = str(tmp_path / "base.weights.h5")
            base.save_weights(path)
            head = dense.get_weights()
            n, layers = _dot_lengths(base)
        else:
            base.load_weights(path)
            dense.set_weights(head)
        preds.append(np.asarray(model(x, training=False)))
    assert preds[0].dtype == preds[1].dtype == np.float64   # both really built in float64
    assert np.abs(preds[0]).max() > 1e-3           # a signal, not a network that died out
    bound = 2 * U["float64"] * (n + 8 * layers + 1280) * np.abs(preds[0]).max()
    assert np.abs(preds[1] - preds[0]).max() <= bound
