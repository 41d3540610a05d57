"""keras.applications (VGG16, ResNet50, MobileNetV2) without TensorFlow: parameter counts by
arithmetic and Keras's documented totals, output shapes, names, argument errors,
preprocess_input values (by formula), decode_predictions and weights="imagenet" with generated
files served from a loopback server (never the internet), and the legacy .h5 loader.
Layer names, weight order and values against real Keras are in
parity/test_applications_parity.py.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading

import numpy as np
import pytest

import minitf as tf
from minitf.keras import legacy_h5_format
from tests.test_backends import gpu_backend  # noqa: F401  (fixture)
from minitf.keras.applications import imagenet_utils, mobilenet_v2, resnet, vgg16

A = tf.keras.applications


# ---- models built once per module (ResNet50 is heavy) ---------------------------------------
@pytest.fixture(scope="module")
def resnet_small():
    return A.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))


@pytest.fixture(scope="module")
def mobilenet_small():
    return A.MobileNetV2(weights=None, include_top=False, alpha=0.35, input_shape=(32, 32, 3))


def _params(layer) -> int:
    return sum(int(np.prod(w.shape)) for w in layer.weights)


# ---- parameter counts -----------------------------------------------------------------------
def test_documented_totals_with_the_top():
    """Keras's documentation gives these totals for the ImageNet models (with the top)."""
    assert A.ResNet50(weights=None).count_params() == 25_636_712
    assert A.MobileNetV2(weights=None).count_params() == 3_538_984
    vgg = A.VGG16(weights=None)
    assert vgg.count_params() == 138_357_544
    # by arithmetic: a 3x3 conv on 3 channels to 64 (+64 biases); fc1 from the 7x7x512 map
    assert _params(vgg.get_layer("block1_conv1")) == 3 * 3 * 3 * 64 + 64
    assert _params(vgg.get_layer("fc1")) == 7 * 7 * 512 * 4096 + 4096
    assert _params(vgg.get_layer("predictions")) == 4096 * 1000 + 1000


def test_layer_counts_by_arithmetic(resnet_small, mobilenet_small):
    r = resnet_small
    assert _params(r.get_layer("conv1_conv")) == 7 * 7 * 3 * 64 + 64
    assert _params(r.get_layer("conv1_bn")) == 4 * 64        # gamma, beta, mean, variance
    assert _params(r.get_layer("conv2_block1_0_conv")) == 64 * 256 + 256
    assert _params(r.get_layer("conv5_block3_2_conv")) == 3 * 3 * 512 * 512 + 512
    m = mobilenet_small
    # alpha=0.35: 32*0.35 = 11.2 rounds to a multiple of 8: 16 filters; no biases
    assert _params(m.get_layer("Conv1")) == 3 * 3 * 3 * 16
    assert _params(m.get_layer("expanded_conv_depthwise")) == 3 * 3 * 16
    assert _params(m.get_layer("block_1_expand")) == 8 * 48   # project of block 0: 16*.35 -> 8
    assert _params(m.get_layer("Conv_1")) == 112 * 1280      # alpha <= 1 keeps 1280
    assert [w.name for w in m.get_layer("bn_Conv1").weights] == \
        ["gamma", "beta", "moving_mean", "moving_variance"]


def test_make_divisible_rounding():
    assert mobilenet_v2._make_divisible(32 * 0.35, 8) == 16    # 11.2 -> 8 is < 90%: 16
    assert mobilenet_v2._make_divisible(1280 * 1.3, 8) == 1664
    assert mobilenet_v2._make_divisible(24 * 0.5, 8) == 16     # 12 -> 16 (ties round up)
    assert mobilenet_v2._make_divisible(3, 8) == 8             # never below the divisor


