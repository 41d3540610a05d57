"""tf.function's concrete functions, their signatures and relaxed (``None``) shapes, and two
tracing bugs the guide's "Using with multiple Keras optimizers" cells found.

Expected behaviour is TensorFlow 2.21's (checked live; parity/test_function_signatures_parity.py
compares with TF itself); values of replayed or relaxed traces are compared with eager minitf,
which runs the same NumPy calls (bit-identical on the CPU).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


# ---- optimizers inside tf.function (corpus tf_function/056, 057) ------------------------------

def _adam_step(w, x, y, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(w * x - y))
    grads = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(grads, [w]))


def test_adam_on_a_scalar_variable_in_tf_function_equals_eager():
    # A scalar variable makes NumPy hand back scalars (np.float32) from Adam's ufuncs; the
    # traced `denom += epsilon` on one used to leak NumPy's "return arrays must be of ArrayType".
    x, y = tf.constant([-1.0]), tf.constant([2.0])
    w_eager, w_traced = tf.Variable(2.0), tf.Variable(2.0)
    opt_eager = tf.keras.optimizers.Adam(learning_rate=1e-2)
    opt_traced = tf.keras.optimizers.Adam(learning_rate=1e-2)
    step = tf.function(_adam_step)
    for _ in range(3):
        _adam_step(w_eager, x, y, opt_eager)
        step(w_traced, x, y, opt_traced)
    assert w_traced.numpy() == w_eager.numpy()
    assert w_traced.numpy() != np.float32(2.0)


def test_a_second_optimizer_is_refused_before_it_updates_anything():
    # TF raises while the second trace creates the optimizer's slots, before its update runs:
    # the variable keeps the first optimizer's one step (TF 2.21 prints 1.9900001).
    x, y = tf.constant([-1.0]), tf.constant([2.0])
    w, w_ref = tf.Variable(2.0), tf.Variable(2.0)
    step = tf.function(_adam_step)
    step(w, x, y, tf.keras.optimizers.Adam(learning_rate=1e-2))
    _adam_step(w_ref, x, y, tf.keras.optimizers.Adam(learning_rate=1e-2))
    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        step(w, x, y, tf.keras.optimizers.Adam(learning_rate=1e-3))
    assert w.numpy() == w_ref.numpy()


def test_in_place_operators_on_a_traced_numpy_scalar_rebind_as_eagerly():
    from minitf.function import tracing
    tr = tracing.Trace()
    with tr.active():
        u = tr.input(np.array(4.0, np.float32))
        d = np.sqrt(u)                # a NumPy scalar inside, as eagerly
        d += np.float32(1.0)
        d *= np.float32(2.0)
        d -= np.float32(0.5)
        d /= np.float32(2.0)
    assert float(d.v) == (np.sqrt(np.float32(4.0)) + 1) * 2 / 2 - 0.25
