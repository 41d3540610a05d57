"""A source the tape never watched gets None, even when it fed a recorded op.

TensorFlow 2.21 (checked in parity/test_unwatched_sources_parity.py): with only ``a`` watched,
``y = a * b`` is recorded, yet ``tape.gradient(y, b)`` is None (zeros with
``unconnected_gradients="zero"``), because ``b`` is not on the tape; a source that is itself a
target is seeded with ones, watched or not; a Variable read with ``watch_accessed_variables=
False`` and never watched gets None. The values below are those TF returns.
"""
import numpy as np

import minitf as tf


def scenarios(tf):
    a, b = tf.constant(2.0), tf.constant(3.0)
    c = tf.constant([1.0, 2.0])
    out = {}
    with tf.GradientTape(persistent=True) as t:
        t.watch(a)
        y = a * b
        z = y * b
        yc = a * c
    out["y_b"] = t.gradient(y, b)
    out["z_b"] = t.gradient(z, b)
    out["y_ab"] = t.gradient(y, [a, b])
    out["z_y"] = t.gradient(z, y)
    out["y_b_zero"] = t.gradient(y, b, unconnected_gradients="zero")
    out["b_b"] = t.gradient(b, b)
    out["jac_c"] = t.jacobian(yc, c)
    out["jac_c_zero"] = t.jacobian(yc, c, unconnected_gradients="zero")
    v = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as t2:
        t2.watch(a)
        w = a * v
    out["w_v"] = t2.gradient(w, v)
    return out


def as_numbers(out):
    def conv(g):
        if isinstance(g, list):
            return [conv(x) for x in g]
        return None if g is None else np.asarray(g.numpy()).tolist()
    return {k: conv(g) for k, g in out.items()}


EXPECTED = {"y_b": None, "z_b": None, "y_ab": [3.0, None], "z_y": 3.0, "y_b_zero": 0.0,
            "b_b": 1.0, "jac_c": None, "jac_c_zero": [[0.0, 0.0], [0.0, 0.0]], "w_v": None}


def test_unwatched_sources_get_none():
    assert as_numbers(scenarios(tf)) == EXPECTED


def test_a_watched_constant_still_gets_its_gradient():
    a, b = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch([a, b])
        y = a * b
    assert [float(g) for g in t.gradient(y, [a, b])] == [3.0, 2.0]
