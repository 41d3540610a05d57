"""tf.autodiff.ForwardAccumulator without TensorFlow: Jacobian-vector products checked against
finite differences and against the tape's Jacobian, Hessian-vector products against exact
Hessians of closed forms, nesting with tapes and accumulators both ways, the None cases and the
errors. (parity/test_forward_accumulator_parity.py runs the same cases against TensorFlow.)

Tolerances (float64):

* J·v against directional central differences (f(x + h·v) - f(x - h·v)) / 2h with
  h = 1e-6·max(1, max|x|): truncation h²·|f'''|·|v|³/6 < 1e-11 on the specs' domains, rounding
  about eps·|f|/h ≈ 2e-10·|f|; rtol 1e-6 / atol 1e-7 (tests/test_op_gradients.py's bound, same
  derivation) leaves a wide margin and still catches any wrong rule.
* J·v against the tape's Jacobian contracted with v in NumPy: the same products summed in
  another order, so the difference is a few ulps of Σ|J||v|: atol 1e-12·max(1, Σ|J||v|), rtol
  1e-12.
* Hessians of closed forms: exact formulas evaluated in NumPy, rtol 1e-12 / atol 1e-12 (every
  entry is a short sum of O(1)..O(1e3) terms: a few ulps of 1e3 is 1e-12 relative).
"""
from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minitf as tf
from minitf.checks.op_specs import SPECS
from tests.strategies import op_inputs, weights_like
from tests.test_backends import _use_backend

FA = tf.autodiff.ForwardAccumulator


def spec_jvp(fw, spec, arrays, tangents, dtype="float64"):
    """The op's value and acc.jvp of it, as NumPy (None kept), on minitf or TensorFlow."""
    dt = getattr(fw, dtype)
    xs = [fw.constant(np.asarray(a, dtype=dtype), dtype=dt) for a in arrays]
    vs = [fw.constant(np.asarray(t, dtype=dtype), dtype=dt) for t in tangents]
    with fw.autodiff.ForwardAccumulator(xs, vs) as acc:
        y = spec.fn(fw, *xs)
    j = acc.jvp(y)
    if hasattr(j, "indices"):       # TF's IndexedSlices (scatter_nd's JVP): densified
        j = fw.convert_to_tensor(j)
    return y.numpy(), None if j is None else np.asarray(j)


