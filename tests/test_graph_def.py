"""FuncGraph.as_graph_def(): TF's node structure for traced programs (the counts the tf.function
guide prints, TF 2.21: 11, 32 and 6 nodes; parity/test_graph_def_parity.py compares live)."""
import numpy as np

import minitf as tf


@tf.function
def train(dataset):
    loss = tf.constant(0)
    for x, y in dataset:
        loss += tf.abs(y - x)
    return loss


def _ops(fn, *args):
    return [n.op for n in fn.get_concrete_function(*args).graph.as_graph_def().node]


def test_python_data_is_unrolled_into_the_graph():
    # Const (loss), then per pair: Const (y - x as a tensor), Abs, AddV2; Identity (output)
    for n in (1, 3, 10):
        ops = _ops(train, [(1, 1)] * n)
        assert ops == ["Const"] + ["Const", "Abs", "AddV2"] * n + ["Identity"]
        assert len(ops) == 3 * n + 2


def test_a_dataset_loop_is_one_reduction():
    for n in (3, 10):
        ds = tf.data.Dataset.from_generator(lambda n=n: [(1, 1)] * n, (tf.int32, tf.int32))
        assert _ops(train, ds) == ["Placeholder", "Const", "ScanDataset", "ReduceDataset",
                                   "Identity", "NoOp"]


def test_graph_def_lists_get_operations_with_inputs():
    f = tf.function(lambda x, y: x * y + 1.0)
    s = tf.TensorSpec([], tf.float32)
    graph = f.get_concrete_function(s, s).graph
    nodes = graph.as_graph_def().node
    assert [(n.name, n.op) for n in nodes] == [(o.name, o.type) for o in graph.get_operations()]
    # TF 2.21: [('x', []), ('y', []), ('mul', ['x', 'y']), ('add/y', []),
    #           ('add', ['mul', 'add/y']), ('Identity', ['add'])]
    assert [(n.name, n.input) for n in nodes] == [
        ("x", []), ("y", []), ("mul", ["x", "y"]), ("add/y", []), ("add", ["mul", "add/y"]),
        ("Identity", ["add"])]


def test_values_computed_from_constants_are_nodes():
    @tf.function
    def f(x):
        a = tf.constant([1.0, 2.0]) * 2.0
        return x * a + tf.reduce_sum(a)

    ops = _ops(f, tf.TensorSpec([2], tf.float32))
    # TF: a reduction reads its axes from a Const; `a` feeds the traced Mul by name
    assert ops == ["Placeholder", "Const", "Const", "Mul", "Mul", "Const", "Sum", "AddV2",
                   "Identity"]


def test_ops_in_a_branch_are_not_nodes_of_the_outer_graph():
    @tf.function
    def f(x):
        if x > 0:
            x = x * tf.constant(2.0)
        return x

    ops = _ops(f, tf.TensorSpec([], tf.float32))
    # TF 2.21: the If's output is read through cond/Identity
    assert ops == ["Placeholder", "Const", "Greater", "StatelessIf", "Identity", "Identity"]


def test_a_traced_reduction_reads_its_axes_from_a_const():
    @tf.function
    def f(x):
        return tf.reduce_sum(x * 2.0)

    # TF 2.21 lists ['Placeholder', 'Const', 'Mul', 'Const', 'Sum', 'Identity']: the second
    # Const holds the reduction's axes, also when the reduced value is traced
    assert _ops(f, tf.TensorSpec([2], tf.float32)) == ["Placeholder", "Const", "Mul", "Const",
                                                         "Sum", "Identity"]


def test_nodes_are_named_as_tf_names_them():
    v = tf.Variable(2.0)
    s = tf.TensorSpec([], tf.float32)

    def nested(a, b, *rest, scale):
        return (a[0] + a[1] * b["k"] - rest[0]) * scale + v

    graph_def = tf.function(nested).get_concrete_function(
        (s, s), {"k": s}, s, scale=s).graph.as_graph_def()
    # TF 2.21 (its control inputs, ^NoOp, left out)
    assert [(n.name, n.op, [i for i in n.input if not i.startswith("^")])
            for n in graph_def.node] == [
        ("a", "Placeholder", []), ("a_1", "Placeholder", []), ("b", "Placeholder", []),
        ("rest_0", "Placeholder", []), ("scale", "Placeholder", []),
        ("mul", "Mul", ["a_1", "b"]), ("add", "AddV2", ["a", "mul"]),
        ("sub", "Sub", ["add", "rest_0"]), ("mul_1", "Mul", ["sub", "scale"]),
        ("add_1/ReadVariableOp/resource", "Placeholder", []),
        ("add_1/ReadVariableOp", "ReadVariableOp", ["add_1/ReadVariableOp/resource"]),
        ("add_1", "AddV2", ["mul_1", "add_1/ReadVariableOp"]), ("Identity", "Identity", ["add_1"]),
        ("NoOp", "NoOp", [])]


