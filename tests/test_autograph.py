"""AutoGraph: Python control flow on tensors inside tf.function (minitf/autograph/).

The functions follow the examples of TensorFlow's guides "Better performance with
tf.function" (tensorflow.org/guide/function, section "AutoGraph transformations") and the
TF 2.0 AutoGraph guide (tensorflow.org/guide/autograph, archived), written anew. Expected
values come from closed forms or from the Python semantics of the same code run on numbers;
exception types and messages were checked against TensorFlow 2.21 (parity/ repeats them live).
"""
import ast
import io
import sys
from contextlib import redirect_stdout

import numpy as np
import pytest

import minitf as tf
from minitf.errors import OperatorNotAllowedInGraphError


# ---- if / elif / else -------------------------------------------------------------------

def test_if_else_on_a_tensor_is_staged_both_branches_replay():
    @tf.function
    def square_if_positive(x):
        if x > 0:
            x = x * x
        else:
            x = 0.0 * x
        return x

    assert float(square_if_positive(tf.constant(3.0))) == 9.0
    assert float(square_if_positive(tf.constant(-2.0))) == 0.0   # replayed: the other branch
    assert square_if_positive.experimental_get_tracing_count() == 1


def test_elif_chain():
    @tf.function
    def sign(x):
        if x > 0:
            s = 1.0
        elif x < 0:
            s = -1.0
        else:
            s = 0.0
        return s

    assert [float(sign(tf.constant(v))) for v in (5.0, -5.0, 0.0)] == [1.0, -1.0, 0.0]
    assert sign.experimental_get_tracing_count() == 1


def test_python_condition_keeps_python_semantics():
    # A Python bool chooses the branch while tracing: only that branch is traced (its print
    # runs), and each value of the flag is a trace of its own.
    @tf.function
    def f(x, training):
        if training:
            print("training branch")
            return x * 2.0
        print("inference branch")
        return x

    out = io.StringIO()
    with redirect_stdout(out):
        assert float(f(tf.constant(3.0), True)) == 6.0
        assert float(f(tf.constant(3.0), False)) == 3.0
        assert float(f(tf.constant(4.0), True)) == 8.0
    assert out.getvalue().splitlines() == ["training branch", "inference branch"]
    assert f.experimental_get_tracing_count() == 2


def test_temporary_assigned_in_one_branch_only_is_no_error():
    # `t` is not read after the if: it is no state of the cond (TF's liveness)
    @tf.function
    def f(x):
        if x > 0:
            t = x + 1.0
            x = t * 2.0
        else:
            x = -x
        return x

    assert float(f(tf.constant(1.0))) == 4.0 and float(f(tf.constant(-1.0))) == 1.0


def test_conditional_expression_and_lazy_logical_operators():
    @tf.function
    def f(x):
        a = x if x > 0 else -x
        inside = x > -1.0 and x < 1.0
        outside = not inside
        return a, inside, outside

    for v in (-3.0, 0.5, 2.0):
        a, inside, outside = f(tf.constant(v))
        assert float(a) == abs(v)
        assert bool(inside) == (-1 < v < 1) and bool(outside) == (not -1 < v < 1)


def test_python_and_or_keep_python_values_and_laziness():
    calls = []

    def right():
        calls.append(1)
        return 5

    @tf.function
    def f(x):
        a = 0 or x            # Python value on the left: Python's `or`
        b = 1 or right()      # never evaluates right()
        return a + b

    assert float(f(tf.constant(2.0))) == 3.0
    assert calls == []


# ---- loops ------------------------------------------------------------------------------

def test_for_over_tf_range_is_a_loop_not_an_unrolled_trace():
    @tf.function
    def total(n):
        s = 0
        for i in tf.range(n):
            s += i
        return s

    for n in (0, 1, 4, 10):
        assert int(total(tf.constant(n))) == n * (n - 1) // 2
    assert total.experimental_get_tracing_count() == 1       # one trace serves every n


def test_for_over_range_with_start_and_negative_delta():
    @tf.function
    def total(a, b):
        s = 0
        for i in tf.range(b, a, -2):
            s += i
        return s

    assert int(total(tf.constant(1), tf.constant(9))) == sum(range(9, 1, -2))
    assert int(total(tf.constant(0), tf.constant(4))) == sum(range(4, 0, -2))


