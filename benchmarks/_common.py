"""Helpers the benchmark scripts share: timing and deterministic MLP weights and data."""
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