def test_constant_operands_are_named_after_their_op():
    f = tf.function(lambda x: tf.cast(x > 0.0, tf.float32) * x - 3.0 / x)
    nodes = f.get_concrete_function(tf.TensorSpec([], tf.float32)).graph.as_graph_def().node
    # TF 2.21
    assert [(n.name, n.input) for n in nodes] == [
        ("x", []), ("Greater/y", []), ("Greater", ["x", "Greater/y"]), ("Cast", ["Greater"]),
        ("mul", ["Cast", "x"]), ("truediv/x", []), ("truediv", ["truediv/x", "x"]),
        ("sub", ["mul", "truediv"]), ("Identity", ["sub"])]


def _nodes(fn, *specs):
    graph_def = tf.function(fn).get_concrete_function(*specs).graph.as_graph_def()
    return [(n.name, n.op, [i for i in n.input if not i.startswith("^")])
            for n in graph_def.node]


def test_op_functions_are_named_after_the_function_called():
    s = tf.TensorSpec([2], tf.float32)
    # TF 2.21: tf.add is named Add (op type AddV2), tf.multiply Mul, tf.subtract Sub; the
    # Python operators stay lower case (TF numbers names ignoring case: add_1 after Add)
    assert _nodes(lambda x, y: tf.subtract(tf.multiply(tf.add(x, 2.0), y), x) + y, s, s) == [
        ("x", "Placeholder", []), ("y", "Placeholder", []), ("Add/y", "Const", []),
        ("Add", "AddV2", ["x", "Add/y"]), ("Mul", "Mul", ["Add", "y"]),
        ("Sub", "Sub", ["Mul", "x"]), ("add_1", "AddV2", ["Sub", "y"]),
        ("Identity", "Identity", ["add_1"])]


def test_ops_built_from_several_array_operations_are_one_node():
    s = tf.TensorSpec([2, 3], tf.float32)
    # TF 2.21
    assert _nodes(lambda x: tf.exp(x) * 2.0 + tf.nn.relu(x), s) == [
        ("x", "Placeholder", []), ("Exp", "Exp", ["x"]), ("mul/y", "Const", []),
        ("mul", "Mul", ["Exp", "mul/y"]), ("Relu", "Relu", ["x"]),
        ("add", "AddV2", ["mul", "Relu"]), ("Identity", "Identity", ["add"])]
    for fn, name in ((tf.sigmoid, "Sigmoid"), (tf.nn.softmax, "Softmax"),
                     (tf.nn.softplus, "Softplus"), (tf.nn.log_softmax, "LogSoftmax"),
                     (tf.math.rsqrt, "Rsqrt"), (tf.nn.elu, "Elu"),
                     (tf.nn.leaky_relu, "LeakyRelu"), (tf.nn.relu6, "Relu6")):
        assert _nodes(lambda x, fn=fn: fn(x), s) == [
            ("x", "Placeholder", []), (name, name, ["x"]), ("Identity", "Identity", [name])]
    assert _nodes(lambda x: tf.math.floordiv(x, 2.0), s) == [
        ("x", "Placeholder", []), ("floordiv/y", "Const", []),
        ("floordiv", "FloorDiv", ["x", "floordiv/y"]), ("Identity", "Identity", ["floordiv"])]


def test_ops_list_their_constant_inputs_as_tf_names_them():
    s = tf.TensorSpec([2, 3], tf.float32)
    m = tf.TensorSpec([3, 3], tf.float32)
    # TF 2.21
    assert _nodes(lambda x: tf.reshape(x, [3, 2]), s) == [
        ("x", "Placeholder", []), ("Reshape/shape", "Const", []),
        ("Reshape", "Reshape", ["x", "Reshape/shape"]), ("Identity", "Identity", ["Reshape"])]
    assert _nodes(lambda x: tf.transpose(x), s) == [
        ("x", "Placeholder", []), ("transpose/perm", "Const", []),
        ("transpose", "Transpose", ["x", "transpose/perm"]),
        ("Identity", "Identity", ["transpose"])]
    assert _nodes(lambda x: tf.concat([x, x], 0), s) == [
        ("x", "Placeholder", []), ("concat/axis", "Const", []),
        ("concat", "ConcatV2", ["x", "x", "concat/axis"]), ("Identity", "Identity", ["concat"])]
    assert _nodes(lambda x: tf.argmax(x, 1), s) == [
        ("x", "Placeholder", []), ("ArgMax/dimension", "Const", []),
        ("ArgMax", "ArgMax", ["x", "ArgMax/dimension"]), ("Identity", "Identity", ["ArgMax"])]
    assert _nodes(lambda x: tf.where(x > 0.0, x, 0.0), s) == [
        ("x", "Placeholder", []), ("Greater/y", "Const", []),
        ("Greater", "Greater", ["x", "Greater/y"]), ("SelectV2/e", "Const", []),
        ("SelectV2", "SelectV2", ["Greater", "x", "SelectV2/e"]),
        ("Identity", "Identity", ["SelectV2"])]
    assert _nodes(lambda x, y: tf.matmul(x, y, transpose_b=True), m, m) == [
        ("x", "Placeholder", []), ("y", "Placeholder", []), ("MatMul", "MatMul", ["x", "y"]),
        ("Identity", "Identity", ["MatMul"])]


