"""Regression tests for tracing bugs found by running published TF code next to TensorFlow.

Expected values come from TF 2.21 (checked live in parity/test_tracing_bugs_parity.py) or from
arithmetic; this file does not import TensorFlow.
"""
import numpy as np
import pytest

import minitf as tf
from minitf import keras


# ---- `return v.assign_add(c)` returns the updated value on every call ---------------------

def test_assign_add_returned_from_function_is_the_new_value_each_call():
    counter = tf.Variable(0)

    @tf.function
    def increment(c):
        return counter.assign_add(c)

    got = [int(increment(1)) for _ in range(3)]
    assert got == [1, 2, 3]                 # was [1, 1, 1]: the trace-time value replayed
    assert int(counter.numpy()) == 3


def test_returned_variable_and_assign_results_are_tensors_of_the_current_value():
    v = tf.Variable(1.0)

    @tf.function
    def double(x):
        return v.assign(v * x)

    @tf.function
    def current():
        return v

    first = double(tf.constant(2.0))
    second = double(tf.constant(2.0))
    assert isinstance(first, tf.Tensor) and float(first) == 2.0   # earlier result kept its value
    assert float(second) == 4.0
    assert isinstance(current(), tf.Tensor) and float(current()) == 4.0


def test_assign_add_returned_under_a_tape():
    counter = tf.Variable(0.0)

    @tf.function
    def increment(c):
        return counter.assign_add(c)

    x = tf.Variable(2.0)
    with tf.GradientTape():
        got = [float(increment(x)) for _ in range(3)]
    assert got == [2.0, 4.0, 6.0]


# ---- Python outputs become tensors --------------------------------------------------------

def test_python_scalar_result_is_a_tensor():
    def cube(x):
        return x * x * x

    out = tf.function(cube)(2)
    assert isinstance(out, tf.Tensor)        # was the Python int 8
    assert out.dtype == tf.int32 and int(out) == 8
    out = tf.function(cube)(2.0)
    assert out.dtype == tf.float32 and float(out) == 8.0


def test_python_outputs_in_a_structure_are_tensors_and_none_stays():
    out = tf.function(lambda: (1, 2.0, "s", None, [True]))()
    assert [o.dtype for o in out[:3]] == [tf.int32, tf.float32, tf.string]
    assert out[3] is None
    assert isinstance(out[4], list) and out[4][0].dtype == tf.bool


def test_python_output_under_a_tape_is_a_tensor():
    x = tf.Variable(1.0)
    with tf.GradientTape():
        out = tf.function(lambda y: 3)(x)
    assert isinstance(out, tf.Tensor) and int(out) == 3


def test_returning_an_arbitrary_object_is_a_type_error():
    with pytest.raises(TypeError, match="found return value of type object"):
        tf.function(lambda: object())()


# ---- print while tracing ------------------------------------------------------------------

def test_print_while_tracing_shows_the_symbolic_tensor(capsys):
    @tf.function
    def f(x, y):
        print(x)
        print(f"{y}")
        a = x + y
        print(a)
        print(a + 1.0)
        print(x * y, x - y, x / y, x ** 3)
        print(tf.matmul(tf.reshape(x, [1, 1]), tf.reshape(y, [1, 1])))
        print(repr(x))
        return a

    assert float(f(tf.constant(1.0), tf.constant(2.0))) == 3.0    # was AttributeError
    assert capsys.readouterr().out.splitlines() == [
        'Tensor("x:0", shape=(), dtype=float32)',
        'Tensor("y:0", shape=(), dtype=float32)',
        'Tensor("add:0", shape=(), dtype=float32)',
        'Tensor("add_1:0", shape=(), dtype=float32)',
        'Tensor("mul:0", shape=(), dtype=float32) Tensor("sub:0", shape=(), dtype=float32) '
        'Tensor("truediv:0", shape=(), dtype=float32) Tensor("pow:0", shape=(), dtype=float32)',
        'Tensor("MatMul:0", shape=(1, 1), dtype=float32)',
        "<tf.Tensor 'x:0' shape=() dtype=float32>",
    ]
    f(tf.constant(5.0), tf.constant(6.0))            # replayed: Python print does not run
    assert capsys.readouterr().out == ""


