"""tf.function: TF's tracing rules, and replayed programs that equal eager execution.

Expected behaviour comes from TensorFlow 2.21 (checked live; the counts below are what TF
printed for the same functions) and from eager minitf itself as the reference for replay:
a replayed trace must give *bit-identical* results on the CPU, because it calls the same NumPy
functions on the same arrays in the same order.
"""
from __future__ import annotations

import io
import sys

import numpy as np
import pytest

import minitf as tf
from minitf.errors import OperatorNotAllowedInGraphError
from minitf.checks.op_specs import SPECS
from minitf.checks.parity_check import seeded_inputs


# ---- tracing rules ---------------------------------------------------------------------------

def test_retraces_per_signature_python_values_by_value():
    traces = []

    @tf.function
    def f(x):
        traces.append(1)
        return x + 1

    f(1), f(2), f(tf.constant(1)), f(tf.constant(2)), f(tf.constant(2.0)), f(tf.constant([2.0]))
    f(1), f(tf.constant(5)), f(tf.constant([7.0]))
    assert f.experimental_get_tracing_count() == 5 == len(traces)     # TF 2.21 counts 5


def test_python_side_effects_only_while_tracing_tf_print_every_call(capsys):
    @tf.function
    def f(x):
        print("python print")
        tf.print("tf.print", x, output_stream=sys.stdout)
        return x * 2

    for v in (1.0, 2.0, 3.0):
        f(tf.constant(v))
    out = capsys.readouterr().out.splitlines()
    assert out == ["python print", "tf.print 1", "tf.print 2", "tf.print 3"]


def test_input_signature_none_dims_one_trace_and_binding_errors():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return x * 2

    assert f(tf.constant([1.0])).numpy().tolist() == [2.0]
    assert f(tf.constant([1.0, 2.0, 3.0])).numpy().tolist() == [2.0, 4.0, 6.0]
    assert f([4.0, 5.0]).numpy().tolist() == [8.0, 10.0]         # Python lists are converted
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="Binding inputs to tf.function failed"):
        f(tf.constant([1, 2]))                                      # int32
    with pytest.raises(TypeError, match="Binding inputs to tf.function failed"):
        f(tf.constant([[1.0, 2.0]]))                                # rank 2
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_must_be_tensorspecs():
    with pytest.raises(TypeError, match="TensorSpec"):
        tf.function(lambda x: x, input_signature=[3])


def test_reduce_retracing_generalises_to_none():
    shapes = []

    @tf.function(reduce_retracing=True)
    def f(x):
        shapes.append(tuple(x.shape))
        return x + 1

    for n in (1, 2, 3, 4):
        assert f(tf.ones([n])).numpy().tolist() == [2.0] * n
    assert f.experimental_get_tracing_count() == 2                  # TF 2.21 counts 2
    assert shapes[0] == (1,)


def test_variables_only_on_first_trace():
    @tf.function
    def every_call(x):
        v = tf.Variable(1.0)
        return x * v

    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        every_call(tf.constant(1.0))

    class Holder:
        v = None

    h = Holder()

    @tf.function
    def once(x):
        if h.v is None:
            h.v = tf.Variable(2.0)
        return x * h.v

    assert float(once(tf.constant(3.0))) == 6.0
    assert float(once(tf.constant(4.0))) == 8.0
    assert once.experimental_get_tracing_count() == 2               # TF traces twice, too


def test_variables_read_and_assigned_inside():
    v = tf.Variable(0.0)
    w = tf.Variable([1.0, 2.0])

    @tf.function
    def bump(x):
        v.assign_add(x)
        w.assign(w * 2.0)
        return v.read_value() + 0.0

    before = w.read_value()
    assert [float(bump(tf.constant(d))) for d in (1.0, 2.0, 3.0)] == [1.0, 3.0, 6.0]
    assert float(v) == 6.0 and w.numpy().tolist() == [8.0, 16.0]
    assert before.numpy().tolist() == [1.0, 2.0]        # a read from before is not changed
    v.assign(100.0)                                     # eager writes are seen by the replay
    assert float(bump(tf.constant(1.0))) == 101.0


def test_in_place_updates_do_not_change_earlier_reads():
    w = tf.Variable([1.0, 2.0])
    opt = tf.keras.optimizers.Adam(0.1)

    @tf.function
    def step():
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(w * w)
        opt.apply_gradients(zip(t.gradient(loss, [w]), [w]))

    step()
    kept = w.read_value()
    snapshot = kept.numpy().copy()
    step()
    assert np.array_equal(kept.numpy(), snapshot)
    assert not np.array_equal(w.numpy(), snapshot)