def test_a_slice_reads_its_begin_end_and_strides_from_consts():
    # TF 2.21: StridedSlice reads three Consts (its begin, end and strides)
    stack = [("strided_slice/stack", "Const", []), ("strided_slice/stack_1", "Const", []),
             ("strided_slice/stack_2", "Const", []),
             ("strided_slice", "StridedSlice", ["x", "strided_slice/stack",
                                                "strided_slice/stack_1",
                                                "strided_slice/stack_2"])]
    assert _nodes(lambda x: x[1:3], tf.TensorSpec([4], tf.float32)) == \
        [("x", "Placeholder", [])] + stack + [("Identity", "Identity", ["strided_slice"])]
    assert _nodes(lambda x: x[0], tf.TensorSpec([2, 3], tf.float32)) == \
        [("x", "Placeholder", [])] + stack + [("Identity", "Identity", ["strided_slice"])]


def _all_inputs(fn, *specs):
    graph_def = tf.function(fn).get_concrete_function(*specs).graph.as_graph_def()
    return [(n.name, n.op, list(n.input)) for n in graph_def.node]


def test_assign_add_is_one_assign_add_variable_op():
    v = tf.Variable(1.0)
    s = tf.TensorSpec([], tf.float32)

    def increment(x):
        v.assign_add(x)

    def increment_and_return(x):
        return v.assign_add(x)

    # TF 2.21 (no outputs: no Identity, no NoOp)
    assert _all_inputs(increment, s) == [
        ("x", "Placeholder", []), ("AssignAddVariableOp/resource", "Placeholder", []),
        ("AssignAddVariableOp", "AssignAddVariableOp", ["AssignAddVariableOp/resource", "x"])]
    # TF 2.21: the result is a read after the assignment, ordered by control inputs
    assert _all_inputs(increment_and_return, s) == [
        ("x", "Placeholder", []), ("AssignAddVariableOp/resource", "Placeholder", []),
        ("AssignAddVariableOp", "AssignAddVariableOp", ["AssignAddVariableOp/resource", "x"]),
        ("ReadVariableOp", "ReadVariableOp", ["AssignAddVariableOp/resource",
                                              "^AssignAddVariableOp"]),
        ("Identity", "Identity", ["ReadVariableOp", "^NoOp"]),
        ("NoOp", "NoOp", ["^AssignAddVariableOp", "^ReadVariableOp"])]


def test_assignments_are_listed_where_they_happen_with_tf_control_inputs():
    v = tf.Variable(1.0)
    w = tf.Variable(1.0)
    s = tf.TensorSpec([], tf.float32)

    def two_updates(x):
        v.assign_add(1.0)
        v.assign_sub(x)
        return v * x

    def assign_then_compute(x):
        w.assign(x)
        return x * 2.0

    def read_then_assign(x):
        y = v * x
        v.assign(y)
        return y

    # TF 2.21 (assign_sub(x) after assign_add(1.0): each ordered after the last op on v)
    assert _all_inputs(two_updates, s) == [
        ("x", "Placeholder", []), ("Const", "Const", []),
        ("AssignAddVariableOp/resource", "Placeholder", []),
        ("AssignAddVariableOp", "AssignAddVariableOp", ["AssignAddVariableOp/resource",
                                                        "Const"]),
        ("AssignSubVariableOp", "AssignSubVariableOp", ["AssignAddVariableOp/resource", "x",
                                                        "^AssignAddVariableOp"]),
        ("ReadVariableOp", "ReadVariableOp", ["AssignAddVariableOp/resource",
                                              "^AssignSubVariableOp"]),
        ("mul", "Mul", ["ReadVariableOp", "x"]), ("Identity", "Identity", ["mul", "^NoOp"]),
        ("NoOp", "NoOp", ["^AssignAddVariableOp", "^AssignSubVariableOp", "^ReadVariableOp"])]
    assert _all_inputs(assign_then_compute, s) == [
        ("x", "Placeholder", []), ("AssignVariableOp/resource", "Placeholder", []),
        ("AssignVariableOp", "AssignVariableOp", ["AssignVariableOp/resource", "x"]),
        ("mul/y", "Const", []), ("mul", "Mul", ["x", "mul/y"]),
        ("Identity", "Identity", ["mul", "^NoOp"]), ("NoOp", "NoOp", ["^AssignVariableOp"])]
    # TF 2.21: ``v * x`` reads v before the op (ReadVariableOp, not mul/ReadVariableOp)
    assert _all_inputs(read_then_assign, s) == [
        ("x", "Placeholder", []), ("ReadVariableOp/resource", "Placeholder", []),
        ("ReadVariableOp", "ReadVariableOp", ["ReadVariableOp/resource"]),
        ("mul", "Mul", ["ReadVariableOp", "x"]),
        ("AssignVariableOp", "AssignVariableOp", ["ReadVariableOp/resource", "mul",
                                                  "^ReadVariableOp"]),
        ("Identity", "Identity", ["mul", "^NoOp"]),
        ("NoOp", "NoOp", ["^AssignVariableOp", "^ReadVariableOp"])]


