"""``concrete_function.graph.get_operations()`` lists what TF lists for simple functions (the
expected lists were read from TensorFlow 2.21; parity/test_autograph_parity.py compares live)."""
import minitf as tf

SCALAR = tf.TensorSpec([], tf.float32)


def types(fn, *specs):
    return [op.type for op in tf.function(fn).get_concrete_function(*specs)
            .graph.get_operations()]


def test_arithmetic_with_a_constant():
    assert types(lambda x, y: x * y + 1.0, SCALAR, SCALAR) == \
        ["Placeholder", "Placeholder", "Mul", "Const", "AddV2", "Identity"]


def test_variable_read_is_a_placeholder_a_read_and_a_noop():
    v = tf.Variable(2.0)

    def f(x):
        return v * x

    assert types(f, SCALAR) == ["Placeholder", "Placeholder", "ReadVariableOp", "Mul",
                                "Identity", "NoOp"]


def test_matmul_and_names_numbered_within_the_graph():
    def f(x, w):
        return tf.matmul(tf.matmul(x, w), w)

    spec = tf.TensorSpec([2, 2], tf.float32)
    ops = tf.function(f).get_concrete_function(spec, spec).graph.get_operations()
    assert [op.type for op in ops] == ["Placeholder", "Placeholder", "MatMul", "MatMul",
                                       "Identity"]
    # TF 2.21 names each Placeholder after its parameter
    assert [op.name for op in ops] == ["x", "w", "MatMul", "MatMul_1", "Identity"]


def test_autograph_if_is_one_stateless_if():
    def f(x):
        if x > 0:
            x = x * 2.0
        return x

    got = types(f, SCALAR)
    # TF 2.21: the If's output is read through cond/Identity, then the output's Identity
    assert got == ["Placeholder", "Const", "Greater", "StatelessIf", "Identity", "Identity"]


def test_tf_print_is_string_format_and_print_v2_in_order():
    # TF 2.21's GraphDef of this function (name, op, inputs; ^: control inputs)
    v = tf.Variable(2.0)

    def f(x):
        tf.print("v", v, x)
        y = x * 2.0
        tf.print(y)
        return y

    nodes = tf.function(f).get_concrete_function(SCALAR).graph.as_graph_def().node
    assert [(n.name, n.op, list(n.input)) for n in nodes] == [
        ("x", "Placeholder", []),
        ("StringFormat/ReadVariableOp/resource", "Placeholder", []),
        ("StringFormat/ReadVariableOp", "ReadVariableOp",
         ["StringFormat/ReadVariableOp/resource"]),
        ("StringFormat", "StringFormat", ["StringFormat/ReadVariableOp", "x"]),
        ("PrintV2", "PrintV2", ["StringFormat"]),
        ("mul/y", "Const", []), ("mul", "Mul", ["x", "mul/y"]),
        ("StringFormat_1", "StringFormat", ["mul"]),
        ("PrintV2_1", "PrintV2", ["StringFormat_1", "^PrintV2"]),
        ("Identity", "Identity", ["mul", "^NoOp"]),
        ("NoOp", "NoOp", ["^PrintV2", "^PrintV2_1", "^StringFormat/ReadVariableOp"])]


def test_a_for_over_a_tensor_of_constants_is_staged():
    # AutoGraph's reference ("for statements"): a loop over a Python list of tensors is
    # unrolled, one over a tensor is a While, even when its value is known (TF 2.21: 3 and 0
    # PrintV2 in the function's own graph)
    @tf.function
    def unrolled():
        for i in [tf.constant(1), tf.constant(2), tf.constant(3)]:
            tf.print(i)

    @tf.function
    def stacked():
        for i in tf.stack([tf.constant(1), tf.constant(2), tf.constant(3)]):
            tf.print(i)

    def prints(fn):
        return [op.type for op in fn.get_concrete_function().graph.get_operations()
                ].count("PrintV2")

    assert (prints(unrolled), prints(stacked)) == (3, 0)
    assert "While" in [op.type for op in stacked.get_concrete_function().graph
                       .get_operations()]
