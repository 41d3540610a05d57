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


# ---- calling concrete functions (corpus tf_function/021, 049, 050) ----------------------------

def _pow_square():
    @tf.function
    def pow(a, b):
        return a ** b

    return pow.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)


def test_a_concrete_function_takes_its_tensors_only_or_every_argument():
    square = _pow_square()
    ten = tf.constant(10.0)
    for out in (square(ten), square(ten, 2), square(ten, b=2), square(a=ten)):
        assert float(out) == 100.0
    # TensorSpec(None): any shape
    assert square(tf.constant([1.0, 3.0])).numpy().tolist() == [1.0, 9.0]


def test_binding_failures_say_why_both_ways_failed():
    square = _pow_square()
    # TF 2.21's text for this call (corpus tf_function/021)
    expected = (
        "Binding inputs to tf.function failed due to `Can not cast 3 to Literal[2]`. Received "
        "args: (<tf.Tensor: shape=(), dtype=float32, numpy=10.0>,) and kwargs: {'b': 3} for "
        "signature: (a: TensorSpec(shape=<unknown>, dtype=tf.float32, name=None), b: "
        "Literal[2]) -> TensorSpec(shape=<unknown>, dtype=tf.float32, name=None).\n"
        "Fallback to flat signature also failed due to: pow(a) got unexpected keyword "
        "arguments: b.")
    with pytest.raises(TypeError) as e:
        square(tf.constant(10.0), b=3)
    assert str(e.value) == expected
    cases = [((10.0,), "pow(a): expected argument #0(zero-based) to be a Tensor; got float "
                       "(10.0)."),
             ((), "pow(a) missing required arguments: a."),
             ((tf.constant(1.0), 3), "pow(a) takes 1 positional arguments, got 2."),
             ((tf.constant(1.0), 2, 5), "pow(a) takes 1 positional arguments, got 3.")]
    for args, flat_reason in cases:
        with pytest.raises(TypeError) as e:
            square(*args)
        assert str(e.value).endswith("also failed due to: " + flat_reason), args


def test_python_objects_are_baked_in_by_identity():
    class SimpleModel(tf.Module):
        def __init__(self):
            self.bias, self.weight = 0.0, 2.0

    def evaluate(model, x):
        return model.weight * x + model.bias

    model, x = SimpleModel(), tf.constant(10.0)
    no_bias = tf.function(evaluate).get_concrete_function(model, x)
    model.bias += 5.0
    with_bias = tf.function(evaluate).get_concrete_function(model, x)
    assert float(no_bias(x)) == 20.0 and float(with_bias(x)) == 25.0
    assert float(no_bias(model, x)) == 20.0 and float(no_bias(x=x)) == 20.0
    with pytest.raises(TypeError, match="Can not cast .* to Weakref"):
        no_bias(SimpleModel(), x)


def test_a_tensor_of_another_dtype_is_refused_at_the_call():
    f = tf.function(lambda x: x * 2.0).get_concrete_function(tf.TensorSpec([2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="float tensor but is a int32"):
        f(tf.constant([1, 2]))


# ---- printing (corpus tf_function/020) -----------------------------------------------------

def test_printed_concrete_function_lists_parameters_output_and_captures():
    square = _pow_square()
    # TF 2.21's print(square) (corpus tf_function/020's golden)
    assert str(square) == (
        "ConcreteFunction Input Parameters:\n"
        "  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)\n"
        "  b (POSITIONAL_OR_KEYWORD): Literal[2]\n"
        "Output Type:\n"
        "  TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)\n"
        "Captures:\n"
        "  None")
    v = tf.Variable(1.0)

    @tf.function
    def f(x, *, k=None):
        return {"b": (x + v, None), "a": x[0]}

    text = f.get_concrete_function(tf.TensorSpec([None, 2])).pretty_printed_signature(False)
    assert text == (
        "(x: TensorSpec(shape=(None, 2), dtype=tf.float32, name=None), *, k: Literal[None]) -> "
        "Dict[['a', TensorSpec(shape=(2,), dtype=tf.float32, name=None)], ['b', Tuple["
        "TensorSpec(shape=(None, 2), dtype=tf.float32, name=None), Literal[None]]]]")
    assert f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)" in str(
        f.get_concrete_function(tf.TensorSpec([None, 2])))


