"""tf.init_scope: a block lifted out of the function being traced (eager, once) with tapes paused.
Expected behaviour from TF's documentation of tf.init_scope and the tf.function guide."""
import pytest

import minitf as tf


def test_lifted_block_runs_once_while_tracing_not_on_replays():
    v = tf.Variable(0)
    calls = []

    @tf.function
    def f(x):
        with tf.init_scope():
            calls.append(1)
            v.assign_add(1)             # eager: changes v now, is not part of the program
        return v + x

    assert [int(f(tf.constant(10))) for _ in range(3)] == [11, 11, 11]
    assert int(v) == 1 and len(calls) == 1
    f(tf.constant([1, 2]))              # a new signature traces again: the block runs again
    assert int(v) == 2 and len(calls) == 2


def test_guide_counter_pattern_prints_1_1_1():
    class Model(tf.Module):
        def __init__(self):
            self.v = tf.Variable(0)
            self.counter = 0

        @tf.function
        def __call__(self):
            if self.counter == 0:
                with tf.init_scope():
                    self.counter += 1
                    self.v.assign_add(1)
            return self.v

    m = Model()
    assert [int(m().numpy()) for _ in range(3)] == [1, 1, 1]


def test_values_made_in_the_scope_are_concrete():
    seen = []

    @tf.function
    def f(x):
        with tf.init_scope():
            c = tf.constant(3.0) * 2.0
            seen.append(float(c.numpy()))      # eager: a value, no error
        return x * 1.0

    f(tf.constant(1.0))
    assert seen == [6.0]


def test_a_traced_tensor_cannot_be_used_inside_the_scope():
    @tf.function
    def f(x):
        y = x * 2.0
        with tf.init_scope():
            return y + 1.0                    # the trace's value has no value out here

    with pytest.raises(RuntimeError, match="used outside it"):
        f(tf.constant(1.0))


def test_tapes_are_paused_in_the_scope():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tf.init_scope():
            y = x * x
        z = x * x
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 4.0


def test_outside_a_function_it_just_runs():
    with tf.init_scope():
        t = tf.constant([1, 2]) + 1
    assert t.numpy().tolist() == [2, 3]
