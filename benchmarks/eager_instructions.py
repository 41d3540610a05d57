"""Instructions per eager tutorial step (8→30→1 Dense MLP, batch 32, MSE, SGD, a GradientTape
step written as the tutorials write it), counted by valgrind's callgrind.

Timings of a 100 µs step move by 10% or more from run to run on a shared machine; instruction
counts repeat to 0.01% for the same code, inputs and environment, whatever else the machine
does, so they show what a change to the eager path costs. BLAS runs single-threaded.

    python benchmarks/eager_instructions.py            # runs itself under callgrind
    python benchmarks/eager_instructions.py --steps 20

The step runs 30 times to warm up, then ``--steps`` times between two markers (``os.getppid``
starts the count, ``os.getpgrp`` dumps it); the instructions between them, divided by the
steps, are printed.
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile


def tutorial_step():
    """The step function and its model, as a tutorial writes them."""
    import numpy as np

    import minitf as tf
    keras = tf.keras
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((32, 8)).astype(np.float32))
    y = tf.constant(rng.standard_normal((32, 1)).astype(np.float32))
    model = keras.Sequential([keras.layers.Dense(30, activation="relu"), keras.layers.Dense(1)])
    loss_fn = keras.losses.MeanSquaredError()
    opt = keras.optimizers.SGD(0.01)

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    return step


def _counted(steps: int) -> None:
    step = tutorial_step()
    for _ in range(30):
        step()
    os.getppid()                 # callgrind: --zero-before=os_getppid
    for _ in range(steps):
        step()
    os.getpgrp()                 # callgrind: --dump-before=os_getpgrp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.inside:
        _counted(a.steps)
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..") +
               os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        "--zero-before=os_getppid", "--dump-before=os_getpgrp",
                        sys.executable, os.path.abspath(__file__), "--inside",
                        "--steps", str(a.steps)],
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        dumps = sorted(glob.glob(out + ".*"))      # the dump at os.getpgrp: the counted steps
        if not dumps:
            sys.exit("callgrind wrote no dump at the second marker")
        with open(dumps[0]) as f:
            total = next(int(line.split()[1]) for line in f if line.startswith("summary:"))
    print(f"{total / a.steps / 1e3:.1f}k instructions per eager tutorial step "
          f"({a.steps} steps counted after 30 warm-up steps)")


if __name__ == "__main__":
    main()