def test_function_type_and_named_specs_print_as_tf():
    c = tf.function(lambda a: a + a).get_concrete_function(tf.constant("a"))
    # TF 2.21's print(double_strings.function_type) (corpus tf_function/018's golden)
    assert str(c.function_type) == (
        "(a: TensorSpec(shape=(), dtype=tf.string, name=None)) -> "
        "TensorSpec(shape=(), dtype=tf.string, name=None)")
    assert repr(c.function_type) == c.pretty_printed_signature()
    named = tf.function(lambda x: x).get_concrete_function(
        tf.TensorSpec([None], tf.int32, name="q"))
    # a name the caller gave is printed; outputs have none (as TF prints them)
    assert named.pretty_printed_signature(verbose=False) == (
        "(x: TensorSpec(shape=(None,), dtype=tf.int32, name='q')) -> "
        "TensorSpec(shape=(None,), dtype=tf.int32, name=None)")


# ---- unknown dimensions (corpus tf_function/009, 010, 011) -----------------------------------

def test_input_signature_with_none_traces_once_with_static_none(capsys):
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def g(x):
        print("Tracing with", x, x.shape[0], (x * 2).shape, tf.reduce_sum(x).shape)
        return x * 2

    for n in (3, 5, 1):
        assert g(tf.range(n)).numpy().tolist() == [2 * i for i in range(n)]
    assert capsys.readouterr().out == (
        'Tracing with Tensor("x:0", shape=(None,), dtype=int32) None (None,) ()\n')
    assert g.experimental_get_tracing_count() == 1


def test_reduce_retracing_generalises_the_second_trace(capsys):
    @tf.function(reduce_retracing=True)
    def g(x):
        print("Tracing with", x)
        return x

    for n in (3, 5, 7, 9):
        g(tf.range(n))
    assert capsys.readouterr().out.splitlines() == [
        'Tracing with Tensor("x:0", shape=(3,), dtype=int32)',
        'Tracing with Tensor("x:0", shape=(None,), dtype=int32)']
    assert g.experimental_get_tracing_count() == 2


def test_static_shapes_follow_the_unknown_dimension():
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float64)])
    def h(x):
        seen["shapes"] = [tuple(t.shape) for t in (
            x, x * 2.0, tf.reduce_sum(x, axis=0), tf.reduce_sum(x, axis=1),
            tf.matmul(x, tf.transpose(x)), tf.concat([x, x], 1), x[1:], x[:, 0])]
        return x

    h(tf.zeros([4, 3], tf.float64))
    assert seen["shapes"] == [(None, 3), (None, 3), (3,), (None,), (None, None), (None, 6),
                              (None, 3), (None,)]


def test_relaxed_traces_equal_eager_values_and_gradients_across_lengths():
    w = tf.Variable(np.linspace(-1.0, 1.0, 3))

    def loss(x):
        return tf.reduce_sum(tf.tanh(x * w) ** 2) / tf.cast(tf.shape(x)[0], tf.float64)

    traced = tf.function(loss, input_signature=[tf.TensorSpec([None, 3], tf.float64)])
    for n in (2, 5, 1, 4):
        x = tf.constant(np.sin(np.arange(3.0 * n)).reshape(n, 3))
        grads = []
        for fn in (loss, traced):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            grads.append([y.numpy()] + [g.numpy() for g in tape.gradient(y, [x, w])])
        for a, b in zip(*grads):         # the same NumPy calls: bit-identical
            np.testing.assert_array_equal(a, b)
    assert traced.experimental_get_tracing_count() == 1


