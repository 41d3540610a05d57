"""The tracing bugs of tests/test_tracing_bugs.py, each run side by side with live TensorFlow:
the same values, printed text and exception types."""
import contextlib
import io

import numpy as np
import pytest

import minitf as mtf


def _printed(fn) -> list:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue().splitlines()


# ---- BatchNormalization under fit ---------------------------------------------------------

def _bn_model(K, dtype):
    # dtype per layer, not set_floatx: Keras keeps its global dtype policy once it is made
    model = K.Sequential([K.Input(shape=(4,), dtype=dtype), K.layers.Dense(6, dtype=dtype),
                          K.layers.BatchNormalization(momentum=0.9, dtype=dtype),
                          K.layers.Dense(1, dtype=dtype)])
    # 0.125 is exact in binary: the float64 run compares the layer, not how a rate is rounded
    model.compile(optimizer=K.optimizers.SGD(0.125), loss="mse")
    return model


@pytest.mark.parametrize("floatx,rtol,atol", [("float32", 1e-5, 1e-6),
                                              ("float64", 1e-12, 1e-12)])
def test_batch_norm_fit_matches_keras(tf_real, floatx, rtol, atol):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 4)).astype(floatx)
    y = rng.normal(size=(24, 1)).astype(floatx)
    old = keras.config.floatx(), mtf.keras.backend.floatx()
    keras.config.set_floatx(floatx)             # the loss metric's dtype
    mtf.keras.backend.set_floatx(floatx)
    try:
        theirs, ours = _bn_model(keras, floatx), _bn_model(mtf.keras, floatx)
        ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
        fit = dict(batch_size=8, epochs=3, shuffle=False, verbose=0)
        h_theirs = theirs.fit(x, y, **fit).history["loss"]
        h_ours = ours.fit(x, y, **fit).history["loss"]
    finally:
        keras.config.set_floatx(old[0])
        mtf.keras.backend.set_floatx(old[1])
    assert {w.dtype.name if hasattr(w.dtype, "name") else w.dtype for w in theirs.weights} == \
        {w.dtype for w in ours.weights} == {floatx}      # Keras 3: a string
    np.testing.assert_allclose(h_ours, h_theirs, rtol=rtol, atol=atol)
    bn_theirs, bn_ours = theirs.layers[1], ours.layers[1]
    for name in ("moving_mean", "moving_variance", "gamma", "beta"):
        np.testing.assert_allclose(getattr(bn_ours, name).numpy(),
                                   np.asarray(getattr(bn_theirs, name).numpy()),
                                   rtol=rtol, atol=atol, err_msg=name)


# ---- return v.assign_add(c) ----------------------------------------------------------------

def _counter_calls(tf):
    counter = tf.Variable(0)

    @tf.function
    def increment(c):
        return counter.assign_add(c)

    @tf.function
    def current():
        return counter

    return [int(increment(1)) for _ in range(3)] + [int(current()), int(counter.numpy())]


def test_assign_add_result_matches_tf(tf_real):
    assert _counter_calls(mtf) == _counter_calls(tf_real) == [1, 2, 3, 3, 3]


# ---- Python outputs --------------------------------------------------------------------------

def _cube(x):
    return x * x * x


@pytest.mark.parametrize("arg", [2, 2.0, True])
def test_python_scalar_output_is_a_tensor_as_in_tf(tf_real, arg):
    ours, theirs = mtf.function(_cube)(arg), tf_real.function(_cube)(arg)
    assert isinstance(ours, mtf.Tensor) and isinstance(theirs, tf_real.Tensor)
    assert ours.dtype.name == theirs.dtype.name
    assert ours.numpy() == theirs.numpy()


def _structure():
    return 1, 2.5, "s", None, [np.float64(1.5)]


def test_python_outputs_in_a_structure_match_tf(tf_real):
    ours = mtf.nest.flatten(mtf.function(_structure)())
    theirs = tf_real.nest.flatten(tf_real.function(_structure)())
    assert [None if o is None else (o.dtype.name, o.numpy()) for o in ours] == \
        [None if o is None else (o.dtype.name, o.numpy()) for o in theirs]


def _an_object():
    return object()


