"""Helpers the benchmark scripts share: timing, deterministic MLP weights and data, and the
Keras training step timed in both TensorFlow and minitf."""
from __future__ import annotations

import statistics
import time

import numpy as np


def timeit(fn, number: int, repeat: int, sync=None) -> float:
    """Median seconds per call over ``repeat`` loops of ``number`` calls, after a warm-up."""
    fn()
    fn()
    if sync:
        sync()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        if sync:
            sync()
        runs.append((time.perf_counter() - t0) / number)
    return statistics.median(runs)


def blocks(step, sync, n_blocks=7, per_block=20, warm=10):
    """(median, fastest, slowest) seconds per step over blocks synced at their ends."""
    for _ in range(warm):
        step()
    sync()
    times = []
    for _ in range(n_blocks):
        t0 = time.perf_counter()
        for _ in range(per_block):
            step()
        sync()
        times.append((time.perf_counter() - t0) / per_block)
    times.sort()
    return times[len(times) // 2], times[0], times[-1]


def live_peak_bytes(step, sync, steps: int = 3, graph_pools=()) -> int:
    """The most bytes live on the GPU at once over ``steps`` more calls of ``step`` (after the
    timing, so nothing is compiled or captured here): what PyTorch's
    ``torch.cuda.max_memory_allocated`` reports, as opposed to a caching pool's reserved total.
    Peaks happen at allocations, so CuPy's default pool's ``used_bytes`` is read after each one
    (an allocator wrapper). ``graph_pools`` are the private pools of captured CUDA graphs:
    every buffer a graph holds is live for as long as the graph lives, so their whole held
    bytes count, on top of the default pool's."""
    import cupy as cp
    pool = cp.get_default_memory_pool()
    held = sum(p.total_bytes() for p in graph_pools)
    sync()
    peak = [pool.used_bytes()]

    def malloc(size):
        mem = pool.malloc(size)
        used = pool.used_bytes()
        if used > peak[0]:
            peak[0] = used
        return mem
    with cp.cuda.using_allocator(malloc):
        for _ in range(steps):
            step()
        sync()
    return peak[0] + held


def graph_pools(run) -> list:
    """The private memory pools of the CUDA graphs a ``tf.function`` ``run`` replays (none for
    an eager step, or where a capture was given up)."""
    pools = []
    for concrete in getattr(run, "_concrete", {}).values():
        for spec in concrete._specialisations.values():
            runner = getattr(spec, "graph_runner", None)
            if runner is not None and getattr(runner, "graph", None) is not None:
                pools.append(runner.pool)
    return pools


def memory_columns(run, sync, pool) -> dict:
    """A GPU case's memory columns: ``peak_MB``, the most bytes in use at once (live_peak_bytes,
    what PyTorch's max_memory_allocated reports), and ``pool_MB``, what CuPy's default pool and
    the captured graphs' pools hold; NaN for both without a pool (the NumPy backend)."""
    if pool is None:
        return {"peak_MB": float("nan"), "pool_MB": float("nan")}
    graphs = graph_pools(run)
    return {"peak_MB": live_peak_bytes(run, sync, graph_pools=graphs) / 2 ** 20,
            "pool_MB": (pool.total_bytes() + sum(p.total_bytes() for p in graphs)) / 2 ** 20}


def memory_text(r: dict, peer) -> str:
    """The pools' held total beside a minitf row's peak, and that peak over the peer's (PyTorch's
    max_memory_allocated): live compared with live."""
    pool = f" (pools hold {r['pool_MB']:.1f})" if "pool_MB" in r else ""
    ratio = f" = {r['peak_MB'] / peer['peak_MB']:.2f}x PyTorch's" \
        if peer and "pool_MB" in r and peer.get("peak_MB") else ""
    return pool + ratio


def mlp_init(sizes, batch, kind, seed=0):
    """Glorot-uniform weights, zero biases, a standard-normal batch, and targets (regression
    targets for ``kind == "mse"``, class labels otherwise)."""
    rng = np.random.default_rng(seed)
    ws = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        lim = np.sqrt(6 / (a + b))
        ws += [rng.uniform(-lim, lim, (a, b)).astype(np.float32), np.zeros(b, np.float32)]
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = (rng.standard_normal((batch, 1)).astype(np.float32) if kind == "mse"
         else rng.integers(0, sizes[-1], batch))
    return ws, x, y


def keras_training_step(fw, sizes, ws, x, y, kind, compiled=False):
    """One Keras training step (forward, loss, tape gradient, ``apply_gradients``) written
    once for any framework with TF's API (``fw`` is ``tensorflow`` or ``minitf``): a Dense MLP
    of ``sizes`` with relu hidden layers and weights ``ws``; MSE and SGD(0.01) for
    ``kind == "mse"``, else sparse cross-entropy from logits and Adam(0.001).
    ``compiled`` wraps the step in ``fw.function``."""
    layers = [fw.keras.Input(shape=(sizes[0],))] + [
        fw.keras.layers.Dense(n, activation="relu" if i < len(sizes) - 2 else None)
        for i, n in enumerate(sizes[1:])]
    model = fw.keras.Sequential(layers)
    model.set_weights(ws)
    if kind == "mse":
        loss_fn, opt = fw.keras.losses.MeanSquaredError(), fw.keras.optimizers.SGD(0.01)
    else:
        loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        opt = fw.keras.optimizers.Adam(0.001)
    X, Y = fw.constant(x), fw.constant(y)
    params = model.trainable_variables

    def step():
        with fw.GradientTape() as tape:
            loss = loss_fn(Y, model(X, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss
    return fw.function(step) if compiled else step
