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
