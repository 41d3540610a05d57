"""``FuncGraph.as_graph_def()`` against TensorFlow: the op types of the nodes, in order, for
programs whose graph minitf reproduces (the tf.function guide's node counts among them).
Where minitf's listing differs from TF's by design it is written in docs/tf-function.md
("Where minitf differs"); those programs are not here."""
import numpy as np
import pytest

import minitf


def _train(tf):
    @tf.function
    def train(dataset):
        loss = tf.constant(0)
        for x, y in dataset:
            loss += tf.abs(y - x)
        return loss
    return train


def _programs(tf):
    v = tf.Variable(2.0)
    spec = tf.TensorSpec([3], tf.float32)
    scalar = tf.TensorSpec([], tf.float32)

    def unrolled(x):
        y = x
        for _ in range(3):          # Python loop: unrolled into the graph
            y = y * x + 1.0
        return y

    def constants_folded_by_minitf(x):
        a = tf.constant([1.0, 2.0, 3.0]) * 2.0 + tf.ones([3]) - tf.zeros([3]) / 3.0
        return x * a + tf.reduce_sum(a) + tf.cast(tf.shape(x), tf.float32)

    def reads_a_variable(x):
        return v * x + 1.0

    return {
        "train_small_list": (_train(tf), ([(1, 1)] * 3,)),
        "train_big_list": (_train(tf), ([(1, 1)] * 10,)),
        "train_dataset": (_train(tf), (tf.data.Dataset.from_generator(
            lambda: [(1, 1)] * 3, (tf.int32, tf.int32)),)),
        "arithmetic": (tf.function(lambda x, y: x * y + 1.0), (scalar, scalar)),
        "unrolled_python_loop": (tf.function(unrolled), (spec,)),
        "constants": (tf.function(constants_folded_by_minitf), (spec,)),
        "variable": (tf.function(reads_a_variable), (scalar,)),
    }


NAMES = list(_programs(minitf))


@pytest.mark.parametrize("name", NAMES)
def test_graph_def_node_ops_match_tf(tf_real, name):
    got = []
    for tf in (tf_real, minitf):
        fn, args = _programs(tf)[name]
        graph_def = fn.get_concrete_function(*args).graph.as_graph_def()
        got.append([n.op for n in graph_def.node])
    assert got[1] == got[0]


def test_guide_node_counts(tf_real):
    counts = []
    for tf in (tf_real, minitf):
        programs = _programs(tf)
        counts.append([len(programs[k][0].get_concrete_function(*programs[k][1]).graph
                           .as_graph_def().node)
                       for k in ("train_small_list", "train_big_list", "train_dataset")])
    assert counts[1] == counts[0] == [11, 32, 6]


def _reductions(tf):
    return {
        "mean": lambda x: tf.reduce_mean(x),
        "mean_axis": lambda x: tf.reduce_mean(x, axis=1),
        "mean_keepdims": lambda x: tf.reduce_mean(x, axis=[0], keepdims=True),
        "mean_negative_axis": lambda x: tf.reduce_mean(x, -1),
        "sum": lambda x: tf.reduce_sum(x),
        "sum_axis": lambda x: tf.reduce_sum(x, 0, keepdims=True),
        "max": lambda x: tf.reduce_max(x, 1),
        "min": lambda x: tf.reduce_min(x),
        "prod": lambda x: tf.reduce_prod(x, axis=0),
    }


@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("name", list(_reductions(minitf)))
def test_reduction_nodes_match_tf(tf_real, name, dtype):
    """Names, op types and inputs of every node (the argument's Placeholder is named after
    the parameter, ``x``, in both)."""
    got = []
    for tf in (tf_real, minitf):
        fn = tf.function(_reductions(tf)[name])
        graph_def = fn.get_concrete_function(tf.TensorSpec([2, 3], getattr(tf, dtype))) \
            .graph.as_graph_def()
        got.append([(n.op, n.name, list(n.input)) for n in graph_def.node])
    assert got[1] == got[0]


