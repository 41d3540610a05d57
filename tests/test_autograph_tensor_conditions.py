"""AutoGraph's dispatch inside tf.function: any tensor condition is staged, also one whose value
minitf knows while tracing (made from constants), as in TF's graph; a Python loop whose test
becomes a tensor raises TF's NotImplementedError; tf.cond refuses a Python bool there; random
ops in a loop's condition or body draw TF's streams (a graph of their own, numbered from 0)."""
import numpy as np
import pytest

import minitf as tf


def test_if_on_a_constant_tensor_traces_both_branches(capsys):
    @tf.function
    def f():
        print("before")
        if tf.constant(True):
            print("true branch")
        else:
            print("false branch")
        print("after")

    f()
    assert capsys.readouterr().out.split() == ["before", "true", "branch", "false", "branch",
                                               "after"]
    f()
    assert capsys.readouterr().out == ""


def test_python_value_assigned_in_a_staged_if_becomes_a_tensor():
    seen = []

    @tf.function
    def f():
        i = 0
        if tf.greater(i, 0):
            i = 1
        seen.append(isinstance(i, tf.Tensor))
        return i

    assert int(f()) == 0
    assert seen == [True]


def test_python_if_stays_python(capsys):
    @tf.function
    def f():
        if True:
            print("true branch")
        else:
            print("false branch")

    f()
    assert capsys.readouterr().out == "true branch\n"


def test_while_test_that_turns_into_a_tensor_raises():
    @tf.function
    def f():
        i = 0
        while i < 10:
            i = tf.constant(1)
        return i

    with pytest.raises(NotImplementedError, match="started as non-Tensor, then changed to Tensor"):
        f()


def test_python_while_with_a_tensor_break_raises():
    @tf.function
    def f(x):
        while True:
            if tf.equal(x, 0):
                break
            x -= 1
        return x

    with pytest.raises(NotImplementedError, match="started as non-Tensor, then changed to Tensor"):
        f(5)


def test_for_over_constant_range_with_tensor_break():
    @tf.function
    def f():
        last = tf.constant(-1)
        for i in tf.range(10):
            if i > 3:
                break
            last = i
        return last

    assert int(f()) == 3


def test_python_while_tests_its_condition_once_per_iteration():
    draws = iter([0.9, 0.8, 0.1, 0.9])

    @tf.function
    def f():
        x = 0
        while next(draws) > 0.5:
            x = x + 1
        return x

    assert int(f()) == 2
    assert next(draws) == 0.9


def test_cond_with_a_python_bool_inside_a_function():
    @tf.function
    def f():
        return tf.cond(True, lambda: 1, lambda: 2)

    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        f()
    assert int(tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))) == 1


def test_random_in_a_staged_loop_draws_the_graphs_stream():
    # TF: the loop's condition is a graph of its own, whose first unseeded op has op seed 0,
    # as the first op of a function's graph; the trace uses up no draw.
    tf.random.set_seed(0)

    @tf.function
    def one_draw():
        return tf.random.uniform(())

    draws = [float(one_draw()) for _ in range(8)]

    tf.random.set_seed(0)

    @tf.function
    def count_above():
        x = 0
        while tf.random.uniform(()) > 0.5:
            x = x + 1
        return x

    got = [int(count_above()) for _ in range(3)]
    want, k = [], 0
    for _ in range(3):
        n = 0
        while draws[k] > 0.5:
            n, k = n + 1, k + 1
        k += 1
        want.append(n)
    assert got == want
    np.testing.assert_allclose(draws[:4], [0.01975703, 0.54003119, 0.51667833, 0.46835279],
                               rtol=1e-6)