def _jacobian_dot(spec, arrays, tangents):
    """J·v from the tape's Jacobian, and Σ|J||v| (the scale of its rounding). A structural
    zero of J contributes exactly 0 (not inf·0 = nan, where a kink puts an inf elsewhere).
    A row of J with a nan (the tape's one-hot seeds give 0/0 = nan off the diagonal of, e.g.,
    sqrt at 0) gives nan: such an element is left to the parity test against TF."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = spec.fn(tf, *xs)
    n = int(np.prod(y.shape))
    out, scale = np.zeros(n), np.zeros(n)
    for v, jac in zip(tangents, tape.jacobian(y, xs, unconnected_gradients="zero")):
        jac = jac.numpy().reshape(n, -1)
        with np.errstate(invalid="ignore"):        # inf·v and nan rows, kept as they are
            terms = np.where(jac == 0, 0.0, jac * v.reshape(1, -1))
            out += terms.sum(axis=1)
            scale += np.abs(terms).sum(axis=1)
    return out.reshape(y.shape), scale.reshape(y.shape)


def _directional_fd(spec, arrays, tangents):
    h = 1e-6 * max(1.0, max(float(np.max(np.abs(a))) for a in arrays))
    plus = spec.fn(tf, *[tf.constant(a + h * v) for a, v in zip(arrays, tangents)]).numpy()
    minus = spec.fn(tf, *[tf.constant(a - h * v) for a, v in zip(arrays, tangents)]).numpy()
    return (plus - minus) / (2 * h)


# ---- every op: J·v = finite differences = the tape's Jacobian times v ---------------------------
@pytest.mark.parametrize("spec", [s for s in SPECS if s.fd], ids=lambda s: s.name)
@given(data=st.data())
def test_jvp_matches_finite_differences_and_jacobian(spec, data):
    arrays = data.draw(op_inputs(spec))
    tangents = [data.draw(weights_like(a.shape)) for a in arrays]
    before = [a.copy() for a in arrays + tangents]
    value, jvp = spec_jvp(tf, spec, arrays, tangents)
    for a, b in zip(arrays + tangents, before):
        np.testing.assert_array_equal(a, b)        # nothing the user passed is mutated
    assert jvp is not None and jvp.shape == value.shape and jvp.dtype == np.float64
    np.testing.assert_allclose(jvp, _directional_fd(spec, arrays, tangents), rtol=1e-6,
                               atol=1e-7)
    want, scale = _jacobian_dot(spec, arrays, tangents)
    assert np.all(np.abs(jvp - want) <= 1e-12 * np.maximum(1.0, scale) + 1e-12 * np.abs(want))


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.fd or s.kinks],
                         ids=lambda s: s.name)
def test_jvp_at_kinks_is_the_tapes_convention(spec):
    """Where the derivative does not exist (kinks, ties, bounds) J·v follows the same
    convention as the tape's gradient: both come from the op's one VJP."""
    cases = list(spec.kinks)
    if not cases:
        from minitf.checks.parity_check import seeded_inputs
        cases = [seeded_inputs(spec, 0)]
    for kink in cases:
        arrays = [np.array(a, dtype=np.float64) for a in kink]
        # no zero in any tangent up to 27 elements, so no kink hides behind a zero
        tangents = [np.linspace(-1.0, 1.7, a.size).reshape(a.shape) for a in arrays]
        with np.errstate(invalid="ignore", divide="ignore"):   # kinks make infs on purpose
            _, jvp = spec_jvp(tf, spec, arrays, tangents)
        want, scale = _jacobian_dot(spec, arrays, tangents)
        assert jvp is not None
        inf = np.isinf(want)
        np.testing.assert_array_equal(jvp[inf], want[inf])           # same signed infinities
        finite = np.isfinite(want)
        with np.errstate(invalid="ignore"):        # inf - inf off the compared elements
            err = np.abs(jvp - want)
        assert np.all(err[finite] <=
                      (1e-12 * np.maximum(1.0, scale) + 1e-12 * np.abs(want))[finite])


# ---- the hand-written JVPs (forward_accumulator._RULES) equal the transposed VJPs --------------
_BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "neg": lambda a, b: -a + 0 * b, "identity": lambda a, b: tf.identity(a) * b,
           "exp": lambda a, b: tf.exp(a) * b}


@pytest.mark.parametrize("op", sorted(_BINARY))
@pytest.mark.parametrize("which", ["a", "b", "both"])
def test_hand_written_jvps_equal_the_transposed_vjps_bit_for_bit(op, which, monkeypatch):
    """float32 and broadcasting ((2, 1) against (3,)), a tangent on one side or both: the
    rule and the generic path compute the same products, so the bits agree."""
    from minitf import forward_accumulator as F
    a = tf.constant([[0.3], [-1.7]])
    b = tf.constant([1.1, -0.4, 2.9])
    primals = {"a": [a], "b": [b], "both": [a, b]}[which]
    dots = {"a": [tf.constant([[0.7], [1.3]])], "b": [tf.constant([-0.2, 0.9, 1.6])]}
    tangents = dots["a"] + dots["b"] if which == "both" else dots[which]

    def run():
        with FA(primals, tangents) as acc:
            y = _BINARY[op](a, b)
        return acc.jvp(y)

    fast = run()
    monkeypatch.setattr(F, "_RULES", {})
    slow = run()
    assert fast.shape == slow.shape == (2, 3) and fast.dtype == tf.float32
    np.testing.assert_array_equal(fast.numpy(), slow.numpy())


# ---- Hessian-vector products against exact Hessians --------------------------------------------
def rosenbrock(x):
    return tf.reduce_sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i + 1, i + 1] += 200
        h[i, i + 1] += -400 * x[i]
        h[i + 1, i] += -400 * x[i]
    return h


def sin_quartic(x):
    """f(x) = Σ x_i² sin x_i + (x·x)²."""
    return tf.reduce_sum(x ** 2 * tf.sin(x)) + tf.reduce_sum(x * x) ** 2


def sin_quartic_hessian(x):
    diag = 2 * np.sin(x) + 4 * x * np.cos(x) - x ** 2 * np.sin(x)
    return np.diag(diag) + 4 * np.dot(x, x) * np.eye(len(x)) + 8 * np.outer(x, x)


CLOSED_FORMS = [(rosenbrock, rosenbrock_hessian), (sin_quartic, sin_quartic_hessian)]
X0 = np.array([-1.2, 1.0, 0.7, 2.1])
V0 = np.array([0.5, -1.0, 2.0, 0.25])


def _close(got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("f, hess", CLOSED_FORMS, ids=lambda f: getattr(f, "__name__", ""))
def test_forward_over_backward_hvp(f, hess):
    x = tf.constant(X0)
    with FA(x, tf.constant(V0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        g = tape.gradient(y, x)
    _close(acc.jvp(g), hess(X0) @ V0)


@pytest.mark.parametrize("f, hess", CLOSED_FORMS, ids=lambda f: getattr(f, "__name__", ""))
def test_backward_over_forward_hvp(f, hess):
    """jvp(x) = ∇f(x)·v, so its gradient is H·v (H is symmetric)."""
    x = tf.constant(X0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with FA(x, tf.constant(V0)) as acc:
            y = f(x)
        j = acc.jvp(y)
    _close(tape.gradient(j, x), hess(X0) @ V0)


@pytest.mark.parametrize("f, hess", CLOSED_FORMS, ids=lambda f: getattr(f, "__name__", ""))
def test_forward_over_forward_is_a_second_directional_derivative(f, hess):
    w = np.array([1.0, 0.5, -0.75, 2.0])
    x = tf.constant(X0)
    with FA(x, tf.constant(w)) as outer:
        with FA(x, tf.constant(V0)) as inner:
            y = f(x)
        j = inner.jvp(y)
    _close(outer.jvp(j), w @ hess(X0) @ V0)
    assert inner.jvp(outer.jvp(y)) is None      # inner accumulators never see outer work


def test_hvp_on_a_variable_as_in_tfs_docstring():
    v = tf.Variable([1., 2.])
    with FA(v, tf.constant([1., 0.])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v ** 3.)
        backward = tape.gradient(y, v)
    assert backward.numpy().tolist() == [3.0, 12.0]
    assert acc.jvp(backward).numpy().tolist() == [6.0, 0.0]


def test_jacobian_of_gradient_under_an_accumulator():
    x = tf.constant(X0)
    with FA(x, tf.constant(V0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
        jac = tape.jacobian(y, x)
    _close(acc.jvp(jac), np.diag(6 * X0 * V0))


# ---- nesting rules -----------------------------------------------------------------------------
def test_an_inner_tape_ignores_an_outer_accumulators_tangents():
    x = tf.constant([1., 2.])
    with FA(x, tf.constant([1., 0.])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x ** 3.)
            j = acc.jvp(y)
    assert float(j) == 3.0
    assert tape.gradient(j, x) is None


def test_an_outer_tape_differentiates_the_jvp_with_respect_to_the_tangent():
    x, t = tf.constant([1., 2.]), tf.constant([1., 0.])
    with tf.GradientTape() as tape:
        tape.watch(t)
        with FA(x, t) as acc:
            y = tf.reduce_sum(x ** 3.)
        j = acc.jvp(y)
    assert tape.gradient(j, t).numpy().tolist() == [3.0, 12.0]   # d(∇f·t)/dt = ∇f


def test_nested_accumulators_from_tfs_docstring():
    p = tf.constant(1.1, tf.float64)
    with FA(p, tf.constant(1., tf.float64)) as outer:
        with FA(p, tf.constant(1., tf.float64)) as inner:
            out = p ** tf.constant(3.5, tf.float64)
    _close(inner.jvp(out), 3.5 * 1.1 ** 2.5)
    _close(outer.jvp(inner.jvp(out)), 3.5 * 2.5 * 1.1 ** 1.5)
    _close(outer.jvp(out), 3.5 * 1.1 ** 2.5)


def test_an_accumulator_belongs_to_its_thread():
    x = tf.constant(2.0)
    made = {}
    with FA(x, tf.constant(1.0)) as acc:
        thread = threading.Thread(target=lambda: made.setdefault("y", x * x))
        thread.start()
        thread.join()
        here = x * x
    assert acc.jvp(made["y"]) is None and float(acc.jvp(here)) == 4.0


# ---- what has a tangent and what not -----------------------------------------------------------
def test_jvp_of_the_primal_is_its_tangent_and_structures_are_kept():
    x, v = tf.constant([1., 2.]), tf.constant([1., .5])
    with FA(x, v) as acc:
        y = x * x
        inside = acc.jvp(y)                     # jvp works inside the block too
        z = tf.constant(3.) * 2
    assert acc.jvp(x) is v
    assert inside.numpy().tolist() == [2.0, 2.0]
    got = acc.jvp({"a": y, "b": [z, x]})
    assert got["a"].numpy().tolist() == [2.0, 2.0] and got["b"][0] is None and got["b"][1] is v


def test_unconnected_and_non_differentiable_outputs_have_no_tangent():
    x = tf.constant([1.4, -2.6])
    with FA(x, tf.constant([1., 1.])) as acc:
        outs = {"const": tf.constant(3.) * 2, "argmax": tf.argmax(x),
                "stop": tf.stop_gradient(x), "cast": tf.cast(x, tf.int32),
                "round": tf.round(x), "floor": tf.floor(x), "greater": x > 1.,
                "sign": tf.sign(x), "shape": tf.shape(x)}
    for name, t in outs.items():
        assert acc.jvp(t) is None, name
        z = acc.jvp(t, unconnected_gradients="zero")
        assert z.dtype == t.dtype and z.shape == t.shape and not np.any(z.numpy()), name
    z = acc.jvp(outs["const"], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(z) == 0.0


def test_ops_after_the_block_get_no_tangent_and_reentering_resumes():
    x = tf.constant([1., 2.])
    acc = FA(x, tf.constant([1., .5]))
    with acc:
        y = x * 2
    after = y * 3
    assert acc.jvp(after) is None
    with acc:
        again = y * 3
    assert acc.jvp(again).numpy().tolist() == [6.0, 3.0]


def test_multi_output_ops():
    x = tf.constant([1., 2.])
    with FA(x, tf.constant([1., .5])) as acc:
        a, b = tf.split(x * 3, 2)
        u = tf.unstack(x * 2)
    assert [t.numpy().tolist() for t in acc.jvp([a, b])] == [[3.0], [1.5]]
    assert [float(t) for t in acc.jvp(u)] == [2.0, 1.0]


def test_variables_keep_their_tangent_through_assign_whether_trainable_or_not():
    for trainable in (True, False):
        w = tf.Variable([1., 2.], trainable=trainable)
        with FA(w, tf.constant([0., 1.])) as acc:
            y = tf.reduce_sum(w ** 3.)
            w.assign([3., 4.])
            y2 = tf.reduce_sum(w ** 3.)
        assert float(acc.jvp(y)) == 12.0 and float(acc.jvp(y2)) == 48.0
        assert acc.jvp(w).numpy().tolist() == [0.0, 1.0]


def test_an_unwatched_variable_contributes_nothing():
    w, x = tf.Variable([1., 2.]), tf.constant([3., 4.])
    with FA(x, tf.constant([1., 1.])) as acc:
        mixed = tf.reduce_sum(w * x)
        only_w = w * 2.
    assert float(acc.jvp(mixed)) == 3.0 and acc.jvp(only_w) is None


def test_dense_layer_jvps_are_the_gradients_columns():
    """TF's docstring example: the kernel's and bias's JVPs with unit tangents are the
    components of the loss's gradient."""
    x = tf.constant([[2.0, 3.0], [1.0, 4.0]], tf.float64)
    targets = tf.constant([[1.], [-1.]], tf.float64)
    dense = tf.keras.layers.Dense(1, dtype="float64")
    dense.build([None, 2])
    dense.kernel.assign([[0.5], [-0.25]])
    dense.bias.assign([1.])

    def loss_fn():
        return tf.reduce_sum((dense(x) - targets) ** 2.)

    cols = []
    for e in ([[1.], [0.]], [[0.], [1.]]):
        with FA(dense.kernel, tf.constant(e, tf.float64)) as acc:
            cols.append(acc.jvp(loss_fn()).numpy())
    with FA(dense.bias, tf.constant([1.], tf.float64)) as acc:
        bias_jvp = acc.jvp(loss_fn()).numpy()
    with tf.GradientTape() as tape:
        loss = loss_fn()
    kernel_grad, bias_grad = tape.gradient(loss, [dense.kernel, dense.bias])
    _close(kernel_grad.numpy().ravel(), np.array(cols))
    _close(bias_grad.numpy(), [bias_jvp])
    # by hand: x·k = [0.25, -0.5], residuals r = x·k + b - t = [0.25, 1.5];
    # dL/dk = 2·xᵀr = [4, 13.5], dL/db = 2·Σr = 3.5
    _close(np.array(cols), [4.0, 13.5])
    _close(bias_jvp, 3.5)