# ---- shapes and names -----------------------------------------------------------------------
def test_shapes_names_and_residual_structure(resnet_small, mobilenet_small):
    x = np.random.RandomState(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert resnet_small.output_shape == (None, 1, 1, 2048)
    assert resnet_small(x).shape == (2, 1, 1, 2048)
    assert resnet_small.name == "resnet50" and len(resnet_small.layers) == 175
    names = [l.name for l in resnet_small.layers]
    assert names[1:7] == ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad",
                          "pool1_pool"]
    assert sum(n.endswith("_add") for n in names) == 16       # 3 + 4 + 6 + 3 blocks
    assert mobilenet_small.name == "mobilenetv2_0.35_32"
    assert mobilenet_small(x).shape == (2, 1, 1, 1280)
    adds = [n for n in (l.name for l in mobilenet_small.layers) if n.endswith("_add")]
    assert adds == [f"block_{i}_add" for i in (2, 4, 5, 7, 8, 9, 11, 12, 14, 15)]


def test_vgg16_pooling():
    base = A.VGG16(weights=None, include_top=False, input_shape=(64, 48, 3))
    assert base.output_shape == (None, 2, 1, 512)
    x = np.random.RandomState(1).uniform(0, 1, (1, 64, 48, 3)).astype("float32")
    feature_map = base(x).numpy()
    for pooling, reduce in (("avg", np.mean), ("max", np.max)):
        model = A.VGG16(weights=None, include_top=False, input_shape=(64, 48, 3),
                        pooling=pooling)
        assert model.output_shape == (None, 512)
        model.set_weights(base.get_weights())
        np.testing.assert_allclose(model(x).numpy(), reduce(feature_map, axis=(1, 2)),
                                   rtol=1e-6)
    assert A.VGG16(weights=None, include_top=False, pooling="bad").output_shape == \
        (None, None, None, 512)           # Keras ignores a pooling it does not know


def test_top_classes_activation_and_default_input():
    model = A.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3), classes=7,
                          classifier_activation=None)
    assert model.name == "mobilenetv2_0.35_96" and model.output_shape == (None, 7)
    logits = model(np.ones((1, 96, 96, 3), "float32")).numpy()
    assert not np.allclose(logits.sum(), 1.0)               # no softmax
    assert A.MobileNetV2(weights=None, alpha=0.35).input_shape == (None, 224, 224, 3)
    no_top = A.MobileNetV2(weights=None, alpha=0.35, include_top=False)
    assert no_top.input_shape == (None, None, None, 3)
    assert no_top.name == "mobilenetv2_0.35_None"


def test_input_tensor_and_transfer_learning_head(mobilenet_small):
    inp = tf.keras.Input((32, 32, 3))
    scaled = tf.keras.layers.Rescaling(1 / 127.5, offset=-1)(inp)
    base = A.MobileNetV2(weights=None, alpha=0.35, include_top=False, input_tensor=scaled,
                         pooling="avg")
    assert base.inputs == [inp]                     # the source Input, as Keras's
    assert [type(l).__name__ for l in base.layers[:3]] == ["InputLayer", "Rescaling", "Conv2D"]
    head = tf.keras.layers.Dense(3)(base.output)
    model = tf.keras.Model(base.input, head)
    assert model(np.zeros((2, 32, 32, 3), "float32")).shape == (2, 3)


