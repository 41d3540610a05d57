"""The fused LSTM (``ops.rnn_ops.lstm_sequence``, one op per sequence) against the generic
per-step Keras path it replaces, and against finite differences.

Both paths compute Keras's equations; on the NumPy backend the forward pass evaluates the same
NumPy expressions in the same order, so outputs and states are compared bit for bit. Gradients
sum the same terms in another order (the recurrent kernel's gradient is one matmul over all
steps instead of a sum of per-step matmuls), so in float64 they agree to rounding: 1e-12
relative. On the GPU backend (tests/test_backends.py's fixture) the fused kernel may contract
multiply-adds, so there the bound is rounding-level too (float64).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf.ops import rnn_ops
from tests.test_backends import backend  # noqa: F401  (fixture)

RTOL = 1e-12      # float64: a few ulps of rounding per step, over 7 steps


def _run(fused: bool, layer_kw: dict, x, training=False, initial=None, watch_more=False):
    """Outputs and gradients of a fresh LSTM with fixed float64 weights, fused or generic."""
    was = rnn_ops.fused_enabled()
    rnn_ops.set_fused_enabled(fused)
    try:
        tf.keras.backend.set_floatx("float64")
        layer = tf.keras.layers.LSTM(3, **layer_kw)
        layer.build((None,) + tuple(x.shape[1:]))
        rng = np.random.default_rng(7)
        for w in layer.weights:
            w.assign(rng.standard_normal(tuple(w.shape)) * 0.7)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            kw = {} if initial is None else {"initial_state": initial}
            if initial is not None:
                for s in initial:
                    tape.watch(s)
            out = layer(x, training=training, **kw)
            outs = out if isinstance(out, list) else [out]
            loss = sum(tf.reduce_sum(o * np.arange(1, o.shape[-1] + 1) * (i + 1.5))
                       for i, o in enumerate(outs))
            loss = loss + tf.reduce_sum(tf.sin(outs[0]))
        srcs = [x] + list(layer.trainable_weights) + (list(initial) if initial else [])
        grads = tape.gradient(loss, srcs)
        return [o.numpy() for o in outs], [g.numpy() for g in grads]
    finally:
        rnn_ops.set_fused_enabled(was)
        tf.keras.backend.set_floatx("float32")


def _close(a, b):
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(a - b).max() <= RTOL * scale, (np.abs(a - b).max(), scale)


CASES = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"go_backwards": True},
    {"use_bias": False, "return_sequences": True},
    {"unit_forget_bias": False, "return_state": True},
]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(kw) or "default")
def test_fused_equals_the_generic_path(backend, kw):  # noqa: F811
    x = tf.constant(np.random.default_rng(1).standard_normal((4, 7, 5)))
    fo, fg = _run(True, kw, x)
    go, gg = _run(False, kw, x)
    assert len(fo) == len(go) and len(fg) == len(gg)
    for a, b in zip(fo, go):
        assert a.shape == b.shape
        if backend == "numpy":
            np.testing.assert_array_equal(a, b)       # the same expressions, same order
        else:
            _close(a, b)
    for a, b in zip(fg, gg):
        assert a.shape == b.shape
        _close(a, b)


def test_initial_state_gradients_and_values(backend):  # noqa: F811
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((2, 6, 4)))
    init = [tf.constant(rng.standard_normal((2, 3))), tf.constant(rng.standard_normal((2, 3)))]
    fo, fg = _run(True, {"return_state": True}, x, initial=init)
    go, gg = _run(False, {"return_state": True}, x, initial=init)
    for a, b in zip(fo + fg, go + gg):
        _close(a, b)


def test_gradients_match_finite_differences():
    """Central differences of the fused op itself (float64, step 1e-6: truncation error
    O(h²)·f''' ~ 1e-12 and rounding ~ eps/h ~ 1e-10 relative, so 1e-7 is a safe bound)."""
    rng = np.random.default_rng(5)
    xz0 = rng.standard_normal((2, 4, 12))
    h00, c00 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    r0, b0 = rng.standard_normal((3, 12)) * 0.5, rng.standard_normal(12)
    wseq, wh, wc = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 3)), \
        rng.standard_normal((2, 3))

    def f(xz, h0, c0, r, b):
        seq, h, c = rnn_ops.lstm_sequence(xz, h0, c0, r, b, reverse=True,
                                          return_sequences=True)
        return tf.reduce_sum(seq * wseq) + tf.reduce_sum(h * wh) + tf.reduce_sum(c * wc)

    args = [tf.constant(a) for a in (xz0, h00, c00, r0, b0)]
    with tf.GradientTape() as tape:
        for a in args:
            tape.watch(a)
        y = f(*args)
    grads = tape.gradient(y, args)
    eps = 1e-6
    for i, a in enumerate(args):
        base = a.numpy()
        num = np.zeros_like(base)
        for j in range(base.size):
            d = np.zeros_like(base)
            d.flat[j] = eps
            plus = [tf.constant(base + d) if k == i else args[k] for k in range(5)]
            minus = [tf.constant(base - d) if k == i else args[k] for k in range(5)]
            num.flat[j] = (float(f(*plus)) - float(f(*minus))) / (2 * eps)
        np.testing.assert_allclose(grads[i].numpy(), num, rtol=1e-7, atol=1e-9)


def test_second_order_uses_a_differentiable_gradient():
    """A gradient of a gradient through the op (an outer tape recording the backward pass)
    equals the generic path's: the op's gradient falls back to recorded ops there."""
    rng = np.random.default_rng(9)
    xz = tf.constant(rng.standard_normal((2, 3, 8)))
    h0, c0 = tf.constant(rng.standard_normal((2, 2))), tf.constant(rng.standard_normal((2, 2)))
    r = tf.constant(rng.standard_normal((2, 8)) * 0.5)

    def generic(xz, r):
        h, c = h0, c0
        for t in range(3):
            z = xz[:, t] + tf.matmul(h, r)
            zi, zf, zc, zo = tf.split(z, 4, axis=1)
            c = tf.sigmoid(zf) * c + tf.sigmoid(zi) * tf.tanh(zc)
            h = tf.sigmoid(zo) * tf.tanh(c)
        return h

    def fused(xz, r):
        return rnn_ops.lstm_sequence(xz, h0, c0, r)[1]

    results = []
    for fn in (fused, generic):
        with tf.GradientTape() as outer:
            outer.watch(r)
            with tf.GradientTape() as inner:
                inner.watch(xz)
                y = tf.reduce_sum(fn(xz, r) ** 2)
            g = inner.gradient(y, xz)
            gg = tf.reduce_sum(g * g)
        results.append((g.numpy(), outer.gradient(gg, r).numpy()))
    for a, b in zip(*results):
        _close(a, b)


def test_the_generic_path_keeps_masks_and_other_activations():
    """Masks, recurrent dropout and non-default activations are not the fused op's: the layer
    must not route them there (the op would ignore the mask)."""
    from minitf.keras.layers.rnn import base
    calls = []
    real = rnn_ops.lstm_sequence

    def spy(*a, **k):
        calls.append(1)
        return real(*a, **k)
    base.rnn_ops.lstm_sequence = spy
    try:
        x = tf.ones((2, 4, 3))
        tf.keras.layers.LSTM(2)(x)
        assert calls == [1]
        tf.keras.layers.LSTM(2)(x, mask=tf.constant([[True, True, False, False]] * 2))
        tf.keras.layers.LSTM(2, activation="relu")(x)
        tf.keras.layers.LSTM(2, recurrent_dropout=0.5)(x, training=True)
        assert calls == [1]
    finally:
        base.rnn_ops.lstm_sequence = real


def test_traced_step_equals_eager():
    x = tf.constant(np.random.default_rng(2).standard_normal((3, 5, 4)).astype(np.float32))
    layer = tf.keras.layers.LSTM(6, return_sequences=True)
    layer(x)

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(layer(x) ** 2)
        return y, tape.gradient(y, layer.trainable_weights)
    ey, eg = step()
    ty, tg = tf.function(step)()
    if tf.constant(0.0).device.endswith("CPU:0"):
        # the replay runs the same NumPy calls on the same arrays
        np.testing.assert_array_equal(ey.numpy(), ty.numpy())
        for a, b in zip(eg, tg):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        return
    # On the GPU a captured graph calls cuBLAS's gemm directly where eager code goes through
    # CuPy (which may pick a split-K algorithm): float32 sums of at most K = 24 products in
    # another order differ by at most K·u·Σ|terms| (u = 2^-24), i.e. 1.5e-6 of the scale, per
    # matmul; forward and backward chain about 3·5 of them over five steps, so 2.5e-5 of the
    # largest magnitude bounds the difference.
    for a, b in zip([ey] + list(eg), [ty] + list(tg)):
        a, b = a.numpy(), b.numpy()
        assert np.abs(a - b).max() <= 2.5e-5 * np.abs(b).max()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_direct_gemm_with_plain_and_transposed_operands(backend, dtype):  # noqa: F811
    """``_rnn_kernels.gemm`` (cuBLAS called directly on the GPU) against the float64 product:
    a dot product of K = 19 terms rounds by at most K·u·Σ|a·b| in any order."""
    from minitf import _backend as B
    from minitf import _rnn_kernels as RK
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal((37, 19)).astype(dtype), rng.standard_normal((19, 23)).astype(dtype)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    bound = 19 * np.finfo(dtype).eps / 2 * (np.abs(a).astype(np.float64) @ np.abs(b))
    dev = tf.constant(a)._value
    to = (lambda x: B.cupy().asarray(x)) if backend == "cupy" else np.asarray
    for x, y in ((to(a), to(b)), (to(a), to(np.ascontiguousarray(b.T)).T),
                 (to(np.ascontiguousarray(a.T)).T, to(b))):
        got = RK.gemm(x, y)
        assert type(got) is type(dev)
        got = got.get() if hasattr(got, "get") else got
        assert got.dtype == dtype and np.all(np.abs(got - exact) <= bound)


def test_explain_shows_the_fused_sequence_as_one_record(tmp_path):
    from minitf import explain
    x = tf.ones((2, 4, 3))
    layer = tf.keras.layers.LSTM(2)
    layer(x)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(layer(x))
    text = explain.describe(tape, y)
    assert "3. LSTMSequence(" in text and "4. Sum(" in text     # projection, reshape, LSTM
    explain.html(tape, y, layer.trainable_weights, path=str(tmp_path / "lstm.html"))
    page = (tmp_path / "lstm.html").read_text()
    assert "LSTMSequence" in page and "backpropagation through time" in page