def _named(tf):
    """Programs whose nodes minitf names as TF does: Placeholders after the parameters (a
    nested argument's leaves numbered, ``*args`` as ``args_0``), Python operators in lower
    case, a constant operand after its op and position (``mul/y``, ``sub/x``), a variable's
    resource Placeholder and read after the op that reads it."""
    v = tf.Variable(2.0)
    w = tf.Variable(3.0)
    s = tf.TensorSpec([], tf.float32)
    m = tf.TensorSpec([2, 2], tf.float32)
    v3 = tf.TensorSpec([3], tf.float32)

    def nested(a, b):
        return a[0] + a[1] * b["k"]

    def keyword(x, *, scale):
        return x * scale

    def star(*xs):
        return xs[0] - xs[1]

    def same_names(x_1, x):
        return x_1 / x

    def made_constants(x):
        c = tf.constant([1.0, 2.0, 3.0])
        big = tf.reduce_sum(tf.zeros([1000])) + tf.reduce_sum(tf.ones([40, 30]))
        r = tf.cast(tf.range(3), tf.float32) + tf.range(1.0, 4.0) + tf.range(tf.constant(3.0))
        filled = tf.fill([3], 2.0) + tf.fill(tf.constant([3]), c[0]) + tf.zeros(tf.constant([3]))
        return x * c + big + r + filled + tf.ones([3], tf.float32) + tf.convert_to_tensor(1.5)

    def ops_on_constants(x):
        c = tf.constant(1.0)
        folded = tf.add(c, 2.0) * tf.exp(tf.constant(0.5)) + tf.cast(tf.constant(1), tf.float32)
        reduced = tf.reduce_sum(tf.constant([1.0, 2.0])) + tf.reduce_mean(tf.ones([2, 2]), 1)
        return x + c + folded + tf.maximum(c, 3.0) + reduced + tf.constant(2.0, shape=[2])

    return {
        "arithmetic": (lambda x, y: x * y + 1.0, (s, s), {}),
        "compare_cast": (lambda x: tf.cast(x > 0.0, tf.float32) * x - 3.0 / x, (s,), {}),
        "reversed_operand": (lambda x: 1.0 - x, (s,), {}),
        "nested": (nested, ((s, s), {"k": s}), {}),
        "keyword": (keyword, (s,), {"scale": s}),
        "star_args": (star, (s, s), {}),
        "same_names": (same_names, (s, s), {}),
        "variables": (lambda x: x * v + w, (s,), {}),
        "matmul_chain": (lambda x, y: tf.matmul(tf.matmul(x, y), y) * 2.0, (m, m), {}),
        "square_pow": (lambda x: tf.square(x) + x / 4.0 - x ** 2, (s,), {}),
        # one node per op function, named after it (tf.add: Add; +: add)
        "op_functions": (lambda x, y: tf.subtract(tf.multiply(tf.add(x, 2.0), y), x) + y,
                         (s, s), {}),
        "divisions": (lambda x, y: tf.realdiv(x, y) + tf.divide(x, 2.0) + tf.math.floordiv(x, y)
                      + x // y + tf.math.floormod(x, 3.0) + x % y + tf.pow(x, y), (s, s), {}),
        "composite_ops": (lambda x: tf.exp(x) * 2.0 + tf.nn.relu(x) + tf.sigmoid(x)
                          + tf.tanh(x) + tf.nn.softplus(x) + tf.math.rsqrt(x) + tf.nn.elu(x)
                          + tf.nn.leaky_relu(x) + tf.nn.relu6(x) + tf.exp(tf.exp(x)), (m,), {}),
        "unary_ops": (lambda x: tf.sqrt(tf.abs(x)) + tf.negative(x) + tf.math.log(x)
                      + tf.maximum(x, 0.5) - tf.minimum(0.5, x) + tf.math.erf(x)
                      + tf.math.squared_difference(x, 1.0) + tf.add_n([x, x, x])
                      + tf.nn.l2_loss(x), (m,), {}),
        "softmax": (lambda x: tf.nn.softmax(x) + tf.nn.log_softmax(x), (m,), {}),
        "constant_inputs": (lambda x: tf.reshape(tf.transpose(x), [4, 1])
                            + tf.cast(tf.argmax(x, 1), tf.float32)[0]
                            + tf.reduce_sum(tf.concat([x, tf.tile(x, [1, 2])], 1))
                            + tf.where(x > 0.0, x, 0.0)[0, 0] + tf.gather(x, [1, 0])[0, 1]
                            + tf.squeeze(tf.expand_dims(x, 0))[1, 1], (m,), {}),
        "slices": (lambda x: x[1:2] + x[0] + x[:, None][0, 0] + x[..., 1], (m,), {}),
        "matmul_transposed": (lambda x, y: tf.matmul(x, y, transpose_b=True) @ x, (m, m), {}),
        # tf.identity is a node of its own; the outputs' Identity nodes are numbered after it
        "identity": (lambda x: (tf.identity(x) * 2.0, tf.identity(tf.identity(x) + 1.0)),
                     (s,), {}),
        # zeros_like / ones_like: a Const of a known shape, else ZerosLike / OnesLike
        "zeros_ones_like": (lambda x: tf.zeros_like(x) + tf.ones_like(x, tf.float32)
                            * tf.zeros_like(tf.reduce_sum(x)), (m,), {}),
        # ops TF keeps in a name scope
        "clip_by_value": (lambda x: tf.clip_by_value(tf.minimum(tf.clip_by_value(x, 0.0, 1.0),
                                                                2.0), x, 3.0), (m,), {}),
        "gelu": (lambda x: tf.nn.gelu(x) * tf.nn.gelu(x, approximate=True) + tf.nn.gelu(x),
                 (m,), {}),
        "one_hot": (lambda i: tf.one_hot(i, 4) + tf.one_hot(i, 4, 2.0, -1.0),
                    (tf.TensorSpec([3], tf.int32),), {}),
        "zeros_ones_like_unknown": (lambda x: tf.zeros_like(x) - tf.ones_like(x)
                                    + tf.ones_like(tf.reduce_sum(x)),
                                    (tf.TensorSpec([None, 2], tf.float32),), {}),
        # constants made in the body: Const, zeros / ones (a Fill from 1000 elements on),
        # Fill, range in its name scope with its casts, and ops computed from constants
        "made_constants": (made_constants, (v3,), {}),
        "ops_on_constants": (ops_on_constants, (s,), {}),
        "gelu_float64": (lambda x: tf.nn.gelu(x) + tf.nn.gelu(x, approximate=True),
                         (tf.TensorSpec([2], tf.float64),), {}),
        # all the axes of a scalar, or of an unknown rank: TF's range(0, rank(x))
        "scalar_reductions": (lambda x: tf.reduce_sum(x) + tf.reduce_mean(x * 2.0)
                              + tf.reduce_max(tf.constant(3.0)), (s,), {}),
        "unknown_rank_reductions": (lambda x: tf.reduce_sum(x) + tf.reduce_min(x * 2.0),
                                    (tf.TensorSpec(None),), {}),
        # tf.norm in its name scope, reducing keeping the dimensions, then norm/Squeeze
        "norms": (lambda x: (tf.norm(x), tf.norm(x, axis=1), tf.norm(x, ord=1),
                             tf.norm(x, ord=np.inf, axis=0), tf.norm(x, ord=3, keepdims=True),
                             tf.norm(x, axis=[0, 1]), tf.norm(x * 2.0) + tf.reduce_sum(x)),
                  (tf.TensorSpec([2, 3]),), {}),
        "norm_complex": (lambda x: tf.norm(x), (tf.TensorSpec([3], tf.complex64),), {}),
        "norm_scalar": (lambda x: tf.norm(x), (s,), {}),
    }


def _stateful(tf):
    """Programs that assign variables: TF's Assign*VariableOp per assign, assign_add and
    assign_sub, a ReadVariableOp per op reading a variable, and TF's control inputs."""
    v = tf.Variable(1.0)
    w = tf.Variable([1.0, -2.0])
    u = tf.Variable(2.0)
    s = tf.TensorSpec([], tf.float32)

    def increment(x):
        v.assign_add(x)

    def increment_and_return(x):
        return v.assign_add(x)

    def two_updates(x):
        v.assign_add(1.0)
        v.assign_sub(x * 2.0)
        return v * x

    def assign_then_compute(x):
        v.assign(x)
        return x * 2.0

    def read_then_assign(x):
        y = v * x
        v.assign(y)
        return y

    def assign_constants(x):
        v.assign_add(1.0)
        v.assign(x)
        v.assign_sub(2.0)
        return x

    def reads_then_update(x):
        a = x * v + tf.add(x, v)
        v.assign_sub(a)
        return a

    def assign_in_if(x):
        if x > 0:
            v.assign_add(x)
        else:
            v.assign_sub(x)
        return x * 2.0

    def assigns_in_cond(x):
        y = v * 2.0
        tf.cond(x > 0, lambda: u.assign_add(y), lambda: v.assign(x))
        return x * 3.0

    def prints(x):
        tf.print("v", v, x)
        y = x * 2.0
        tf.print(y)
        return y

    def print_text(x):
        tf.print("only text")
        return x + 1.0

    def assign_in_while(x):
        def body(i, x):
            v.assign_add(x)
            return i + 1, x * 2.0
        return tf.while_loop(lambda i, x: i < 3, body, [tf.constant(0), x])

    return {
        "increment": (increment, (s,), {}),
        "increment_and_return": (increment_and_return, (s,), {}),
        "two_updates": (two_updates, (s,), {}),
        "assign_then_compute": (assign_then_compute, (s,), {}),
        "read_then_assign": (read_then_assign, (s,), {}),
        "reads_then_update": (reads_then_update, (s,), {}),
        "two_reads": (lambda x: (x * v, x + v), (s,), {}),
        "assign_returned": (lambda x: v.assign(x), (s,), {}),
        "variable_returned": (lambda x: (v, x * v, v), (s,), {}),
        "variable_returned_first": (lambda x: (v, x), (s,), {}),
        "read_value": (lambda x: v.read_value() * x + v.read_value(), (s,), {}),
        "read_value_after_assign_add": (lambda x: (v.assign_add(x), v.read_value())[1],
                                        (s,), {}),
        # a constant an assignment converts is listed just before it
        "assign_constants": (assign_constants, (s,), {}),
        # a variable given to an op function of a name scope is read once in the scope
        "gelu_of_variable": (lambda x: tf.nn.gelu(w) + x, (s,), {}),
        "gelu_tanh_of_variable": (lambda x: tf.nn.gelu(w, approximate=True) * w, (s,), {}),
        "clip_variable": (lambda x: tf.clip_by_value(w, 0.0, x), (s,), {}),
        "clip_by_variable": (lambda x: tf.clip_by_value(x, v, 1.0), (s,), {}),
        "norm_of_variable": (lambda x: (w * 2.0, tf.norm(w, ord=1) + tf.norm(w) * x),
                             (s,), {}),
        # assignments in a branch or a loop body: part of the If / While, which reads the
        # resources (cond/input_0) and is ordered as an assignment
        "assign_in_if": (assign_in_if, (s,), {}),
        "assigns_in_cond": (assigns_in_cond, (s,), {}),
        "read_in_cond": (lambda x: tf.cond(x > 0, lambda: (v * x, x), lambda: (x, x + 1.0)),
                         (s,), {}),
        "stateless_cond": (lambda x: tf.cond(x > 0, lambda: x * 2.0, lambda: x - 1.0) + 1.0,
                           (s,), {}),
        "assign_in_while": (assign_in_while, (s,), {}),
        # tf.print: StringFormat (reading the variable), PrintV2 in order, the NoOp after
        "prints": (prints, (s,), {}),
        "print_text": (print_text, (s,), {}),
        "stateless_while": (lambda x: tf.while_loop(lambda i, x: i < 3,
                                                    lambda i, x: (i + 1, x * 2.0), [0, x]),
                            (s,), {}),
    }


def _both(programs):
    return [(programs, name) for name in programs(minitf)]


@pytest.mark.parametrize("programs,name", _both(_named) + _both(_stateful))
def test_node_names_and_inputs_match_tf(tf_real, programs, name):
    """Every node's name, op type and inputs, TF's control inputs (``^NoOp``) included."""
    got = []
    for tf in (tf_real, minitf):
        fn, args, kwargs = programs(tf)[name]
        graph_def = tf.function(fn).get_concrete_function(*args, **kwargs).graph.as_graph_def()
        got.append([(n.name, n.op, list(n.input)) for n in graph_def.node])
    assert got[1] == got[0]