# ---- argument errors (texts as Keras 3.15's) -------------------------------------------------
@pytest.mark.parametrize("build,match", [
    (lambda: A.VGG16(weights="no/such/file.h5"), "The `weights` argument should be either"),
    (lambda: A.ResNet50(weights="imagenet", classes=10), "`classes` should be 1000"),
    (lambda: A.MobileNetV2(weights="imagenet", classes=10), "`classes` should be 1000"),
    (lambda: A.ResNet50(weights=None, include_top=False, input_shape=(31, 64, 3)),
     "Input size must be at least 32x32"),
    (lambda: A.VGG16(weights=None, input_shape=(None, None, 3)),
     "you should specify a static `input_shape`"),
    (lambda: A.VGG16(weights=None, include_top=False, input_shape=(32, 32)),
     "`input_shape` must be a tuple of three integers"),
    (lambda: A.ResNet50(weights="imagenet", input_shape=(64, 64, 3)),
     r"`input_shape` should be \(224, 224, 3\)"),
    (lambda: A.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 1)),
     "The input must have 3 channels"),
    (lambda: A.MobileNetV2(weights="imagenet", alpha=0.2), "alpha must be one of"),
    (lambda: A.VGG16(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3))),
     "Argument `input_tensor` must be a KerasTensor"),
    (lambda: A.MobileNetV2(weights=None, input_shape=(32, 32, 3),
                           input_tensor=np.zeros((1, 32, 32, 3))),
     "input_tensor is not a Keras tensor"),
    (lambda: A.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3),
                           input_tensor=tf.keras.Input((32, 48, 3))),
     r"input_tensor.shape\[2\] must equal input_shape\[1\]"),
])
def test_bad_arguments(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_pretrained_classifier_activation_must_be_softmax_or_none(tmp_path):
    path = tmp_path / "w.h5"
    path.write_bytes(b"")        # weights=<an existing path> counts as pretrained
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations"):
        A.MobileNetV2(weights=str(path), alpha=0.35, input_shape=(96, 96, 3),
                      classifier_activation="relu")


def test_channels_other_than_1_or_3_warn():
    with pytest.warns(UserWarning, match="with 4 input channels"):
        A.VGG16(weights=None, include_top=False, input_shape=(32, 32, 4))


# ---- preprocess_input -----------------------------------------------------------------------
RGB = np.array([[[[0.0, 127.5, 255.0], [10.0, 20.0, 30.0]]]])        # (1, 1, 2, 3)


def test_caffe_mode_bgr_minus_mean():
    out = vgg16.preprocess_input(RGB)
    expected = RGB[..., ::-1] - np.array([103.939, 116.779, 123.68])
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    assert out.dtype == np.float64
    assert resnet.preprocess_input is not None
    np.testing.assert_array_equal(A.resnet50.preprocess_input(RGB), out)


def test_tf_and_torch_modes():
    np.testing.assert_allclose(mobilenet_v2.preprocess_input(RGB), RGB / 127.5 - 1.0,
                               rtol=1e-15)
    torch = imagenet_utils.preprocess_input(RGB, mode="torch")
    expected = (RGB / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    np.testing.assert_allclose(torch, expected, rtol=1e-14)


def test_channels_first_single_image_and_batch():
    img = np.arange(12.0).reshape(3, 2, 2)
    out = imagenet_utils.preprocess_input(img, data_format="channels_first")
    np.testing.assert_allclose(out, img[::-1] - np.array([103.939, 116.779,
                                                          123.68])[:, None, None])
    batch = imagenet_utils.preprocess_input(img[None], data_format="channels_first")
    np.testing.assert_allclose(batch[0], out)


def test_integer_input_becomes_float32_and_nothing_is_mutated():
    pixels = np.array([[[0, 128, 255]]], dtype="uint8")
    out = mobilenet_v2.preprocess_input(pixels)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.float32(pixels) / np.float32(127.5) - 1, rtol=1e-7)
    floats = RGB.copy()
    vgg16.preprocess_input(floats)
    mobilenet_v2.preprocess_input(floats)
    np.testing.assert_array_equal(floats, RGB)       # Keras divides in place; minitf does not


def test_tensor_input_keeps_dtype_and_gradient():
    x = tf.constant(RGB.astype("float32"))
    out = vgg16.preprocess_input(x)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), (RGB[..., ::-1] - [103.939, 116.779, 123.68]),
                               rtol=1e-6)
    v = tf.Variable(RGB)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(mobilenet_v2.preprocess_input(v) * tf.constant([1.0, 2.0, 3.0],
                                                                        tf.float64))
    # d/dx of x/127.5 - 1, weighted by the channel: [1, 2, 3] / 127.5
    np.testing.assert_allclose(tape.gradient(y, v).numpy(),
                               np.broadcast_to(np.array([1, 2, 3]) / 127.5, RGB.shape),
                               rtol=1e-15)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(vgg16.preprocess_input(v) * tf.constant([1.0, 2.0, 3.0], tf.float64))
    # the channel reversal routes the weights back: R gets 3, B gets 1
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(),
                                  np.broadcast_to([3.0, 2.0, 1.0], RGB.shape))