def test_outputs_wait_for_the_no_op_of_the_stateful_ops():
    v = tf.Variable(2.0)
    s = tf.TensorSpec([], tf.float32)
    # TF 2.21: every op reads the variable anew; each Identity reads ^NoOp, and the NoOp
    # waits for every read
    assert _all_inputs(lambda x: (x * v, x + v), s) == [
        ("x", "Placeholder", []), ("mul/ReadVariableOp/resource", "Placeholder", []),
        ("mul/ReadVariableOp", "ReadVariableOp", ["mul/ReadVariableOp/resource"]),
        ("mul", "Mul", ["x", "mul/ReadVariableOp"]),
        ("add/ReadVariableOp", "ReadVariableOp", ["mul/ReadVariableOp/resource"]),
        ("add", "AddV2", ["x", "add/ReadVariableOp"]),
        ("Identity", "Identity", ["mul", "^NoOp"]), ("Identity_1", "Identity", ["add", "^NoOp"]),
        ("NoOp", "NoOp", ["^add/ReadVariableOp", "^mul/ReadVariableOp"])]


def test_an_op_under_a_tape_is_still_one_node():
    @tf.function
    def f(x, y):
        with tf.GradientTape() as t:
            t.watch(x)
            z = tf.maximum(x, y)        # minitf's maximum also makes a mask for its gradient
        return z, t.gradient(z, x)

    s = tf.TensorSpec([2], tf.float32)
    nodes = {n.name: (n.op, list(n.input)) for n in f.get_concrete_function(s, s).graph
             .as_graph_def().node}
    # TF 2.21: one Maximum node, read by the first output's Identity
    assert [name for name, (op, _) in nodes.items() if op == "Maximum"] == ["Maximum"]
    assert nodes["Maximum"] == ("Maximum", ["x", "y"])
    assert nodes["Identity"] == ("Identity", ["Maximum"])


def test_a_returned_variable_is_read_after_its_assignment():
    v = tf.Variable(1.0)
    s = tf.TensorSpec([], tf.float32)
    # TF 2.21
    assert _all_inputs(lambda x: v.assign(x), s) == [
        ("x", "Placeholder", []), ("AssignVariableOp/resource", "Placeholder", []),
        ("AssignVariableOp", "AssignVariableOp", ["AssignVariableOp/resource", "x"]),
        ("ReadVariableOp", "ReadVariableOp", ["AssignVariableOp/resource",
                                              "^AssignVariableOp"]),
        ("Identity", "Identity", ["ReadVariableOp", "^NoOp"]),
        ("NoOp", "NoOp", ["^AssignVariableOp", "^ReadVariableOp"])]
    # TF 2.21: returned variables are read before the outputs' Identities
    assert _all_inputs(lambda x: (v, x), s) == [
        ("x", "Placeholder", []), ("ReadVariableOp/resource", "Placeholder", []),
        ("ReadVariableOp", "ReadVariableOp", ["ReadVariableOp/resource"]),
        ("Identity", "Identity", ["ReadVariableOp", "^NoOp"]),
        ("Identity_1", "Identity", ["x", "^NoOp"]), ("NoOp", "NoOp", ["^ReadVariableOp"])]


def test_a_slice_at_a_traced_index_reads_the_index():
    f = tf.function(lambda x, i: x[i])
    nodes = f.get_concrete_function(tf.TensorSpec([3], tf.float32),
                                    tf.TensorSpec([], tf.int32)).graph.as_graph_def().node
    # TF 2.21 packs the slice's bounds from i (strided_slice/stack is a Pack reading i):
    # some node reads the index
    assert any("i" in n.input for n in nodes)