def test_optimizer_steps_in_a_relaxed_trace_equal_eager():
    # The shadow computation behind static shapes must not touch real buffers (an optimizer
    # updates its slots in place).
    def step(w, x, opt):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))

    init = np.linspace(-0.5, 0.5, 6).reshape(3, 2)
    w_e, w_t = tf.Variable(init), tf.Variable(init)
    opt_e, opt_t = tf.keras.optimizers.Adam(0.1), tf.keras.optimizers.Adam(0.1)
    traced = tf.function(step, reduce_retracing=True)
    for n in (2, 3, 5, 1):
        x = tf.constant(np.cos(np.arange(3.0 * n)).reshape(n, 3))
        step(w_e, x, opt_e)
        traced(w_t, x, opt_t)
    np.testing.assert_array_equal(w_t.numpy(), w_e.numpy())


def test_shadows_never_write_into_real_arrays():
    # np.add.at writes into its first argument: repeated on the shadow of a traced index array
    # of unknown length, it would add the shadow's entries to the real buffer too
    from minitf.function import tracing
    tr = tracing.Trace()
    with tr.active():
        ids = tr.input(np.array([0, 1]), shape=(None,))
        buf = np.zeros(3)
        np.add.at(buf, ids, 1.0)
        np.copyto(buf, buf + ids[0])
    assert buf.tolist() == [1.0, 1.0, 0.0]
    assert tuple(ids.static_shape()) == (None,)


def test_unknown_rank_spec_accepts_any_shape():
    spec = tf.TensorSpec(None, tf.float32)
    assert str(spec.shape) == "<unknown>" and spec.shape.rank is None
    assert spec.is_compatible_with(tf.zeros([2, 3])) and spec.is_compatible_with(tf.zeros([]))
    assert spec == tf.TensorSpec(None, tf.float32) != tf.TensorSpec([], tf.float32)
    f = tf.function(lambda x: x * 2.0).get_concrete_function(spec)
    assert f(tf.ones([2, 2])).numpy().tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert float(f(tf.constant(3.0))) == 6.0


# ---- TensorArrays in loops AutoGraph stages (corpus tf_function/028) --------------------------

def test_tensor_array_written_in_a_tf_range_loop_equals_the_python_loop():
    def rnn(x):
        states = tf.TensorArray(tf.float64, size=x.shape[0])
        s = tf.zeros([2], tf.float64)
        for i in tf.range(x.shape[0]):
            s = tf.tanh(x[i] + s)
            states = states.write(i, s)
        return states.stack()

    def by_hand(x):              # the same recurrence in NumPy
        out, s = [], np.zeros(2)
        for row in x:
            s = np.tanh(row + s)
            out.append(s)
        return np.array(out)

    f = tf.function(rnn)
    for n in (3, 1, 4):
        x = np.cos(np.arange(2.0 * n)).reshape(n, 2)
        eager = rnn(tf.constant(x)).numpy()
        np.testing.assert_array_equal(f(tf.constant(x)).numpy(), eager)   # the same kernels
        # NumPy's tanh is correctly rounded here; CUDA's double tanh is within 2 ulp (CUDA
        # math guide), and tanh' <= 1 keeps an earlier step's error from growing: after n = 4
        # steps at most 4 · 2 = 8 ulp, and one ulp is at most 2^-52 of the value: 1.8e-15
        rtol = 0 if tf.get_backend() == "numpy" else 2e-15
        np.testing.assert_allclose(eager, by_hand(x), rtol=rtol, atol=0)


