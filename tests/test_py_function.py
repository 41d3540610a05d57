"""tf.py_function: a Python function run eagerly as an op, also on every call of a traced
function (TF's EagerPyFunc). Expected values by arithmetic; TF's rules from its documentation
(parity/test_py_function_parity.py compares with TF)."""
import pytest

import minitf as tf


def test_eager_call_and_dtype():
    r = tf.py_function(lambda x, y: x + y, [1.0, 2.0], Tout=tf.float32)
    assert r.dtype == tf.float32 and float(r) == 3.0


def test_list_of_results():
    a, b = tf.py_function(lambda x: (x, x * 2), [tf.constant([1, 2])], Tout=[tf.int32, tf.int32])
    assert a.numpy().tolist() == [1, 2] and b.numpy().tolist() == [2, 4]


def test_runs_on_every_call_of_a_traced_function():
    calls = []

    @tf.py_function(Tout=tf.float32)
    def record(x):
        calls.append(float(x))            # eager: a real value
        return x * 10.0

    @tf.function
    def f(x):
        return record(x + 1.0) + 1.0

    assert [float(f(tf.constant(v))) for v in (1.0, 2.0, 3.0)] == [21.0, 31.0, 41.0]
    assert calls == [2.0, 3.0, 4.0] and f.experimental_get_tracing_count() == 1


def test_constant_inputs_inside_a_trace_still_run_each_call():
    calls = []

    @tf.function
    def f():
        return tf.py_function(lambda: calls.append(1) or tf.constant(len(calls)), [], tf.int32)

    assert [int(f()) for _ in range(3)] == [1, 2, 3]


def test_wrong_result_dtype_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="requested dtype int32"):
        tf.py_function(lambda x: x, [1.0], Tout=tf.int32)
