"""GradientTape semantics. Expected values are mathematics or TensorFlow's documented behaviour
(shared/TF_SEMANTICS.md §1), never minitf's own output."""
from __future__ import annotations

import gc
import logging
import weakref

import numpy as np
import pytest

import minitf as tf


def test_classic_hessian_has_none_where_gradient_is_constant():
    # g = (x1 + 5)·x2²: dg/dx1 = x2² does not depend on x1, so d²g/dx1² is None (not 0).
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            g = (x1 + 5) * x2 ** 2
        d1, d2 = inner.gradient(g, [x1, x2])
    assert (float(d1), float(d2)) == (9.0, 42.0)
    rows = [outer.gradient(d, [x1, x2]) for d in (d1, d2)]
    assert rows[0][0] is None
    assert [float(rows[0][1]), float(rows[1][0]), float(rows[1][1])] == [6.0, 6.0, 14.0]


def test_third_order_derivative():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x ** 4
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert (float(d1), float(d2), float(d3)) == (32.0, 48.0, 48.0)  # 4x³, 12x², 24x


def test_list_dict_and_nonscalar_targets_sum():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = [x * x, 5 * x]
        v = x * tf.constant([1.0, 2.0, 3.0])
        h = x * 8
    assert float(t.gradient(y, x)) == 11.0
    assert float(t.gradient(v, x)) == 6.0
    assert float(t.gradient({"a": y[0], "b": [h, x]}, x)) == 6 + 8 + 1


def test_sources_keep_their_structure():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        y = a * b
    g = t.gradient(y, {"p": a, "q": [b, (a,)]})
    assert set(g) == {"p", "q"} and isinstance(g["q"], list) and isinstance(g["q"][1], tuple)
    assert float(g["p"]) == 2.0 and float(g["q"][0]) == 1.0
    assert isinstance(t.gradient(y, a), tf.Tensor)
    twice = t.gradient(y, [a, a])
    assert float(twice[0]) == float(twice[1]) == 2.0


def test_automatic_watching_rules():
    v_tr = tf.Variable(2.0, name="vtr")
    v_ntr = tf.Variable(2.0, trainable=False)
    c = tf.constant(2.0)
    v_int = tf.Variable(2, name="vint")
    with tf.GradientTape() as t:
        y = v_tr * v_tr + v_ntr * c + tf.cast(v_int, tf.float32)
    assert [v.name for v in t.watched_variables()] == ["vtr:0", "vint:0"]
    g = t.gradient(y, [v_tr, v_ntr, c, v_int])
    assert float(g[0]) == 4.0 and g[1:] == [None, None, None]


def test_watch_accessed_variables_false():
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        y = v * v
    assert t.gradient(y, v) is None and t.watched_variables() == ()
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(v)
        y = v * v
    assert float(t.gradient(y, v)) == 6.0


def test_watch_errors_and_int_warning(caplog):
    with tf.GradientTape() as t:
        with pytest.raises(ValueError, match="float"):
            t.watch(3.0)
        with pytest.raises(ValueError, match="ndarray"):
            t.watch(np.array(3.0))
        x = tf.constant(3)
        with caplog.at_level(logging.WARNING, logger="minitf"):
            t.watch(x)
        y = x * x
    assert "must be floating" in caplog.text
    assert t.gradient(y, x) is None
    with pytest.raises(AttributeError):
        tf.GradientTape().watch(tf.constant(1.0))


def test_non_persistent_tape_allows_one_call_and_frees():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    assert float(t.gradient(y, x)) == 6.0
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to "
                                           "compute one set of gradients"):
        t.gradient(y, x)
    with pytest.raises(RuntimeError):
        t.jacobian(y, x)
    assert t._records is None  # everything the tape held is released


def test_tape_releases_intermediates():
    x = tf.constant(np.ones(1000))
    with tf.GradientTape() as t:
        t.watch(x)
        mid = tf.exp(x)
        y = tf.reduce_sum(mid * 2.0)
    ref = weakref.ref(mid)
    del mid
    t.gradient(y, x)
    gc.collect()
    assert ref() is None


def test_persistent_tape_many_calls_and_jacobian():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x
        z = tf.reduce_sum(y * x)
    assert t.gradient(y, x).numpy().tolist() == [2.0, 4.0]
    assert t.gradient(z, x).numpy().tolist() == [3.0, 12.0]
    assert t.jacobian(y, x).numpy().tolist() == [[2.0, 0.0], [0.0, 4.0]]


def test_gradient_inside_context():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        g = t.gradient(y, x)   # pops a non-persistent tape: what follows is not recorded
        z = y * 2.0
    assert float(g) == 6.0
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x * x
        g = t.gradient(y, x)   # a persistent tape records its own gradient computation
    assert float(g) == 27.0 and float(t.gradient(g, x)) == 18.0
    del z


def test_outer_tape_must_be_active_for_second_derivative():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
    g = inner.gradient(y, x)
    assert outer.gradient(g, x) is None


def test_stop_recording_and_reset():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        with t.stop_recording():
            z = x ** 3
        total = y + z
    assert float(t.gradient(total, x)) == 4.0
    assert t._records is None  # (a sum taken after the block would not be recorded at all)
    with pytest.raises(RuntimeError, match="not recording"):
        with t.stop_recording():
            pass
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        y = v * v
        t.reset()
        z = v * 3
    assert t.gradient(y, v) is None and float(t.gradient(z, v)) == 3.0