def test_python_range_over_a_tensor_with_a_tensor_array_of_traced_size():
    @tf.function
    def cumulative(n):
        ta = tf.TensorArray(tf.float32, size=n)
        s = tf.constant(0.0)
        for i in range(n):
            s = s + tf.cast(i, tf.float32)
            ta = ta.write(i, s)
        return ta.stack(), ta.size()

    for n in (4, 6, 1):
        values, size = cumulative(tf.constant(n))
        assert values.numpy().tolist() == [i * (i + 1) / 2 for i in range(n)]
        assert int(size) == n
    assert cumulative.experimental_get_tracing_count() == 1      # one trace for every n


def test_gradients_through_a_tensor_array_loop_equal_eager():
    w = tf.Variable(np.array([0.5, -0.3]))

    def loss(x, n):
        ta = tf.TensorArray(tf.float64, size=n)
        s = tf.zeros([2], tf.float64)
        for i in tf.range(n):
            s = tf.tanh(x[i] * w + s)
            ta = ta.write(i, s)
        return tf.reduce_sum(ta.stack() ** 2) + tf.reduce_sum(ta.read(n - 1))

    traced = tf.function(loss)
    for n in (3, 5):
        x = tf.constant(np.cos(np.arange(2.0 * n)).reshape(n, 2))
        results = []
        for fn in (loss, traced):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x, tf.constant(n))
            results.append([y.numpy()] + [g.numpy() for g in tape.gradient(y, [x, w])])
        for a, b in zip(*results):
            # float64; the eager loop and the traced while loop's backward pass add the same
            # terms in another order: a few roundings of values of size ~1
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-14)


def test_dynamic_size_tensor_array_grows_in_a_staged_loop():
    # TF 2.x: a dynamic_size TensorArray written at the loop's index grows to n elements
    @tf.function
    def squares(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
        return ta.stack(), ta.size()

    for n in (4, 0, 6):                  # one trace: the size is only known as it runs
        stacked, size = squares(tf.constant(n))
        np.testing.assert_array_equal(stacked.numpy(), np.arange(n, dtype=np.float32) ** 2)
        assert int(size) == n
    assert squares.experimental_get_tracing_count() == 1


def test_dynamic_size_tensor_array_appends_at_its_size_in_a_staged_loop():
    @tf.function
    def collect(n):
        ta = tf.TensorArray(tf.int32, size=1, dynamic_size=True, element_shape=[])
        ta = ta.write(0, 100)
        for i in tf.range(n):
            ta = ta.write(ta.size(), i * i)
        return ta.stack()

    for n in (5, 1, 0):
        expected = [100] + [i * i for i in range(n)]
        np.testing.assert_array_equal(collect(tf.constant(n)).numpy(), expected)


def test_gradients_through_a_dynamic_size_tensor_array_loop_equal_eager():
    w = tf.Variable(np.array([0.5, -0.3]))

    def loss(x, n):
        ta = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
        s = tf.zeros([2], tf.float64)
        for i in tf.range(n):
            s = tf.tanh(x[i] * w + s)
            ta = ta.write(i, s)
        stacked = ta.stack()
        return tf.reduce_sum(stacked ** 2) + tf.reduce_sum(stacked) + \
            tf.reduce_sum(ta.read(n - 1))

    def by_hand(x, n):           # the same recurrence and its gradient in NumPy (reverse mode)
        w_ = w.numpy()
        ss, s = [], np.zeros(2)
        for i in range(n):
            s = np.tanh(x[i] * w_ + s)
            ss.append(s)
        y = sum((t ** 2).sum() + t.sum() for t in ss) + ss[-1].sum()
        gx, gw, gs = np.zeros_like(x), np.zeros(2), np.zeros(2)
        for i in reversed(range(n)):
            gs = gs + 2 * ss[i] + 1 + (1 if i == n - 1 else 0)
            pre = gs * (1 - ss[i] ** 2)
            gx[i] += pre * w_
            gw += pre * x[i]
            gs = pre
        return y, gx, gw

    traced = tf.function(loss)
    x_np = np.cos(np.arange(12.0)).reshape(6, 2)
    x = tf.constant(x_np)
    for n in (3, 5, 1, 3):       # x's shape stays: the same trace, other sizes as it runs
        for fn in (loss, traced):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x, tf.constant(n))
            gx, gw = tape.gradient(y, [x, w])
            want = by_hand(x_np, n)
            np.testing.assert_allclose(y.numpy(), want[0], rtol=1e-13)
            np.testing.assert_allclose(gx.numpy(), want[1], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(gw.numpy(), want[2], rtol=1e-12, atol=1e-14)


def test_unstack_before_a_staged_loop_and_read_in_it():
    # TF 2.21 (checked live): s = s/2 + x[i]**2 over the rows; gradients by hand
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=n).unstack(x)
        s = tf.zeros([3], tf.float64)
        for i in tf.range(n):
            s = s * 0.5 + ta.read(i) ** 2
        return s

    def by_hand(x):
        n = len(x)
        y = sum(0.5 ** (n - 1 - i) * x[i] ** 2 for i in range(n))
        g = np.array([0.5 ** (n - 1 - i) * 2 * x[i] for i in range(n)])
        return y, g

    traced = tf.function(f)
    for n in (4, 2):
        x_np = np.arange(3.0 * n).reshape(n, 3)
        x = tf.constant(x_np)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = traced(x, tf.constant(n))
        want_y, want_g = by_hand(x_np)
        # Halvings and squares are exact, but the gradient of x**2 is 2·pow(x, 1), and the
        # GPU's pow may be an ulp off (CUDA documents 2 ulp): float64's 1e-12 bound.
        np.testing.assert_allclose(y.numpy(), want_y, rtol=1e-12, atol=0)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want_g, rtol=1e-12, atol=0)

    @tf.function
    def inner(x, n):             # the tape inside the function
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(f(x, n))
        return tape.gradient(y, x)

    x_np = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(inner(tf.constant(x_np), tf.constant(4)).numpy(),
                               by_hand(x_np)[1], rtol=1e-12, atol=0)