def test_tf_identity_is_a_node_of_its_own(capsys):
    @tf.function
    def f(x):
        y = tf.identity(x)
        print(y)
        return y * 2.0, tf.identity(y)

    # TF 2.21: the body's Identity nodes come first; the outputs' are numbered after them
    assert _all_inputs(f, tf.TensorSpec([2])) == [
        ("x", "Placeholder", []), ("Identity", "Identity", ["x"]), ("mul/y", "Const", []),
        ("mul", "Mul", ["Identity", "mul/y"]), ("Identity_1", "Identity", ["Identity"]),
        ("Identity_2", "Identity", ["mul"]), ("Identity_3", "Identity", ["Identity_1"])]
    # TF 2.21 prints the Identity's tensor
    assert capsys.readouterr().out == 'Tensor("Identity:0", shape=(2,), dtype=float32)\n'
    y, z = f(tf.constant([1.0, 2.0]))           # replayed: the values pass through
    assert y.numpy().tolist() == [2.0, 4.0] and z.numpy().tolist() == [1.0, 2.0]


def test_read_value_is_a_read_in_a_name_scope_and_an_identity(capsys):
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        r = v.read_value()
        print(r)
        s = v.read_value()
        return r * x + s

    # TF 2.21: each read_value() reads in a name scope of its own (Read, Read_1)
    assert _all_inputs(f, tf.TensorSpec([])) == [
        ("x", "Placeholder", []), ("Read/ReadVariableOp/resource", "Placeholder", []),
        ("Read/ReadVariableOp", "ReadVariableOp", ["Read/ReadVariableOp/resource"]),
        ("Identity", "Identity", ["Read/ReadVariableOp"]),
        ("Read_1/ReadVariableOp", "ReadVariableOp", ["Read/ReadVariableOp/resource"]),
        ("Identity_1", "Identity", ["Read_1/ReadVariableOp"]),
        ("mul", "Mul", ["Identity", "x"]), ("add", "AddV2", ["mul", "Identity_1"]),
        ("Identity_2", "Identity", ["add", "^NoOp"]),
        ("NoOp", "NoOp", ["^Read/ReadVariableOp", "^Read_1/ReadVariableOp"])]
    # TF 2.21 prints the Identity's tensor
    assert capsys.readouterr().out == 'Tensor("Identity:0", shape=(), dtype=float32)\n'
    v.assign(3.0)
    assert float(f(tf.constant(2.0))) == 9.0       # replayed: reads the variable anew


def test_zeros_like_of_a_known_shape_is_a_const():
    def f(x):
        return x + tf.zeros_like(x) + tf.ones_like(tf.reduce_sum(x))

    # TF 2.21: a Const where the shape is known, ZerosLike / OnesLike reading x where not
    assert _all_inputs(f, tf.TensorSpec([2])) == [
        ("x", "Placeholder", []), ("zeros_like", "Const", []),
        ("add", "AddV2", ["x", "zeros_like"]), ("Const", "Const", []),
        ("Sum", "Sum", ["x", "Const"]), ("ones_like", "Const", []),
        ("add_1", "AddV2", ["add", "ones_like"]), ("Identity", "Identity", ["add_1"])]
    assert _all_inputs(f, tf.TensorSpec([None])) == [
        ("x", "Placeholder", []), ("zeros_like", "ZerosLike", ["x"]),
        ("add", "AddV2", ["x", "zeros_like"]), ("Const", "Const", []),
        ("Sum", "Sum", ["x", "Const"]), ("ones_like", "Const", []),
        ("add_1", "AddV2", ["add", "ones_like"]), ("Identity", "Identity", ["add_1"])]


def test_clip_by_value_is_listed_in_its_name_scope(capsys):
    @tf.function
    def f(x, lo):
        a = tf.clip_by_value(x, lo, 1.0)
        b = tf.minimum(a, 2.0)
        c = tf.clip_by_value(b, 0.0, 1.0)
        print(a, b, c)
        return c

    # TF 2.21: a Minimum in the scope clip_by_value, the Maximum named as the scope
    assert _all_inputs(f, tf.TensorSpec([2]), tf.TensorSpec([])) == [
        ("x", "Placeholder", []), ("lo", "Placeholder", []),
        ("clip_by_value/Minimum/y", "Const", []),
        ("clip_by_value/Minimum", "Minimum", ["x", "clip_by_value/Minimum/y"]),
        ("clip_by_value", "Maximum", ["clip_by_value/Minimum", "lo"]),
        ("Minimum/y", "Const", []), ("Minimum", "Minimum", ["clip_by_value", "Minimum/y"]),
        ("clip_by_value_1/Minimum/y", "Const", []),
        ("clip_by_value_1/Minimum", "Minimum", ["Minimum", "clip_by_value_1/Minimum/y"]),
        ("clip_by_value_1/y", "Const", []),
        ("clip_by_value_1", "Maximum", ["clip_by_value_1/Minimum", "clip_by_value_1/y"]),
        ("Identity", "Identity", ["clip_by_value_1"])]
    # TF 2.21
    assert capsys.readouterr().out == (
        'Tensor("clip_by_value:0", shape=(2,), dtype=float32) '
        'Tensor("Minimum:0", shape=(2,), dtype=float32) '
        'Tensor("clip_by_value_1:0", shape=(2,), dtype=float32)\n')
    assert f(tf.constant([-1.0, 3.0]), tf.constant(0.5)).numpy().tolist() == [0.5, 1.0]