def test_returning_an_object_is_tf_type_error(tf_real):
    with pytest.raises(TypeError) as theirs:
        tf_real.function(_an_object, autograph=False)()
    with pytest.raises(TypeError) as ours:
        mtf.function(_an_object)()
    tail = "found return value of type object, which is not a Tensor or ExtensionType."
    assert str(theirs.value).endswith(tail) and str(ours.value).endswith(tail)


# ---- print while tracing ---------------------------------------------------------------------

def _tracing_prints(tf):
    @tf.function
    def f(x, y):
        print(x)
        print(f"{y}")
        a = x + y
        print(a)
        print(a + 1.0)
        print(x * y, x - y, x / y, x ** 3, -x)
        print(tf.matmul(tf.reshape(x, [1, 1]), tf.reshape(y, [1, 1])))
        print(tf.reduce_sum(x), tf.sqrt(x), tf.reshape(x, [1]), tf.cast(x, tf.int32))
        print(repr(x), [x, a])
        print("%s" % y, str(x))
        return a

    @tf.function
    def g(a, b):
        print(a, b)
        return a[0]

    @tf.function
    def h(*args):
        print(args)
        return args[0]

    @tf.function
    def k(v):
        print(v)
        return v

    def run():
        f(tf.constant(1.0), tf.constant(2.0))
        f(tf.constant(3.0), tf.constant(4.0))          # replayed: prints nothing
        g([tf.constant(1.0), tf.constant(2.0)], {"k": tf.constant([3, 4])})
        h(tf.constant(1.0), tf.constant(2.0))
        k(tf.constant([[1, 2]]))
    return _printed(run)


def test_print_while_tracing_matches_tf(tf_real):
    assert _tracing_prints(mtf) == _tracing_prints(tf_real)


def _op_function_prints(tf):
    v = tf.Variable(3.0)

    @tf.function
    def f(x, y):
        print(tf.exp(x), tf.nn.relu(x), tf.sigmoid(x), tf.tanh(x), tf.nn.softplus(x))
        print(tf.add(x, y), x + y, tf.add(x, 1.0), tf.multiply(x, y), x * y, tf.subtract(x, y))
        print(tf.nn.softmax(tf.reshape(x, [1, 1])), tf.math.log(x), tf.square(x), tf.abs(x))
        print(tf.exp(tf.exp(x)), tf.negative(x), tf.pow(x, 2.0), tf.maximum(x, 0.0))
        print(tf.math.rsqrt(x), tf.nn.leaky_relu(x), tf.nn.elu(x), tf.nn.log_softmax(
            tf.reshape(x, [1, 1])))
        print(tf.where(x > 0.0, x, y), tf.transpose(tf.reshape(x, [1, 1])), tf.expand_dims(x, 0))
        print(tf.realdiv(x, y), x / y, tf.divide(x, y), x // y, tf.math.floordiv(x, y), x % y,
              tf.math.floormod(x, y), x[None], tf.concat([x[None], y[None]], 0))
        print(tf.identity(x), tf.identity(x * y), v.read_value(), v.read_value() + x)
        print(tf.clip_by_value(x, 0.0, y), tf.minimum(x, y), tf.clip_by_value(x, y, 3.0),
              tf.one_hot(tf.cast(x, tf.int32), 3))
        print(tf.nn.gelu(x), tf.nn.gelu(x, approximate=True), tf.nn.gelu(y))
        print(tf.norm(x), tf.norm(tf.reshape(x, [1, 1]), axis=1), tf.norm(x, ord=1))
        return x

    return _printed(lambda: f(tf.constant(1.0), tf.constant(2.0)))


def test_print_names_the_op_function_as_tf(tf_real):
    assert _op_function_prints(mtf) == _op_function_prints(tf_real)


def _constant_prints(tf):
    v = tf.Variable(1.0)
    w = tf.Variable([1, 2])

    @tf.function
    def f(x):
        c = tf.constant(2.0)
        print(c)
        print(repr(c), tf.constant([1, 2]), tf.convert_to_tensor(1.5))
        print(tf.zeros([2, 3]), tf.ones([2]), tf.zeros([]), tf.zeros([2], tf.int32))
        print(tf.reduce_sum(x), tf.constant(3.0), tf.zeros([1000]), tf.ones(tf.constant([2])))
        print(tf.range(5), tf.range(1, 5, 2), tf.range(3.0), tf.range(tf.constant(3)))
        print(tf.fill([2, 2], 3.0), tf.fill([2], c), tf.zeros_like(c), tf.constant(1.0, shape=[2]))
        print(v.assign_add(1.0), v.assign(x), v.assign_sub(2.0))
        print(repr(w.assign([3, 4])), w.assign_add([1, 1]))
        print(v.assign_add(1.0) + 1.0, w)
        return x + c
    return _printed(lambda: f(tf.constant(1.0)))


