"""The eager fast paths of a Keras training step (issue #13: CPU speed) give exactly what the
general paths give: the fused MeanSquaredError op, Dense's direct call and its NumPy backward,
Layer.__call__'s shortcut, the optimizer's and the tape's shortcuts, nest's flat-list case.

Every comparison is bit for bit (``assert_array_equal``): a fast path does the same floating
point operations in the same order as the path it skips, so nothing may differ.
"""
from __future__ import annotations

import collections

import numpy as np
import pytest

import minitf as tf
from minitf import nest
from minitf.keras.losses import Loss, MeanSquaredError

eq = np.testing.assert_array_equal


def _ops_recorded(tape) -> list:
    return [r.op for r in tape._records]


def _general_mse(loss, y_true, y_pred, **kw):
    """The loss through Keras's general pipeline (Loss.__call__: convert, call, reduce)."""
    return Loss.__call__(loss, y_true, y_pred, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(32, 1), (4, 3), (2, 3, 5)])
def test_fused_mse_equals_the_five_ops(dtype, shape):
    rng = np.random.default_rng(0)
    yt = tf.constant(rng.standard_normal(shape).astype(dtype))
    yp = tf.constant(rng.standard_normal(shape).astype(dtype))
    loss = MeanSquaredError(dtype=tf.as_dtype(dtype))
    results = []
    for fn in (loss, lambda a, b: _general_mse(loss, a, b)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([yt, yp])
            value = fn(yt, yp)
        ops = _ops_recorded(tape)
        grads = tape.gradient(value, [yt, yp])
        seeded = tape.gradient(value, [yt, yp], output_gradients=tf.constant(0.37, value.dtype))
        results.append((ops, value, grads, seeded))
    (fast_ops, fv, fg, fs), (gen_ops, gv, gg, gs) = results
    assert fast_ops == ["MeanSquaredError"]                     # the fast path ran
    assert "MeanSquaredError" not in gen_ops and "Square" in gen_ops   # and the other did not
    assert fv.dtype == gv.dtype and fv.shape == gv.shape == ()
    eq(fv.numpy(), gv.numpy())
    for a, b in zip(fg + fs, gg + gs):
        assert a.dtype == b.dtype
        eq(a.numpy(), b.numpy())


def test_fused_mse_value_by_hand():
    # ((1 + 4) / 2 + (1 + 4) / 2) / 2 = 2.5; d(loss)/d(y_pred) = 2 (y_pred - y_true) / 4
    yt = tf.constant([[0., 2.], [1., 1.]], tf.float64)
    yp = tf.Variable([[1., 0.], [2., 3.]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        value = MeanSquaredError(dtype="float64")(yt, yp)
    assert float(value) == 2.5
    eq(tape.gradient(value, yp).numpy(), [[0.5, -1.0], [0.5, 1.0]])


def test_fused_mse_second_derivatives_and_recorded_backward():
    """A tape recording the backward pass (nested tapes; a persistent tape asked inside its
    block) takes the VJP's op branch: the same numbers as the NumPy branch, and a correct
    second derivative: d²/dy_pred² of the loss is 2 / n (n = 6 values) on the diagonal."""
    rng = np.random.default_rng(1)
    yt = tf.constant(rng.standard_normal((2, 3)))
    yp = tf.Variable(rng.standard_normal((2, 3)))
    c = tf.constant(rng.standard_normal((2, 3)))
    loss = MeanSquaredError(dtype="float64")
    out = []
    for fn in (loss, lambda a, b: _general_mse(loss, a, b)):
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                value = fn(yt, yp)
            g = inner.gradient(value, yp)            # recorded by `outer`
            s = tf.reduce_sum(g * c)
        out.append((g, outer.gradient(s, yp)))
        with tf.GradientTape(persistent=True) as tape:
            value = fn(yt, yp)
            inside = tape.gradient(value, yp)        # recorded by the tape itself
        outside = tape.gradient(value, yp)
        eq(inside.numpy(), outside.numpy())
    (fg, fh), (gg, gh) = out
    eq(fg.numpy(), gg.numpy())
    eq(fh.numpy(), gh.numpy())
    np.testing.assert_allclose(fh.numpy(), c.numpy() * 2 / 6, rtol=1e-15)


def test_mse_guards_keep_the_general_path():
    """What the fused op does not cover still goes the general way, with Keras's results."""
    loss = MeanSquaredError()
    yt = tf.constant([[1.], [2.], [3.]])
    yp = tf.constant([[1.5], [2.], [2.]])
    # sample weights: sum(w * per-sample) / 3 = (0.25 * 2 + 1 * 1) / 3
    assert abs(float(loss(yt, yp, sample_weight=tf.constant([2., 0., 1.]))) - 0.5) < 1e-7
    # ranks differing by a trailing 1 are squeezed: y_true (3,) with y_pred (3, 1)
    assert float(loss(tf.constant([1., 2., 3.]), yp)) == float(loss(yt, yp))
    # a subclass's own call is used
    class Doubled(MeanSquaredError):
        def call(self, y_true, y_pred):
            return 2 * super().call(y_true, y_pred)
    assert float(Doubled()(yt, yp)) == 2 * float(loss(yt, yp))
    # other reductions
    eq(MeanSquaredError(reduction="none")(yt, yp).numpy(), [0.25, 0., 1.])
    assert float(MeanSquaredError(reduction="sum")(yt, yp)) == 1.25


def _dense_general(x, kernel, bias, relu):
    y = tf.matmul(x, kernel) + bias
    return tf.nn.relu(y) if relu else y


@pytest.mark.parametrize("activation", ["relu", None])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_fast_path_equals_separate_ops(activation, dtype):
    rng = np.random.default_rng(2)
    layer = tf.keras.layers.Dense(5, activation=activation, dtype=dtype)
    x = tf.constant(rng.standard_normal((7, 4)).astype(dtype))
    layer(x)                                   # build and first call
    layer.bias.assign(rng.standard_normal(5).astype(dtype))
    relu = activation == "relu"
    results = []
    for fn in (lambda: layer(x, training=True),
               lambda: _dense_general(x, layer.kernel, layer.bias, relu)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            out = fn()
            loss = tf.reduce_sum(out * out)
            inside = tape.gradient(loss, [x, layer.kernel, layer.bias])  # recorded backward
        outside = tape.gradient(loss, [x, layer.kernel, layer.bias])     # NumPy backward
        results.append((_ops_recorded(tape)[0], out, inside, outside))
    (fast_op, fo, fi, fx), (gen_op, go, gi, gx) = results
    assert fast_op == "Dense" and gen_op == "MatMul"
    eq(fo.numpy(), go.numpy())
    for a, b, c, d in zip(fi, fx, gi, gx):
        eq(a.numpy(), c.numpy())
        eq(b.numpy(), d.numpy())
        eq(a.numpy(), b.numpy())


def test_dense_inputs_the_fast_path_does_not_take():
    layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
    layer(tf.zeros((1, 3)))
    # float64 and int inputs are cast to the layer's float32 (the general path)
    assert layer(tf.ones((1, 3), tf.float64)).dtype == tf.float32
    assert layer(tf.constant([[1, 2, 3]])).numpy().tolist() == [[6.0, 6.0]]
    # rank 3: the kernel applies to the last axis, and the gradient sums the batch axes
    x = tf.ones((2, 4, 3))
    with tf.GradientTape() as tape:
        y = layer(x)
    assert y.shape == (2, 4, 2)
    eq(tape.gradient(y, layer.bias).numpy(), [8., 8.])
    # a wrong last axis is Keras's ValueError
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(tf.ones((1, 4)))


def test_layer_call_shortcut_keeps_training_masks_and_losses():
    seen = []

    class Probe(tf.keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, inputs):
            self.add_loss(tf.reduce_sum(inputs))
            return self.probe(inputs)                # no training argument: inherited

    outer = Outer()
    x = tf.ones((2, 3))
    for flag in (True, False, True):
        outer(x, training=flag)
        assert outer.losses[0].numpy() == 6.0 and len(outer.losses) == 1
    assert seen == [True, False, True]       # the first call, then two by the shortcut
    # a mask made by a layer still reaches the next layer's output
    model = tf.keras.Sequential([tf.keras.layers.Embedding(5, 2, mask_zero=True),
                                 tf.keras.layers.Dense(1)])
    ids = tf.constant([[1, 0, 2]])
    for _ in range(2):
        out = model(ids)
        eq(out._keras_mask.numpy(), [[True, False, True]])
    # an activity regularizer still adds its loss on every call: l1's 0.01 * sum|y| (y = 3
    # in each row), divided by the batch size, Keras's way: 0.03 for any batch
    reg = tf.keras.layers.Dense(1, kernel_initializer="ones", activity_regularizer="l1")
    for rows in (2, 4):
        reg(tf.ones((rows, 3)))
        assert len(reg.losses) == 1 and float(reg.losses[0]) == pytest.approx(0.03, rel=1e-6)


def test_apply_gradients_shortcuts():
    opt = tf.keras.optimizers.SGD(0.5)
    a, b = tf.Variable([1.0, 2.0]), tf.Variable(3.0, dtype=tf.float64)
    opt.apply_gradients([(tf.constant([2.0, 2.0]), a)])
    # a variable the optimizer has not seen yet, with a gradient of another dtype (cast)
    opt.apply_gradients([(tf.constant([2.0, 2.0]), a), (np.float32(4.0), b)])
    eq(a.numpy(), [-1.0, 0.0])
    assert float(b) == 1.0 and b.dtype == tf.float64
    assert len(opt._vars) == 2 and int(opt.iterations) == 2


def test_nest_flat_lists_and_tuples():
    point = collections.namedtuple("point", "x y")
    flat = [1, 2, 3]
    out = nest.flatten(flat)
    assert out == flat and out is not flat
    assert nest.flatten((1, 2)) == [1, 2]
    assert nest.flatten([1, point(2, 3)]) == [1, 2, 3]       # a namedtuple is nested
    assert nest.flatten([{"b": 1, "a": 2}]) == [2, 1]
    assert nest.pack_sequence_as((0, 0), [5, 6]) == (5, 6)
    assert nest.pack_sequence_as([0, 0], [5, 6]) == [5, 6]
    assert nest.pack_sequence_as([0, point(0, 0)], [1, 2, 3]) == [1, point(2, 3)]
    assert nest.pack_sequence_as(point(0, 0), [1, 2]) == point(1, 2)
