"""Keras input handling: layer dtypes inside models, reproducible ``fit``, and the input shapes,
``Input`` shapes and ``validation_split`` values Keras refuses (all with ValueError)."""
import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def _dense_forward(x, model):
    """The model's Dense stack computed in float64 NumPy from its own weights."""
    out = np.asarray(x, np.float64)
    for layer in model.layers:
        kernel, bias = (w.numpy().astype(np.float64) for w in layer.weights)
        out = out @ kernel + bias
    return out


# ---- float64 layers inside models ---------------------------------------------------------------
@pytest.mark.parametrize("with_input", [True, False])
def test_sequential_of_float64_layers_casts_float32_input(with_input):
    layers = [keras.layers.Dense(30, dtype="float64"), keras.layers.Dense(1, dtype="float64")]
    model = keras.Sequential(([keras.Input((8,))] if with_input else []) + layers)
    x = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    y = model(x)
    assert y.dtype == tf.float64 and all(w.dtype == tf.float64 for w in model.weights)
    np.testing.assert_allclose(y.numpy(), _dense_forward(x, model), rtol=1e-12, atol=1e-12)


def test_float64_layer_then_float32_layer_returns_float32():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, dtype="float64"),
                              keras.layers.Dense(1)])
    assert model(np.ones((2, 8), np.float32)).dtype == tf.float32
    assert model.layers[0].weights[0].dtype == tf.float64


def test_functional_float64_layer_on_a_float32_input():
    inputs = keras.Input((8,))
    hidden = keras.layers.Dense(3, dtype="float64")(inputs)
    assert hidden.dtype == tf.float64
    model = keras.Model(inputs, hidden)
    assert model(np.ones((2, 8), np.float32)).dtype == tf.float64


def test_fit_a_float64_sequential():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, dtype="float64"),
                              keras.layers.Dense(1, dtype="float64")])
    x = np.random.default_rng(1).standard_normal((6, 3)).astype(np.float32)
    y = np.random.default_rng(2).standard_normal((6, 1))
    (k1, b1), (k2, b2) = ([w.numpy() for w in layer.weights] for layer in model.layers)
    # One SGD step on the mean squared error, by hand in float64.
    x64 = x.astype(np.float64)
    hidden = x64 @ k1 + b1
    g_out = 2 * (hidden @ k2 + b2 - y) / y.size
    g_hidden = g_out @ k2.T
    expected = [k1 - 0.25 * x64.T @ g_hidden, b1 - 0.25 * g_hidden.sum(0),
                k2 - 0.25 * hidden.T @ g_out, b2 - 0.25 * g_out.sum(0)]
    # 0.25: Keras keeps the learning rate in float32, so 0.1 would not be 0.1 here.
    model.compile(optimizer=keras.optimizers.SGD(0.25), loss="mse")
    model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    for w, e in zip(model.weights, expected):
        assert w.dtype == tf.float64
        # Keras reports the loss in float32 (its losses' dtype), so the step agrees with the
        # float64 hand computation to float32 precision only; parity/ compares with Keras at
        # float64 tolerance.
        np.testing.assert_allclose(w.numpy(), e, rtol=1e-6, atol=1e-7)


# ---- reproducible fit ---------------------------------------------------------------------------
def _fit_once(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    x = np.arange(48, dtype=np.float32).reshape(16, 3) / 48
    y = np.arange(16, dtype=np.float32).reshape(16, 1) / 16
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    h = model.fit(x, y, batch_size=2, epochs=3, shuffle=True, verbose=0)
    return [w.numpy() for w in model.weights], h.history["loss"]


def test_fit_with_shuffle_is_reproducible_under_set_random_seed():
    w1, loss1 = _fit_once(3)
    w2, loss2 = _fit_once(3)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert loss1 == loss2
    w3, _ = _fit_once(4)          # the same start, another seed: another order
    assert not np.array_equal(w1[0], w3[0])


# ---- input shapes -------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [
    lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]),
    lambda: keras.Sequential([keras.layers.Dense(2, input_shape=(3,))]),
])
def test_sequential_refuses_input_of_another_rank(build):
    model = build()
    with pytest.raises(ValueError, match=r"expected shape \(None, 3\).*\(4, 2, 3\)"):
        model.predict(np.ones((4, 2, 3)), verbose=0)
    with pytest.raises(ValueError, match=r"expected shape \(None, 3\).*\(3,\)"):
        model(np.ones(3))
    assert model(np.ones((4, 3))).shape == (4, 2)


def test_sequential_built_by_its_first_call_refuses_another_rank_later():
    model = keras.Sequential([keras.layers.Dense(2)])
    model(np.ones((4, 3)))
    with pytest.raises(ValueError, match="expected shape"):
        model(np.ones((4, 2, 3)))


def test_sequential_squeezes_or_expands_a_trailing_unit_axis_as_keras_does():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert model(np.ones((4, 3, 1))).shape == (4, 2)
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    assert model(np.ones((4, 3))).shape == (4, 2)


def test_functional_predict_refuses_input_of_another_rank():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match=r"expected shape \(None, 3\).*\(4, 2, 3\)"):
        model.predict(np.ones((4, 2, 3)), verbose=0)
    assert model(np.ones((4, 3, 1))).shape == (4, 2)     # a trailing unit axis is dropped


def test_functional_checks_rank_even_with_unknown_dimensions():
    inputs = keras.Input((None, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    assert model(np.ones((4, 5, 3))).shape == (4, 5, 2)
    with pytest.raises(ValueError, match=r"expected shape \(None, None, 3\)"):
        model(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"expected shape \(None, None, 3\).*\(4, 5, 4\)"):
        model(np.ones((4, 5, 4)))


@pytest.mark.parametrize("make", [
    lambda: keras.Input((-3,)),
    lambda: keras.Input((3, -1)),
    lambda: keras.Input(-3),
    lambda: keras.Input((3.5,)),
    lambda: keras.Input(("a",)),
    lambda: keras.Input((3,), batch_size=-2),
    lambda: keras.Input(batch_shape=(None, -3)),
    lambda: keras.layers.InputLayer(shape=(-3,)),
    lambda: keras.Sequential([keras.layers.Dense(2, input_shape=(-3,))]),
])
def test_invalid_input_shapes_are_value_errors(make):
    with pytest.raises(ValueError, match="Cannot convert .* to a shape"):
        make()


def test_zero_and_unknown_dimensions_are_valid_input_shapes():
    assert tuple(keras.Input((0,)).shape) == (None, 0)
    assert tuple(keras.Input((None, 3)).shape) == (None, None, 3)
    assert tuple(keras.Input((np.int64(3),)).shape) == (None, 3)


# ---- validation_split ---------------------------------------------------------------------------
@pytest.mark.parametrize("split", [1.0, 0.9, -0.5, 1.5, float("nan"), "0.5"])
def test_validation_split_that_leaves_no_training_or_validation_data_is_value_error(split):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(np.ones((4, 3)), np.ones((4, 2)), validation_split=split, verbose=0)
    for b, w in zip(before, model.weights):
        np.testing.assert_array_equal(b, w.numpy())      # refused before any training


def test_validation_split_takes_the_last_samples():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    h = model.fit(x, np.zeros((10, 1)), validation_split=0.2, verbose=0)
    assert h.history["val_loss"][0] == pytest.approx((8 ** 2 + 9 ** 2) / 2)
