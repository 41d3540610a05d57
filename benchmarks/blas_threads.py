"""BLAS threads with and without a busy neighbour (issue 16 §7).

    python benchmarks/blas_threads.py [--repeat 5]

Times, for OpenBLAS at its default thread count (the usable cores), one fewer, and one thread
(set with threadpoolctl):
the 256×784 @ 784×512 float32 matmul, one eager minitf Keras training step of the large MLP
(784 → 512 → 512 → 10, batch 256, Adam), and one step of ``python -m minitf train``'s model
(64 → 128 → 128 → 10, batch 64); first on a quiet machine, then with a neighbour process that
keeps one core busy (``while True: pass``, killed at the end). On a machine with other load the
"quiet" rows are only as quiet as the machine is.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import minitf  # noqa: E402
from _common import keras_training_step, mlp_init, timeit  # noqa: E402


def cases():
    """name -> (callable, calls per timing loop)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((256, 784)).astype(np.float32)
    b = rng.standard_normal((784, 512)).astype(np.float32)
    out = {"matmul 256x784 @ 784x512": (lambda: a @ b, 20)}
    for name, sizes, batch in (("Keras step 784-512-512-10, batch 256", (784, 512, 512, 10), 256),
                               ("train step 64-128-128-10, batch 64", (64, 128, 128, 10), 64)):
        ws, x, y = mlp_init(sizes, batch, "ce")
        out[name] = (keras_training_step(minitf, sizes, ws, x, y, "ce"), 10)
    return out


def measure(repeat: int) -> dict:
    """(case, threads) -> ms per call."""
    default = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
    res = {}
    for name, (fn, number) in cases().items():
        for threads in sorted({default, max(1, default - 1), 1}, reverse=True):
            with threadpool_limits(limits=threads, user_api="blas"):
                res[name, threads] = 1e3 * timeit(fn, number, repeat)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, BLAS: {[(i['internal_api'], i['num_threads']) for i in threadpool_info()]}")
    quiet = measure(args.repeat)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        loaded = measure(args.repeat)
    finally:
        busy.kill()
        busy.wait()
    print(f"{'case':40s} {'threads':>7s} {'quiet ms':>9s} {'busy-neighbour ms':>18s}")
    for (name, threads), ms in quiet.items():
        print(f"{name:40s} {threads:7d} {ms:9.2f} {loaded[name, threads]:18.2f}")


if __name__ == "__main__":
    main()
