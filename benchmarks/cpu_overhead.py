"""Per-op cost of recording and differentiating, and a tutorial MLP training step: minitf vs
TensorFlow eager and tf.function, measured side by side in one run.

    python benchmarks/cpu_overhead.py [--repeat 7]

Chain: x = x * 1.0001 + 0.001, 100 times, on a (10,) float32 tensor, then reduce_sum and the
gradient with respect to x: 201 recorded ops; reported as µs per op (forward + backward).
MLP: 8 → 30 (relu) → 1, batch 32, MSE, SGD(0.01) by hand with assign_sub, float32.
Each timing is the median of ``--repeat`` runs of a loop, after a warm-up.
"""
from __future__ import annotations

import argparse
import os
import platform

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import minitf  # noqa: E402
from _common import timeit  # noqa: E402


def chain_step(tf, x0):
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x0)
            x = x0
            for _ in range(100):
                x = x * 1.0001 + 0.001
            y = tf.reduce_sum(x)
        return tape.gradient(y, x0)
    return step


def forward_only(tf, x0):
    def step():
        x = x0
        for _ in range(100):
            x = x * 1.0001 + 0.001
        return x
    return step


def mlp_step(tf, data):
    xb, yb, w1, b1, w2, b2 = data
    W1, B1, W2, B2 = (tf.Variable(a) for a in (w1, b1, w2, b2))
    X, Y = tf.constant(xb), tf.constant(yb)
    params = [W1, B1, W2, B2]

    def step():
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(X, W1) + B1)
            out = tf.matmul(h, W2) + B2
            loss = tf.reduce_mean(tf.square(out - Y))
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign_sub(0.01 * g)
        return loss
    return step


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    data = (rng.standard_normal((32, 8)).astype(np.float32),
            rng.standard_normal((32, 1)).astype(np.float32),
            (rng.standard_normal((8, 30)) * 0.3).astype(np.float32), np.zeros(30, np.float32),
            (rng.standard_normal((30, 1)) * 0.3).astype(np.float32), np.zeros(1, np.float32))
    x0 = np.ones(10, np.float32)
    try:
        import tensorflow as tf
        tf.get_logger().setLevel("ERROR")
    except ImportError:
        tf = None
        print("TensorFlow not installed: only minitf is timed (pip install 'minitf[parity]').")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}"
          + (f", TensorFlow {tf.__version__}" if tf else ""))
    res = {}
    res["chain", "minitf"] = timeit(chain_step(minitf, minitf.constant(x0)), 20, args.repeat)
    res["fwd", "minitf"] = timeit(forward_only(minitf, minitf.constant(x0)), 50, args.repeat)
    res["mlp", "minitf"] = timeit(mlp_step(minitf, data), 300, args.repeat)
    if tf is not None:
        res["chain", "tf eager"] = timeit(chain_step(tf, tf.constant(x0)), 5, args.repeat)
        res["chain", "tf.function"] = timeit(tf.function(chain_step(tf, tf.constant(x0))),
                                             20, args.repeat)
        res["fwd", "tf eager"] = timeit(forward_only(tf, tf.constant(x0)), 10, args.repeat)
        res["mlp", "tf eager"] = timeit(mlp_step(tf, data), 50, args.repeat)
        res["mlp", "tf.function"] = timeit(tf.function(mlp_step(tf, data)), 200, args.repeat)

    ops = 201  # 200 chain ops + reduce_sum
    print(f"\n{'case':<44}{'minitf':>12}{'TF eager':>12}{'tf.function':>13}"
          f"{'minitf/eager':>14}{'minitf/tf.fn':>14}")

    def row(label, key, scale, unit):
        m = res[key, "minitf"] * scale
        e = res.get((key, "tf eager"))
        f = res.get((key, "tf.function"))
        e = None if e is None else e * scale
        f = None if f is None else f * scale
        fmt = lambda v: "—" if v is None else f"{v:.2f} {unit}"  # noqa: E731
        ratio = lambda a, b: "—" if b is None else f"{a / b:.3f}×"  # noqa: E731
        print(f"{label:<44}{fmt(m):>12}{fmt(e):>12}{fmt(f):>13}{ratio(m, e):>14}"
              f"{ratio(m, f):>14}")
    row("chain, per op (forward + backward)", "chain", 1e6 / ops, "µs")
    row("chain, per op (forward only, no tape)", "fwd", 1e6 / 200, "µs")
    row("tutorial MLP step 8→30→1, batch 32, SGD", "mlp", 1e6, "µs")


if __name__ == "__main__":
    main()
