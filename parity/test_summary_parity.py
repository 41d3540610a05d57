"""tf.summary and keras.callbacks.TensorBoard against TensorFlow 2.21 / Keras 3: the same calls
write event files in both, and TensorFlow's own reader (``tf.compat.v1.train.summary_iterator``)
reads both back; tags, steps, plugins, dtypes, shapes and values must agree.

Histogram edges: TensorFlow computes them with ``tf.linspace`` (then pins the last to the max),
TensorBoard's builder with ``np.linspace``; each is the exact edge rounded once or twice, so they
may differ by a few units in the last place of the largest edge: the bound is 4 ulp of
max(|min|, |max|). Counts are integers and must be equal.
"""
import glob
import io
import os

import numpy as np
import pytest

import minitf as mtf


def events(tf, logdir):
    """[(step, tag, plugin, ndarray)] from the one event file in logdir, in file order."""
    files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    assert len(files) == 1, files
    out = []
    for e in tf.compat.v1.train.summary_iterator(files[0]):
        for v in e.summary.value:
            out.append((e.step, v.tag, v.metadata.plugin_data.plugin_name,
                        tf.make_ndarray(v.tensor)))
    return out


def write_all(fw, logdir, data):
    w = fw.summary.create_file_writer(logdir)
    results = []
    with w.as_default():
        results.append(fw.summary.scalar("loss", data["scalar"], step=1))
        results.append(fw.summary.scalar("int_scalar", 3, step=2))
        with fw.name_scope("scope"):
            results.append(fw.summary.histogram("h", data["hist"], step=3))
        results.append(fw.summary.histogram("h_small", data["hist"], step=3, buckets=7))
        results.append(fw.summary.histogram("same", [2.5, 2.5], step=4))
        results.append(fw.summary.text("t", ["a", "bc"], step=5))
        results.append(fw.summary.image("im", data["img"], step=6, max_outputs=2))
        with fw.summary.record_if(False):
            results.append(fw.summary.scalar("skipped", 1.0, step=7))
    w.flush()
    return [bool(r) for r in results]


def test_summary_events_match_tensorflow(tf_real, tmp_path):
    rng = np.random.default_rng(7)
    data = {"scalar": np.float64(0.123456789), "hist": rng.normal(size=(50, 3)) * 3.0,
            "img": rng.uniform(-0.1, 1.1, size=(3, 4, 5, 3)).astype(np.float32)}
    got_flags = write_all(mtf, str(tmp_path / "m"), data)
    want_flags = write_all(tf_real, str(tmp_path / "t"), data)
    assert got_flags == want_flags
    got, want = events(tf_real, str(tmp_path / "m")), events(tf_real, str(tmp_path / "t"))
    assert [g[:3] for g in got] == [w[:3] for w in want]
    for (step, tag, plugin, g), (_, _, _, w) in zip(got, want):
        assert (g.dtype, g.shape) == (w.dtype, w.shape), tag
        if plugin == "histograms":
            ulp = np.spacing(np.max(np.abs(w[:, :2]))) if w.size else 0.0
            np.testing.assert_allclose(g[:, :2], w[:, :2], rtol=0, atol=4 * ulp)
            np.testing.assert_array_equal(g[:, 2], w[:, 2])
        elif plugin == "images":
            assert g[:2].tolist() == w[:2].tolist()
            dec = [tf_real.io.decode_png(x).numpy() for x in g[2:]]
            ref = [tf_real.io.decode_png(x).numpy() for x in w[2:]]
            assert len(dec) == len(ref) == 2
            for a, b in zip(dec, ref):
                np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_array_equal(g, w)


def test_tensorboard_callback_matches_keras(tf_real, tmp_path):
    """Same model, same initial weights, same data: Keras and minitf write the same tags at
    the same steps; values agree to float32 training parity (1e-6 relative, as the trajectory
    checks' floor)."""
    def run(fw, logdir, weights=None):
        keras = fw.keras
        # Named, so the weight paths (histogram tags) do not depend on how many models the
        # process made before.
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")],
                                 name="net")
        if weights is not None:
            model.set_weights(weights)
        model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
        x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
        y = np.stack([x.sum(1), x[:, 0]], 1).astype(np.float32)
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, validation_data=(x, y),
                  verbose=0, callbacks=[keras.callbacks.TensorBoard(
                      logdir, histogram_freq=1, update_freq="batch", write_graph=False)])
        return [w.numpy() if hasattr(w, "numpy") else w for w in model.get_weights()]

    init = [np.arange(6, dtype=np.float32).reshape(3, 2) / 10, np.array([0.1, -0.1], np.float32)]
    run(tf_real, str(tmp_path / "k"), init)
    run(mtf, str(tmp_path / "m"), init)
    for sub in ("train", "validation"):
        got = events(tf_real, str(tmp_path / "m" / sub))
        want = events(tf_real, str(tmp_path / "k" / sub))
        assert [g[:3] for g in got] == [w[:3] for w in want], sub
        for (step, tag, plugin, g), (_, _, _, w) in zip(got, want):
            if plugin == "histograms":
                np.testing.assert_array_equal(g[:, 2], w[:, 2])
                np.testing.assert_allclose(g[:, :2], w[:, :2], rtol=1e-6, atol=1e-7)
            else:
                np.testing.assert_allclose(g, w, rtol=1e-6)