def test_host_reads_of_traced_values_are_refused():
    @tf.function(autograph=False)      # AutoGraph would make the `if` a tf.cond
    def branch(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(OperatorNotAllowedInGraphError, match="Python `bool`"):
        branch(tf.constant(1.0))

    @tf.function
    def to_numpy(x):
        return x.numpy()

    with pytest.raises(AttributeError, match="numpy"):
        to_numpy(tf.constant(1.0))

    @tf.function
    def to_float(x):
        return float(x)

    with pytest.raises(OperatorNotAllowedInGraphError):
        to_float(tf.constant(1.0))


def test_python_control_flow_on_python_values_unrolls():
    @tf.function
    def power(x, n):
        y = tf.ones_like(x)
        for _ in range(n):
            y = y * x
        return y

    assert float(power(tf.constant(2.0), 3)) == 8.0
    assert float(power(tf.constant(3.0), 3)) == 27.0
    assert float(power(tf.constant(2.0), 5)) == 32.0
    assert power.experimental_get_tracing_count() == 2


def test_escaped_tensor_is_an_error():
    leaked = []

    @tf.function
    def f(x):
        y = x * 2
        leaked.append(y)
        return y

    f(tf.constant(1.0))
    # TF: a graph tensor used after its trace ended is a TypeError naming it and its function
    with pytest.raises(TypeError, match=r"^<tf.Tensor 'mul:0' shape=\(\) dtype=float32> is out "
                       r"of scope and cannot be used here(.|\n)*FuncGraph\(name=f, id="):
        leaked[0] + 1
    with pytest.raises(TypeError, match="is out of scope"):
        tf.cast(leaked[0], tf.int32)          # through a method of the leaked value


def test_methods_trace_per_instance():
    class Scale(tf.Module if hasattr(tf, "Module") else object):
        def __init__(self, k):
            self.k = tf.Variable(k)

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scale(2.0), Scale(3.0)
    assert float(a(tf.constant(1.0))) == 2.0 and float(b(tf.constant(1.0))) == 3.0
    assert float(a(tf.constant(5.0))) == 10.0


def test_run_functions_eagerly():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x

    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1.0)), f(tf.constant(2.0))
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(calls) == 2 and f.experimental_get_tracing_count() == 0


# ---- concrete functions ----------------------------------------------------------------------

def test_concrete_function_signature_operations_and_no_effects():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return tf.matmul(x, x) + v

    cf = f.get_concrete_function(tf.TensorSpec([2, 2], tf.float32))
    assert cf.structured_input_signature == ((tf.TensorSpec([2, 2], tf.float32),), {})
    assert float(v) == 1.0                       # tracing for a concrete function runs nothing
    types = [op.type for op in cf.graph.get_operations()]
    assert "MatMul" in types and "AddV2" in types        # TF's op types
    assert "def run(I):" in cf.graph.source
    out = cf(tf.constant([[1.0, 0.0], [0.0, 1.0]]))
    assert out.numpy().tolist() == [[3.0, 2.0], [2.0, 3.0]] and float(v) == 2.0
    assert f.get_concrete_function(tf.TensorSpec([2, 2], tf.float32)) is cf
    # TF binds a tensor of another shape through the flat signature; the op then fails
    with pytest.raises(tf.errors.InvalidArgumentError, match="ndims must be == 2"):
        cf(tf.constant([1.0]))
    with pytest.raises(TypeError, match="Binding inputs"):
        cf(1.0, 2.0)
    assert "Input Parameters:" in cf.pretty_printed_signature()


# ---- control flow ----------------------------------------------------------------------------

def test_cond_both_ways_and_variable_assignment_in_branches():
    v = tf.Variable(0)

    @tf.function
    def f(x):
        def pos():
            v.assign_add(1)
            return x * 2

        def neg():
            v.assign_add(100)
            return -x
        return tf.cond(x > 0, pos, neg)

    assert [float(f(tf.constant(d))) for d in (3.0, -4.0, 5.0)] == [6.0, 4.0, 10.0]
    assert int(v) == 102
    assert f.experimental_get_tracing_count() == 1


def test_while_loop_traced_matches_python():
    @tf.function
    def gcd(a, b):
        return tf.while_loop(lambda a, b: b != 0, lambda a, b: (b, a % b), (a, b))[0]

    for a, b in ((48, 18), (17, 5), (100, 75), (7, 0)):
        assert int(gcd(tf.constant(a), tf.constant(b))) == np.gcd(a, b)
    assert gcd.experimental_get_tracing_count() == 1


def test_cond_under_a_tape_inside_function_gives_eager_gradients():
    def body(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(x * x * x),
                        lambda: tf.reduce_sum(tf.sin(x)))
        return y, t.gradient(y, x)

    traced = tf.function(body)
    for xs in ([1.0, 2.0], [-1.0, -2.0], [0.5, 0.25]):
        x = tf.constant(xs)
        (ye, ge), (yt, gt) = body(x), traced(x)
        assert float(ye) == float(yt)
        assert np.array_equal(ge.numpy(), gt.numpy())


