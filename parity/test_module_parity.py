"""``tf.Module`` and ``tf.name_scope`` against live TensorFlow: the same programs run under both,
comparing variable order and names, submodule names, scopes, exception types, and the numbers
of the guides' basic training loop and optimizers written from scratch (float32 tolerance)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf


def _walk_program(tf):
    class Dense(tf.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=n_out != 1)

    class Model(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.z = Dense(3, 3)
            self.a = Dense(3, 1, name="head")
            self.c = tf.Variable(1.0, trainable=False, name="c")
            self.lst = [tf.Variable(2.0, name="l0"),
                        {"k": tf.Variable(3.0, name="dk"), "a": Dense(2, 2, name="indict")},
                        (tf.Variable(4.0, name="t0"), Dense(1, 1, name="in_tuple"))]
            self.dup = self.z
            self.Upper = tf.Variable(5.0, name="Upper")
            self._private = tf.Variable(6.0, name="_private")

        @tf.Module.with_name_scope
        def make(self):
            return tf.Variable(0.0, name="made")
    out = {}
    m = Model()
    out["variables"] = [v.name for v in m.variables]
    out["trainable"] = [v.name for v in m.trainable_variables]
    out["non_trainable"] = [v.name for v in m.non_trainable_variables]
    out["submodules"] = [s.name for s in m.submodules]
    out["names"] = [m.name, m.name_scope.name, Model(name="given").name]
    out["made"] = m.make().name
    with tf.name_scope("outer") as outer:
        inner = Model()
        with tf.name_scope("x"):
            made = tf.Variable(1.0).name
    out["scopes"] = [outer, inner.name_scope.name, inner.variables[0].name, made,
                     inner.make().name]
    return out


def test_walk_names_and_scopes_match_tf(tf_real):
    assert _walk_program(minitf) == _walk_program(tf_real)


def _error(make):
    try:
        make()
    except Exception as e:    # noqa: BLE001 - the type is what is compared
        return type(e).__name__
    return None


@pytest.mark.parametrize("name", ["1abc", "a b", "a/b", "", 3, None, "ok_name"])
def test_module_name_checks_match_tf(tf_real, name):
    assert _error(lambda: minitf.Module(name=name)) == _error(lambda: tf_real.Module(name=name))


@pytest.mark.parametrize("name", [None, 3, "a b", "y/", ""])
def test_name_scope_checks_match_tf(tf_real, name):
    def run(tf):
        with tf.name_scope("a"):
            with tf.name_scope(name) as scope:
                return scope, tf.Variable(1.0, name="v").name
    assert _error(lambda: run(minitf)) == _error(lambda: run(tf_real))
    if _error(lambda: run(tf_real)) is None:
        assert run(minitf) == run(tf_real)


def _basic_training_loop(tf, compiled):
    """The basic training loop guide, with the noise drawn by NumPy (the two frameworks'
    random streams differ)."""
    class MyModel(tf.Module):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b
    x = tf.cast(tf.linspace(-2.0, 2.0, 201), tf.float32)
    noise = tf.constant(np.random.default_rng(0).standard_normal(201).astype(np.float32))
    y = x * 3.0 + 2.0 + noise

    def loss(target_y, predicted_y):
        return tf.reduce_mean(tf.square(target_y - predicted_y))

    def train(model, x, y, learning_rate):
        with tf.GradientTape() as t:
            current_loss = loss(y, model(x))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(learning_rate * dw)
        model.b.assign_sub(learning_rate * db)
    step = tf.function(train) if compiled else train
    model = MyModel()
    trace = []
    for _ in range(10):
        step(model, x, y, 0.1)
        trace.append([model.w.numpy(), model.b.numpy(), loss(y, model(x)).numpy()])
    return [v.name for v in model.variables], np.array(trace)


@pytest.mark.parametrize("compiled", [False, True])
def test_basic_training_loop_matches_tf(tf_real, compiled):
    names, got = _basic_training_loop(minitf, compiled)
    want_names, want = _basic_training_loop(tf_real, compiled)
    assert names == want_names
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _from_scratch(tf, which):
    """The optimizers guide: gradient descent, momentum and Adam as tf.Modules, minimising
    2x^4 + 3x^3 + 2 from x = 2 for 50 steps."""
    class GradientDescent(tf.Module):
        def __init__(self, learning_rate=1e-3):
            self.learning_rate = learning_rate

        def apply_gradients(self, grads, vars):
            for grad, var in zip(grads, vars):
                var.assign_sub(self.learning_rate * grad)

    class Momentum(tf.Module):
        def __init__(self, learning_rate=1e-3, momentum=0.7):
            self.learning_rate, self.momentum = learning_rate, momentum
            self.change = 0.

        def apply_gradients(self, grads, vars):
            for grad, var in zip(grads, vars):
                curr_change = self.learning_rate * grad + self.momentum * self.change
                var.assign_sub(curr_change)
                self.change = curr_change

    class Adam(tf.Module):
        def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
            self.beta_1, self.beta_2 = beta_1, beta_2
            self.learning_rate, self.ep = learning_rate, ep
            self.t = 1.
            self.v_dvar, self.s_dvar = [], []
            self.built = False

        def apply_gradients(self, grads, vars):
            if not self.built:
                for var in vars:
                    self.v_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
                    self.s_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
                self.built = True
            for i, (d_var, var) in enumerate(zip(grads, vars)):
                self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
                self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i] +
                                      (1 - self.beta_2) * tf.square(d_var))
                v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
                s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
                var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
            self.t += 1.
    optimizer = {"sgd": lambda: GradientDescent(1e-3), "momentum": lambda: Momentum(1e-3),
                 "adam": lambda: Adam(1e-1)}[which]()
    x = tf.Variable(2.0)
    path = []
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = 2 * (x ** 4) + 3 * (x ** 3) + 2
        optimizer.apply_gradients([tape.gradient(loss, x)], [x])
        path.append([x.numpy(), loss.numpy()])
    return len(optimizer.variables), np.array(path)


@pytest.mark.parametrize("which", ["sgd", "momentum", "adam"])
def test_optimizers_from_scratch_match_tf(tf_real, which):
    n_vars, got = _from_scratch(minitf, which)
    want_vars, want = _from_scratch(tf_real, which)
    assert n_vars == want_vars
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
