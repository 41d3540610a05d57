"""Issue #17's Keras additions without TensorFlow: layer outputs against NumPy formulas in
float64 (1e-12), input and weight gradients against central finite differences, weight
shapes, errors; losses, metrics, initializers and optimizer rules by hand.

Finite differences: central, step h = 1e-6 in float64, truncation error O(h**2 f''') ~ 1e-12
and rounding error ~ eps * |f| / h ~ 1e-10 for O(1) values, so rtol 1e-6 / atol 1e-7 has a
3-decade margin over both while still catching any wrong derivative (errors O(1))."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _fd_check(f, arrays, argnum_grads, h=1e-6):
    """``argnum_grads[i]`` must equal d sum(f(*arrays) * W) / d arrays[i] for a fixed W."""
    out0 = np.asarray(f(*arrays))
    w = np.random.default_rng(3).standard_normal(out0.shape)
    for i, g in enumerate(argnum_grads):
        a = arrays[i]
        num = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][idx] += h
            minus[i][idx] -= h
            num[idx] = (np.sum(np.asarray(f(*plus)) * w) - np.sum(np.asarray(f(*minus)) * w)) / (2 * h)
        np.testing.assert_allclose(np.asarray(g), num, rtol=1e-6, atol=1e-7)
    return w


def _layer_grads(layer, xs):
    """Output, and gradients of sum(out * W) w.r.t. the inputs and trainable weights."""
    ts = [tf.constant(x) for x in xs]
    arg = ts if len(ts) > 1 else ts[0]
    out = layer(arg)
    w = np.random.default_rng(3).standard_normal(tuple(out.shape))
    with tf.GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        out = layer(arg)
        s = tf.reduce_sum(out * tf.constant(w))
    return out, tape.gradient(s, ts + list(layer.trainable_weights))


def _check_layer_fd(layer, xs):
    """Input gradients of ``layer`` (weights fixed) against finite differences."""
    out, grads = _layer_grads(layer, xs)

    def f(*arrs):
        a = [tf.constant(x) for x in arrs]
        return layer(a if len(a) > 1 else a[0]).numpy()
    _fd_check(f, [np.array(x) for x in xs], grads[:len(xs)])
    return out, grads


# ---- activation layers -------------------------------------------------------------------

def test_softmax_layer_value_mask_and_gradient():
    x = _x((3, 4))
    out, _ = _check_layer_fd(keras.layers.Softmax(dtype="float64"), [x])
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(out.numpy(), e / e.sum(-1, keepdims=True), rtol=1e-12)
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 0, 1, 1]], bool)
    m = keras.layers.Softmax(dtype="float64")(tf.constant(x), mask=tf.constant(mask)).numpy()
    assert np.all(m[~mask] == 0) and np.all(m[1] == 0)     # a fully masked row gives zeros
    np.testing.assert_allclose(m[0, :2], np.exp(x[0, :2]) / np.exp(x[0, :2]).sum(), rtol=1e-12)
    with pytest.raises(ValueError, match="broadcastable"):
        keras.layers.Softmax()(tf.ones((2, 3)), mask=tf.ones((2, 4)))


def test_softmax_over_several_axes():
    x = _x((2, 3, 4))
    out = keras.layers.Softmax(axis=(1, 2), dtype="float64")(tf.constant(x)).numpy()
    e = np.exp(x)
    np.testing.assert_allclose(out, e / e.sum((1, 2), keepdims=True), rtol=1e-12)


def test_relu_layer_arguments_and_kinks():
    x = np.array([[-1.0, 0.0, 0.2, 0.5, 1.0, 3.0]])
    out = keras.layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2,
                            dtype="float64")(tf.constant(x)).numpy()
    want = np.where(x > 0.2, np.minimum(x, 1.0), 0.1 * (x - 0.2))
    np.testing.assert_allclose(out, want, rtol=1e-12)
    for kw in ({"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": -1.0}):
        with pytest.raises(ValueError, match="ReLU"):
            keras.layers.ReLU(**kw)


def test_leaky_relu_default_slope_and_deprecated_alpha():
    x = np.array([[-2.0, 3.0]])
    out = keras.layers.LeakyReLU(dtype="float64")(tf.constant(x)).numpy()
    # TF's LeakyRelu kernel takes alpha as a float32 attribute, also for float64 inputs
    np.testing.assert_allclose(out, [[-2.0 * float(np.float32(0.3)), 3.0]], rtol=1e-12)
    with pytest.warns(UserWarning, match="alpha"):
        layer = keras.layers.LeakyReLU(alpha=0.5)
    assert layer.negative_slope == 0.5 and layer.get_config()["negative_slope"] == 0.5
    with pytest.raises(ValueError):
        keras.layers.LeakyReLU(negative_slope=-1)


def test_prelu_weights_value_and_gradients():
    layer = keras.layers.PReLU(shared_axes=[1], dtype="float64")
    x = _x((2, 3, 4))
    layer(tf.constant(x))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("alpha", (1, 4))]
    assert layer.count_params() == 4
    np.testing.assert_array_equal(layer.alpha.numpy(), 0.0)    # Zeros initializer
    alpha = _x((1, 4), 5)
    layer.set_weights([alpha])
    out, grads = _check_layer_fd(layer, [x])
    np.testing.assert_allclose(out.numpy(), np.where(x > 0, x, alpha * x), rtol=1e-12)
    w = np.random.default_rng(3).standard_normal(x.shape)
    np.testing.assert_allclose(grads[1].numpy(), (np.minimum(x, 0) * w).sum(0, keepdims=True)
                               .sum(1, keepdims=True)[0], rtol=1e-12)


def test_elu_layer():
    x = np.array([[-1.0, 0.0, 2.0]])
    out = keras.layers.ELU(alpha=0.5, dtype="float64")(tf.constant(x)).numpy()
    np.testing.assert_allclose(out, np.where(x > 0, x, 0.5 * np.expm1(x)), rtol=1e-12)


# ---- normalization layers ----------------------------------------------------------------

def _ln_ref(x, axes, gamma, beta, eps):
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def test_layer_normalization_value_weights_gradients():
    layer = keras.layers.LayerNormalization(dtype="float64")
    x = _x((3, 5))
    layer(tf.constant(x))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("gamma", (5,)), ("beta", (5,))]
    g, b = _x((5,), 1), _x((5,), 2)
    layer.set_weights([g, b])
    out, grads = _check_layer_fd(layer, [x])
    np.testing.assert_allclose(out.numpy(), _ln_ref(x, -1, g, b, 1e-3), rtol=1e-12, atol=1e-14)
    w = np.random.default_rng(3).standard_normal(x.shape)
    xhat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(grads[1].numpy(), (w * xhat).sum(0), rtol=1e-10)
    np.testing.assert_allclose(grads[2].numpy(), w.sum(0), rtol=1e-12)


def test_layer_normalization_several_axes_and_options():
    x = _x((2, 3, 4))
    layer = keras.layers.LayerNormalization(axis=[2, 1], center=False, dtype="float64")
    out = layer(tf.constant(x)).numpy()
    assert layer.get_config()["axis"] == [1, 2]       # stored sorted, as Keras
    assert [w.name for w in layer.weights] == ["gamma"]
    np.testing.assert_allclose(out, _ln_ref(x, (1, 2), 1.0, 0.0, 1e-3), rtol=1e-12, atol=1e-14)
    with pytest.raises(TypeError):
        keras.layers.LayerNormalization(axis="last")


def test_group_normalization_value_and_errors():
    x = _x((2, 3, 8))
    layer = keras.layers.GroupNormalization(groups=2, dtype="float64")
    out, _ = _check_layer_fd(layer, [x])
    xg = x.reshape(2, 3, 2, 4)
    ref = ((xg - xg.mean((1, 3), keepdims=True)) / np.sqrt(xg.var((1, 3), keepdims=True) + 1e-3))
    np.testing.assert_allclose(out.numpy(), ref.reshape(x.shape), rtol=1e-12, atol=1e-14)
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("gamma", (8,)), ("beta", (8,))]
    with pytest.raises(ValueError, match="multiple"):
        keras.layers.GroupNormalization(groups=3)(tf.ones((2, 8)))
    with pytest.raises(ValueError, match="more than"):
        keras.layers.GroupNormalization(groups=16)(tf.ones((2, 8)))
    with pytest.raises(ValueError, match="groups"):
        keras.layers.GroupNormalization(groups=0)
    inst = keras.layers.GroupNormalization(groups=-1)
    inst(tf.ones((2, 5, 4)))
    assert inst.groups == 4


def test_unit_normalization_value_zero_row_and_gradient():
    x = _x((3, 4))
    x[1] = 0.0
    layer = keras.layers.UnitNormalization(dtype="float64")
    out = layer(tf.constant(x)).numpy()
    np.testing.assert_array_equal(out[1], 0.0)                  # no NaN for a zero row
    np.testing.assert_allclose(out[[0, 2]], x[[0, 2]] / np.linalg.norm(x[[0, 2]], axis=-1,
                                                                          keepdims=True),
                               rtol=1e-12)
    _check_layer_fd(layer, [_x((3, 4), 4)])


# ---- reshaping, merging, masking ---------------------------------------------------------

def test_repeat_vector_and_permute():
    x = _x((2, 3))
    out, _ = _check_layer_fd(keras.layers.RepeatVector(4, dtype="float64"), [x])
    np.testing.assert_array_equal(out.numpy(), np.repeat(x[:, None, :], 4, axis=1))
    with pytest.raises(TypeError):
        keras.layers.RepeatVector(2.0)
    with pytest.raises(ValueError):
        keras.layers.RepeatVector(0)
    y = _x((2, 3, 4, 5))
    out = keras.layers.Permute((3, 1, 2))(tf.constant(y)).numpy()
    np.testing.assert_array_equal(out, y.transpose(0, 3, 1, 2).astype(np.float32))
    with pytest.raises(ValueError, match="consecutive"):
        keras.layers.Permute((1, 3))


@pytest.mark.parametrize("cls,ref", [
    ("Multiply", lambda a, b, c: a * b * c), ("Average", lambda a, b, c: (a + b + c) / 3),
    ("Maximum", lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    ("Minimum", lambda a, b, c: np.minimum(np.minimum(a, b), c))])
def test_elementwise_merges(cls, ref):
    xs = [_x((3, 4), i) for i in range(3)]
    layer = getattr(keras.layers, cls)(dtype="float64")
    out, _ = _check_layer_fd(layer, xs)
    np.testing.assert_allclose(out.numpy(), ref(*xs), rtol=1e-12)
    fn = getattr(keras.layers, cls.lower())
    np.testing.assert_allclose(fn([tf.constant(x) for x in xs]).numpy(), ref(*xs), rtol=1e-6)
    with pytest.raises(ValueError, match="list"):
        layer(tf.constant(xs[0]))


def test_subtract_needs_exactly_two():
    a, b = _x((2, 3)), _x((2, 3), 1)
    out, _ = _check_layer_fd(keras.layers.Subtract(dtype="float64"), [a, b])
    np.testing.assert_allclose(out.numpy(), a - b, rtol=1e-12)
    with pytest.raises(ValueError, match="exactly 2"):
        keras.layers.Subtract()([tf.constant(a)] * 3)


def test_dot_axes_normalize_and_errors():
    a, b = _x((3, 4)), _x((3, 4), 1)
    out, _ = _check_layer_fd(keras.layers.Dot(axes=1, dtype="float64"), [a, b])
    np.testing.assert_allclose(out.numpy(), (a * b).sum(1, keepdims=True), rtol=1e-12)
    cos = keras.layers.Dot(axes=-1, normalize=True, dtype="float64")([tf.constant(a),
                                                                      tf.constant(b)]).numpy()
    want = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(cos[:, 0], want, rtol=1e-12)
    x, y = _x((2, 3, 4)), _x((2, 4, 5), 1)
    out, _ = _check_layer_fd(keras.layers.Dot(axes=(2, 1), dtype="float64"), [x, y])
    np.testing.assert_allclose(out.numpy(), np.einsum("bij,bjk->bik", x, y), rtol=1e-12)
    with pytest.raises(ValueError, match="Incompatible"):
        keras.layers.Dot(axes=1)([tf.ones((2, 3)), tf.ones((2, 4))])
    with pytest.raises(ValueError, match="axis 0"):
        keras.layers.Dot(axes=0)([tf.ones((2, 3)), tf.ones((2, 3))])
    with pytest.raises(TypeError):
        keras.layers.Dot(axes="1")


def test_masking_zeroes_and_attaches_the_mask():
    x = _x((2, 3, 2))
    x[0, 1] = 0.0
    x[1, 2, 0] = 0.0                      # only one feature equal to mask_value: kept
    out = keras.layers.Masking(dtype="float64")(tf.constant(x))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True],
                                                            [True, True, True]])
    np.testing.assert_array_equal(out.numpy(), x)
    x2 = x.copy()
    x2[1, 0] = 7.0
    out2 = keras.layers.Masking(mask_value=7.0, dtype="float64")(tf.constant(x2))
    assert out2.numpy()[1, 0].tolist() == [0.0, 0.0]             # masked steps are zeroed
    sm = keras.layers.Softmax(dtype="float64")(tf.constant(_x((2, 3))) * 1.0)
    assert not hasattr(sm, "_keras_mask")
    # Softmax reads a mask attached to its input; Masking's (batch, timesteps) mask does not
    # broadcast against its own (batch, timesteps, features) output: ValueError, as in Keras
    masked = keras.layers.Masking(dtype="float64")(tf.constant([[1.0, 0.0, 2.0]])[..., None])
    with pytest.raises(ValueError, match="broadcastable"):
        keras.layers.Softmax(axis=1)(masked)
    logits = tf.constant([[1.0, 5.0, 2.0]])
    logits._keras_mask = tf.constant([[True, False, True]])     # as a masking layer leaves it
    probs = keras.layers.Softmax()(logits).numpy()
    assert probs[0, 1] == 0.0
    np.testing.assert_allclose(probs[0, [0, 2]], np.exp([1, 2]) / np.exp([1, 2]).sum(), rtol=1e-6)


def test_masking_mask_passes_through_the_new_layers():
    x = _x((2, 3, 4))
    x[0, 2] = 0.0
    masked = keras.layers.Masking(dtype="float64")(tf.constant(x))
    want = [[True, True, False], [True, True, True]]
    for layer in (keras.layers.ReLU(dtype="float64"), keras.layers.LeakyReLU(dtype="float64"),
                  keras.layers.ELU(dtype="float64"), keras.layers.PReLU(dtype="float64"),
                  keras.layers.LayerNormalization(dtype="float64"),
                  keras.layers.GroupNormalization(groups=2, dtype="float64"),
                  keras.layers.UnitNormalization(dtype="float64")):
        out = layer(masked)
        np.testing.assert_array_equal(out._keras_mask.numpy(), want)
    assert getattr(keras.layers.Permute((2, 1))(masked), "_keras_mask", None) is None


# ---- optimizers: one or two steps by hand (float64, NumPy) -----------------------------------

def _steps(opt, grads, w0):
    v = tf.Variable(np.array(w0, np.float64))
    for g in grads:
        opt.apply_gradients([(tf.constant(np.array(g, np.float64)), v)])
    return v.numpy()


def _f32(x):
    return float(np.float32(x))      # Keras's cast(): a Python float through float32


def test_adamax_two_steps_by_hand():
    w, g1, g2 = np.array([1.0, -2.0]), np.array([0.5, -3.0]), np.array([-1.0, 0.25])
    lr, b1, b2, eps = _f32(0.01), 0.9, 0.999, 1e-7
    m = u = np.zeros(2)
    for t, g in enumerate([g1, g2], start=1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - _f32(b1) ** t) * (u + eps))
    got = _steps(tf.keras.optimizers.Adamax(learning_rate=0.01), [g1, g2], [1.0, -2.0])
    np.testing.assert_allclose(got, w, rtol=1e-14)


def test_adadelta_two_steps_by_hand():
    w, gs = np.array([1.0, -2.0]), [np.array([0.5, -3.0]), np.array([-1.0, 0.25])]
    lr, rho, eps = _f32(0.5), 0.95, 1e-7
    ag = ad = np.zeros(2)
    for g in gs:
        ag = rho * ag + (1 - rho) * g * g
        d = -np.sqrt(ad + eps) * g / np.sqrt(ag + eps)
        ad = rho * ad + (1 - rho) * d * d
        w = w + lr * d
    got = _steps(tf.keras.optimizers.Adadelta(learning_rate=0.5), gs, [1.0, -2.0])
    np.testing.assert_allclose(got, w, rtol=1e-14)


def test_ftrl_two_steps_by_hand_with_l1_l2_shrinkage_beta():
    w, gs = np.array([1.0, -2.0, 0.01]), [np.array([0.5, -3.0, 0.001]), np.array([-1.0, 0.25, 0.0])]
    lr, p, l1, l2, l2s, beta = _f32(0.1), 0.6, 0.01, 0.02, 0.03, 0.5
    n = np.full(3, _f32(0.1))
    z = np.zeros(3)
    for g in gs:
        gt = g + 2 * l2s * w
        n_new = n + g * g
        z = z + gt - (n_new ** p - n ** p) / lr * w
        quad = n_new ** p / lr + 2 * (l2 + beta / (2 * lr))
        w = (np.clip(z, -l1, l1) - z) / quad
        n = n_new
    opt = tf.keras.optimizers.Ftrl(learning_rate=0.1, learning_rate_power=-0.6,
                                   l1_regularization_strength=l1, l2_regularization_strength=l2,
                                   l2_shrinkage_regularization_strength=l2s, beta=beta)
    got = _steps(opt, gs, [1.0, -2.0, 0.01])
    np.testing.assert_allclose(got, w, rtol=1e-13)
    assert np.any(got == 0.0)          # the L1 clip zeroes a small weight exactly
    for kw in ({"learning_rate_power": 0.5}, {"initial_accumulator_value": -1.0},
               {"l2_regularization_strength": -1.0}):
        with pytest.raises(ValueError):
            tf.keras.optimizers.Ftrl(**kw)


def test_lion_two_steps_by_hand_and_zero_sign():
    w, gs = np.array([1.0, -2.0, 3.0]), [np.array([0.5, -3.0, 0.0]), np.array([-1.0, 0.25, 0.0])]
    lr, b1, b2 = _f32(0.01), _f32(0.9), _f32(0.99)
    m = np.zeros(3)
    for g in gs:
        w = w - lr * np.sign(m * b1 + g * (1 - b1))
        m = m * b2 + g * (1 - b2)
    got = _steps(tf.keras.optimizers.Lion(learning_rate=0.01), gs, [1.0, -2.0, 3.0])
    np.testing.assert_allclose(got, w, rtol=1e-14)
    assert got[2] == 3.0                 # sign(0) = 0: no step
    with pytest.raises(ValueError, match="beta_1"):
        tf.keras.optimizers.Lion(beta_1=1.5)


def test_new_optimizers_slot_names_and_get():
    v = tf.Variable(np.ones(2, np.float32))
    for name, slots in [("adamax", ["momentum", "norm"]),
                        ("adadelta", ["accumulated_grad", "accumulated_delta_var"]),
                        ("ftrl", ["accumulator", "linear"]), ("lion", ["momentum"])]:
        opt = tf.keras.optimizers.get(name)
        assert opt.name == name
        opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
        assert [k[1] for k in opt._slots] == slots


def test_loss_scale_optimizer_skips_halves_and_grows():
    v = tf.Variable(np.ones(2, np.float32))
    opt = tf.keras.optimizers.LossScaleOptimizer(tf.keras.optimizers.SGD(0.1, momentum=0.5),
                                                 initial_scale=4.0, dynamic_growth_steps=2)
    assert float(opt.scale_loss(tf.constant(2.0))) == 8.0       # before build: initial_scale
    opt.apply_gradients([(tf.constant([8.0, 8.0]), v)])        # grads of 4 * loss: g = 2
    np.testing.assert_allclose(v.numpy(), [0.8, 0.8], rtol=1e-6)
    mom = [s.numpy().copy() for s in opt.inner_optimizer._slots.values()]
    opt.apply_gradients([(tf.constant([np.nan, 8.0]), v)])     # skipped entirely
    np.testing.assert_allclose(v.numpy(), [0.8, 0.8], rtol=1e-6)
    assert int(opt.iterations) == 1 and float(opt.dynamic_scale) == 2.0
    np.testing.assert_array_equal([s.numpy() for s in opt.inner_optimizer._slots.values()], mom)
    opt.apply_gradients([(tf.constant([2.0, 2.0]), v)])        # finite: counter 1
    opt.apply_gradients([(tf.constant([2.0, 2.0]), v)])        # counter hits 2 - 1: doubles
    assert float(opt.dynamic_scale) == 4.0 and int(opt.step_counter) == 0
    assert int(opt.iterations) == 3
    assert [x.name.split(":")[0] for x in opt.variables][:4] == ["iteration", "learning_rate",
                                                                 "step_counter", "dynamic_scale"]
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        tf.keras.optimizers.LossScaleOptimizer(tf.keras.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic=False"):
        tf.keras.optimizers.LossScaleOptimizer(tf.keras.optimizers.SGD(), dynamic=False)


def test_fit_scales_the_loss_with_a_loss_scale_optimizer():
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    w = [np.full((3, 1), 0.1, np.float32), np.zeros(1, np.float32)]
    hist = []
    for opt in (tf.keras.optimizers.SGD(0.05),
                tf.keras.optimizers.LossScaleOptimizer(tf.keras.optimizers.SGD(0.05),
                                                       initial_scale=2.0 ** 120)):
        model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
        model.set_weights(w)
        model.compile(optimizer=opt, loss="mse")
        hist.append(model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0))
    # the reported loss is the unscaled one, and the updates equal plain SGD's: a power-of-two
    # scale divides back exactly
    np.testing.assert_array_equal(hist[0].history["loss"], hist[1].history["loss"])


# ---- Keras 3 strictness ------------------------------------------------------------------

def test_attributes_before_super_init_are_kept_and_tracked():
    class Block(keras.layers.Layer):
        def __init__(self):
            self.units = 3                          # before Layer.__init__, as Keras allows
            self.inner = keras.layers.Dense(2)
            self.scale = tf.Variable(1.0)
            super().__init__()

        def call(self, x):
            return self.inner(x) * self.scale
    block = Block()
    out = block(tf.ones((1, 4)))
    assert block.units == 3 and tuple(out.shape) == (1, 2)
    assert len(block.weights) == 3 and len(block.trainable_weights) == 3

    class Net(keras.Model):
        def __init__(self):
            self.width = 5
            super().__init__()
            self.d = keras.layers.Dense(self.width)

        def call(self, x):
            return self.d(x)
    net = Net()
    assert tuple(net(tf.ones((2, 3))).shape) == (2, 5) and len(net.weights) == 2


def test_reset_states_was_removed_from_metrics_and_layers():
    for obj in (keras.metrics.Mean(), keras.metrics.AUC(), keras.layers.Dense(2)):
        with pytest.raises(AttributeError):
            obj.reset_states()
    m = keras.metrics.Mean()
    m.update_state([2.0])
    m.reset_state()
    assert float(m.result()) == 0.0


def test_python_numbers_are_not_positional_inputs():
    lam = keras.layers.Lambda(lambda x: x[0] + x[1])
    np.testing.assert_array_equal(lam([tf.ones(2), np.ones(2, np.float32)]).numpy(), [2.0, 2.0])
    for layer, arg in ((keras.layers.Lambda(lambda x: x), [1.0, 2.0]),
                       (keras.layers.Lambda(lambda x: x), 3.0),
                       (keras.layers.Dense(2), [[1.0, 2.0]]),
                       (keras.layers.Add(), [1.0, 2.0])):
        with pytest.raises(ValueError, match="Only input tensors may be passed"):
            layer(arg)


# ---- initializers ------------------------------------------------------------------------

def test_uniform_name_and_identity_initializer():
    init = keras.initializers.get("uniform")
    assert type(init).__name__ == "RandomUniform"
    assert (init.minval, init.maxval) == (-0.05, 0.05)
    w = init((100,)).numpy()
    assert w.min() >= -0.05 and w.max() < 0.05
    eye = keras.initializers.get("identity")((3, 2), dtype="float64").numpy()
    np.testing.assert_array_equal(eye, np.eye(3, 2))
    np.testing.assert_array_equal(keras.initializers.Identity(gain=0.1)((2, 2), "float64"),
                                  0.1 * np.eye(2))
    with pytest.raises(ValueError, match="2D"):
        keras.initializers.Identity()((2, 2, 2))
    layer = keras.layers.Dense(3, kernel_initializer="identity")
    layer(tf.ones((1, 3)))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.eye(3))


def test_tf_initializers():
    np.testing.assert_array_equal(tf.zeros_initializer()(shape=(2, 3)).numpy(), np.zeros((2, 3)))
    assert tf.ones_initializer()(shape=(2,), dtype=tf.float64).dtype == tf.float64
    assert tf.constant_initializer(0.1)(shape=(2,), dtype=tf.float64).numpy()[0] == 0.1
    assert tf.constant_initializer(0.1)(shape=(2,)).dtype == tf.float32
    assert tf.constant_initializer(3)(shape=(2,)).dtype == tf.int32
    np.testing.assert_array_equal(tf.constant_initializer([1.0, 2.0, 3.0, 4.0])(shape=(2, 2)),
                                  [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError):
        tf.constant_initializer([1.0, 2.0])(shape=(3,))
    with pytest.raises(TypeError):
        tf.constant_initializer(tf.constant([1.0]))
    with pytest.raises(ValueError, match="numeric or boolean"):
        tf.zeros_initializer()(shape=(2,), dtype=tf.string)
    with pytest.raises(ValueError, match="floating point"):
        tf.random_normal_initializer()(shape=(2,), dtype=tf.int32)
    w = tf.random_normal_initializer(mean=3.0, stddev=0.5, seed=1)(shape=(2000,)).numpy()
    assert abs(w.mean() - 3.0) < 0.05 and abs(w.std() - 0.5) < 0.05
    u = tf.random_uniform_initializer(-0.3, 0.3, seed=1)(shape=(2000,)).numpy()
    assert u.min() >= -0.3 and u.max() < 0.3
    assert tf.random_uniform_initializer(0, 5)(shape=(10,), dtype=tf.int32).dtype == tf.int32
    assert tf.random_normal_initializer(0.5, 2.0).get_config() == {"mean": 0.5, "stddev": 2.0,
                                                                  "seed": None}
    v = tf.Variable(tf.zeros_initializer()(shape=(2,)))
    assert v.numpy().tolist() == [0.0, 0.0]