def test_fizzbuzz_prints_on_every_call(capsys):
    # tf.print is staged: it prints on every call, inside the converted loop and branches
    @tf.function
    def fizzbuzz(n):
        for i in tf.range(1, n + 1):
            if i % 15 == 0:
                tf.print("FizzBuzz", output_stream=sys.stdout)
            elif i % 3 == 0:
                tf.print("Fizz", output_stream=sys.stdout)
            elif i % 5 == 0:
                tf.print("Buzz", output_stream=sys.stdout)
            else:
                tf.print(i, output_stream=sys.stdout)

    def expected(n):
        return ["FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else
                "Buzz" if i % 5 == 0 else str(i) for i in range(1, n + 1)]

    # (the stream is the one sys.stdout was while tracing: capsys keeps one for the test)
    for n in (15, 5):
        fizzbuzz(tf.constant(n))
        assert capsys.readouterr().out.splitlines() == expected(n)
    assert fizzbuzz.experimental_get_tracing_count() == 1


def test_while_with_break_and_continue():
    def py(n):
        s, i = 0, 0
        while i < n:
            i += 1
            if i % 2 == 0:
                continue
            if s > 20:
                break
            s += i
        return s

    @tf.function
    def tf_version(n):
        s, i = 0, 0
        while i < n:
            i += 1
            if i % 2 == 0:
                continue
            if s > 20:
                break
            s += i
        return s

    for n in (0, 3, 8, 30):
        assert int(tf_version(tf.constant(n))) == py(n)
    assert tf_version.experimental_get_tracing_count() == 1


def test_for_with_break_and_while_else():
    @tf.function
    def first_multiple(n, k):
        found = -1
        for i in tf.range(1, n):
            if i % k == 0:
                found = i
                break
        return found

    assert int(first_multiple(tf.constant(20), tf.constant(7))) == 7
    assert int(first_multiple(tf.constant(5), tf.constant(7))) == -1


def test_while_on_tensor_condition_collatz():
    @tf.function
    def collatz(n):
        steps = 0
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    def py(n):
        steps = 0
        while n > 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps

    assert [int(collatz(tf.constant(n))) for n in (1, 6, 27)] == [py(1), py(6), py(27)]


def test_for_over_a_tensor_iterates_its_rows():
    @tf.function
    def row_sum(m):
        s = tf.zeros([2])
        for row in m:
            s += row
        return s

    m = np.array([[1., 2.], [3., 4.], [5., 6.]], np.float32)
    np.testing.assert_array_equal(row_sum(tf.constant(m)).numpy(), m.sum(0))


def test_for_over_a_dataset():
    @tf.function
    def total(ds):
        s = tf.constant(0, tf.int64)
        for e in ds:
            s += e
        return s

    assert int(total(tf.data.Dataset.range(5))) == 10


def test_nested_loops():
    @tf.function
    def f(x, n, m):
        s = tf.constant(0.0)
        for i in tf.range(n):
            for j in tf.range(m):
                s += tf.cast(i * j, tf.float32) * x
        return s

    # sum_i sum_j i*j = (n(n-1)/2)(m(m-1)/2)
    assert float(f(tf.constant(2.0), tf.constant(3), tf.constant(4))) == 2.0 * 3 * 6
    assert float(f(tf.constant(1.0), tf.constant(5), tf.constant(2))) == 10 * 1


def test_python_loops_unroll_while_tracing():
    @tf.function
    def f(x):
        for _ in range(3):      # a Python range: unrolled, as in TF
            x = x * 2.0
        n = 0
        while n < 2:            # a Python condition
            n += 1
            x = x + 1.0
        return x, n

    x, n = f(tf.constant(1.0))
    assert float(x) == 10.0 and int(n) == 2


def test_loop_variable_first_assigned_in_the_loop():
    # As TF does, the body is traced once (thrown away) to learn y's dtype, and each call
    # checks that the loop ran at least once (else y would have no value).
    @tf.function
    def f(x):
        while x > 0:
            y = x
            x = x - 1
        return y

    assert float(f(tf.constant(3.0))) == 1.0
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="loop must iterate at least once to initialize y"):
        f(tf.constant(-3.0))
    assert float(f(tf.constant(2.5))) == 0.5
    assert f.experimental_get_tracing_count() == 1


# ---- return ----------------------------------------------------------------------------

def test_early_return():
    @tf.function
    def absolute(x):
        if x > 0:
            return x
        return -x

    assert float(absolute(tf.constant(-2.0))) == 2.0
    assert float(absolute(tf.constant(5.0))) == 5.0