# ---- replay equals eager ---------------------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_op_and_gradient_traced_equals_eager(spec):
    def traced_body(*xs):
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = spec.fn(tf, *xs)
            n = int(np.prod(y.shape))
            w = tf.constant((np.arange(n) % 3 + 1).reshape(y.shape).astype(y.dtype.as_numpy_dtype)) \
                if n > 1 else tf.ones_like(y)
            loss = tf.reduce_sum(y * w)
        return y, tape.gradient(loss, list(xs))

    f = tf.function(traced_body)
    for seed in (1, 2, 3):                      # the first call traces, later ones replay
        xs = [tf.constant(np.asarray(a, np.float64)) for a in seeded_inputs(spec, seed)]
        ye, ge = traced_body(*xs)                 # eager
        yt, gt = f(*xs)
        assert np.array_equal(ye.numpy(), yt.numpy(), equal_nan=True), spec.name
        for a, b in zip(ge, gt):
            assert (a is None) == (b is None)
            if a is not None:
                assert np.array_equal(tf.convert_to_tensor(a).numpy(),
                                      tf.convert_to_tensor(b).numpy(), equal_nan=True)
    assert f.experimental_get_tracing_count() == 1


def _mlp_setup(optimizer, dtype="float32"):
    rng = np.random.default_rng(0)
    model = tf.keras.Sequential([tf.keras.layers.Dense(30, activation="relu"),
                                 tf.keras.layers.Dropout(0.0),
                                 tf.keras.layers.Dense(1)])
    model.build((None, 8))
    for v in model.trainable_variables:
        v.assign(rng.normal(size=tuple(v.shape)).astype(dtype) * 0.3)
    return model, optimizer


@pytest.mark.parametrize("make_opt", [
    lambda: tf.keras.optimizers.SGD(0.01),
    lambda: tf.keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
    lambda: tf.keras.optimizers.Adam(0.01),
    lambda: tf.keras.optimizers.AdamW(0.01),
    lambda: tf.keras.optimizers.RMSprop(0.01, centered=True, momentum=0.5),
    lambda: tf.keras.optimizers.Adagrad(0.05),
    lambda: tf.keras.optimizers.Nadam(0.01),
    lambda: tf.keras.optimizers.Adam(
        tf.keras.optimizers.schedules.ExponentialDecay(0.01, 5, 0.5), global_clipnorm=1.0),
], ids=["sgd", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "nadam", "adam-schedule"])
def test_traced_training_loop_is_bit_identical_to_eager(make_opt):
    rng = np.random.default_rng(1)
    xs = [tf.constant(rng.normal(size=(32, 8)).astype(np.float32)) for _ in range(4)]
    ys = [tf.constant(rng.normal(size=(32, 1)).astype(np.float32)) for _ in range(4)]
    loss_fn = tf.keras.losses.MeanSquaredError()
    runs = []
    for traced in (False, True):
        model, opt = _mlp_setup(make_opt())

        def step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        if traced:
            step = tf.function(step)
        losses = [float(step(xs[i % 4], ys[i % 4])) for i in range(12)]
        runs.append((losses, [v.numpy() for v in model.trainable_variables + opt.variables]))
    (le, we), (lt, wt) = runs
    assert le == lt
    assert all(np.array_equal(a, b) for a, b in zip(we, wt))


def test_dropout_draws_new_masks_on_every_replay():
    @tf.function
    def f(x):
        return tf.nn.dropout(x, 0.5)

    x = tf.ones([1000])
    a, b = f(x).numpy(), f(x).numpy()
    assert not np.array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, 2.0} and 350 < np.count_nonzero(a) < 650


# ---- gradients around a traced function ------------------------------------------------------

def test_tape_around_a_traced_function_matches_eager():
    w = tf.Variable([1.0, -2.0, 0.5])

    def body(x):
        return tf.reduce_sum(tf.tanh(x * w) * x), tf.exp(x)

    f = tf.function(body)
    for xs in ([0.1, 0.2, 0.3], [1.0, -1.0, 2.0], [0.0, 0.0, 0.0]):
        x = tf.constant(xs)
        grads = []
        for fn in (body, f):
            with tf.GradientTape(persistent=True) as t:
                t.watch(x)
                y, z = fn(x)
                loss = y * 3.0 + tf.reduce_sum(z)
            grads.append([g.numpy() for g in t.gradient(loss, [x, w])] +
                         [t.gradient(y, w).numpy()])
        for a, b in zip(*grads):
            np.testing.assert_array_equal(a, b)
    assert f.experimental_get_tracing_count() == 1


def test_tape_around_unconnected_and_int_outputs():
    @tf.function
    def f(x, n):
        return x * 2.0, n + 1

    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y, m = f(x, tf.constant(1))
    assert float(t.gradient(y, x)) == 2.0 and int(m) == 2


def test_nested_function_calls_are_inlined():
    @tf.function
    def inner(x):
        return x * x

    @tf.function
    def outer(x):
        return inner(x) + 1.0

    assert float(outer(tf.constant(3.0))) == 10.0
    assert float(outer(tf.constant(4.0))) == 17.0


def test_print_goes_to_stderr_by_default():
    @tf.function
    def f(x):
        tf.print("value", x)
        return x

    old = sys.stderr
    sys.stderr = buf = io.StringIO()
    try:
        f(tf.constant([1, 2]))
        f(tf.constant([3, 4]))
    finally:
        sys.stderr = old
    assert buf.getvalue() == "value [1 2]\nvalue [3 4]\n"