def test_scatter_in_a_staged_loop_fixed_and_dynamic_size():
    # TF 2.21: rows 2i and 2i+1 get x[i] and -2 x[i]; d/dx sum(y**2) = 2x + 8x = 10x
    for dynamic in (False, True):
        @tf.function
        def f(x, n):
            ta = tf.TensorArray(tf.float64, size=0 if dynamic else 2 * n,
                                dynamic_size=dynamic)
            for i in tf.range(n):
                ta = ta.scatter([2 * i, 2 * i + 1], tf.stack([x[i], -x[i] * 2.0]))
            return ta.stack()

        x_np = np.arange(12.0).reshape(4, 3)
        x = tf.constant(x_np)
        for n in (4, 2):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = f(x, tf.constant(n))
                loss = tf.reduce_sum(y * y)
            want = np.stack([x_np[:n], -2 * x_np[:n]], axis=1).reshape(2 * n, 3)
            np.testing.assert_array_equal(y.numpy(), want)
            want_g = np.zeros_like(x_np)
            want_g[:n] = 10 * x_np[:n]
            np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), want_g)


def test_scatter_keeps_the_last_of_repeated_indices_in_a_staged_loop():
    @tf.function
    def f(n):                    # TF 2.21: [2., 2., 2.]
        ta = tf.TensorArray(tf.float32, size=n, element_shape=[])
        for i in tf.range(n):
            ta = ta.scatter([i, i], [1.0, 2.0])
        return ta.stack()

    assert f(tf.constant(3)).numpy().tolist() == [2.0, 2.0, 2.0]


