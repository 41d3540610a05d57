"""Keras input checks against Keras 3 on TensorFlow: the same exception types for bad input
shapes, ``Input`` shapes and ``validation_split``, and float64 layers inside a Sequential giving
the same dtypes and (float64 tolerance) the same numbers."""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL


def _both(tf_real):
    return [("keras", tf_real.keras), ("minitf", minitf.keras)]


def _raises(make):
    try:
        make()
    except Exception as e:    # noqa: BLE001 - the type is what is compared
        return type(e).__name__
    return None


@pytest.mark.parametrize("shape", [(-3,), (3, -1), -3, 3, (3.5,), ("a",)])
def test_invalid_input_shape_is_value_error_in_both(tf_real, shape):
    for name, keras in _both(tf_real):
        assert _raises(lambda: keras.Input(shape)) == "ValueError", name


@pytest.mark.parametrize("shape", [(0,), (None, 3), ()])
def test_valid_unusual_input_shapes_in_both(tf_real, shape):
    got = {name: tuple(keras.Input(shape).shape) for name, keras in _both(tf_real)}
    assert got["keras"] == got["minitf"]


@pytest.mark.parametrize("x_shape, ok", [((4, 2, 3), False), ((3,), False), ((4, 3), True),
                                         ((4, 3, 1), True)])
def test_sequential_input_rank_check_matches_keras(tf_real, x_shape, ok):
    for name, keras in _both(tf_real):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        err = _raises(lambda: model.predict(np.ones(x_shape), verbose=0))
        assert err == (None if ok else "ValueError"), (name, err)


@pytest.mark.parametrize("x_shape, ok", [((4, 5, 3), True), ((4, 3), False), ((4, 5, 4), False)])
def test_functional_input_shape_check_matches_keras(tf_real, x_shape, ok):
    for name, keras in _both(tf_real):
        inputs = keras.Input((None, 3))
        model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
        err = _raises(lambda: model(np.ones(x_shape)))
        assert err == (None if ok else "ValueError"), (name, err)


@pytest.mark.parametrize("split", [1.0, 0.9])
def test_validation_split_leaving_a_side_empty_is_value_error_in_both(tf_real, split):
    for name, keras in _both(tf_real):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile("sgd", "mse")
        err = _raises(lambda: model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0,
                                        validation_split=split))
        assert err == "ValueError", (name, err)


def test_float64_sequential_matches_keras(tf_real):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 3)).astype(np.float32)
    y = rng.standard_normal((6, 1))
    results = {}
    for name, keras in _both(tf_real):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, dtype="float64"),
                                  keras.layers.Dense(1, dtype="float64")])
        model.set_weights([np.random.default_rng(i).standard_normal(tuple(w.shape))
                           for i, w in enumerate(model.weights)])
        out = model(x)
        assert "float64" in str(out.dtype), name
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
        results[name] = [np.asarray(out)] + model.get_weights()
    rtol, atol = TOL["float64"]
    for a, b in zip(results["keras"], results["minitf"]):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