# ---- custom gradients: the forward's own tangents come first (as TF) ----------------------------
def _custom(forward):
    @tf.custom_gradient
    def f(x):
        def grad(u):
            return u * 100.
        return forward(x), grad
    return f


@pytest.mark.parametrize("forward, factor", [
    (lambda x: x * 2., 2.0),                          # differentiable forward: its own JVP
    (lambda x: x, 1.0),
    (lambda x: tf.round(x), 100.0),                   # no tangent from the forward: grad_fn
    (lambda x: tf.stop_gradient(x) * 3., 100.0),
    (lambda x: tf.constant(x.numpy() * 2), 100.0),
], ids=["twice", "identity", "round", "stop_gradient", "numpy"])
def test_custom_gradient(forward, factor):
    x, v = tf.constant([1.4, 2.6]), tf.constant([1., .5])
    with FA(x, v) as acc:
        y = _custom(forward)(x)
    np.testing.assert_array_equal(acc.jvp(y).numpy(), factor * v.numpy())


# ---- errors ------------------------------------------------------------------------------------
def test_errors_when_made():
    x, v = tf.constant([1., 2.]), tf.constant([1., .5])
    with pytest.raises(ValueError, match="specified as a primal multiple times"):
        FA([x, x], [v, v])
    with pytest.raises(ValueError, match="same nested structure"):
        FA([x, x * 1], [v])
    with pytest.raises(ValueError, match="same nested structure"):
        FA(x, [1., 2.])                             # a list is a structure, not a tangent
    with pytest.raises(ValueError, match="same nested structure"):
        FA({"a": x}, {"b": v})
    with pytest.raises(TypeError, match="same nested structure"):
        FA([x], (v,))
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        FA(x, tf.constant([1., 2.], tf.float64))
    with pytest.raises(ValueError, match=r"shape \[2\] has shape \[3\]"):
        FA(x, tf.constant([1., 2., 3.]))
    with pytest.raises(ValueError, match=r"shape \[2\] has shape \[\]"):
        FA(x, tf.constant(1.))
    with pytest.raises(ValueError):
        FA(x, None)
    with pytest.raises(AttributeError, match="float"):
        FA(3.0, 1.0)
    with pytest.raises(AttributeError):
        FA(np.ones(2), np.ones(2))
    assert FA(x, np.array([1., 2.])).jvp(x).dtype == tf.float32   # converted to x's dtype