def test_split_and_concat_in_a_staged_loop():
    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=2)
        for i in tf.range(n):
            ta = ta.split(x[i] * tf.cast(i + 1, tf.float64), [2, 2])
        return ta.concat(), ta.read(1), ta.size()

    x_np = np.arange(12.0).reshape(3, 4)
    x = tf.constant(x_np)
    with tf.GradientTape() as tape:
        tape.watch(x)
        joined, second, size = f(x, tf.constant(3))
        loss = tf.reduce_sum(joined ** 2) + tf.reduce_sum(second)
    np.testing.assert_array_equal(joined.numpy(), 3 * x_np[2])      # the last split wins
    np.testing.assert_array_equal(second.numpy(), 3 * x_np[2, 2:])
    assert int(size) == 2
    want = np.zeros_like(x_np)   # d/dx of sum((3x)^2) + sum(3 x[2:]) on the last row
    want[2] = 18 * x_np[2] + np.array([0, 0, 3, 3])
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), want)

    @tf.function
    def ragged(x, n):            # pieces of several lengths (tests/test_tensor_array_staged.py)
        ta = tf.TensorArray(tf.float64, size=2)
        for i in tf.range(n):
            ta = ta.split(x[i], [1, 3])
        return ta.concat(), ta.read(1)

    joined, second = ragged(x, tf.constant(3))
    np.testing.assert_array_equal(joined.numpy(), x_np[2])
    np.testing.assert_array_equal(second.numpy(), x_np[2, 1:])


def test_gather_in_a_staged_loop_with_gradients():
    @tf.function
    def f(x, n):
        ta = tf.TensorArray(tf.float64, size=n).unstack(x)
        s = tf.zeros([], tf.float64)
        for i in tf.range(n):
            s += tf.reduce_sum(ta.gather([0, i]) ** 2)
        return s

    x_np = np.arange(12.0).reshape(6, 2)
    x = tf.constant(x_np)
    for n in (3, 5):             # one trace; y = sum_{i<n} |x0|^2 + |x_i|^2
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(n))
        want_y = sum((x_np[0] ** 2).sum() + (x_np[i] ** 2).sum() for i in range(n))
        want_g = np.zeros_like(x_np)
        for i in range(n):
            want_g[0] += 2 * x_np[0]
            want_g[i] += 2 * x_np[i]
        assert float(y) == want_y
        # 2·pow(x, 1) per element: an ulp off on the GPU (see above)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want_g, rtol=1e-12, atol=0)


def test_tensor_array_written_in_one_branch_of_an_if_in_a_staged_loop():
    # TF 2.21 accepts it (AutoGraph carries the TensorArray through the tf.cond)
    x_np = np.array([1., 2., 3., 4., 5.], np.float32)
    x = tf.constant(x_np)

    @tf.function
    def even_rows(x, n):
        ta = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            if i % 2 == 0:
                ta = ta.write(i, x[i] * 3.0)
        return ta.stack()

    with tf.GradientTape() as tape:
        tape.watch(x)
        y = even_rows(x, tf.constant(5))
        loss = tf.reduce_sum(y * y)
    assert y.numpy().tolist() == [3., 0., 9., 0., 15.]
    assert tape.gradient(loss, x).numpy().tolist() == [18., 0., 54., 0., 90.]   # 18 x, even

    @tf.function
    def large(x, n):             # a dynamic_size array that grows in one branch only
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            if x[i] > 2.0:
                ta = ta.write(ta.size(), x[i] ** 2)
        return ta.stack(), ta.size()

    with tf.GradientTape() as tape:
        tape.watch(x)
        y, size = large(x, tf.constant(5))
        loss = tf.reduce_sum(y)
    assert y.numpy().tolist() == [9., 16., 25.] and int(size) == 3
    assert tape.gradient(loss, x).numpy().tolist() == [0., 0., 6., 8., 10.]      # 2 x, x > 2

    @tf.function
    def inner(x, n):             # the tape inside: both branches computed and selected
        with tf.GradientTape() as tape:
            tape.watch(x)
            ta = tf.TensorArray(tf.float32, size=n)
            for i in tf.range(n):
                if i % 2 == 0:
                    ta = ta.write(i, x[i] * 3.0)
            loss = tf.reduce_sum(ta.stack() ** 2)
        return tape.gradient(loss, x)

    assert inner(x, tf.constant(5)).numpy().tolist() == [18., 0., 54., 0., 90.]

    @tf.function
    def outside_a_loop(x, flag):
        ta = tf.TensorArray(tf.float32, size=2).write(0, x[0])
        if flag:
            ta = ta.write(1, x[1])
        return ta.stack()

    assert outside_a_loop(x, tf.constant(True)).numpy().tolist() == [1., 2.]
    assert outside_a_loop(x, tf.constant(False)).numpy().tolist() == [1., 0.]


