"""Issue #17's Keras additions without TensorFlow: layer outputs against NumPy formulas in
float64 (1e-12), input and weight gradients against central finite differences, weight
shapes, errors; losses, metrics, initializers and optimizer rules by hand.

Finite differences: central, step h = 1e-6 in float64, truncation error O(h**2 f''') ~ 1e-12
and rounding error ~ eps * |f| / h ~ 1e-10 for O(1) values, so rtol 1e-6 / atol 1e-7 has a
3-decade margin over both while still catching any wrong derivative (errors O(1))."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import minitf as tf

keras = tf.keras
keras_own = sys.modules["minitf.keras"]     # what `import keras` stands for


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
            up, down = np.asarray(f(*plus)), np.asarray(f(*minus))
            num[idx] = (np.sum(up * w) - np.sum(down * w)) / (2 * h)
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
    # Dense's kernel and bias; Keras 3 does not track a raw tf.Variable (only keras.Variable)
    assert len(block.weights) == 2 and len(block.trainable_weights) == 2

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


# ---- losses by hand (float64) ------------------------------------------------------------

def _loss_ref(name, t, p):
    eps = 1e-7
    if name == "kl_divergence":
        tc, pc = np.clip(t, eps, 1), np.clip(p, eps, 1)
        return (tc * np.log(tc / pc)).sum(-1)
    if name == "poisson":
        return (p - t * np.log(p + eps)).mean(-1)
    if name == "log_cosh":
        return np.log(np.cosh(p - t)).mean(-1)
    if name == "cosine_similarity":
        return -(t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)
    if name == "hinge":
        return np.maximum(1 - (2 * t - 1) * p, 0).mean(-1)
    if name == "squared_hinge":
        return (np.maximum(1 - (2 * t - 1) * p, 0) ** 2).mean(-1)
    if name == "categorical_hinge":
        return np.maximum((p * (1 - t)).max(-1) - (t * p).sum(-1) + 1, 0)
    if name == "mean_absolute_percentage_error":
        return 100 * np.abs((t - p) / np.maximum(np.abs(t), eps)).mean(-1)
    if name == "mean_squared_logarithmic_error":
        e32 = float(np.float32(eps))
        return ((np.log(np.maximum(p, e32) + 1) - np.log(np.maximum(t, e32) + 1)) ** 2).mean(-1)
    raise KeyError(name)


@pytest.mark.parametrize("name", ["kl_divergence", "poisson", "log_cosh", "cosine_similarity",
                                  "hinge", "squared_hinge", "categorical_hinge",
                                  "mean_absolute_percentage_error",
                                  "mean_squared_logarithmic_error"])
def test_loss_functions_by_hand_and_gradients_by_fd(name):
    rng = np.random.default_rng(4)
    if name in ("hinge", "squared_hinge"):
        t = rng.integers(0, 2, (5, 3)).astype(float)
    elif name == "categorical_hinge":
        t = np.eye(3)[rng.integers(0, 3, 5)]
    else:
        t = rng.uniform(0.05, 1, (5, 3))
    p = rng.uniform(0.05, 1, (5, 3))
    fn = getattr(keras_own.losses, name)      # Keras's own spelling (not tf.keras's)
    got = fn(tf.constant(t), tf.constant(p)).numpy()
    # log-cosh's log(2) is a float32 constant in Keras: 3e-8 absolute; the rest exact formulas
    np.testing.assert_allclose(got, _loss_ref(name, t, p), rtol=1e-12,
                               atol=1e-7 if name == "log_cosh" else 1e-15)
    pt = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(pt)
        w = np.random.default_rng(3).standard_normal(got.shape)
        s = tf.reduce_sum(fn(tf.constant(t), pt) * tf.constant(w))
    _fd_check(lambda q: fn(tf.constant(t), tf.constant(q)).numpy(), [p],
              [tape.gradient(s, pt)])


def test_hinge_keeps_labels_that_are_not_all_binary():
    t, p = np.array([[-1.0, 1.0, 0.0]]), np.array([[0.3, -0.2, 0.5]])
    np.testing.assert_allclose(keras.losses.hinge(tf.constant(t), tf.constant(p)).numpy(),
                               np.maximum(1 - t * p, 0).mean(-1), rtol=1e-12)


def test_loss_classes_reduce_and_name_like_keras():
    t, p = np.array([[0.2, 0.8], [0.5, 0.5]]), np.array([[0.4, 0.6], [0.1, 0.9]])
    per = _loss_ref("kl_divergence", t, p)
    loss = keras.losses.KLDivergence(dtype="float64")
    assert loss.name == "kl_divergence"
    np.testing.assert_allclose(float(loss(t, p)), per.mean(), rtol=1e-12)
    np.testing.assert_allclose(float(keras.losses.KLDivergence(reduction="sum", dtype="float64")(
        t, p, sample_weight=[2.0, 1.0])), 2 * per[0] + per[1], rtol=1e-12)
    # tf.keras spells the functions KLD/kld, MSE/mse (Keras's own namespace: kl_divergence,
    # mean_squared_error; keras/api_namespaces.py)
    assert keras.losses.get("kld") is keras.losses.kld
    assert keras.losses.get("mse") is keras.losses.MSE
    assert type(keras.losses.get("LogCosh")).__name__ == "LogCosh"
    assert keras.losses.MSE is keras.losses.mse
    assert keras.metrics.KLD is keras.losses.KLD
    with pytest.raises(ValueError):
        keras.losses.get("huber_loss")
    with pytest.raises(ValueError):
        keras.metrics.get("kld")


# ---- metrics by hand ---------------------------------------------------------------------

def test_auc_roc_and_pr_by_hand_on_distinct_buckets():
    # 4 thresholds (-eps, 1/3, 2/3, 1+eps): predictions in distinct buckets
    yt = np.array([0.0, 0.0, 1.0, 1.0])
    yp = np.array([0.1, 0.5, 0.4, 0.8])
    m = keras.metrics.AUC(num_thresholds=4)
    m.update_state(yt, yp)
    tp = np.array([2, 2, 1, 0.0])
    fp = np.array([2, 1, 0, 0.0])
    fn, tn = 2 - tp, 2 - fp
    np.testing.assert_array_equal(m.true_positives.numpy(), tp)
    np.testing.assert_array_equal(m.false_positives.numpy(), fp)
    tpr, fpr = tp / (tp + fn), fp / (fp + tn)
    roc = np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
    np.testing.assert_allclose(float(m.result()), roc, rtol=1e-6)
    pr = keras.metrics.AUC(num_thresholds=4, curve="PR", summation_method="majoring")
    pr.update_state(yt, yp)
    prec = np.divide(tp, tp + fp, out=np.zeros(4), where=tp + fp > 0)
    np.testing.assert_allclose(float(pr.result()),
                               np.sum((tpr[:-1] - tpr[1:]) * np.maximum(prec[:-1], prec[1:])),
                               rtol=1e-6)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_auc_multi_label_averages_the_labels_areas():
    # label 0 ranks its positive first (ROC area 1); label 1 ranks its negative above both
    # positives (area 0); label 2 one of two pairs right (area 0.5). With this many thresholds
    # and distinct predictions the trapezoids give these exact areas.
    yt = [[0., 1., 1.], [1., 0., 0.], [0., 1., 1.]]
    yp = [[.1, .3, .2], [.9, .8, .5], [.2, .4, .7]]
    m = keras.metrics.AUC(multi_label=True, num_thresholds=1001)
    assert m.variables == []            # the label axis comes from the first batch
    m.update_state(yt, yp)
    assert tuple(m.true_positives.shape) == (1001, 3)
    np.testing.assert_allclose(float(m.result()), 0.5, rtol=1e-6)
    w = keras.metrics.AUC(multi_label=True, num_labels=3, label_weights=[1., 3., 0.])
    assert tuple(w.false_negatives.shape) == (200, 3)
    w.update_state(yt, yp)
    np.testing.assert_allclose(float(w.result()), 0.25, rtol=1e-6)   # (1 * 1 + 3 * 0) / 4
    with pytest.raises(ValueError):
        keras.metrics.AUC(multi_label=True).update_state([0., 1.], [0.2, 0.4])
    with pytest.raises(ValueError):
        keras.metrics.AUC(num_labels=3)


def test_auc_label_weights_without_multi_label_weight_each_column_in_one_count():
    # Without multi_label the (samples, labels) predictions are flattened into one ROC curve;
    # label_weights scale each column's pairs. Column weights [1, 0] drop column 1, so the area
    # is column 0's alone: its positive (0.9) ranks above its negatives (0.1, 0.2): area 1.
    # Weights [0, 1] keep column 1, whose positive (0.3) ranks below both of its negatives
    # (0.8, 0.4): 0 of 2 pairs right, area 0.
    yt = [[0., 1.], [1., 0.], [0., 0.]]
    yp = [[.1, .3], [.9, .8], [.2, .4]]
    a = keras.metrics.AUC(num_thresholds=1001, label_weights=[1., 0.])
    a.update_state(yt, yp)
    np.testing.assert_allclose(float(a.result()), 1.0, rtol=1e-6)
    b = keras.metrics.AUC(num_thresholds=1001, label_weights=[0., 1.])
    b.update_state(yt, yp)
    np.testing.assert_allclose(float(b.result()), 0.0, atol=1e-6)
    # the weights multiply the sample weights: row 1 weighted 0 leaves column 0 no positive
    c = keras.metrics.AUC(num_thresholds=1001, label_weights=[1., 0.])
    c.update_state(yt, yp, sample_weight=[1., 0., 1.])
    assert float(c.true_positives.numpy().max()) == 0.0
    assert c.get_config()["label_weights"].tolist() == [1.0, 0.0]


def test_precision_recall_top_k_keep_each_rows_k_largest():
    # ties keep the lower index: the top 2 of row 0 are columns 0 and 1 (labels 0, 0)
    yt = [[0., 0., 1., 1., 0.], [1., 0., 0., 0., 1.]]
    yp = [[.5, .5, .5, .2, .5], [.9, .1, .8, .3, .2]]
    p, r = keras.metrics.Precision(top_k=2), keras.metrics.Recall(top_k=2)
    for m in (p, r):
        m.update_state(yt, yp, sample_weight=[1., 2.])
    # row 0 (weight 1): fp 2, and its labels in columns 2, 3 are not kept: fn 2. Row 1
    # (weight 2) keeps columns 0 (label 1: tp 2) and 2 (label 0: fp 2), drops column 4: fn 2
    assert p.true_positives.numpy().tolist() == [2.] and p.false_positives.numpy().tolist() == [4.]
    assert r.false_negatives.numpy().tolist() == [4.]
    assert float(p.result()) == np.float32(2 / 6) and float(r.result()) == np.float32(2 / 6)
    c = keras.metrics.Precision(top_k=3, class_id=2, thresholds=[0.6, 0.0])
    c.update_state(yt, yp)     # column 2: 0.5 (kept, label 1) and 0.8 (kept, label 0)
    assert c.true_positives.numpy().tolist() == [0., 1.]
    assert c.false_positives.numpy().tolist() == [1., 1.]
    assert c.get_config()["top_k"] == 3


def test_precision_recall_variables_thresholds_and_class_id():
    p = keras.metrics.Precision(thresholds=[0.3, 0.7])
    assert [v.name for v in p.variables] == ["true_positives", "false_positives"]
    assert [v.name for v in keras.metrics.Recall().variables] == ["true_positives",
                                                                  "false_negatives"]
    p.update_state([0, 1, 1, 0], [0.5, 0.8, 0.2, 0.9])
    np.testing.assert_allclose(p.result().numpy(), [1 / 3, 1 / 2], rtol=1e-6)
    r = keras.metrics.Recall(class_id=1)
    r.update_state([[0, 1], [0, 1], [1, 0]], [[0.2, 0.9], [0.6, 0.4], [0.3, 0.7]])
    assert float(r.result()) == 0.5
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        keras.metrics.Precision(thresholds=[1.5])


def test_precision_works_inside_fit():
    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=[keras.metrics.Precision(),
                                                       keras.metrics.AUC()])
    h = model.fit(x, y, epochs=1, batch_size=8, verbose=0).history
    assert 0.0 <= h["precision"][0] <= 1.0 and 0.0 <= h["auc"][0] <= 1.0


def test_top_k_ties_non_finite_and_shapes():
    yp = np.array([[0.1, 0.5, 0.5, 0.2], [0.1, 0.5, 0.4, 0.3], [np.nan, 0.1, 0.2, 0.9]],
                  np.float32)
    # label 2 ties with the 1st: in the top 1; a row with NaN never counts
    got = keras.metrics.sparse_top_k_categorical_accuracy([2, 2, 3], yp, k=1).numpy()
    np.testing.assert_array_equal(got, [1.0, 0.0, 0.0])
    got = keras.metrics.sparse_top_k_categorical_accuracy([[2], [2], [3]], yp, k=2).numpy()
    np.testing.assert_array_equal(got, [[1.0], [1.0], [0.0]])
    onehot = np.eye(4, dtype=np.float32)[[0, 3, 3]]
    np.testing.assert_array_equal(keras.metrics.top_k_categorical_accuracy(onehot, yp, k=3),
                                  [0.0, 1.0, 0.0])
    m = keras.metrics.TopKCategoricalAccuracy(k=3)
    m.update_state(onehot, yp)
    assert abs(float(m.result()) - 1 / 3) < 1e-7


def test_rmse_mean_iou_and_f_scores_by_hand():
    r = keras.metrics.RootMeanSquaredError()
    r.update_state([[1.0], [2.0]], [[2.0], [4.0]])
    r.update_state([[0.0]], [[3.0]])
    assert abs(float(r.result()) - np.sqrt((1 + 4 + 9) / 3)) < 1e-6
    iou = keras.metrics.MeanIoU(num_classes=3)
    iou.update_state([0, 1, 2, 2, 5], [0, 2, 2, 1, 0])          # label 5: left out
    cm = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 1]])
    tp = np.diag(cm)
    ious = tp / (cm.sum(0) + cm.sum(1) - tp)
    assert iou.total_cm.numpy().tolist() == cm.tolist() and iou.total_cm.dtype == tf.int64
    assert abs(float(iou.result()) - ious.mean()) < 1e-6
    yt = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]], np.float32)
    yp = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.1, 0.7, 0.2]],
                  np.float32)
    f = keras.metrics.F1Score()            # threshold None: each row's maximum is positive
    f.update_state(yt, yp)
    tp, fp, fn = np.array([1, 1, 1.0]), np.array([0, 0, 1.0]), np.array([0, 1, 0.0])
    prec, rec = tp / (tp + fp), tp / (tp + fn)
    np.testing.assert_allclose(f.result().numpy(), 2 * prec * rec / (prec + rec), rtol=1e-5)
    fb = keras.metrics.FBetaScore(beta=2.0, average="micro", threshold=0.25)
    fb.update_state(yt, yp)
    tp, fp, fn = 4.0, 1.0, 0.0          # > 0.25: rows 0, 2, 3 right; row 1 adds class 2
    p_, r_ = tp / (tp + fp), tp / (tp + fn)
    assert abs(float(fb.result()) - 5 * p_ * r_ / (4 * p_ + r_)) < 1e-5
    with pytest.raises(ValueError, match="beta"):
        keras.metrics.FBetaScore(beta=2)


def test_metric_classes_by_name_and_compile_strings():
    assert type(keras.metrics.get("auc")).__name__ == "AUC"
    assert type(keras.metrics.get("MAPE")).__name__ == "MeanAbsolutePercentageError"
    assert type(keras.metrics.get("root_mean_squared_error")).__name__ == "RootMeanSquaredError"
    x = np.random.default_rng(1).standard_normal((16, 3)).astype("float32")
    y = np.abs(x[:, :2]) + 0.5
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="msle", metrics=["mape", "cosine_similarity"])
    h = model.fit(x, y, epochs=1, verbose=0).history
    assert sorted(h) == ["cosine_similarity", "loss", "mape"]


# ---- the same on CuPy (skipped where there is no GPU) ------------------------------------

@pytest.fixture(params=["cupy"])
def gpu_backend(request):
    """CuPy only: each check compares a CuPy run with the NumPy backend's result."""
    from tests.test_backends import _use_backend
    yield from _use_backend(request.param)