def test_return_in_one_branch_only_is_an_error():
    @tf.function
    def f(x):
        if x > 0:
            return x

    with pytest.raises(ValueError, match="the else branch must also have a return statement"):
        f(tf.constant(1.0))


def test_return_inside_a_tensor_loop_is_not_implemented():
    @tf.function
    def f(x):
        for i in tf.range(10):
            if i > 3:
                return x
            x = x * 2.0
        return x

    with pytest.raises(NotImplementedError, match="return statement cannot be placed inside"):
        f(tf.constant(1.0))


# ---- TF's errors ------------------------------------------------------------------------

def test_variable_defined_in_one_branch_only():
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2.0
        return y

    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        f(tf.constant(1.0))


def test_different_dtypes_in_two_branches():
    @tf.function
    def f(x):
        if x > 0:
            y = 1.0
        else:
            y = 2
        return y

    with pytest.raises(TypeError, match="'y' has dtype float32 in the main branch, but dtype "
                                        "int32 in the else branch"):
        f(tf.constant(1.0))


def test_loop_variable_changing_dtype_or_shape():
    @tf.function
    def dtype_change(x):
        while x > 0:
            x = tf.cast(x, tf.int32) - 1
        return x

    @tf.function
    def shape_change(x):
        while tf.reduce_sum(x) < 10.0:
            x = tf.concat([x, x], 0)
        return x

    with pytest.raises(TypeError, match="'x' has dtype float32 before the loop, but dtype "
                                        "int32 after one iteration"):
        dtype_change(tf.constant(3.0))
    with pytest.raises(ValueError, match=r"'x' has shape \(1,\) before the loop, but shape "
                                         r"\(2,\) after one iteration"):
        shape_change(tf.constant([3.0]))


def test_read_before_assignment_is_python_unbound_local_error():
    @tf.function
    def f(x):
        if x > 0:
            y = 1.0
        else:
            y = 2.0
        z = w + y  # noqa: F821
        w = 1.0  # noqa: F841
        return z

    with pytest.raises(UnboundLocalError):
        f(tf.constant(1.0))


def test_break_on_a_tensor_in_a_python_loop():
    @tf.function
    def f(x):
        for _ in range(3):
            if x > 0:
                break
            x = x + 1.0
        return x

    with pytest.raises(NotImplementedError):
        f(tf.constant(1.0))


# ---- print, assert, opting out ----------------------------------------------------------

def test_print_is_python_print_while_tracing():
    @tf.function
    def f(x):
        print("tracing", x)
        if x > 0:
            print("in the branch", x)
            x = x + 1.0
        return x

    out = io.StringIO()
    with redirect_stdout(out):
        f(tf.constant(1.0))
        f(tf.constant(2.0))                          # replayed: nothing printed
    lines = out.getvalue().splitlines()
    assert lines[0] == 'tracing Tensor("x:0", shape=(), dtype=float32)'
    assert len(lines) == 2 and lines[1].startswith("in the branch Tensor(")


def test_assert_on_a_tensor_stays_python():
    # TF does not convert `assert` by default: a tensor condition cannot be a Python bool
    @tf.function
    def f(x):
        assert x > 0, "x must be positive"
        return x

    with pytest.raises(OperatorNotAllowedInGraphError):
        f(tf.constant(1.0))