@pytest.mark.parametrize("kwargs,match", [({"mode": "bgr"}, "Expected mode to be one of"),
                                          ({"data_format": "NHWC"},
                                           "Expected data_format to be one of")])
def test_preprocess_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        imagenet_utils.preprocess_input(RGB, **kwargs)


# ---- a loopback server for generated files -------------------------------------------------
@pytest.fixture
def serve(tmp_path):
    """Serve files from a directory on 127.0.0.1; yields (directory, base URL, request log)."""
    root = tmp_path / "www"
    root.mkdir()
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            log.append(self.path)

    handler = functools.partial(Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_port}/", log
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    return home


def _class_index() -> dict:
    return {str(i): [f"n{i:08d}", f"label_{i}"] for i in range(1000)}


def test_decode_predictions_downloads_the_index_once(serve, keras_home, monkeypatch):
    root, base, log = serve
    data = json.dumps(_class_index()).encode()
    (root / "imagenet_class_index.json").write_bytes(data)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", base + "imagenet_class_index.json")
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(data).hexdigest())
    preds = np.zeros((2, 1000), "float32")
    preds[0, [3, 500, 999]] = [0.2, 0.7, 0.1]
    preds[1, 42] = 1.0
    out = vgg16.decode_predictions(preds, top=3)
    assert [r[:2] for r in out[0]] == [("n00000500", "label_500"), ("n00000003", "label_3"),
                                       ("n00000999", "label_999")]
    assert [float(r[2]) for r in out[0]] == [np.float32(0.7), np.float32(0.2), np.float32(0.1)]
    assert out[1][0] == ("n00000042", "label_42", np.float32(1.0)) and len(out[1]) == 3
    assert (keras_home / "models" / "imagenet_class_index.json").read_bytes() == data
    A.mobilenet_v2.decode_predictions(tf.constant(preds), top=1)      # cached: no new request
    assert len(log) == 1


def test_decode_predictions_uses_keras_url_and_hash(tmp_path, monkeypatch):
    calls = []
    path = tmp_path / "index.json"
    path.write_text(json.dumps(_class_index()))

    def fake_get_file(*args, **kwargs):
        calls.append((args, kwargs))
        return str(path)

    monkeypatch.setattr(imagenet_utils, "get_file", fake_get_file)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    resnet.decode_predictions(np.eye(1000)[:1], top=1)
    assert calls == [(("imagenet_class_index.json",
                       "https://storage.googleapis.com/download.tensorflow.org/data/"
                       "imagenet_class_index.json"),
                      {"cache_subdir": "models",
                       "file_hash": "c2c37ea517e94d9795004a39431a14cb"})]


def test_decode_predictions_bad_shape():
    with pytest.raises(ValueError, match=r"Received array with shape: \(1000,\)"):
        vgg16.decode_predictions(np.zeros(1000))


# ---- weights="imagenet" and legacy .h5 files -----------------------------------------------
def write_legacy_h5(model, path, wrap: bool = False, chunk: bool = False) -> list:
    """Write ``model``'s weights as Keras's legacy .h5 (random values); return them by layer."""
    h5py = pytest.importorskip("h5py")       # the minitf[keras-files] extra
    rng = np.random.RandomState(3)
    written = []
    with h5py.File(path, "w") as f:
        g = f.create_group("model_weights") if wrap else f
        names = [l.name.encode() for l in model.layers]
        if chunk:     # Keras splits long attributes into name0, name1, ...
            g.attrs["layer_names0"], g.attrs["layer_names1"] = names[:3], names[3:]
        else:
            g.attrs["layer_names"] = names
        for layer in model.layers:
            lg = g.create_group(layer.name)
            ws = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            wnames = [f"{layer.name}/{w.name}:0" for w in ws]
            lg.attrs["weight_names"] = [n.encode() for n in wnames]
            values = [rng.uniform(0.5, 1.5, tuple(w.shape)).astype("float32") for w in ws]
            for n, v in zip(wnames, values):
                lg[n] = v
            written.append(values)
    return written


def _assert_loaded(model, written):
    layers = model if isinstance(model, list) else model.layers
    for layer, values in zip(layers, written):
        ws = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        for w, v in zip(ws, values):
            np.testing.assert_array_equal(w.numpy(), v)


