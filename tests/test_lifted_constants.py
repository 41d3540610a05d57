"""Constants lifted into a trace (issue #13). On the GPU a tensor made outside a trace and
used inside it becomes a traced constant of the program (``Trace.lift``: CuPy's arrays do not
defer to traced ones); AutoGraph lifts a loop's first values the same way on every backend.
A lift made while a loop body or branch is recorded, or in the throwaway run that learns a
loop's variables, puts its constant node in that block: a later use outside must lift the
tensor again, or the program reads a slot that the block alone defines (``NameError`` or
``UnboundLocalError`` when the generated code runs). These tests run the CPU with the GPU's
rule (every captured array lifted) so that CI without a GPU checks it; the GPU suite runs
the same programs under its own rule. Expected values come from NumPy: the recurrences
computed directly, gradients by central differences."""
import sys

import numpy as np
import pytest

import minitf as tf
from tests import test_tensor_array_staged as staged
from tests.test_tensor_array_staged import X62, _numeric_grad

_seam = sys.modules["minitf.function.seam"]
_tracing = sys.modules["minitf.function.tracing"]


@pytest.fixture(params=["own rule", "every capture lifted"])
def capture_rule(request, monkeypatch):
    """Each test runs twice: with this backend's capture rule, and with the GPU's on any
    backend (a captured tensor becomes a traced constant)."""
    if request.param == "own rule":
        return

    def capture(self, tensor):
        trace = _tracing.current()
        if trace is not None and type(tensor._value) is not _tracing.Traced:
            return trace.lift(tensor)
        return tensor
    monkeypatch.setattr(_seam.FunctionTracer, "capture", capture)


def _split_np(x, n):
    s = np.zeros(2)
    for i in range(n):
        v = x * (i + 1) + s
        p = [v[:3], v[3:4], v[4:]][i % 3]
        s = p.max(axis=0) + np.mean(p * p)
    return s


def test_a_retrace_for_other_loop_lengths_lifts_its_constants_again(capture_rule):
    # the second call's loop result has another shape: the body is traced again under the
    # tape, and the zeros and counter AutoGraph lifts must have their nodes in that program

    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=3, element_shape=[None, 2])
        s = tf.zeros([2], tf.float64)
        for i in tf.range(n):
            ta = ta.split(x * tf.cast(i + 1, tf.float64) + s, [3, 1, 2])
            p = ta.read(i % 3)
            s = tf.reduce_max(p, axis=0) + tf.reduce_mean(p * p)
        return s

    for n in (3, 5, 1):
        xt = tf.constant(X62)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = f(xt, tf.constant(n))
            loss = tf.reduce_sum(y * y)
        np.testing.assert_allclose(y.numpy(), _split_np(X62, n), rtol=1e-13)
        want = _numeric_grad(lambda x: float(np.sum(_split_np(x, n) ** 2)), X62)
        np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), want, rtol=1e-6,
                                   atol=1e-8)


C = tf.constant(1.5, tf.float64)


def _nested_np(x, n):
    t = 0.0
    for _ in range(n):
        t += C.numpy() + 2 * x
    u = C.numpy() + n * x * x
    return t + u


def test_a_constant_first_lifted_inside_a_loop_body_is_lifted_again_after_it(capture_rule):
    # C becomes a loop variable's first value inside the outer body (and in the throwaway run
    # that learns the outer loop's variables), then again after the loop; n = 0 runs no body

    @tf.function
    def f(x, n):
        t = tf.constant(0.0, tf.float64)
        for _ in tf.range(n):
            s = C
            for _ in tf.range(2):
                s += x
            t += s
        u = C
        for _ in tf.range(n):
            u += x * x
        return t + u

    for n in (0, 2, 3):
        x = tf.constant(0.75, tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(n))
        np.testing.assert_allclose(y.numpy(), _nested_np(0.75, n), rtol=1e-14)
        want = (_nested_np(0.75 + 1e-6, n) - _nested_np(0.75 - 1e-6, n)) / 2e-6
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want, rtol=1e-8)


def test_the_static_shape_of_a_tensordot_with_a_lifted_operand(capture_rule):
    # tensordot's static shape is found by running it again on its inputs' shadows; a lifted
    # constant of known shape takes part with its own value (TF: (None, 2))
    w = tf.ones([3, 2])
    seen = []

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        out = tf.tensordot(x, w, 1)
        seen.append(str(out.shape))
        return out

    f(tf.zeros([4, 3]))
    assert seen == ["(None, 2)"]


def test_a_loop_body_that_assigns_a_variable_retraced_for_other_lengths(capture_rule):
    # the body's constants are lifted while the body is recorded; the retrace for a later
    # call's loop length lifts them again in its own program (TF 2.21's values, in that test)
    staged.test_other_loop_lengths_retrace_a_body_that_assigns_a_variable("reshape")