def test_autograph_false_keeps_the_graph_error():
    def g(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(OperatorNotAllowedInGraphError):
        tf.function(g, autograph=False)(tf.constant(1.0))
    assert float(tf.function(g)(tf.constant(-1.0))) == 1.0


def test_helpers_are_converted_unless_do_not_convert():
    def helper(x):
        if x > 0:
            return x
        return -x

    @tf.autograph.experimental.do_not_convert
    def plain(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def uses_helper(x):
        return helper(x) * 1.0

    assert float(uses_helper(tf.constant(-3.0))) == 3.0

    @tf.function
    def uses_plain(x):
        return plain(x)

    with pytest.raises(OperatorNotAllowedInGraphError):
        uses_plain(tf.constant(1.0))
    with pytest.raises(OperatorNotAllowedInGraphError):
        tf.function(plain)(tf.constant(1.0))


def test_methods_and_closures_are_converted_with_live_closure_cells():
    scale = [2.0]

    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.offset = 1.0

        @tf.function
        def __call__(self, x):
            if x > 0:
                x = x * scale[0] + self.offset
            return x

    m = Model()
    assert float(m(tf.constant(1.0))) == 3.0
    assert float(m(tf.constant(-1.0))) == -1.0


# ---- to_code / to_graph -----------------------------------------------------------------

def test_to_code_is_valid_readable_python():
    def f(x, n):
        s = 0.0
        for i in tf.range(n):
            if i % 2 == 0:
                continue
            s += x
        while s > 10.0:
            s = s / 2.0
        return s

    code = tf.autograph.to_code(f)
    ast.parse(code)
    for piece in ("def f(x, n):", "ag__.for_stmt(", "ag__.if_stmt(", "ag__.while_stmt(",
                  "nonlocal"):
        assert piece in code
    assert tf.autograph.to_code(tf.function(f)) == code


def test_to_graph_gives_a_function_tf_function_can_trace_without_autograph():
    def f(x):
        if x < 0:
            x = -x
        return x

    g = tf.autograph.to_graph(f)
    assert float(g(tf.constant(-2.0))) == 2.0                      # eager: Python semantics
    assert float(tf.function(g, autograph=False)(tf.constant(-4.0))) == 4.0


def test_unavailable_source_runs_unconverted():
    namespace: dict = {}
    exec("def f(x):\n    return x * 2.0\n", namespace)
    f = namespace["f"]
    assert float(tf.function(f)(tf.constant(2.0))) == 4.0
    with pytest.raises(tf.autograph.ConversionError):
        tf.autograph.to_code(f)


# ---- gradients through converted loops ---------------------------------------------------

def test_gradient_through_a_converted_while_loop_outside_the_function():
    @tf.function
    def power_8(x):
        i = 0
        while i < 3:
            x = x * x
            i += 1
        return x

    x = tf.constant(1.5, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = power_8(x)
    g = tape.gradient(y, x)
    assert abs(float(g) - 8 * 1.5 ** 7) <= 1e-12 * 8 * 1.5 ** 7


def test_gradient_inside_the_function_through_a_tf_range_loop():
    # s_n = w^n * x (s_0 = x): ds/dw = n w^(n-1) x, ds/dx = w^n; n is a tensor (one trace)
    w = tf.Variable(1.1, dtype=tf.float64)

    @tf.function
    def grads(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            s = x
            for _ in tf.range(n):
                s = s * w
        return tape.gradient(s, [x, w])

    for n in (0, 1, 4):
        gx, gw = grads(tf.constant(2.0, tf.float64), tf.constant(n))
        assert abs(float(gx) - 1.1 ** n) <= 1e-12 * max(1.0, 1.1 ** n)
        want = n * 1.1 ** (n - 1) * 2.0 if n else 0.0
        assert abs(float(gw) - want) <= 1e-12 * max(1.0, want)
    assert grads.experimental_get_tracing_count() == 1


def test_gradient_through_a_data_dependent_loop_matches_finite_differences():
    # The TF guide's loop: squash x with tanh until its sum is at most 1. The trip count
    # depends on x; away from the switching points it is locally constant, so the gradient is
    # the chain of tanh' over the iterations taken, and central differences agree.
    @tf.function
    def squash(x):
        while tf.reduce_sum(x) > 1.0:
            x = tf.tanh(x)
        return tf.reduce_sum(x * x)

    x0 = np.array([0.9, 0.7, 0.4], np.float64)
    with tf.GradientTape() as tape:
        x = tf.constant(x0)
        tape.watch(x)
        y = squash(x)
    g = tape.gradient(y, x).numpy()

    def value(v):
        return float(squash(tf.constant(v)))

    h = 1e-6
    fd = np.array([(value(x0 + h * e) - value(x0 - h * e)) / (2 * h) for e in np.eye(3)])
    # central differences: truncation O(h^2 f''') ~ 1e-12, rounding ~ eps*|f|/h ~ 1e-10
    np.testing.assert_allclose(g, fd, rtol=0, atol=1e-8)


def test_custom_train_step_branching_on_a_tensor_trains_under_fit():
    # Keras's fit traces the step; AutoGraph converts the user's train_step it calls, so the
    # `if` on the loss is a tf.cond. The traced run must give the eager run's losses.
    def run(eagerly):
        class Clipped(tf.keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((self(x, training=True) - y) ** 2)
                    if loss > 0.5:
                        loss = loss * 0.5
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                return {"loss": loss}

        inp = tf.keras.Input(shape=(3,))
        layer = tf.keras.layers.Dense(1, kernel_initializer="ones")
        model = Clipped(inp, layer(inp))
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse",
                      run_eagerly=eagerly)
        x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
        y = np.ones((8, 1), np.float32)
        return model.fit(x, y, epochs=4, batch_size=4, shuffle=False,
                         verbose=0).history["loss"]

    assert run(False) == run(True)


def test_variables_assigned_inside_a_staged_loop():
    # the loop carries the variable's value; each call continues from the variable's value
    v = tf.Variable(0)

    @tf.function
    def accumulate(n):
        for i in tf.range(n):
            print("tracing the body")
            v.assign_add(i)
        return v.read_value()

    out = io.StringIO()
    with redirect_stdout(out):
        assert int(accumulate(tf.constant(4))) == 6
        assert int(accumulate(tf.constant(3))) == 6 + 3
    assert int(v.numpy()) == 9
    assert out.getvalue() == "tracing the body\n"           # traced once, printed once

    w = tf.Variable(10.0)

    @tf.function
    def halve_until_below(x):
        while w > x:
            w.assign(w / 2.0)
        return w + 0.0

    assert float(halve_until_below(tf.constant(1.0))) == 0.625 and float(w.numpy()) == 0.625
    w.assign(100.0)
    assert float(halve_until_below(tf.constant(3.0))) == 1.5625
    assert float(halve_until_below(tf.constant(3.0))) == 1.5625    # already below: no step


def test_lambdas_are_converted_even_two_on_one_line():
    absolute = tf.function(lambda x: x if x > 0 else -x)
    assert float(absolute(tf.constant(-3.0))) == 3.0
    double, triple = tf.function(lambda x: x * 2.0 if x > 0 else x), \
        tf.function(lambda x: x * 3.0 if x > 0 else x)
    assert float(double(tf.constant(2.0))) == 4.0 and float(triple(tf.constant(2.0))) == 6.0
    assert float(triple(tf.constant(-2.0))) == -2.0


def test_dataset_loop_with_a_break_on_a_traced_value():
    ds = tf.data.Dataset.range(10)

    @tf.function
    def running_sum_until(limit):
        s = tf.constant(0, tf.int64)
        for e in ds:
            s += e
            if s > limit:
                break
        return s

    def py(limit):
        s = 0
        for e in range(10):
            s += e
            if s > limit:
                break
        return s

    for limit in (5, 20, 100):
        assert int(running_sum_until(tf.constant(limit, tf.int64))) == py(limit)
    assert running_sum_until.experimental_get_tracing_count() == 1


def test_gradient_through_nested_converted_loops_with_a_branch():
    # The derivative by forward-mode recurrence (y, dy/dx) in Python floats: exact maths, the
    # same float64 operations up to the order of the additions.
    @tf.function
    def f(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for i in tf.range(n):
                if i % 2 == 0:
                    y = y * x
                else:
                    y = y + x
                for _ in tf.range(2):
                    y = y * 1.5
        return y, tape.gradient(y, x)

    def forward_mode(x, n):
        y, dy = x, 1.0
        for i in range(n):
            if i % 2 == 0:
                y, dy = y * x, dy * x + y
            else:
                y, dy = y + x, dy + 1.0
            y, dy = y * 2.25, dy * 2.25
        return y, dy

    for n in (0, 1, 2, 5):
        y, g = f(tf.constant(1.3, tf.float64), tf.constant(n))
        want_y, want_g = forward_mode(1.3, n)
        assert abs(float(y) - want_y) <= 1e-12 * abs(want_y)
        assert abs(float(g) - want_g) <= 1e-12 * abs(want_g)
    assert f.experimental_get_tracing_count() == 1


def test_method_using_zero_argument_super_is_converted():
    class Base:
        def f(self, x):
            return x + 1.0

    class Sub(Base):
        @tf.function
        def f(self, x):
            y = super().f(x)          # needs the __class__ cell the converted code keeps
            if y > 0:
                y = y * 2.0
            return y

    assert float(Sub().f(tf.constant(1.0))) == 4.0
    assert float(Sub().f(tf.constant(-3.0))) == -2.0


def test_a_lambda_parameter_is_not_the_loop_index_of_the_same_name(capsys):
    # TF 2.21 prints the body once, as a loop graph's placeholder, and returns 4
    @tf.function
    def f(n):
        s = tf.constant(0)
        for i in tf.range(n):
            print("body", i)
            s += i
        g = lambda i, y: i + y  # noqa: E731
        return g(s, 1)
    assert int(f(tf.constant(3))) == 4
    assert capsys.readouterr().out == \
        'body Tensor("while/Placeholder:0", shape=(), dtype=int32)\n'