def test_print_of_constants_and_assignments_is_tf_graph_text(tf_real):
    """A constant made in the body prints as its graph tensor (``Const:0``, ``zeros:0``,
    ``range_1:0`` after the ``range`` of a scalar's reduction), an assignment's result as
    TF's ``UnreadVariable``."""
    assert _constant_prints(mtf) == _constant_prints(tf_real)


def _assignment_operations(tf):
    v = tf.Variable(1.0)
    w = tf.Variable([1, 2])

    @tf.function
    def f(x):
        a = v.assign(x * 2.0, read_value=False)
        print(a)
        print(repr(a), type(a).__name__, a.name, a.type)
        print(v.assign_sub(1.0, read_value=False), w.assign_add([1, 1], read_value=False))
        return x
    return _printed(lambda: (f(tf.constant(1.0)), print(v.assign(3.0, read_value=False))))


def test_assignment_without_read_value_is_tf_operation(tf_real):
    """``v.assign(x, read_value=False)`` in a function is TF's assignment operation, printed as
    its NodeDef (no control inputs yet); eagerly None."""
    assert _assignment_operations(mtf) == _assignment_operations(tf_real)


def _block_constant_prints(tf):
    @tf.function
    def f(x):
        def body(i, x):
            c = tf.constant(2.0)
            print("B", c, tf.zeros([2]), tf.constant(1.0), tf.add(c, 1.0))
            return i + 1, x * c

        def cond(i, x):
            print("C", tf.constant(3))
            return i < 3
        out = tf.while_loop(cond, body, [0, x])

        def t():
            y = tf.cond(x > 1, lambda: (print("TT", tf.constant(1.0)), x)[1], lambda: x)
            print("T", tf.constant(5.0), tf.range(2))
            return y
        z = tf.cond(x > 0, t, lambda: x)
        print("after", tf.constant(1.0),
              tf.cond(x > 0, lambda: tf.constant(1.0), lambda: tf.constant(2.0)))
        return out, z
    return _printed(lambda: f.get_concrete_function(tf.TensorSpec([])))


def test_constants_in_branches_and_loop_bodies_print_as_tf(tf_real):
    """A constant made in a branch or loop body prints as the branch graph's tensor, in the
    name scope of its node (``cond/Const:0``, ``while/zeros:0``, ``cond/cond/Const:0``)."""
    assert _block_constant_prints(mtf) == _block_constant_prints(tf_real)


def _format_with_spec(tf):
    @tf.function
    def f(x):
        return f"{x:.2f}"
    return f(tf.constant(1.0))


def test_format_spec_while_tracing_is_tf_type_error(tf_real):
    with pytest.raises(TypeError) as theirs:
        _format_with_spec(tf_real)
    with pytest.raises(TypeError) as ours:
        _format_with_spec(mtf)
    # both in AutoGraph's "in user code:" form: the same frame line and final message
    t, o = str(theirs.value).strip().splitlines(), str(ours.value).strip().splitlines()
    assert t[0] == o[0] == "in user code:"
    assert t[-1].strip() == o[-1].strip() == "TypeError: unsupported format string passed to " \
        "SymbolicTensor.__format__"
    assert [line.strip() for line in t if "return f" in line] == \
        [line.strip() for line in o if "return f" in line]


# ---- a layer's call on keras.Input ----------------------------------------------------------

def _symbolic_call_prints(K):
    class Spy(K.layers.Layer):
        def call(self, inputs):
            print(inputs.shape)
            print(inputs)
            return inputs * 2.0

    def run():
        x = K.Input(shape=(3,))
        print(Spy()(x).shape)
    return _printed(run)


def test_call_on_keras_input_sees_none_batch_as_in_keras(tf_real):
    keras = pytest.importorskip("keras")
    assert _symbolic_call_prints(mtf.keras) == _symbolic_call_prints(keras)


