"""Threads: in TensorFlow, tapes and traces belong to the thread that opened them.

TF keeps its tape stack per thread, so a tape records only the operations its own thread runs,
and ``tf.function`` traces under a lock, so threads sharing one function neither corrupt its
cache nor trace one signature twice. Each test below lines the threads up with events, so the
interleaving that used to go wrong happens on every run, not by luck of the scheduler.
Expected values are mathematics (d/dx of 3x² is 6x), never minitf's own output.
"""
from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

import minitf as tf

WAIT = 10.0   # seconds: a safety net so a broken hand-off fails instead of hanging the suite


def _run_threads(*targets):
    """Run each callable in its own thread; re-raise the first exception one of them raised."""
    errors: list = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as e:   # noqa: BLE001  (handed to the main thread below)
                errors.append(e)
        return run

    threads = [threading.Thread(target=guarded(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
        assert not t.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def _wait(event: threading.Event) -> None:
    assert event.wait(WAIT), "the other thread never signalled"


def test_a_tape_does_not_record_ops_of_another_thread():
    x = tf.Variable(2.0)
    tape_open, other_done = threading.Event(), threading.Event()
    out: dict = {}

    def other():                      # runs while the main thread's tape is recording
        _wait(tape_open)
        out["y"] = x * x * 3.0
        other_done.set()

    t = threading.Thread(target=other)
    t.start()
    with tf.GradientTape(persistent=True) as tape:
        tape_open.set()
        _wait(other_done)
        z = x + 1.0
    t.join(WAIT)
    assert tape.gradient(out["y"], x) is None        # TF: None, the op ran in another thread
    assert float(tape.gradient(z, x)) == 1.0
    assert [r.op for r in tape._records] == ["AddV2"]


def test_each_thread_differentiates_with_its_own_tape_at_the_same_time():
    # Both tapes are open at once; each records only its own thread's ops, so each thread's
    # result is unconnected to the other thread's tape.
    x = tf.Variable(3.0)
    both_open = threading.Barrier(2, timeout=WAIT)
    tapes: dict = {}
    results: dict = {}

    def worker(name, fn):
        def run():
            with tf.GradientTape(persistent=True) as tape:
                both_open.wait()
                results[name] = fn(x)
                both_open.wait()           # the other thread has run its ops too
            tapes[name] = tape
        return run

    _run_threads(worker("cube", lambda v: v * v * v), worker("double", lambda v: 2.0 * v))
    assert float(tapes["cube"].gradient(results["cube"], x)) == 27.0     # 3x² at x = 3
    assert float(tapes["double"].gradient(results["double"], x)) == 2.0
    assert tapes["cube"].gradient(results["double"], x) is None
    assert tapes["double"].gradient(results["cube"], x) is None


def test_variable_reads_in_another_thread_are_not_watched():
    v, w = tf.Variable(1.0), tf.Variable(2.0)
    tape_open, other_done = threading.Event(), threading.Event()

    def other():
        _wait(tape_open)
        w.read_value() + 1.0
        other_done.set()

    t = threading.Thread(target=other)
    t.start()
    with tf.GradientTape() as tape:
        tape_open.set()
        _wait(other_done)
        v * 2.0
    t.join(WAIT)
    assert [var is v for var in tape.watched_variables()] == [True]


def test_custom_gradient_collects_only_its_own_threads_variable_reads():
    # A custom gradient that reads no Variable needs no `variables` argument, even when another
    # thread reads one while it runs (before: "grad_fn must accept keyword argument 'variables'").
    w = tf.Variable(5.0)
    inside, other_done = threading.Event(), threading.Event()

    @tf.custom_gradient
    def double(x):
        inside.set()
        _wait(other_done)
        return 2.0 * x, lambda dy: 2.0 * dy

    def other():
        _wait(inside)
        w * 1.0
        other_done.set()

    x = tf.constant(1.5)
    result: dict = {}

    def main():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = double(x)
        result["g"] = float(tape.gradient(y, x))

    _run_threads(main, other)
    assert result["g"] == 2.0


def test_a_thread_is_not_caught_in_another_threads_trace():
    # While one thread traces, another thread's eager reads of a Variable are real values, and
    # its tf.function calls are traced (not inlined into the first thread's trace).
    v = tf.Variable(4.0)
    tracing, other_done = threading.Event(), threading.Event()

    @tf.function
    def slow(x):
        tracing.set()
        _wait(other_done)
        return x + 1.0

    @tf.function
    def g(x):
        return x * 3.0

    seen: dict = {}

    def other():
        _wait(tracing)
        seen["eager"] = float(v * 2.0)
        seen["g"] = float(g(tf.constant(2.0)))
        other_done.set()

    _run_threads(lambda: seen.setdefault("slow", float(slow(tf.constant(1.0)))), other)
    assert seen == {"eager": 8.0, "g": 6.0, "slow": 2.0}
    assert g.experimental_get_tracing_count() == 1
    assert slow.experimental_get_tracing_count() == 1


def test_tracing_in_one_thread_leaves_another_threads_tape_alone():
    # Before: tracing cleared the one global list of recording tapes and restored it afterwards,
    # so the other thread's tape, closed in between, failed: "list.remove(x): x not in list".
    c = tf.constant(3.0)
    tape_open, inside, closed = threading.Event(), threading.Event(), threading.Event()
    result: dict = {}

    @tf.function
    def f(v):
        inside.set()
        _wait(closed)
        return v * 3.0

    def tracer():
        _wait(tape_open)
        result["f"] = float(f(tf.constant(1.0)))

    def other():
        try:
            with tf.GradientTape() as tape:
                tape.watch(c)
                y = c * c
                tape_open.set()
                _wait(inside)           # the first thread is tracing f now
        finally:
            closed.set()
        result["g"] = float(tape.gradient(y, c))

    _run_threads(tracer, other)
    assert result == {"f": 3.0, "g": 6.0}
    assert f.experimental_get_tracing_count() == 1


def test_concurrent_first_calls_trace_once():
    # TF traces under a lock: two threads calling a new signature at once share one trace.
    traces: list = []
    start = threading.Barrier(2, timeout=WAIT)

    @tf.function
    def f(x):
        traces.append(1)              # a Python side effect: runs only while tracing
        time.sleep(0.05)              # gives the other thread every chance to trace too
        return x * 2.0

    out: list = []

    def call():
        start.wait()
        out.append(float(f(tf.constant(3.0))))

    _run_threads(call, call)
    assert out == [6.0, 6.0]
    assert len(traces) == 1 and f.experimental_get_tracing_count() == 1


def _gradient_through(f, w, k, n):
    x = tf.fill([n, 2], 0.1 * (k + 1) + 0.01 * n)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, w).numpy()


def test_two_threads_take_gradients_through_one_function():
    # Before: "ValueError: list.remove(x): x not in list" within a few hundred iterations.
    w = tf.Variable([[0.5, -1.0], [2.0, 0.25]])

    @tf.function
    def f(x):
        return tf.reduce_sum(tf.tanh(tf.matmul(x, w)))

    sizes = range(1, 13)      # batch sizes: each is a new signature the first time
    single = tf.function(f.python_function)
    expected = {(k, n): _gradient_through(single, w, k, n) for k in range(2) for n in sizes}
    for (k, n), g in expected.items():
        # The maths: d/dW sum(tanh(xW)) = xᵀ(1 - tanh²(xW)). In float32 each entry sums at most
        # 12 terms x·(1 - tanh²), x < 1, and a float32 tanh near ±1 leaves an absolute error of
        # about 2·2⁻²⁴ in 1 - tanh²: 12·2·1.2e-7 < 3e-6.
        x = np.full((n, 2), np.float32(0.1 * (k + 1) + 0.01 * n), np.float64)
        wv = w.numpy().astype(np.float64)
        np.testing.assert_allclose(g, x.T @ (1 - np.tanh(x @ wv) ** 2), rtol=1e-6, atol=3e-6)

    iterations = 200
    got: dict = {}
    step = threading.Barrier(2, timeout=WAIT)

    def worker(k):
        def run():
            for i in range(iterations):
                if i % 10 == 0:
                    step.wait()                       # keep the threads in step
                got[k, i] = _gradient_through(f, w, k, sizes[i % len(sizes)])
        return run

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)      # switch threads often: races show up in every run
    try:
        _run_threads(worker(0), worker(1))
    finally:
        sys.setswitchinterval(switch)
    assert len(got) == 2 * iterations
    for (k, i), g in got.items():            # bit for bit what one thread alone computes
        np.testing.assert_array_equal(g, expected[k, sizes[i % len(sizes)]], err_msg=f"{k}, {i}")


def test_a_method_shared_by_threads_is_traced_once_per_instance():
    # `obj.method` makes the instance's own Function on first access; two threads making it at
    # once must not end up with two Functions (two caches, two traces).
    traces: list = []

    class Model:
        @tf.function
        def double(self, x):
            traces.append(self)
            time.sleep(0.01)            # a slow trace: the other thread arrives meanwhile
            return x * 2.0

    models = [Model() for _ in range(8)]
    start = threading.Barrier(2, timeout=WAIT)

    def call():
        for m in models:
            start.wait()
            m.double(tf.constant(1.0))

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _run_threads(call, call)
    finally:
        sys.setswitchinterval(switch)
    assert [traces.count(m) for m in models] == [1] * len(models)