def test_mobilenet_imagenet_weights_via_get_file(serve, keras_home, monkeypatch):
    root, base, log = serve
    shape_twin = A.MobileNetV2(weights=None, alpha=0.35, include_top=False,
                               input_shape=(96, 96, 3))
    fname = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    written = write_legacy_h5(shape_twin, root / fname)
    monkeypatch.setattr(mobilenet_v2, "BASE_WEIGHT_PATH", base)
    model = A.MobileNetV2(weights="imagenet", alpha=0.35, include_top=False,
                          input_shape=(96, 96, 3))
    assert log == ["/" + fname]
    assert (keras_home / "models" / fname).exists()           # Keras's cache layout
    _assert_loaded(model, written)
    A.MobileNetV2(weights="imagenet", alpha=0.35, include_top=False, input_shape=(96, 96, 3))
    assert len(log) == 1                                       # second time from the cache


def test_imagenet_weights_of_other_sizes_warn_and_use_224(monkeypatch):
    calls = []

    class Stop(Exception):
        pass

    def fake_get_file(*args, **kwargs):
        calls.append((args, kwargs))
        raise Stop

    monkeypatch.setattr(imagenet_utils, "get_file", fake_get_file)
    with pytest.warns(UserWarning, match="Weights for input shape"), pytest.raises(Stop):
        A.MobileNetV2(weights="imagenet", alpha=0.35, include_top=False,
                      input_shape=(64, 80, 3))
    assert calls[0][0][0] == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    assert calls[0][0][1] == ("https://storage.googleapis.com/tensorflow/keras-applications/"
                              "mobilenet_v2/" + calls[0][0][0])
    assert calls[0][1] == {"cache_subdir": "models"}           # Keras passes no hash here


@pytest.mark.parametrize("build,fname,url_dir,file_hash", [
    (lambda: A.ResNet50(weights="imagenet"), "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
     "resnet/", "2cb95161c43110f7111970584f804107"),
    (lambda: A.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3)),
     "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "resnet/",
     "4d473c1dd8becc155b73f8504c6f6626"),
    (lambda: A.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3)),
     "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "vgg16/",
     "6d6bbae143d832006294945121d1f1fc"),
])
def test_imagenet_weight_files_are_keras_files(monkeypatch, build, fname, url_dir, file_hash):
    calls = []

    class Stop(Exception):
        pass

    def fake_get_file(*args, **kwargs):
        calls.append((args, kwargs))
        raise Stop

    monkeypatch.setattr(imagenet_utils, "get_file", fake_get_file)
    with pytest.raises(Stop):
        build()
    assert calls == [((fname, "https://storage.googleapis.com/tensorflow/keras-applications/"
                       + url_dir + fname), {"cache_subdir": "models", "file_hash": file_hash})]


def test_vgg16_top_weight_file_name():
    assert vgg16.WEIGHTS_PATH.endswith("vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5")
    assert vgg16.WEIGHTS_HASHES[0] == "64373286793e3c8b2b4e3219cbf3544b"


@pytest.mark.parametrize("wrap,chunk", [(False, False), (True, False), (False, True)])
def test_weights_from_a_legacy_h5_path(tmp_path, mobilenet_small, wrap, chunk):
    path = tmp_path / "w.h5"
    written = write_legacy_h5(mobilenet_small, path, wrap=wrap, chunk=chunk)
    model = A.MobileNetV2(weights=str(path), alpha=0.35, include_top=False,
                          input_shape=(32, 32, 3))
    _assert_loaded(model, written)


