"""Joint VJPs: one backward function for all of an op's inputs (``record(..., joint=vjp)``).

Ops whose inputs' gradients share work -- a user's ``grad_fn`` that returns every gradient at
once, the fused Dense op (the gradient at the pre-activation), a traced function's backward
program -- record one ``joint(upstream, needed) -> tuple``. The backward pass calls it once per
step. Before, each of those ops cached its shared result keyed on the identity of the upstream
gradient, which went stale when the same upstream object came back with the world changed.
Expected values come from TF 2.21 (checked by hand with the snippets quoted) or from calculus.
"""
from __future__ import annotations

import numpy as np

import minitf as tf
from minitf import record as R


def test_custom_gradient_grad_fn_runs_once_per_backward_pass():
    calls = []

    @tf.custom_gradient
    def f(x, y, z):
        def grad(up):
            calls.append(1)
            return up * y * z, up * x * z, up * x * y
        return x * y * z, grad

    x, y, z = tf.constant(2.0), tf.constant(3.0), tf.constant(5.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y, z])
        out = f(x, y, z)
    grads = tape.gradient(out, [x, y, z])
    assert [float(g) for g in grads] == [15.0, 10.0, 6.0]       # ∂(xyz)
    assert len(calls) == 1


def test_custom_gradient_is_recomputed_for_each_gradient_call():
    # TF 2.21: a persistent tape, the same output_gradients tensor twice, a grad_fn reading a
    # Variable changed in between: the second gradient uses the new value (2, 20 then 5, 50),
    # and grad_fn runs once per call. minitf cached the first result by the identity of the
    # upstream gradient and returned 2, 20 again.
    scale = tf.Variable(2.0, trainable=False)
    calls = []

    @tf.custom_gradient
    def f(x, y):
        def grad(up):
            calls.append(1)
            return up * scale, up * scale * 10.0
        return x * y, grad

    x, y, seed = tf.constant(3.0), tf.constant(4.0), tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = f(x, y)
    assert [float(g) for g in tape.gradient(z, [x, y], output_gradients=seed)] == [2.0, 20.0]
    scale.assign(5.0)
    assert [float(g) for g in tape.gradient(z, [x, y], output_gradients=seed)] == [5.0, 50.0]
    assert len(calls) == 2


def test_joint_vjp_is_told_which_inputs_need_gradients():
    seen = []

    def op(a, b, c):
        out = tf.constant(a.numpy() + b.numpy())
        if R.TAPES.recording:
            def joint(up, needed):
                seen.append(needed)
                return up, up * 2.0, None
            R.record("Joint", (a, b, c), out, joint=joint)
        return out

    a, b, c = tf.constant(1.0), tf.constant(2.0), tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(a)                       # b is not watched, c is an integer
        y = op(a, b, c)
    assert float(tape.gradient(y, a)) == 1.0
    assert seen == [(True, False, False)]


def test_joint_vjp_gradients_are_summed_to_the_input_shape():
    # a broadcast input gets its gradient reduced by the tape, as for per-input VJPs
    def op(a, b):
        out = tf.constant(a.numpy() + b.numpy())
        if R.TAPES.recording:
            R.record("AddJoint", (a, b), out, joint=lambda up, needed: (up, up))
        return out

    a, b = tf.constant(np.ones((3, 2), np.float32)), tf.constant(np.ones(2, np.float32))
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(op(a, b))
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga.numpy(), np.ones((3, 2)))
    np.testing.assert_array_equal(gb.numpy(), [3.0, 3.0])


def test_fused_dense_gradients_match_the_three_ops_and_nest():
    # Dense with relu is one recorded op with a joint VJP; its gradients (and a second-order
    # gradient through it) equal those of matmul + add + relu, exactly (same arithmetic).
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((4, 3)))
    w = tf.Variable(rng.standard_normal((3, 5)))
    b = tf.Variable(rng.standard_normal(5))
    from minitf.ops import nn_ops

    def grads(fused):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as tape:
                tape.watch(x)
                h = nn_ops.dense(x, w, b, relu=True) if fused else \
                    tf.nn.relu(tf.matmul(x, w) + b)
                y = tf.reduce_sum(h * h)
            gx, gw, gb = tape.gradient(y, [x, w, b])
            s = tf.reduce_sum(gx * gx)
        return [g.numpy() for g in (gx, gw, gb, outer.gradient(s, x))]

    for got, want in zip(grads(True), grads(False)):
        np.testing.assert_array_equal(got, want)


def test_traced_call_gradients_through_its_joint_vjp():
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def f(x):
        return tf.reduce_sum(x * v * v)

    x = tf.constant([3.0, 4.0])
    for _ in range(2):                              # the second call replays
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        gx, gv = tape.gradient(y, [x, v])
        np.testing.assert_array_equal(gx.numpy(), [1.0, 4.0])     # v²
        np.testing.assert_array_equal(gv.numpy(), [6.0, 16.0])    # 2·x·v
