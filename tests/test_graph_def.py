"""FuncGraph.as_graph_def(): TF's node structure for traced programs (the counts the tf.function
guide prints, TF 2.21: 11, 32 and 6 nodes; parity/test_graph_def_parity.py compares live)."""
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
    by_name = {n.name: n for n in nodes}
    assert by_name["Mul"].input == ["Placeholder", "Placeholder_1"]
    assert by_name["AddV2"].input == ["Mul", "Const"]


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
    assert ops == ["Placeholder", "Const", "Greater", "StatelessIf", "Identity"]


def test_a_traced_reduction_reads_its_axes_from_a_const():
    @tf.function
    def f(x):
        return tf.reduce_sum(x * 2.0)

    # TF 2.21 lists ['Placeholder', 'Const', 'Mul', 'Const', 'Sum', 'Identity']: the second
    # Const holds the reduction's axes, also when the reduced value is traced
    assert _ops(f, tf.TensorSpec([2], tf.float32)) == ["Placeholder", "Const", "Mul", "Const",
                                                         "Sum", "Identity"]