def test_errors_when_used():
    x = tf.constant([1., 2.])
    acc = FA(x, tf.constant([1., .5]))
    with acc:
        with pytest.raises(ValueError, match="Accumulator is already recording"):
            acc.__enter__()
    for bad in (None, 3.0, np.ones(2)):
        with pytest.raises(AttributeError):
            acc.jvp(bad)
    with pytest.raises(ValueError, match="not a valid UnconnectedGradients"):
        acc.jvp(x, unconnected_gradients="zeros")


def test_a_tf_function_call_gives_the_jvp():
    f = tf.function(lambda x: x * x * 3.)
    x = tf.constant([1., 2.])
    with FA(x, tf.constant([1., .5])) as acc:
        y = f(x)
    assert acc.jvp(y).numpy().tolist() == [6.0, 6.0]       # 6·x·v, by hand


def test_tf_function_with_a_loop_and_an_inner_tape_matches_finite_differences():
    @tf.function
    def power(x):
        y = x
        for _ in tf.range(3):
            y = y * x
        return tf.reduce_sum(tf.sin(y))

    @tf.function
    def grad(v):
        with tf.GradientTape() as t:
            t.watch(v)
            z = power(v)
        return t.gradient(z, v)

    x0 = np.array([0.3, -0.7, 1.1])
    v = np.array([1.0, -2.0, 0.5])
    x = tf.constant(x0)
    with FA(x, tf.constant(v)) as acc:
        y, g = power(x), grad(x)
    h = 1e-6                     # central differences: error O(h²) ≈ 1e-12, rounding ≈ 1e-10
    f = lambda a: np.sum(np.sin(a ** 4))          # noqa: E731
    df = lambda a: 4 * a ** 3 * np.cos(a ** 4)    # noqa: E731
    np.testing.assert_allclose(float(acc.jvp(y)), (f(x0 + h * v) - f(x0 - h * v)) / (2 * h),
                               rtol=1e-8)
    np.testing.assert_allclose(acc.jvp(g).numpy(), (df(x0 + h * v) - df(x0 - h * v)) / (2 * h),
                               rtol=1e-7)


