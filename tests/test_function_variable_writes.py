"""tf.function steps that assign a Variable without reading it (Keras restoring a checkpoint,
``v.assign(x)``), replayed on every backend; on the GPU the step is a captured CUDA graph, which
must write into the variable's own buffer even though the trace never read it (this raised a
KeyError in codegen.py when the graph program was written)."""
from __future__ import annotations

import numpy as np

import minitf as tf
from tests.test_backends import backend  # noqa: F401  (fixture)


def _graph_in_use(fn) -> bool:
    spec = next(iter(next(iter(fn._concrete.values()))._specialisations.values()))
    return spec.graph_runner is not None and spec.graph_runner.graph is not None


def test_assign_without_read_replays_and_keeps_earlier_reads(backend):  # noqa: F811
    v = tf.Variable([0.0, 0.0])
    n = tf.Variable(0.0)

    @tf.function
    def f(x):
        v.assign(x * 2.0)            # v's old value is never read
        n.assign_add(1.0)
        return x + 1.0

    for i in range(3):
        out = f(tf.constant([float(i), 1.0]))
    assert out.numpy().tolist() == [3.0, 2.0]
    assert v.numpy().tolist() == [4.0, 2.0] and float(n) == 3.0
    if backend == "cupy":
        assert _graph_in_use(f)
    held = v.read_value()            # a tensor read from v: the next call must not change it
    f(tf.constant([5.0, 5.0]))
    assert held.numpy().tolist() == [4.0, 2.0]
    assert v.numpy().tolist() == [10.0, 10.0] and float(n) == 4.0


def test_optimizer_state_restored_then_traced_steps(backend):  # noqa: F811
    """Restoring weights by assignment between traced steps: the replay sees the new values."""
    w = tf.Variable(np.ones((3, 2), np.float32))
    opt = tf.keras.optimizers.Adam(0.1)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
        opt.apply_gradients([(tape.gradient(loss, w), w)])
        return loss

    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3) / 6)
    step(x)                                         # builds the optimizer's variables
    saved = [(v, v.numpy().copy()) for v in [w] + list(opt.variables)]
    first = [float(step(x)) for _ in range(3)]
    for var, value in saved:                        # a checkpoint restore: plain assigns
        var.assign(value)
    again = [float(step(x)) for _ in range(3)]
    assert first == again and len(set(first)) == 3