def _new_things_run():
    """Two optimizer steps of each new rule (and LossScaleOptimizer, with one skipped step),
    the new layers' outputs and an AUC, as NumPy arrays."""
    out = []
    rng = np.random.default_rng(0)
    w0, grads = rng.standard_normal((3, 4)).astype("float32"), \
        [rng.standard_normal((3, 4)).astype("float32") for _ in range(2)]
    for make in (lambda: keras.optimizers.Adamax(0.01), lambda: keras.optimizers.Adadelta(1.0),
                 lambda: keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01),
                 lambda: keras.optimizers.Lion(0.01),
                 lambda: keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01))):
        opt, v = make(), tf.Variable(w0)
        for g in grads + [np.full((3, 4), np.inf, np.float32)]:
            if not isinstance(opt, keras.optimizers.LossScaleOptimizer) and np.isinf(g).any():
                continue
            opt.apply_gradients([(tf.constant(g), v)])
        out.append(v.numpy())
    x = rng.standard_normal((2, 3, 8)).astype("float32")
    for layer in (keras.layers.LayerNormalization(), keras.layers.GroupNormalization(groups=4),
                  keras.layers.UnitNormalization(), keras.layers.PReLU(),
                  keras.layers.Softmax(axis=(1, 2))):
        out.append(layer(tf.constant(x)).numpy())
    out.append(keras.layers.Dot(axes=2, normalize=True)([tf.constant(x), tf.constant(x)]).numpy())
    auc = keras.metrics.AUC()
    auc.update_state(rng.integers(0, 2, 64), rng.uniform(0, 1, 64).astype("float32"))
    out.append(auc.result().numpy())
    return out


def test_new_keras_pieces_same_on_cupy(gpu_backend):
    got = _new_things_run()
    with tf.device("/CPU:0"):
        want = _new_things_run()
    # float32, a few roundings per element; the GPU may contract a multiply-add (1 ulp), and
    # reductions sum in another order: 1e-5 relative, 1e-6 absolute (values are O(1))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