def test_print_names_nested_and_star_arguments(capsys):
    @tf.function
    def g(a, b):
        print(a, b)
        return a[0]

    @tf.function
    def h(*args):
        print(args)
        return args[0]

    g([tf.constant(1.0), tf.constant(2.0)], {"k": tf.constant([3, 4])})
    h(tf.constant(1.0), tf.constant(2.0))
    assert capsys.readouterr().out.splitlines() == [
        "[<tf.Tensor 'a:0' shape=() dtype=float32>, <tf.Tensor 'a_1:0' shape=() dtype=float32>]"
        " {'k': <tf.Tensor 'b:0' shape=(2,) dtype=int32>}",
        "(<tf.Tensor 'args_0:0' shape=() dtype=float32>, "
        "<tf.Tensor 'args_1:0' shape=() dtype=float32>)",
    ]


def test_format_spec_on_a_symbolic_tensor_is_a_type_error():
    @tf.function
    def f(x):
        return f"{x:.2f}"

    with pytest.raises(TypeError, match="unsupported format string"):
        f(tf.constant(1.0))


def test_print_variable_while_tracing(capsys):
    v = tf.Variable(1.0, name="v")

    @tf.function
    def f():
        print(v)
        return v + 1.0

    assert float(f()) == 2.0
    assert capsys.readouterr().out == "<tf.Variable 'v:0' shape=() dtype=float32>\n"


# ---- a layer called on keras.Input sees batch dimension None ------------------------------

class _ShapeSpy(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs):
        self.seen.append((inputs.shape, str(inputs)))
        return inputs * 2.0


def test_call_on_symbolic_input_sees_none_batch():
    spy = _ShapeSpy()
    x = keras.Input(shape=(3,))
    y = spy(x)
    assert spy.seen == [((None, 3), 'Tensor("Placeholder:0", shape=(None, 3), dtype=float32)')]
    assert tuple(y.shape) == (None, 3)
    # A concrete call then sees the real batch, and Flatten/Reshape still keep it.
    out = keras.layers.Flatten()(keras.layers.Reshape((3, 1))(y))
    model = keras.Model(x, out)
    assert tuple(model(tf.ones((4, 3))).shape) == (4, 3)
    assert spy.seen[-1][0] == (4, 3)


# ---- BatchNormalization trains under fit (its step is traced) -----------------------------

def _bn_model():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.BatchNormalization(
        momentum=0.5, epsilon=0.0, center=False, scale=False)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    return model


def test_batch_norm_fit_updates_moving_statistics():
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    model = _bn_model()
    history = model.fit(x, np.zeros_like(x), batch_size=2, epochs=2, shuffle=False, verbose=0)
    bn = model.layers[-1]
    # batch mean [2, 4], variance [1, 4]; moving = moving * 0.5 + batch * 0.5, twice
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.5, 3.0])
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.0, 3.25])
    # normalised batch is [[-1, -1], [1, 1]]: mse 1 (epsilon 0, nothing trainable moves)
    np.testing.assert_allclose(history.history["loss"], [1.0, 1.0], rtol=1e-6)