def test_one_hot_is_one_node_reading_its_consts():
    # TF 2.21: the Consts listed on, off, depth; OneHot reads depth, on, off
    assert _all_inputs(lambda i: tf.one_hot(i, 3), tf.TensorSpec([2], tf.int32)) == [
        ("i", "Placeholder", []), ("one_hot/on_value", "Const", []),
        ("one_hot/off_value", "Const", []), ("one_hot/depth", "Const", []),
        ("one_hot", "OneHot", ["i", "one_hot/depth", "one_hot/on_value",
                               "one_hot/off_value"]),
        ("Identity", "Identity", ["one_hot"])]


def test_gelu_is_listed_in_its_name_scope(capsys):
    @tf.function
    def f(x):
        a = tf.nn.gelu(x)
        b = tf.nn.gelu(x, approximate=True)
        print(a, b)
        return a + b

    # TF 2.21 (its constants cast to float32 are Consts named Cast/x in the scope)
    assert _all_inputs(f, tf.TensorSpec([2])) == [
        ("x", "Placeholder", []), ("Gelu/mul/x", "Const", []),
        ("Gelu/mul", "Mul", ["Gelu/mul/x", "x"]), ("Gelu/Neg", "Neg", ["x"]),
        ("Gelu/Cast/x", "Const", []), ("Gelu/mul_1", "Mul", ["Gelu/Neg", "Gelu/Cast/x"]),
        ("Gelu/Erfc", "Erfc", ["Gelu/mul_1"]), ("Gelu/mul_2", "Mul", ["Gelu/mul", "Gelu/Erfc"]),
        ("Gelu_1/Cast/x", "Const", []), ("Gelu_1/mul/x", "Const", []),
        ("Gelu_1/mul", "Mul", ["Gelu_1/mul/x", "x"]), ("Gelu_1/Pow/y", "Const", []),
        ("Gelu_1/Pow", "Pow", ["x", "Gelu_1/Pow/y"]),
        ("Gelu_1/mul_1", "Mul", ["Gelu_1/Cast/x", "Gelu_1/Pow"]),
        ("Gelu_1/add", "AddV2", ["x", "Gelu_1/mul_1"]), ("Gelu_1/mul_2/x", "Const", []),
        ("Gelu_1/mul_2", "Mul", ["Gelu_1/mul_2/x", "Gelu_1/add"]),
        ("Gelu_1/Tanh", "Tanh", ["Gelu_1/mul_2"]), ("Gelu_1/add_1/x", "Const", []),
        ("Gelu_1/add_1", "AddV2", ["Gelu_1/add_1/x", "Gelu_1/Tanh"]),
        ("Gelu_1/mul_3", "Mul", ["Gelu_1/mul", "Gelu_1/add_1"]),
        ("add", "AddV2", ["Gelu/mul_2", "Gelu_1/mul_3"]), ("Identity", "Identity", ["add"])]
    # TF 2.21
    assert capsys.readouterr().out == (
        'Tensor("Gelu/mul_2:0", shape=(2,), dtype=float32) '
        'Tensor("Gelu_1/mul_3:0", shape=(2,), dtype=float32)\n')


def test_constants_made_in_the_body_are_listed_as_tf_makes_them():
    def made(x):
        c = tf.constant([1.0, 2.0, 3.0])
        r = tf.cast(tf.range(3), tf.float32) + tf.range(1.0, 4.0)
        big = tf.reduce_sum(tf.zeros([1000]))
        return x * c + r + tf.fill([3], 2.0) + big

    # TF 2.21: range in its name scope, a bound of another dtype cast to the result's; zeros
    # of 1000 elements a Fill (fewer: a Const named zeros); a reduction of a constant reads it
    assert _all_inputs(made, tf.TensorSpec([3])) == [
        ("x", "Placeholder", []), ("Const", "Const", []), ("range/start", "Const", []),
        ("range/limit", "Const", []), ("range/delta", "Const", []),
        ("range", "Range", ["range/start", "range/limit", "range/delta"]),
        ("Cast", "Cast", ["range"]), ("range_1/start", "Const", []),
        ("range_1/limit", "Const", []), ("range_1/delta", "Const", []),
        ("range_1/Cast", "Cast", ["range_1/delta"]),
        ("range_1", "Range", ["range_1/start", "range_1/limit", "range_1/Cast"]),
        ("add", "AddV2", ["Cast", "range_1"]), ("zeros/shape_as_tensor", "Const", []),
        ("zeros/Const", "Const", []),
        ("zeros", "Fill", ["zeros/shape_as_tensor", "zeros/Const"]), ("Const_1", "Const", []),
        ("Sum", "Sum", ["zeros", "Const_1"]), ("mul", "Mul", ["x", "Const"]),
        ("add_1", "AddV2", ["mul", "add"]), ("Fill/dims", "Const", []),
        ("Fill/value", "Const", []), ("Fill", "Fill", ["Fill/dims", "Fill/value"]),
        ("add_2", "AddV2", ["add_1", "Fill"]), ("add_3", "AddV2", ["add_2", "Sum"]),
        ("Identity", "Identity", ["add_3"])]


