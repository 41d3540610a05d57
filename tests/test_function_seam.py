"""The seam between the core and tf.function (``_backend.SYMBOLIC`` / ``TRACING`` / ``TRACER``).

The core reaches the tracer only through these names; ``minitf.function`` fills them in on
import. These tests pin what each side promises: the hook is installed, eager code pays nothing
while no trace runs, the default ``Tracer`` answers "not tracing", and what crosses the seam
(variable reads and writes, captures, random draws, tf.print, fused-kernel calls, traced
control flow, the names ``print`` shows) behaves as before the move. Expected values are
TensorFlow's (``tf.function`` gives eager results) or arithmetic.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import _backend as B
from minitf.function import seam, tracing


def test_the_hook_is_installed_by_minitf_function():
    assert B.SYMBOLIC is tracing.Traced
    assert isinstance(B.TRACER, seam.FunctionTracer)
    assert B.TRACING == 0                       # nothing traces between calls


def test_the_default_tracer_answers_not_tracing():
    t = B.Tracer()
    v = tf.Variable(1.0)
    x = tf.constant(2.0)
    assert t.read_variable(v) is None
    assert t.write_variable(v, np.float32(3)) is False
    assert t.capture(x) is x
    assert t.stateful(lambda: 7) == 7
    assert t.effect(print, ()) is False
    assert t.cond(x, x._value, lambda: 1, lambda: 2) is NotImplemented
    assert t.while_loop(None, None, [x], None) is NotImplemented
    with pytest.raises(RuntimeError, match="no trace"):
        t.record(np.add, (1, 2))


def test_tracing_counts_up_only_while_a_body_runs():
    seen = []

    @tf.function
    def f(x):
        seen.append(B.TRACING)
        return x + 1.0

    f(tf.constant(1.0))
    assert seen == [1] and B.TRACING == 0


def test_record_call_runs_eagerly_and_is_recorded_inside_a_trace():
    calls = []

    def helper(a, b):
        calls.append(1)
        return a * 2 + b

    assert B.record_call(helper, np.float32(1), np.float32(2)) == 4.0

    @tf.function
    def f(x):
        return _through(helper, x)

    assert float(f(tf.constant(3.0))) == 3.0 * 2 + 1
    assert float(f(tf.constant(5.0))) == 5.0 * 2 + 1      # replayed: the helper is a node
    assert len(calls) == 1 + 2                            # eager call, the trace, one replay


def _through(helper, x):
    from minitf.tensor import _make
    return _make(B.record_call(helper, x._value, np.float32(1)), x._dtype)


def test_a_traced_numpy_call_returning_a_named_tuple_is_recorded():
    # np.linalg.slogdet returns a named tuple; the trace froze it as a constant, so every
    # replay returned the first call's determinant.
    @tf.function
    def logdet(m):
        return tf.linalg.slogdet(m)[1]

    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    b = np.array([[4.0, 0.0], [0.0, 5.0]])
    assert float(logdet(tf.constant(a))) == pytest.approx(np.log(5.0), rel=1e-12)
    assert float(logdet(tf.constant(b))) == pytest.approx(np.log(20.0), rel=1e-12)


def test_iterating_a_tensor_yields_its_slices_and_is_differentiable():
    # TF iterates an eager tensor one `self[i]` at a time
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    rows = list(x)
    assert [r.numpy().tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = sum(tf.reduce_sum(r * float(i + 1)) for i, r in enumerate(x))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[1, 1], [2, 2], [3, 3]])
    with pytest.raises(TypeError, match="scalar"):
        iter(tf.constant(1.0))


def test_a_list_of_tensors_converts_by_stacking_differentiably():
    # convert_to_tensor packs through tf.stack, which array_ops registers with tensor.py
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        packed = tf.convert_to_tensor([a, b, 3.0])
        y = tf.reduce_sum(packed * tf.constant([10.0, 20.0, 30.0]))
    assert packed.numpy().tolist() == [1.0, 2.0, 3.0]
    assert [float(g) for g in tape.gradient(y, [a, b])] == [10.0, 20.0]


def test_variables_read_and_written_inside_a_trace_cross_the_seam():
    v = tf.Variable(1.0)

    @tf.function
    def bump(x):
        v.assign_add(x)
        tf.print("v is", v)
        return v.read_value() * 2.0

    assert float(bump(tf.constant(2.0))) == 6.0
    assert float(bump(tf.constant(3.0))) == 12.0
    assert float(v) == 6.0


def test_print_while_tracing_names_the_graph_tensor(capsys):
    @tf.function
    def f(x):
        y = x + 1.0
        print(y)
        return y

    f(tf.constant(1.0))
    assert capsys.readouterr().out.strip() == 'Tensor("add:0", shape=(), dtype=float32)'
