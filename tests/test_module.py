"""``tf.Module`` and ``tf.name_scope``: the attribute walk (TF's order, checked against TF 2.21),
names and scopes, and the TF guides' basic training loop and optimizers written from scratch,
checked against the same updates computed in float64 NumPy."""
import threading

import numpy as np
import pytest

import minitf as tf


class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b")

    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)


class Nest(tf.Module):
    """Attributes chosen so that sorted order, nesting, sharing and trainability all matter."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.z = Dense(3, 3, name="zed")
        self.a = Dense(3, 2, name="ay")
        self.c = tf.Variable(1.0, trainable=False, name="c")
        self.lst = [tf.Variable(2.0, name="l0"),
                    {"k": tf.Variable(3.0, name="dk"), "a": Dense(2, 2, name="indict")}]
        self.dup = self.z


# TF 2.21 lists Nest()'s variables in this order: the module's own Variables first (attributes
# sorted, dicts by key), then each submodule found, depth first; `dup` is `z`, listed once.
_NEST_VARIABLES = ["c:0", "l0:0", "dk:0", "b:0", "w:0", "b:0", "w:0", "b:0", "w:0"]


def test_walk_order_is_tensorflows():
    m = Nest()
    assert [v.name for v in m.variables] == _NEST_VARIABLES
    assert [s.name for s in m.submodules] == ["ay", "zed", "indict"]
    assert [v.name for v in m.trainable_variables] == _NEST_VARIABLES[1:]
    assert [v.name for v in m.non_trainable_variables] == ["c:0"]
    assert m.variables[3] is m.a.b and m.variables[5] is m.z.b and m.variables[7] is m.lst[1]["a"].b


def test_properties_are_tuples_and_found_afresh_each_time():
    m = tf.Module()
    assert m.variables == m.trainable_variables == m.submodules == ()
    m.v = tf.Variable(1.0)
    m.also = m.v                                   # the same Variable twice: listed once
    assert isinstance(m.variables, tuple) and m.variables == (m.v,)
    m.child = Dense(1, 1)
    assert m.submodules == (m.child,) and len(m.variables) == 3


def test_a_submodule_that_points_back_does_not_loop():
    parent = tf.Module(name="parent")
    parent.child = tf.Module(name="child")
    parent.child.parent = parent
    parent.child.v = tf.Variable(1.0, name="v")
    assert [s.name for s in parent.submodules] == ["child"]
    assert [v.name for v in parent.variables] == ["v:0"]


def test_tuples_and_uppercase_and_private_attributes_sort_as_strings():
    m = tf.Module()
    m.t = (tf.Variable(1.0, name="t0"), tf.Variable(2.0, name="t1"))
    m.B = tf.Variable(0.0, name="B")
    m._p = tf.Variable(0.0, name="_p")
    assert [v.name for v in m.variables] == ["B:0", "_p:0", "t0:0", "t1:0"]


def test_keras_layers_are_not_walked_into():
    """Keras 3 layers are not tf.Modules, so TF's walk does not enter them either."""
    m = tf.Module()
    m.layer = tf.keras.layers.Dense(2)
    m.layer.build((None, 3))
    assert m.variables == () and m.submodules == ()


def test_a_module_whose_init_never_ran_still_lists_its_variables():
    class NoSuper(tf.Module):
        def __init__(self):
            self.slots = [tf.Variable(0.0), tf.Variable(1.0)]
    assert len(NoSuper().variables) == 2


@pytest.mark.parametrize("cls_name, expected", [
    ("Seq", "seq"), ("MyModule", "my_module"), ("CamelHTTPThing", "camel_http_thing"),
    ("Layer2D", "layer2_d"), ("ABC", "abc"), ("mlp", "mlp")])
def test_default_name_is_the_class_name_in_snake_case(cls_name, expected):
    assert type(cls_name, (tf.Module,), {})().name == expected


@pytest.mark.parametrize("bad", ["1abc", "a b", "a/b", "", "a-b"])
def test_invalid_module_names_are_value_errors(bad):
    with pytest.raises(ValueError, match="is not a valid module name"):
        tf.Module(name=bad)


def test_a_module_name_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="Module name must be a string, got int"):
        tf.Module(name=3)


def test_name_scope_prefixes_variable_names_and_nests():
    with tf.name_scope("a") as a:
        with tf.name_scope("b") as ab:
            v = tf.Variable(1.0, name="v")
            w = tf.Variable(1.0)
        with tf.name_scope("y/") as absolute:
            pass
        with tf.name_scope("") as top:
            e = tf.Variable(1.0, name="e")
    assert (a, ab, absolute, top) == ("a/", "a/b/", "y/", "")
    assert (v.name, w.name, e.name) == ("a/b/v:0", "a/b/Variable:0", "e:0")
    assert tf.Variable(1.0, name="after").name == "after:0"
    assert tf.name_scope("q").name == "q"


@pytest.mark.parametrize("bad", [None, 3])
def test_name_scope_name_must_be_a_string(bad):
    with pytest.raises(ValueError, match="must be a string"):
        tf.name_scope(bad)


def test_name_scopes_belong_to_their_thread():
    names = []
    ready, done = threading.Event(), threading.Event()

    def other():
        ready.wait()
        names.append(tf.Variable(1.0, name="t").name)
        done.set()
    thread = threading.Thread(target=other)
    thread.start()
    with tf.name_scope("main"):
        ready.set()
        done.wait()
    thread.join()
    assert names == ["t:0"]