def test_float64_gelu_casts_its_constant():
    # TF 2.21: Gelu/Cast reads the float32 Const it casts to float64
    assert _all_inputs(lambda x: tf.nn.gelu(x), tf.TensorSpec([2], tf.float64)) == [
        ("x", "Placeholder", []), ("Gelu/mul/x", "Const", []),
        ("Gelu/mul", "Mul", ["Gelu/mul/x", "x"]), ("Gelu/Neg", "Neg", ["x"]),
        ("Gelu/Cast/x", "Const", []), ("Gelu/Cast", "Cast", ["Gelu/Cast/x"]),
        ("Gelu/mul_1", "Mul", ["Gelu/Neg", "Gelu/Cast"]), ("Gelu/Erfc", "Erfc", ["Gelu/mul_1"]),
        ("Gelu/mul_2", "Mul", ["Gelu/mul", "Gelu/Erfc"]),
        ("Identity", "Identity", ["Gelu/mul_2"])]


def test_an_op_on_constants_and_a_scalar_reduction_read_their_inputs():
    # TF 2.21: tf.add of constants reads them (and its Const Add/y); the sum of all the axes
    # of a scalar reads range(0, rank(x)), its rank a Const
    assert _all_inputs(lambda x: x + tf.add(tf.constant(1.0), 2.0) + tf.reduce_sum(x),
                       tf.TensorSpec([])) == [
        ("x", "Placeholder", []), ("Const", "Const", []), ("Add/y", "Const", []),
        ("Add", "AddV2", ["Const", "Add/y"]), ("add_1", "AddV2", ["x", "Add"]),
        ("Rank", "Const", []), ("range/start", "Const", []), ("range/delta", "Const", []),
        ("range", "Range", ["range/start", "Rank", "range/delta"]),
        ("Sum", "Sum", ["x", "range"]), ("add_2", "AddV2", ["add_1", "Sum"]),
        ("Identity", "Identity", ["add_2"])]


def test_norm_is_listed_in_its_name_scope(capsys):
    @tf.function
    def f(x):
        a, b, c = tf.norm(x), tf.norm(x, axis=1), tf.norm(x, ord=1)
        print(a, b, c)
        return a + b + c

    # TF 2.21: norm reduces keeping the dimensions, then squeezes them (norm/Squeeze)
    assert _all_inputs(f, tf.TensorSpec([2, 3])) == [
        ("x", "Placeholder", []), ("norm/mul", "Mul", ["x", "x"]), ("norm/Const", "Const", []),
        ("norm/Sum", "Sum", ["norm/mul", "norm/Const"]), ("norm/Sqrt", "Sqrt", ["norm/Sum"]),
        ("norm/Squeeze", "Squeeze", ["norm/Sqrt"]), ("norm_1/mul", "Mul", ["x", "x"]),
        ("norm_1/Sum/reduction_indices", "Const", []),
        ("norm_1/Sum", "Sum", ["norm_1/mul", "norm_1/Sum/reduction_indices"]),
        ("norm_1/Sqrt", "Sqrt", ["norm_1/Sum"]), ("norm_1/Squeeze", "Squeeze", ["norm_1/Sqrt"]),
        ("norm_2/Abs", "Abs", ["x"]), ("norm_2/Const", "Const", []),
        ("norm_2/Sum", "Sum", ["norm_2/Abs", "norm_2/Const"]),
        ("norm_2/Squeeze", "Squeeze", ["norm_2/Sum"]),
        ("add", "AddV2", ["norm/Squeeze", "norm_1/Squeeze"]),
        ("add_1", "AddV2", ["add", "norm_2/Squeeze"]), ("Identity", "Identity", ["add_1"])]
    # TF 2.21
    assert capsys.readouterr().out == (
        'Tensor("norm/Squeeze:0", shape=(), dtype=float32) '
        'Tensor("norm_1/Squeeze:0", shape=(2,), dtype=float32) '
        'Tensor("norm_2/Squeeze:0", shape=(), dtype=float32)\n')
    np.testing.assert_allclose(f(tf.constant([[3.0, 4.0, 0.0], [0.0, 0.0, 1.0]])).numpy(),
                               np.sqrt(26.0) + np.array([5.0, 1.0]) + 8.0, rtol=1e-6)