# ---- names printed inside converted control flow ------------------------------------------

def _control_flow_prints(tf):
    @tf.function
    def f(n, x):
        s = tf.constant(0)
        for i in tf.range(n):
            print("body", i, s, x, s + i)
            s += i
        while s < 10:
            print("while", s)
            s = s * 2
        if s > 3:
            print("then", s, x * 2)
            s = s - 1
        else:
            s = s + 1
        return s

    @tf.function
    def d(n):
        s = 0
        for i in tf.range(n):
            for j in tf.range(i):
                print("inner", i, j, s, s + j, tf.constant(1), tf.add(s, j))
                s += j
            print("outer", i, s)
            if s > 2:
                print("cond", s * 2)
                s = s - 1
        return s

    @tf.function
    def w(x):
        def cond(i, y, t):
            print("test", i, y, i < 3)
            return i < 3

        def body(i, y, t):
            print("body", i, y, t)
            z = tf.constant(2.0)
            return i + 1, (y + x) * z, t
        r = tf.while_loop(cond, body, [0, x, tf.zeros([2])])
        c = tf.cond(x > 0, lambda: (x + 1, x), lambda: (x - 1, x))
        b = tf.while_loop(lambda i, y: (print("bound", i < 2), i < 3)[1],
                          lambda i, y: (i + 1, tf.concat([y, y], 0)),
                          [0, tf.reshape(x, [1])],
                          shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])],
                          maximum_iterations=5)
        print("after", r[1], c[1], b[1], r[1] + c[0])
        return r

    def run():
        f(tf.constant(3), tf.constant(1.0))
        d(tf.constant(3))
        w(tf.constant(1.0))
    return _printed(run)


def test_names_printed_in_converted_control_flow_are_tfs(tf_real):
    assert _control_flow_prints(mtf) == _control_flow_prints(tf_real)


def _bounded_loop_listing(tf):
    @tf.function
    def b(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * 2.0), [0, x],
                             maximum_iterations=5)
    g = b.get_concrete_function(tf.TensorSpec([1])).graph
    return [(n.name, n.op, list(n.input)) for n in g.as_graph_def().node]


def test_bounded_while_loop_is_listed_as_tfs(tf_real):
    assert _bounded_loop_listing(mtf) == _bounded_loop_listing(tf_real)


# ---- the class of a tensor inside a trace ------------------------------------------------

def _tensor_classes(tf):
    """type(t).__name__, isinstance and tf.is_tensor of the tensors a function sees and makes
    (a py_function's body is left out: minitf runs it while tracing, docs/tf-function.md)."""
    outer = tf.constant(3.0)
    v = tf.Variable(2.0)

    def show(tag, x):
        print(tag, type(x).__name__, isinstance(x, tf.Tensor), tf.is_tensor(x))

    @tf.function
    def f(a, n):
        show("argument", a)
        show("op result", a + 1)
        show("constant", tf.constant(1.0))
        show("captured", outer)
        show("captured op", outer * 2)
        show("variable", v)
        show("variable read", v.read_value())
        show("variable value", v.value())
        show("variable op", v + 0)
        show("identity of a capture", tf.identity(outer))
        show("int argument", n)
        show("convert_to_tensor", tf.convert_to_tensor(2.0))
        with tf.init_scope():
            show("init_scope constant", tf.constant(1.0))
        show("cond", tf.cond(a > 0, lambda: a * 2, lambda: a * 3))
        i = tf.constant(0)
        while i < n:
            show("loop variable", i)
            i += 1
        show("loop result", i)
        with tf.GradientTape() as tape:
            tape.watch(a)
            y = a * a
        show("gradient", tape.gradient(y, a))
        return a

    show("eager", outer)
    show("eager op", outer + 1)
    show("function result", f(tf.constant(1.0), tf.constant(2)))
    show("second call result", f(tf.constant(1.0), tf.constant(2)))


def test_tensor_classes_inside_and_outside_a_function_as_tf(tf_real):
    theirs = _printed(lambda: _tensor_classes(tf_real))
    assert any(line.startswith("argument SymbolicTensor True True") for line in theirs)
    assert _printed(lambda: _tensor_classes(mtf)) == theirs