def test_legacy_h5_mismatch_changes_nothing(tmp_path, mobilenet_small):
    other = A.MobileNetV2(weights=None, alpha=0.5, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / "w.h5"
    write_legacy_h5(other, path)
    before = [w.numpy().copy() for w in mobilenet_small.weights]
    # alpha 0.35 and 0.5 agree up to block 1's projection (16 filters either way), so the
    # first ten layers would fit: they must stay unchanged too
    with pytest.raises(ValueError, match="Shape mismatch in layer #10 \\(named block_1_project"):
        legacy_h5_format.load_weights(mobilenet_small, path)
    vgg = A.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="Layer count mismatch .* Model expected 13 layers, "
                                         "found 104 saved layers"):
        legacy_h5_format.load_weights(vgg, path)
    for w, b in zip(mobilenet_small.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def test_weights_from_a_weights_h5_path(tmp_path, resnet_small):
    path = str(tmp_path / "r.weights.h5")
    resnet_small.save_weights(path)
    model = A.ResNet50(weights=path, include_top=False, input_shape=(32, 32, 3))
    for a, b in zip(model.weights, resnet_small.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_layer_names_follow_keras_snake_case():
    """Keras names Conv2D "conv2d" (a digit does not start a word); its .weights.h5 groups use
    the same rule, so "conv2_d" made every Keras file with a Conv2D unreadable."""
    assert tf.keras.layers.Conv2D(1, 1).name.startswith("conv2d")
    assert tf.keras.layers.GlobalAveragePooling2D().name.startswith("global_average_pooling2d")
    assert tf.keras.layers.ReLU().name.startswith("re_lu")


def test_model_load_weights_reads_legacy_h5(tmp_path, mobilenet_small):
    """``model.load_weights("x.h5")`` reads Keras's legacy files (as Keras 3 does)."""
    path = tmp_path / "w.h5"
    written = write_legacy_h5(mobilenet_small, path, wrap=True)
    model = A.MobileNetV2(weights=None, alpha=0.35, include_top=False, input_shape=(32, 32, 3))
    model.load_weights(str(path))
    _assert_loaded(model, written)


def test_legacy_h5_skip_mismatch_loads_the_rest(tmp_path, mobilenet_small):
    other = A.MobileNetV2(weights=None, alpha=0.5, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / "w.h5"
    written = write_legacy_h5(other, path)
    model = A.MobileNetV2(weights=None, alpha=0.35, include_top=False, input_shape=(32, 32, 3))
    own = model.get_layer("block_1_project").kernel.numpy().copy()
    with pytest.warns(UserWarning, match="Skipping loading weights for layer #10 "
                                         r"\(named block_1_project\)"):
        model.load_weights(str(path), skip_mismatch=True)
    # the layers before it fit (alpha 0.35 and 0.5 agree there) and load; it keeps its own
    cut = [l.name for l in model.layers].index("block_1_project")
    _assert_loaded(model.layers[:cut], written[:cut])
    np.testing.assert_array_equal(model.get_layer("block_1_project").kernel.numpy(), own)


@pytest.mark.parametrize("build", [
    lambda: A.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    lambda: A.MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=5,
                          classifier_activation=None),
], ids=["ResNet50", "MobileNetV2"])
def test_same_on_every_backend(gpu_backend, build):  # noqa: F811
    """CuPy's prediction equals the NumPy backend's, with the same weights (batch-normalization
    statistics drawn near the identity). float32 sums in other orders: the bound of
    parity/test_applications_parity.py, 2·u·(Σ n_l + 8·L)·max|y|, n_l each layer's dot
    length, L the number of layers."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)

    def predict():
        model = build()
        weights = []
        for w in model.weights:
            if w.name in ("gamma", "moving_variance"):
                weights.append(rng_w.uniform(0.8, 1.2, w.shape))
            elif w.name in ("beta", "moving_mean", "bias"):
                weights.append(rng_w.uniform(-0.1, 0.1, w.shape))
            else:     # a kernel: uniform with variance 1/n, n its dot length
                n = int(np.prod(w.shape[:2] if w.shape[-1] == 1 else w.shape[:-1]))
                weights.append(rng_w.uniform(-1, 1, w.shape) * np.sqrt(3.0 / n))
        model.set_weights([np.asarray(a, np.float32) for a in weights])
        y = model(tf.keras.applications.imagenet_utils.preprocess_input(tf.constant(x)),
                  training=False)
        n = sum(int(np.prod(l.kernel.shape[:-1])) if type(l).__name__ != "DepthwiseConv2D"
                else int(np.prod(l.kernel.shape[:2]))
                for l in model.layers if hasattr(l, "kernel"))
        return np.asarray(tf.identity(y).numpy()), n, len(model.layers), model.get_weights()

    with tf.device("/CPU:0"):
        rng_w = np.random.default_rng(1)
        ref, n, layers, ref_w = predict()
    rng_w = np.random.default_rng(1)
    got, _, _, got_w = predict()
    for a, b in zip(got_w, ref_w):
        np.testing.assert_array_equal(a, b)     # the same weights on both backends
    assert np.abs(ref).max() > 0.1          # a signal, not a network that died out
    bound = 2 * 2.0 ** -24 * (n + 8 * layers) * np.abs(ref).max()
    assert np.abs(got - ref).max() <= bound


def test_transfer_learning_in_a_sequential_as_the_seed_notes_do():
    """The seed notes' fine-tuning: a pooled ResNet50 as the first layer of a Sequential, then
    a Dense head; the stack is built on the base's input shape at once (as Keras builds it),
    so freezing the first layers leaves Keras's counts: 6 trainable variables (the last conv
    and batch normalization, and the head), 314 non-trainable; with the whole base frozen, 2."""
    base = A.ResNet50(include_top=False, pooling="avg", weights=None, input_shape=(32, 32, 3))
    for layer in base.layers[0:-5]:
        layer.trainable = False
    model = tf.keras.models.Sequential([base, tf.keras.layers.Dense(3, activation="softmax")])
    assert [l.name for l in base.layers[-5:]] == ["conv5_block3_3_conv", "conv5_block3_3_bn",
                                                  "conv5_block3_add", "conv5_block3_out",
                                                  "avg_pool"]
    assert (len(model.trainable_variables), len(model.non_trainable_variables)) == (6, 314)
    frozen = tf.keras.models.Sequential()
    frozen.add(base)
    frozen.add(tf.keras.layers.Dense(3, activation="softmax"))
    frozen.layers[0].trainable = False
    assert (len(frozen.trainable_variables), len(frozen.weights)) == (2, 320)
    frozen.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                   metrics=["accuracy"])
    before = [w.numpy().copy() for w in base.weights]
    x = np.random.RandomState(0).uniform(0, 1, (4, 32, 32, 3)).astype("float32")
    frozen.fit(x, np.array([0, 1, 2, 1]), epochs=1, verbose=0)
    for w, b in zip(base.weights, before):          # frozen: not even the BN statistics move
        np.testing.assert_array_equal(w.numpy(), b)


def test_frozen_batch_normalization_uses_its_moving_averages():
    """Keras 3: BatchNormalization with trainable=False normalises with the moving averages
    also when training=True, and does not update them (values from Keras: moving mean stays
    0, y = x / sqrt(1 + epsilon))."""
    bn = tf.keras.layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    x = np.random.RandomState(0).uniform(0, 5, (8, 3)).astype("float32")
    y = bn(x, training=True).numpy()
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3, "float32"))
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-6)


def test_preprocess_input_on_a_keras_input_as_tfs_tutorial_does():
    """TF's transfer-learning tutorial preprocesses a keras.Input inside the model; the values
    are the formula's (x / 127.5 - 1 then BGR minus the mean: for 255, 1 - mean)."""
    inputs = tf.keras.Input((32, 32, 3))
    x = mobilenet_v2.preprocess_input(inputs)
    x = vgg16.preprocess_input(x)
    model = tf.keras.Model(inputs, x)
    assert model.weights == [] and model.output_shape == (None, 32, 32, 3)
    out = model(np.full((1, 32, 32, 3), 255.0, "float32")).numpy()
    np.testing.assert_allclose(out[0, 0, 0], 1.0 - np.array([103.939, 116.779, 123.68]),
                               rtol=1e-6)
    base = A.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35)
    base.trainable = False
    features = base(mobilenet_v2.preprocess_input(inputs), training=False)
    outputs = tf.keras.layers.Dense(1)(tf.keras.layers.GlobalAveragePooling2D()(features))
    head = tf.keras.Model(inputs, outputs)
    assert len(head.trainable_variables) == 2