def test_a_variable_given_to_a_scoped_op_function_is_read_once():
    v = tf.Variable([1.0, -2.0])
    s = tf.Variable(0.5)
    # TF 2.21: gelu converts its argument on entering its scope, read once for all its ops
    assert _all_inputs(lambda x: tf.nn.gelu(v) + x, tf.TensorSpec([])) == [
        ("x", "Placeholder", []), ("Gelu/ReadVariableOp/resource", "Placeholder", []),
        ("Gelu/ReadVariableOp", "ReadVariableOp", ["Gelu/ReadVariableOp/resource"]),
        ("Gelu/mul/x", "Const", []), ("Gelu/mul", "Mul", ["Gelu/mul/x", "Gelu/ReadVariableOp"]),
        ("Gelu/Neg", "Neg", ["Gelu/ReadVariableOp"]), ("Gelu/Cast/x", "Const", []),
        ("Gelu/mul_1", "Mul", ["Gelu/Neg", "Gelu/Cast/x"]), ("Gelu/Erfc", "Erfc", ["Gelu/mul_1"]),
        ("Gelu/mul_2", "Mul", ["Gelu/mul", "Gelu/Erfc"]), ("add", "AddV2", ["Gelu/mul_2", "x"]),
        ("Identity", "Identity", ["add", "^NoOp"]), ("NoOp", "NoOp", ["^Gelu/ReadVariableOp"])]
    # TF 2.21: a bound given as a variable is read where the scope's op first uses it
    assert _all_inputs(lambda x: tf.clip_by_value(x, s, 1.0), tf.TensorSpec([])) == [
        ("x", "Placeholder", []), ("clip_by_value/Minimum/y", "Const", []),
        ("clip_by_value/Minimum", "Minimum", ["x", "clip_by_value/Minimum/y"]),
        ("clip_by_value/ReadVariableOp/resource", "Placeholder", []),
        ("clip_by_value/ReadVariableOp", "ReadVariableOp",
         ["clip_by_value/ReadVariableOp/resource"]),
        ("clip_by_value", "Maximum", ["clip_by_value/Minimum", "clip_by_value/ReadVariableOp"]),
        ("Identity", "Identity", ["clip_by_value", "^NoOp"]),
        ("NoOp", "NoOp", ["^clip_by_value/ReadVariableOp"])]
    # TF 2.21
    assert _all_inputs(lambda x: tf.norm(v) * x, tf.TensorSpec([]))[1:4] == [
        ("norm/ReadVariableOp/resource", "Placeholder", []),
        ("norm/ReadVariableOp", "ReadVariableOp", ["norm/ReadVariableOp/resource"]),
        ("norm/mul", "Mul", ["norm/ReadVariableOp", "norm/ReadVariableOp"])]


def test_assignments_in_a_branch_or_a_loop_are_part_of_its_node():
    v = tf.Variable(1.0)
    w = tf.Variable(2.0)
    s = tf.TensorSpec([])

    def branches(x):
        y = v * 2.0
        tf.cond(x > 0, lambda: w.assign_add(y), lambda: v.assign(x))
        return x * 3.0

    # TF 2.21: the If reads the resources it assigns (w's named after it, cond/input_0), waits
    # for the read of v before it; nothing is listed after the program's ops
    assert _all_inputs(branches, s) == [
        ("x", "Placeholder", []), ("ReadVariableOp/resource", "Placeholder", []),
        ("ReadVariableOp", "ReadVariableOp", ["ReadVariableOp/resource"]),
        ("mul/y", "Const", []), ("mul", "Mul", ["ReadVariableOp", "mul/y"]),
        ("Greater/y", "Const", []), ("Greater", "Greater", ["x", "Greater/y"]),
        ("cond/input_0", "Placeholder", []),
        ("cond", "If", ["Greater", "cond/input_0", "mul", "ReadVariableOp/resource", "x",
                        "^ReadVariableOp"]),
        ("cond/Identity", "Identity", ["cond"]), ("mul_1/y", "Const", []),
        ("mul_1", "Mul", ["x", "mul_1/y"]), ("Identity", "Identity", ["mul_1", "^NoOp"]),
        ("NoOp", "NoOp", ["^ReadVariableOp", "^cond"])]

    def loop(x):
        def body(i, x):
            v.assign_add(x)
            return i + 1, x * 2.0
        return tf.while_loop(lambda i, x: i < 3, body, [tf.constant(0), x])

    # TF 2.21: the While reads its counter, its bound, the loop variables, then the captures
    assert _all_inputs(loop, s) == [
        ("x", "Placeholder", []), ("Const", "Const", []),
        ("while/maximum_iterations", "Const", []), ("while/loop_counter", "Const", []),
        ("while/input_4", "Placeholder", []),
        ("while", "While", ["while/loop_counter", "while/maximum_iterations", "Const", "x",
                            "while/input_4"]),
        ("Identity", "Identity", ["while:2", "^NoOp"]),
        ("Identity_1", "Identity", ["while:3", "^NoOp"]), ("NoOp", "NoOp", ["^while"])]