def test_tf_function_with_a_python_loop_under_and_over_a_tape():
    """A Python for-loop in the body (unrolled, as TF's trace unrolls it); the JVP vs central
    differences, and backward over forward (a tape outside the accumulator) gives H·v."""
    @tf.function
    def f(x):
        y = x
        for _ in range(3):
            y = tf.tanh(y) * x
        return tf.reduce_sum(y)

    def f_np(a):
        y = a
        for _ in range(3):
            y = np.tanh(y) * a
        return np.sum(y)

    x0, v = np.array([0.4, -1.2]), np.array([0.5, 2.0])
    x = tf.constant(x0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with FA(x, tf.constant(v)) as acc:
            y = f(x)
        jvp = acc.jvp(y)
    hv = tape.gradient(jvp, x)
    h = 1e-6        # central differences: truncation O(h²) ≈ 1e-12, rounding 1e-16/h ≈ 1e-10

    def grad_np(a):
        e = np.eye(2) * h
        return np.array([(f_np(a + e[i]) - f_np(a - e[i])) / (2 * h) for i in range(2)])

    np.testing.assert_allclose(float(jvp), (f_np(x0 + h * v) - f_np(x0 - h * v)) / (2 * h),
                               rtol=1e-8)
    # H·v by central differences (step k) of those gradients: their 1e-10 error over k gives
    # 1e-6; truncation (k·|v|)²·|f⁗|/6 ≈ 7e-7 for |v| <= 2 and |f⁗| up to 100: atol 1e-5
    k = 1e-4
    hv_fd = (grad_np(x0 + k * v) - grad_np(x0 - k * v)) / (2 * k)
    np.testing.assert_allclose(hv.numpy(), hv_fd, atol=1e-5)


def test_tf_function_with_autograph_if_inside_and_outside_a_trace():
    """The body runs AutoGraph-converted: an ``if`` on a tensor works eagerly under the
    accumulator and inside an outer tf.function that enters one (where it is traced)."""
    @tf.function
    def inner(x):
        if x > 0:
            return x * x
        return -x

    @tf.function
    def outer(x):
        with FA(x, tf.constant(1.0)) as acc:
            y = inner(x)
        return acc.jvp(y)

    assert float(outer(tf.constant(3.0))) == 6.0        # d(x²) = 2x at 3
    with FA(x := tf.constant(-2.0), tf.constant(1.0)) as acc:
        y = inner(x)
    assert float(acc.jvp(y)) == -1.0                    # d(-x) = -1


def test_a_traced_call_replayed_by_forward_trace_is_refused():
    f = tf.function(lambda x: x * x)
    x = tf.Variable(2.0, name="x")
    with tf.GradientTape(persistent=True) as tape:
        y = f(x)                       # recorded as one StatefulPartitionedCall
    from minitf import explain
    with pytest.raises(NotImplementedError, match="tf.function"):
        explain.forward_trace(tape, y, [x], [1.0])


def test_an_integer_primal_warns_and_its_ops_give_no_tangent(caplog):
    k = tf.constant([1, 2])
    with caplog.at_level("WARNING", logger="minitf"):
        acc = FA(k, tf.constant([1, 1]))
    with acc:
        y = k * 3
    assert acc.jvp(k).numpy().tolist() == [1, 1] and acc.jvp(y) is None


# ---- both backends -----------------------------------------------------------------------------
@pytest.fixture(params=["numpy", "cupy"])
def backend(request):
    yield from _use_backend(request.param)


def test_hvp_on_each_backend(backend):
    x = tf.constant(X0)
    with FA(x, tf.constant(V0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = sin_quartic(x)
        g = tape.gradient(y, x)
    assert tf.get_backend() == backend
    np.testing.assert_allclose(acc.jvp(g).numpy(), sin_quartic_hessian(X0) @ V0, rtol=1e-12,
                               atol=1e-12)


# ---- explain: tangents beside adjoints ---------------------------------------------------------
def test_explain_forward_trace_shows_tangents_beside_adjoints():
    """f = 3·w1² + 2·w1·w2 at (5, 3) along v = (1, 0.5), by hand: ṫ(w1²) = 2·5·1 = 10,
    ṫ(3·w1²) = 30, ṫ(2·w1) = 2, ṫ(2·w1·w2) = 2·3 + 10·0.5 = 11, ṫf = 41; the adjoints are
    ∂f/∂w1 = 6·w1 + 2·w2 = 36 and ∂f/∂w2 = 2·w1 = 10, and 36·1 + 10·0.5 = 41 again."""
    from minitf import explain
    w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
    with tf.GradientTape(persistent=True) as tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    trace = explain.forward_trace(tape, f, [w1, w2], [1., 0.5])
    by_name = {trace.names.names[i]: i for i in trace.names.names}
    tangents = {n: float(trace.tangents[i]) for n, i in by_name.items() if i in trace.tangents}
    assert tangents == {"w1": 1.0, "w2": 0.5, "v1": 10.0, "v2": 30.0, "v3": 2.0, "v4": 11.0,
                        "f": 41.0}
    assert float(trace.adjoints[by_name["w1"]]) == 36.0
    assert trace.derivative == 41.0
    text = str(trace)
    assert "step 4: Mul(ṫv3=2, ṫw2=0.5) -> ṫv4 = 11" in text
    assert "= 41 = the target's tangent" in text
    with FA([w1, w2], [tf.constant(1.), tf.constant(0.5)]) as acc:   # the same as live
        f2 = 3 * w1 ** 2 + 2 * w1 * w2
    assert float(acc.jvp(f2)) == 41.0