def test_print_while_tracing_names_the_op_function_called(capsys):
    @tf.function
    def f(x, y):
        print(tf.exp(x), tf.nn.relu(x), tf.sigmoid(x))
        print(tf.add(x, y), x + y, tf.multiply(x, y), tf.subtract(x, y))
        print(tf.nn.softmax(tf.reshape(x, [1, 1])), tf.exp(tf.exp(x)))
        print(x[None], tf.math.floordiv(x, y), x // y)
        return x

    f(tf.constant(1.0), tf.constant(2.0))
    # TF 2.21's output
    assert capsys.readouterr().out.splitlines() == [
        'Tensor("Exp:0", shape=(), dtype=float32) Tensor("Relu:0", shape=(), dtype=float32) '
        'Tensor("Sigmoid:0", shape=(), dtype=float32)',
        'Tensor("Add:0", shape=(), dtype=float32) Tensor("add_1:0", shape=(), dtype=float32) '
        'Tensor("Mul:0", shape=(), dtype=float32) Tensor("Sub:0", shape=(), dtype=float32)',
        'Tensor("Softmax:0", shape=(1, 1), dtype=float32) '
        'Tensor("Exp_2:0", shape=(), dtype=float32)',
        'Tensor("strided_slice:0", shape=(1,), dtype=float32) '
        'Tensor("floordiv:0", shape=(), dtype=float32) '
        'Tensor("floordiv_1:0", shape=(), dtype=float32)']


def test_print_of_constants_and_assignments_while_tracing(capsys):
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

    assert float(f(tf.constant(1.0))) == 3.0
    # TF 2.21's output: constants are graph tensors named as TF numbers them (the sum of a
    # scalar's axes makes a `range` first, so the user's is range_1), assignments return
    # TF's UnreadVariable, printed without a value
    assert capsys.readouterr().out.splitlines() == [
        'Tensor("Const:0", shape=(), dtype=float32)',
        "<tf.Tensor 'Const:0' shape=() dtype=float32> "
        'Tensor("Const_1:0", shape=(2,), dtype=int32) '
        'Tensor("Const_2:0", shape=(), dtype=float32)',
        'Tensor("zeros:0", shape=(2, 3), dtype=float32) Tensor("ones:0", shape=(2,), '
        'dtype=float32) Tensor("zeros_1:0", shape=(), dtype=float32) '
        'Tensor("zeros_2:0", shape=(2,), dtype=int32)',
        'Tensor("Sum:0", shape=(), dtype=float32) Tensor("Const_3:0", shape=(), dtype=float32) '
        'Tensor("zeros_3:0", shape=(1000,), dtype=float32) '
        'Tensor("ones_1:0", shape=(2,), dtype=float32)',
        'Tensor("range_1:0", shape=(5,), dtype=int32) Tensor("range_2:0", shape=(2,), '
        'dtype=int32) Tensor("range_3:0", shape=(3,), dtype=float32) '
        'Tensor("range_4:0", shape=(3,), dtype=int32)',
        'Tensor("Fill:0", shape=(2, 2), dtype=float32) Tensor("Fill_1:0", shape=(2,), '
        'dtype=float32) Tensor("zeros_like:0", shape=(), dtype=float32) '
        'Tensor("Const_6:0", shape=(2,), dtype=float32)',
        "<tf.Variable 'UnreadVariable' shape=() dtype=float32> "
        "<tf.Variable 'UnreadVariable' shape=() dtype=float32> "
        "<tf.Variable 'UnreadVariable' shape=() dtype=float32>",
        "<tf.Variable 'UnreadVariable' shape=(2,) dtype=int32> "
        "<tf.Variable 'UnreadVariable' shape=(2,) dtype=int32>",
        'Tensor("add:0", shape=(), dtype=float32) '
        "<tf.Variable 'Variable:0' shape=(2,) dtype=int32>"]


def test_assignment_without_read_value_returns_the_operation(capsys):
    v = tf.Variable(1.0)
    w = tf.Variable([1, 2])

    @tf.function
    def f(x):
        a = v.assign(x * 2.0, read_value=False)
        print(a)
        print(repr(a), type(a).__name__, a.name, a.type)
        print(v.assign_sub(1.0, read_value=False), w.assign_add([1, 1], read_value=False))
        return x

    f(tf.constant(1.0))
    assert v.assign(3.0, read_value=False) is None      # eagerly: None, as TF
    # TF 2.21's output: the Assign*VariableOp, printed as its NodeDef (control inputs are
    # added when the function is finished)
    attr = ['attr {', '  key: "dtype"', '  value {', '    type: DT_{}', '  }', '}']
    assert capsys.readouterr().out.splitlines() == [
        'name: "AssignVariableOp"', 'op: "AssignVariableOp"',
        'input: "AssignVariableOp/resource"', 'input: "mul"',
        'attr {', '  key: "validate_shape"', '  value {', '    b: true', '  }', '}',
        *[a.replace("{}", "FLOAT") for a in attr], '',
        "<tf.Operation 'AssignVariableOp' type=AssignVariableOp> Operation AssignVariableOp "
        "AssignVariableOp",
        'name: "AssignSubVariableOp"', 'op: "AssignSubVariableOp"',
        'input: "AssignVariableOp/resource"', 'input: "Const"',
        *[a.replace("{}", "FLOAT") for a in attr],
        ' name: "AssignAddVariableOp"', 'op: "AssignAddVariableOp"',
        'input: "AssignAddVariableOp/resource"', 'input: "Const_1"',
        *[a.replace("{}", "INT32") for a in attr], '']


def test_constants_in_a_branch_or_loop_body_print_in_its_scope(capsys):
    @tf.function
    def f(x):
        def body(i, x):
            c = tf.constant(2.0)
            print("B", c, tf.zeros([2]), tf.constant(1.0), tf.add(c, 1.0))
            return i + 1, x * c

        out = tf.while_loop(lambda i, x: i < 3, body, [0, x])

        def t():
            y = tf.cond(x > 1, lambda: (print("TT", tf.constant(1.0)), x)[1], lambda: x)
            print("T", tf.constant(5.0), tf.range(2))
            return y
        z = tf.cond(x > 0, t, lambda: x)
        print("after", tf.constant(1.0))
        return out, z

    f.get_concrete_function(tf.TensorSpec([]))
    # TF 2.21's output: each branch or body is a graph of its own, named in its node's scope
    # (the nested cond's inside the outer's); the outer graph's numbering goes on apart
    assert capsys.readouterr().out.splitlines() == [
        'B Tensor("while/Const:0", shape=(), dtype=float32) '
        'Tensor("while/zeros:0", shape=(2,), dtype=float32) '
        'Tensor("while/Const_1:0", shape=(), dtype=float32) '
        'Tensor("while/Add:0", shape=(), dtype=float32)',
        'TT Tensor("cond/cond/Const:0", shape=(), dtype=float32)',
        'T Tensor("cond/Const:0", shape=(), dtype=float32) '
        'Tensor("cond/range:0", shape=(2,), dtype=int32)',
        'after Tensor("Const_1:0", shape=(), dtype=float32)']


def test_values_printed_in_converted_control_flow_have_tf_names(capsys):
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

    assert int(f(tf.constant(3), tf.constant(1.0))) == 11
    # TF 2.21's output: a loop's condition and body read its variables as Placeholders of
    # their own graph; what they make is named in the node's scope; a loop's results are its
    # outputs after the counter and the bound (while_1:2)
    assert capsys.readouterr().out.splitlines() == [
        'body Tensor("while/Placeholder:0", shape=(), dtype=int32) '
        'Tensor("while/Placeholder_1:0", shape=(), dtype=int32) '
        'Tensor("x:0", shape=(), dtype=float32) Tensor("while/add:0", shape=(), dtype=int32)',
        'while Tensor("while_1/Placeholder:0", shape=(), dtype=int32)',
        'then Tensor("while_1:2", shape=(), dtype=int32) '
        'Tensor("cond/mul:0", shape=(), dtype=float32)']


def test_values_printed_in_nested_loops_and_direct_calls_have_tf_names(capsys):
    @tf.function
    def d(n):
        s = 0
        for i in tf.range(n):
            for j in tf.range(i):
                print("inner", i, j, s, s + j)
                s += j
            print("outer", i, s)
            if s > 2:
                print("cond", s * 2)
                s = s - 1
        return s

    @tf.function
    def w(x):
        def body(i, y, t):
            print("body", i, y, t)
            z = tf.constant(2.0)
            return i + 1, (y + x) * z, t
        r = tf.while_loop(lambda i, y, t: i < 3, body, [0, x, tf.zeros([2])])
        c = tf.cond(x > 0, lambda: (x + 1, x), lambda: (x - 1, x))
        b = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.concat([y, y], 0)),
                          [0, tf.reshape(x, [1])],
                          shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])],
                          maximum_iterations=5)
        print("after", r[1], c[1], b[1])
        return r

    d(tf.constant(3))
    w(tf.constant(1.0))
    # TF 2.21's output (nested graphs' scopes nest; a value of the graph around is printed
    # with its own name; a shape invariant is the Placeholder's shape)
    assert capsys.readouterr().out.splitlines() == [
        'inner Tensor("while/Placeholder:0", shape=(), dtype=int32) '
        'Tensor("while/while/Placeholder:0", shape=(), dtype=int32) '
        'Tensor("while/while/Placeholder_1:0", shape=(), dtype=int32) '
        'Tensor("while/while/add:0", shape=(), dtype=int32)',
        'outer Tensor("while/Placeholder:0", shape=(), dtype=int32) '
        'Tensor("while/while:3", shape=(), dtype=int32)',
        'cond Tensor("while/cond/mul:0", shape=(), dtype=int32)',
        'body Tensor("while/Placeholder:0", shape=(), dtype=int32) '
        'Tensor("while/Placeholder_1:0", shape=(), dtype=float32) '
        'Tensor("while/Placeholder_2:0", shape=(2,), dtype=float32)',
        'after Tensor("while:3", shape=(), dtype=float32) '
        'Tensor("cond/Identity_1:0", shape=(), dtype=float32) '
        'Tensor("while_1:3", shape=(None,), dtype=float32)']


