"""tf.summary and keras.callbacks.TensorBoard, read back with TensorBoard's own event reader.

The reader is TensorBoard's TensorFlow-free one (``PyRecordReader_New`` from its
``tensorflow_stub``, which checks every record's masked CRC-32C), so these tests run without
TensorFlow. Expected values are from TensorFlow 2.21 (the same calls are compared with real
TensorFlow in parity/test_summary_parity.py) or from the histogram's definition (30
equal-width buckets from min to max, the last one closed).
"""
import glob
import io
import os

import numpy as np
import pytest

import minitf as tf

pytest.importorskip("tensorboard")
from tensorboard.compat.proto import event_pb2  # noqa: E402
from tensorboard.compat.tensorflow_stub import errors  # noqa: E402
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def read(logdir):
    """{tag: [(step, ndarray, plugin_name)]} for the one event file in logdir."""
    files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    assert len(files) == 1, files
    reader, first, out = PyRecordReader_New(files[0]), True, {}
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return out
        event = event_pb2.Event.FromString(reader.record())
        if first:
            assert event.file_version == "brain.Event:2"
            first = False
        for v in event.summary.value:
            out.setdefault(v.tag, []).append((event.step, tensor_util.make_ndarray(v.tensor),
                                              v.metadata.plugin_data.plugin_name))


def test_scalar_histogram_text_image_read_back(tmp_path):
    w = tf.summary.create_file_writer(str(tmp_path))
    with w.as_default():
        assert bool(tf.summary.scalar("loss", tf.constant(0.25, tf.float64), step=1))
        assert bool(tf.summary.histogram("h", [1.0, 2.0, 2.0, 5.0], step=2))
        assert bool(tf.summary.text("t", "hello", step=3))
        img = np.array([0.0, 0.5, 1.0, 0.999, 0.001, -0.1, 1.2], np.float32).reshape(1, 1, 7, 1)
        assert bool(tf.summary.image("im", img, step=4))
    ev = read(str(tmp_path))
    (step, value, plugin), = ev["loss"]
    assert (step, plugin, value.dtype, value.shape, float(value)) == (1, "scalars", np.float32,
                                                                       (), 0.25)
    (step, hist, plugin), = ev["h"]
    assert (step, plugin, hist.shape, hist.dtype) == (2, "histograms", (30, 3), np.float64)
    edges = np.linspace(1.0, 5.0, 31)
    np.testing.assert_array_equal(hist[:, 0], edges[:-1])
    np.testing.assert_array_equal(hist[:, 1], edges[1:])
    counts = np.zeros(30)
    counts[[0, 7, 29]] = [1, 2, 1]      # 1 → bucket 0, 2 → floor(1/(4/30)) = 7, 5 → last
    np.testing.assert_array_equal(hist[:, 2], counts)
    (step, value, plugin), = ev["t"]
    assert (step, plugin, value.item()) == (3, "text", b"hello")
    (step, value, plugin), = ev["im"]
    assert (step, plugin, value[:2].tolist()) == (4, "images", [b"7", b"1"])
    from PIL import Image
    pixels = np.asarray(Image.open(io.BytesIO(value[2]))).ravel()
    # TF's convert_image_dtype(saturate=True): trunc(clip(x * 255.5, 0, 255)).
    assert pixels.tolist() == [0, 127, 255, 255, 0, 0, 255]


def test_no_writer_no_step_and_record_if(tmp_path):
    assert not bool(tf.summary.scalar("x", 1.0, step=0))
    assert not bool(tf.summary.should_record_summaries())
    w = tf.summary.create_file_writer(str(tmp_path))
    with w.as_default():
        assert bool(tf.summary.should_record_summaries())
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("x", 1.0)
        with pytest.raises(ValueError, match=r"Expected scalar shape, saw shape: \(2,\)\."):
            tf.summary.scalar("x", [1.0, 2.0], step=0)
        with pytest.raises(TypeError, match="dtype int64"):
            tf.summary.scalar("x", 1.0, step=1.5)
        with pytest.raises(TypeError, match="must be of type tf.string; got tf.int32"):
            tf.summary.text("t", 3, step=0)
        with tf.summary.record_if(False):
            assert not bool(tf.summary.scalar("skipped", 1.0, step=0))
        with tf.name_scope("outer"):
            tf.summary.scalar("b", 1.0, step=-1)
    with w.as_default(step=3):
        assert tf.summary.experimental.get_step() == 3
        tf.summary.scalar("c", 2.0)
    assert tf.summary.experimental.get_step() is None
    ev = read(str(tmp_path))
    assert sorted(ev) == ["c", "outer/b"]
    assert [s for s, _, _ in ev["outer/b"]] == [-1] and [s for s, _, _ in ev["c"]] == [3]


def test_empty_and_constant_histograms(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=0):
        tf.summary.histogram("empty", np.zeros((0,)))
        tf.summary.histogram("same", tf.fill([4], 2.5))
    ev = read(str(tmp_path))
    np.testing.assert_array_equal(ev["empty"][0][1], np.zeros((30, 3)))
    same = ev["same"][0][1]
    np.testing.assert_array_equal(same[:, :2], np.full((30, 2), 2.5))
    assert same[:, 2].tolist() == [0] * 29 + [4]


def test_keras_tensorboard_callback(tmp_path):
    keras = tf.keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    x, y = np.ones((8, 3), np.float32), np.ones((8, 2), np.float32)
    hist = model.fit(x, y, epochs=2, batch_size=4, validation_data=(x, y), verbose=0,
                     callbacks=[keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1,
                                                            update_freq="batch")])
    train, val = read(str(tmp_path / "train")), read(str(tmp_path / "validation"))
    assert [s for s, _, _ in train["batch_loss"]] == [1, 2, 3, 4]
    assert [s for s, _, _ in train["epoch_loss"]] == [0, 1]
    np.testing.assert_allclose([float(v) for _, v, _ in train["epoch_loss"]],
                               hist.history["loss"], rtol=1e-6)
    np.testing.assert_allclose([float(v) for _, v, _ in val["epoch_mae"]],
                               hist.history["val_mae"], rtol=1e-6)
    assert [float(v) for _, v, _ in train["epoch_learning_rate"]] == \
        [np.float32(0.01)] * 2
    assert [s for s, _, _ in val["evaluation_loss_vs_iterations"]] == [2, 4]
    kernel = [t for t in train if t.endswith("kernel/histogram")]
    assert len(kernel) == 1 and train[kernel[0]][0][2] == "histograms"
    assert "batch_loss" not in val
