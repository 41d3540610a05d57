"""Keras training steps: minitf (eager and tf.function) vs TensorFlow eager and tf.function vs
JAX jit, in one run.

    python benchmarks/keras_steps.py [--repeat 7] [--turns 60]

* tutorial MLP: 8 → 30 (relu) → 1, batch 32, MSE, SGD(0.01);
* large MLP: 784 → 512 (relu) → 512 (relu) → 10, batch 256, sparse CE from logits, Adam;
* the large MLP's step written by hand in NumPy (forward, backward, in-place Adam), the floor
  an engine on NumPy can approach;
* JAX ``jit`` of the same step (``gpu_mlp.jax_case``: hand-written loss and optimizer), where
  JAX is installed.

One step = forward, loss, gradient, optimizer update (a custom loop with GradientTape, the same
code for both frameworks), float32, identical data and initial weights. minitf (eager and
traced), TF ``tf.function`` and the NumPy step are timed in turns, so that a shared machine's
load falls on all alike; the spread of the per-turn ratio minitf ÷ tf.function says how noisy
the run was.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import minitf  # noqa: E402
from _common import keras_training_step, mlp_init, timeit  # noqa: E402
from gpu_mlp import jax_case  # noqa: E402


def make(sizes, batch, seed=0):
    ws, x, _ = mlp_init(sizes, batch, "ce", seed)
    return ws, x, np.random.default_rng(seed + 1)


def keras_step(fw, sizes, batch, kind, compiled=False):
    ws, x, rng = make(sizes, batch)
    y = rng.standard_normal((batch, 1)).astype(np.float32) if kind == "mse" else \
        rng.integers(0, sizes[-1], batch)
    return keras_training_step(fw, sizes, ws, x, y, kind, compiled)


def numpy_large_step(batch=256):
    """The large MLP by hand: forward, softmax-CE backward, in-place Adam (skips dL/dx)."""
    ws, x, rng = make((784, 512, 512, 10), batch)
    y = rng.integers(0, 10, batch)
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    t = [0]

    def step():
        w1, b1, w2, b2, w3, b3 = ws
        h1 = np.maximum(x @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2 + b2, 0)
        z = h2 @ w3 + b3
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(batch), y] -= 1
        g3 = p / batch
        gh2 = (g3 @ w3.T) * (h2 > 0)
        gh1 = (gh2 @ w2.T) * (h1 > 0)
        grads = [x.T @ gh1, gh1.sum(0), h1.T @ gh2, gh2.sum(0), h2.T @ g3, g3.sum(0)]
        t[0] += 1
        a = np.float32(0.001 * np.sqrt(1 - 0.999 ** t[0]) / (1 - 0.9 ** t[0]))
        for w, g, mm, vv in zip(ws, grads, m, v):
            mm += (g - mm) * np.float32(0.1)
            vv += (g * g - vv) * np.float32(0.001)
            w -= mm * a / (np.sqrt(vv) + np.float32(1e-7))
    return step


def interleaved(steps: dict, number: int, repeat: int) -> dict:
    """Per-step seconds of each step, timed in turns: every repeat runs each step's loop of
    ``number`` calls once, so load that comes and goes on a shared machine falls on all of
    them alike. Returns {name: [seconds per step in each repeat]}."""
    for step in steps.values():      # warm-up (a tf.function traces here)
        step()
        step()
    runs: dict = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            t0 = time.perf_counter()
            for _ in range(number):
                step()
            runs[name].append((time.perf_counter() - t0) / number)
    return runs


def short_turns(tf, turns: int) -> None:
    """The tutorial step's aim (#13: minitf eager at most half of TF's tf.function) measured in
    many short turns: each turn times 3 × 20 steps of minitf eager, minitf traced and TF
    tf.function one after the other and keeps each one's fastest 20. Adjacent short turns see
    about the same load, so the per-turn ratio is steadier than the ratio of long medians on a
    shared machine; the fastest turn of each is the least disturbed estimate."""
    ws, x, y = mlp_init((8, 30, 1), 32, "mse")
    steps = {"minitf eager": keras_training_step(minitf, (8, 30, 1), ws, x, y, "mse"),
             "minitf fn": keras_training_step(minitf, (8, 30, 1), ws, x, y, "mse", True),
             "TF tf.function": keras_training_step(tf, (8, 30, 1), ws, x, y, "mse", True)}
    for step in steps.values():
        for _ in range(30):
            step()
    runs: dict = {name: [] for name in steps}
    for _ in range(turns):
        for name, step in steps.items():
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                for _ in range(20):
                    step()
                best = min(best, (time.perf_counter() - t0) / 20)
            runs[name].append(best)
    print(f"\ntutorial step in {turns} short turns (µs per step: fastest turn, median turn)")
    for name, v in runs.items():
        print(f"  {name:<16}{min(v) * 1e6:9.1f}{statistics.median(v) * 1e6:9.1f}")
    for name in ("minitf eager", "minitf fn"):
        tf_fn = runs["TF tf.function"]
        r = sorted(a / b for a, b in zip(runs[name], tf_fn))
        print(f"  {name} ÷ TF tf.function: fastest turns {min(runs[name]) / min(tf_fn):.2f}×, "
              f"per turn median {statistics.median(r):.2f}× (quartiles {r[len(r) // 4]:.2f}×–"
              f"{r[3 * len(r) // 4]:.2f}×)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--turns", type=int, default=0,
                    help="also time the tutorial step in this many short turns (see short_turns)")
    args = ap.parse_args()
    try:
        import tensorflow as tf
        tf.get_logger().setLevel("ERROR")
    except ImportError:
        tf = None
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}"
          + (f", TensorFlow {tf.__version__}" if tf else " (TensorFlow not installed)"))
    cases = [("tutorial MLP 8→30→1, b32, SGD", (8, 30, 1), 32, "mse", 200, 1e6, "µs"),
             ("MLP 784→512→512→10, b256, Adam", (784, 512, 512, 10), 256, "ce", 10, 1e3, "ms")]
    try:
        import jax  # noqa: F401
        have_jax = True
    except ImportError:
        have_jax = False
    print(f"\n{'case':<34}{'minitf':>11}{'minitf fn':>11}{'TF eager':>11}{'tf.function':>13}"
          f"{'JAX jit':>10}{'NumPy':>10}{'fn÷tf.fn':>10}{'fn÷eager':>10}{'÷tf.fn':>9}"
          f"{'÷NumPy':>9}{'fn÷NumPy':>10}")
    spreads = []
    for label, sizes, batch, kind, n, scale, unit in cases:
        # minitf, minitf traced, TF tf.function and the NumPy step are timed in turns (see
        # interleaved); TF eager, ten times slower, and JAX separately.
        steps = {"m": keras_step(minitf, sizes, batch, kind),
                 "mf": keras_step(minitf, sizes, batch, kind, compiled=True)}
        if tf is not None:
            steps["f"] = keras_step(tf, sizes, batch, kind, compiled=True)
        if kind == "ce":
            steps["h"] = numpy_large_step()
        runs = interleaved(steps, n, args.repeat)
        med = {k: statistics.median(v) * scale for k, v in runs.items()}
        m, mf, f, h = med["m"], med["mf"], med.get("f"), med.get("h")
        e = j = None
        if tf is not None:
            e = timeit(keras_step(tf, sizes, batch, kind), max(2, n // 10), args.repeat) * scale
            ratios = sorted(a / b for a, b in zip(runs["m"], runs["f"]))
            spreads.append(f"{label}: minitf ÷ tf.function per repeat "
                           f"{ratios[0]:.2f}×–{ratios[-1]:.2f}× (median "
                           f"{statistics.median(ratios):.2f}×)")
        if have_jax:
            step, sync, _, _ = jax_case(sizes, batch, kind)   # the GPU script's JAX step
            j = timeit(step, n, args.repeat, sync) * scale
        fmt = lambda v: "—" if v is None else f"{v:.1f} {unit}"  # noqa: E731
        rat = lambda a, v: "—" if v is None else f"{a / v:.2f}×"  # noqa: E731
        print(f"{label:<34}{fmt(m):>11}{fmt(mf):>11}{fmt(e):>11}{fmt(f):>13}{fmt(j):>10}"
              f"{fmt(h):>10}{rat(mf, f):>10}{rat(mf, m):>10}{rat(m, f):>9}{rat(m, h):>9}"
              f"{rat(mf, h):>10}")
    print("(medians of per-step times; ÷tf.fn = minitf eager's time over TF tf.function's, "
          "fn÷tf.fn the same for minitf's tf.function: below 1 is faster; ÷NumPy and fn÷NumPy: "
          "minitf eager and traced over the hand-written NumPy step)")
    for line in spreads:
        print(line)
    if args.turns and tf is not None:
        short_turns(tf, args.turns)


if __name__ == "__main__":
    main()