# ---- inside a trace tensors are SymbolicTensors, as TF's graph tensors -------------------

def test_tensors_made_in_a_trace_are_symbolic_tensors_and_still_tensors():
    outer = tf.constant(3.0)
    v = tf.Variable(2.0)
    seen = {}

    def note(tag, x):
        seen[tag] = (type(x).__name__, isinstance(x, tf.Tensor), tf.is_tensor(x))

    @tf.function
    def f(a):
        note("argument", a)
        note("op result", a + 1)
        note("constant", tf.constant(1.0))
        note("captured", outer)
        note("captured op", outer * 2)
        note("variable read", v.read_value())
        note("identity", tf.identity(a))
        with tf.init_scope():
            note("init_scope constant", tf.constant(1.0))
        note("cond", tf.cond(a > 0, lambda: a * 2, lambda: a * 3))
        return a * v

    result = f(tf.constant(1.0))
    # TF 2.21: a capture keeps its own class, and so does what init_scope makes
    graph = ("SymbolicTensor", True, True)
    eager = ("EagerTensor", True, True)
    assert seen == {"argument": graph, "op result": graph, "constant": graph,
                    "captured": eager, "captured op": graph, "variable read": graph,
                    "identity": graph, "init_scope constant": eager, "cond": graph}
    assert type(result).__name__ == "EagerTensor" and float(result) == 2.0
    assert type(f(tf.constant(2.0))).__name__ == "EagerTensor"     # a replay
    assert type(outer + 1).__name__ == "EagerTensor"
    # a subclass of minitf's EagerTensor: every isinstance check of the library still holds
    from minitf.tensor import EagerTensor, SymbolicTensor
    assert issubclass(SymbolicTensor, EagerTensor) and issubclass(SymbolicTensor, tf.Tensor)


def test_symbolic_tensors_take_the_general_paths_correctly():
    # fast paths test `type(t) is EagerTensor`; a SymbolicTensor must get the same values
    # through their general branches (ops, gradients, a Keras layer, an optimizer step)
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    opt = keras.optimizers.SGD(0.5)
    layer.build((None, 3))

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = layer(x)
            loss = tf.reduce_sum(y * y)
        grads = tape.gradient(loss, layer.trainable_variables)
        opt.apply_gradients(zip(grads, layer.trainable_variables))
        return loss

    x = tf.constant([[1.0, 2.0, 3.0]])
    assert float(step(x)) == 72.0            # (1 + 2 + 3)^2 for each of 2 units
    # d loss / d kernel = 2 * 6 * x for every unit: kernel 1 - 0.5 * 12 * x
    np.testing.assert_allclose(layer.kernel.numpy(), [[-5.0, -5.0], [-11.0, -11.0],
                                                      [-17.0, -17.0]])
