"""A small CNN's 100-step training trajectory against Keras 3 on TensorFlow: Conv2D(4, 3,
relu) - MaxPooling2D - Flatten - Dense(10) on 8×8×1 random images, Adam, a custom loop with
GradientTape, Keras's initial weights (glorot-uniform kernels drawn by TF) copied in, the
same batches. Per-step losses and the final weights.

Bounds: float64 as every float64 check (1e-12; the convolutions' summation order is the only
difference, see test_conv_parity.py). float32 by ``trajectory_tolerance``: twice TensorFlow's
own float32 drift from its float64 run of the same trajectory (measured, not guessed;
parity_check.py derives it). Max pooling is a kink: were a tie to switch argmax between the
two runs, the trajectories would part; the random inputs and weights have no ties, and a
check below asserts the float64 runs stay within 1e-12 all the way, so none switched.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL, trajectory_tolerance


def _data(steps: int, batch: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((batch, 8, 8, 1)), rng.integers(0, 10, batch))
            for _ in range(steps)]


def _model(fw, dtype):
    L = fw.keras.layers
    return fw.keras.Sequential([fw.keras.Input(shape=(8, 8, 1), dtype=dtype),
                                L.Conv2D(4, 3, activation="relu", dtype=dtype),
                                L.MaxPooling2D(dtype=dtype), L.Flatten(dtype=dtype),
                                L.Dense(10, dtype=dtype)])


def run(fw, dtype, init, steps=100):
    net = _model(fw, dtype)
    net.set_weights([w.astype(dtype) for w in init])
    opt = fw.keras.optimizers.Adam(learning_rate=0.01)
    loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=dtype)
    losses = []
    for x, y in _data(steps):
        x = fw.constant(x.astype(dtype))
        with fw.GradientTape() as tape:
            loss = loss_fn(fw.constant(y), net(x, training=True))
        grads = tape.gradient(loss, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))
        losses.append(float(loss))
    return [np.array(losses)] + [np.asarray(w) for w in net.get_weights()]


@pytest.fixture(scope="module")
def keras_init(tf_real):
    tf_real.keras.utils.set_random_seed(0)
    return [np.asarray(w, np.float64) for w in _model(tf_real, "float64").get_weights()]


@pytest.fixture(scope="module")
def keras_float64(tf_real, keras_init):
    return run(tf_real, "float64", keras_init)


def test_cnn_trajectory_float64(tf_real, keras_init, keras_float64):
    got = run(minitf, "float64", keras_init)
    rtol, atol = TOL["float64"]
    assert len(got) == len(keras_float64) == 5
    for a, b in zip(got, keras_float64):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_cnn_trajectory_float32(tf_real, keras_init, keras_float64):
    got = run(minitf, "float32", keras_init)
    want = run(tf_real, "float32", keras_init)
    rtol, atol = trajectory_tolerance(want, keras_float64)
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                   rtol=rtol, atol=atol)