def test_module_name_scope_and_with_name_scope():
    class Lazy(tf.Module):
        @tf.Module.with_name_scope
        def __call__(self, x):
            """Doc kept."""
            if not hasattr(self, "w"):
                self.w = tf.Variable(tf.ones([x.shape[1], 3]))
            return tf.matmul(x, self.w)
    lazy = Lazy()
    lazy(tf.ones([1, 2]))
    assert lazy.w.name == "lazy/Variable:0" and Lazy.__call__.__doc__ == "Doc kept."
    with lazy.name_scope as scope:
        inner = tf.Variable(1.0, name="q")
    assert scope == "lazy/" and inner.name == "lazy/q:0" and lazy.name_scope.name == "lazy/"
    with tf.name_scope("outer"):
        made_inside = Nest()
    # Variables made in __init__ take only the ambient scope; the module's scope records it.
    assert made_inside.name == "nest" and made_inside.name_scope.name == "outer/nest/"
    assert [v.name for v in made_inside.variables][:2] == ["outer/c:0", "outer/l0:0"]


# ---- the guides' programs ----------------------------------------------------------------------
class Linear(tf.Module):
    """The basic training loop guide's model: y = w x + b, starting from w = 5, b = 0."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


def _line_data():
    x = np.linspace(-2, 2, 201).astype(np.float32)
    noise = np.random.default_rng(0).standard_normal(201).astype(np.float32)
    return x, x * 3.0 + 2.0 + noise


def _numpy_descent(x, y, steps, lr):
    """Gradient descent on mean((y - (w x + b))^2) in float64, from w = 5, b = 0."""
    x, y = x.astype(np.float64), y.astype(np.float64)
    w, b, out = 5.0, 0.0, []
    for _ in range(steps):
        r = y - (w * x + b)
        w, b = w + lr * 2 * np.mean(r * x), b + lr * 2 * np.mean(r)
        out.append((w, b))
    return out


@pytest.mark.parametrize("compiled", [False, True])
def test_basic_training_loop_guide(compiled):
    x, y = _line_data()
    model = Linear()
    assert [v.name for v in model.variables] == ["Variable:0", "Variable:0"]

    def train(model, x, y, learning_rate):
        with tf.GradientTape() as t:
            current_loss = tf.reduce_mean(tf.square(y - model(x)))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(learning_rate * dw)
        model.b.assign_sub(learning_rate * db)
    step = tf.function(train) if compiled else train
    got = []
    for _ in range(10):
        step(model, tf.constant(x), tf.constant(y), 0.1)
        got.append((model.w.numpy(), model.b.numpy()))
    np.testing.assert_allclose(got, _numpy_descent(x, y, 10, 0.1), rtol=1e-5, atol=1e-6)


class GradientDescent(tf.Module):
    """The optimizers guide's plain gradient descent."""

    def __init__(self, learning_rate=1e-3):
        self.learning_rate = learning_rate

    def apply_gradients(self, grads, variables):
        for grad, var in zip(grads, variables):
            var.assign_sub(self.learning_rate * grad)


class Adam(tf.Module):
    """The optimizers guide's Adam: slot Variables made on the first call, bias-corrected."""

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        self.beta_1, self.beta_2, self.learning_rate, self.ep = beta_1, beta_2, learning_rate, ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.built = False

    def apply_gradients(self, grads, variables):
        if not self.built:
            for var in variables:
                self.v_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
                self.s_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
            self.built = True
        for i, (d_var, var) in enumerate(zip(grads, variables)):
            self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
            self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i] +
                                  (1 - self.beta_2) * tf.square(d_var))
            v_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_bc / (tf.sqrt(s_bc) + self.ep)))
        self.t += 1.


def _quartic_grad(x):
    return 8 * x ** 3 + 9 * x ** 2      # d/dx of 2x^4 + 3x^3 + 2


def _numpy_adam(x, steps, lr, b1=0.9, b2=0.999, ep=1e-7):
    v = s = 0.0
    for t in range(1, steps + 1):
        g = _quartic_grad(x)
        v, s = b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g * g
        x -= lr * (v / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + ep)
    return x


@pytest.mark.parametrize("make, expected", [
    (lambda: GradientDescent(1e-3), None), (lambda: Adam(1e-1), _numpy_adam(2.0, 50, 1e-1))])
def test_optimizers_written_from_scratch(make, expected):
    optimizer = make()
    x = tf.Variable(2.0)
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = 2 * (x ** 4) + 3 * (x ** 3) + 2
        optimizer.apply_gradients([tape.gradient(loss, x)], [x])
    if expected is None:
        expected = 2.0
        for _ in range(50):
            expected -= 1e-3 * _quartic_grad(expected)
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert len(optimizer.variables) == (2 if isinstance(optimizer, Adam) else 0)


def test_tf_function_method_of_a_module():
    class Scaled(tf.Module):
        def __init__(self):
            super().__init__()
            self.k = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return self.k * x
    m = Scaled()
    assert float(m(tf.constant(3.0))) == 6.0
    m.k.assign(4.0)
    assert float(m(tf.constant(3.0))) == 12.0
    assert m.trainable_variables == (m.k,)