def test_unconnected_gradients():
    x, z = tf.Variable([1.0, 2.0]), tf.Variable([[1.0], [2.0]])
    with tf.GradientTape(persistent=True) as t:
        y = x * 2
    assert t.gradient(y, z) is None
    zero = t.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zero.shape == (2, 1) and zero.numpy().sum() == 0
    assert t.gradient(y, z, unconnected_gradients="zero").shape == (2, 1)


def test_things_that_cut_the_gradient():
    x = tf.Variable(3.0)
    v = tf.Variable(0.0)
    with tf.GradientTape(persistent=True) as t:
        a = tf.constant(x.numpy()) * 2      # a round trip through NumPy
        v.assign(x * 2)                      # assign is not differentiable
        b = v * 1.0
        c = tf.cast(x, tf.int32)             # integer cast
        d = tf.stop_gradient(x) * x
    assert t.gradient(a, x) is None and t.gradient(b, x) is None
    assert t.gradient(c, x) is None
    assert float(t.gradient(d, x)) == 3.0
    assert float(t.gradient(x, x)) == 1.0


def test_intermediate_tensor_as_source():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        h = 2 * x
        y = h * h
    assert float(t.gradient(y, h)) == 12.0


def test_none_targets_and_sources_raise_type_error():
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * x
    with pytest.raises(TypeError):
        t.gradient(None, x)
    with pytest.raises(TypeError):
        t.gradient([y, None], x)
    with pytest.raises(TypeError):
        t.gradient(y, None)


def test_output_gradients():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * [1.0, 2.0, 3.0]
    seed = tf.constant([1.0, 10.0, 100.0])
    assert float(tf.reduce_sum(t.gradient(y, x, output_gradients=seed))) == 321
    s = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(s)
        y1, y2 = 2 * s, s * s
    seeds = [tf.constant(3.0), tf.constant(5.0)]
    assert float(t.gradient([y1, y2], s, output_gradients=seeds)) == 26.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="Mul"):
        t.gradient(y1, s, output_gradients=tf.constant(1.0, tf.float64))


def test_gradient_dtype_follows_source():
    x64 = tf.constant(2.0, tf.float64)
    x16 = tf.constant(2.0, tf.float16)
    x32 = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch([x64, x16, x32])
        y = x64 * x64 + tf.cast(x16 * x16, tf.float64) + tf.cast(x32, tf.float64) ** 2
    g = t.gradient(y, [x64, x16, x32])
    assert [gi.dtype for gi in g] == [tf.float64, tf.float16, tf.float32]


def test_jacobian_shapes_and_unconnected():
    x = tf.constant([1.0, 2.0, 3.0])
    u = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, u])
        y = tf.stack([x[0] * 2 + x[1], x[1] ** 2])
        m = tf.reshape(tf.tile(x, [4]), (4, 3)) * tf.reshape(x, (1, 3))
    assert t.jacobian(y, x).numpy().tolist() == [[2, 1, 0], [0, 4, 0]]
    assert t.jacobian(m, x).shape == (4, 3, 3)
    assert t.jacobian(y, u) is None
    assert t.jacobian(y, u, unconnected_gradients="zero").shape == (2, 2)
    j = t.jacobian(y, [x, u])
    assert isinstance(j, list) and j[1] is None


def test_batch_jacobian():
    x = tf.constant(np.arange(15.0).reshape(5, 3))
    w = tf.constant(np.arange(12.0).reshape(3, 4))
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = tf.matmul(x, w)
        y3 = tf.reshape(y * x[:, :1], (5, 2, 2))
    bj = t.batch_jacobian(y, x)
    assert bj.shape == (5, 4, 3)
    np.testing.assert_array_equal(bj.numpy(), np.broadcast_to(w.numpy().T, (5, 4, 3)))
    assert t.batch_jacobian(y3, x).shape == (5, 2, 2, 3)
    with pytest.raises(ValueError, match="rank at least 2"):
        t.batch_jacobian(tf.reduce_sum(y, 1), x)


def test_deep_chain_is_iterative():
    x = tf.constant(1.0, tf.float64)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
        for _ in range(10_000):
            y = y * 1.0001 + 0.001
    g = t.gradient(y, x)
    assert g.numpy() == pytest.approx(1.0001 ** 10_000, rel=1e-12)


def test_fan_out_and_diamond():
    x = tf.constant(2.0, tf.float64)
    with tf.GradientTape() as t:
        t.watch(x)
        a = x * x          # a = x²
        b = a * x          # b = x³
        c = a + b          # diamond: x → a → b → c and x → a → c
        y = c * a + x      # y = x⁴ + x⁵ + x
    assert float(t.gradient(y, x)) == 4 * 8 + 5 * 16 + 1


def test_integer_target_gives_none():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.cast(x, tf.int32) * 2
    assert t.gradient(y, x) is None


def test_watched_variables_survive_the_gradient_call():
    v = tf.Variable(1.0, name="kept")
    with tf.GradientTape() as t:
        y = v * v
    t.gradient(y, v)
    assert [w.name for w in t.watched_variables()] == ["kept:0"]