def test_reads_past_the_end_in_a_staged_loop_raise_as_in_tf():
    # TF 2.21: InvalidArgumentError "Trying to access element 3 in a list with 3 elements."
    @tf.function
    def past(n):
        ta = tf.TensorArray(tf.float32, size=n, element_shape=[])
        s = tf.constant(0.)
        for i in tf.range(n + 1):
            s += ta.read(i)
        return s

    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Trying to access element 3 in a list with 3 elements\."):
        past(tf.constant(3))

    @tf.function
    def past_grown(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, 1.0)
        return ta.read(n)

    with pytest.raises(tf.errors.InvalidArgumentError, match="element 2 in a list with 2"):
        past_grown(tf.constant(2))

    @tf.function
    def gather_past(n):
        ta = tf.TensorArray(tf.float32, size=n, element_shape=[])
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32))
        return ta.gather([0, n])

    with pytest.raises(tf.errors.InvalidArgumentError, match="Index 3 out o range"):
        gather_past(tf.constant(3))


def test_guarded_reads_past_the_ends_do_not_raise():
    # the branch not taken is not checked, with or without a tape (one inside computes both)
    def f(x, n):
        ta = tf.TensorArray(tf.float32, size=n).unstack(x)
        s = tf.constant(0.)
        for i in tf.range(n):
            if i + 1 < n:
                s += ta.read(i + 1) * 2.0
            if i > 0:
                s += ta.read(i - 1)
        return s

    @tf.function
    def inner(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            s = f(x, n)
        return tape.gradient(s, x)

    x = tf.constant([1., 2., 3., 4.])
    traced = tf.function(f)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = traced(x, tf.constant(4))
    assert float(y) == 2 * (2 + 3 + 4) + (1 + 2 + 3)
    assert tape.gradient(y, x).numpy().tolist() == [1., 3., 3., 2.]
    assert inner(x, tf.constant(4)).numpy().tolist() == [1., 3., 3., 2.]


def test_indexing_by_a_traced_counter():
    @tf.function
    def pick(x, k):
        total = tf.constant(0.0)
        for i in tf.range(k):
            total += x[i, 1] + x[i][0]
        return total

    x = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    for k in (2, 5):
        assert float(pick(tf.constant(x), tf.constant(k))) == float(x[:k].sum())


def test_unknown_rank_specs_of_datasets_and_of_users_are_one_kind():
    ds = tf.data.Dataset.from_generator(lambda: iter([1]), output_types=tf.int32)
    assert ds.element_spec == tf.TensorSpec(None, tf.int32)
    assert type(ds.element_spec.shape) is type(tf.TensorSpec(None).shape)


def test_tf_shape_of_an_input_signature_none_dimension_feeds_shape_arguments():
    # Each concrete input shape gets its own program, so tf.shape of an input with a None
    # dimension is a constant there: ops that take a shape argument accept it (this raised
    # OperatorNotAllowedInGraphError once tf.shape became a run-time read for loop variables).
    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        return flat + tf.zeros(tf.shape(x)) + tf.fill(tf.shape(x), 1.0)

    for n in (2, 5):
        x = tf.reshape(tf.range(3 * n, dtype=tf.float32), (n, 3))
        np.testing.assert_array_equal(f(x).numpy(), x.numpy() + 1.0)
