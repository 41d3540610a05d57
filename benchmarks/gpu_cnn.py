"""The MNIST CNN training step on a GPU: minitf eager and under ``tf.function`` beside the
peers' PyTorch eager reference step (../shared/benchmarks/peers_gpu_cnn.py), in one run, with
steps/s ratios and peak memory.

    python benchmarks/gpu_cnn.py [--peers PATH/peers_gpu_cnn.py] [--tf32]

The model is the reference's: Conv2D(32, 3, relu) - Conv2D(64, 3, relu) - MaxPool(2) -
Flatten - Dense(128, relu) - Dense(10), batch 128 of 28×28×1, sparse cross-entropy from
logits, Adam(1e-3), float32 (no TF32 unless --tf32, given to the peer as well). The timing
protocol is the reference's: 10 warm-up steps, then 7 blocks of 20 steps, each block synced
at its end; the median block's time per step. The aim (issue #15): eager >= 0.8x PyTorch
eager's steps/s, tf.function >= PyTorch eager.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from _common import blocks, memory_columns, memory_text  # noqa: E402


def minitf_case(compiled: bool) -> dict:
    import minitf as tf
    from minitf import _backend
    tf.set_backend("cupy")
    pool = _backend.cupy().get_default_memory_pool()
    rng = np.random.default_rng(0)
    L = tf.keras.layers
    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1)),
                                 L.Conv2D(32, 3, activation="relu"),
                                 L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                 L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10)])
    x = tf.constant(rng.standard_normal((128, 28, 28, 1)).astype(np.float32))
    y = tf.constant(rng.integers(0, 10, 128))
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam(1e-3)
    params = model.trainable_variables

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss
    run = tf.function(step) if compiled else step
    med, lo, hi = blocks(run, _backend.synchronize)
    return {"impl": "minitf-function" if compiled else "minitf-eager", "ms": med * 1e3,
            "min": lo * 1e3, "max": hi * 1e3,
            **memory_columns(run, _backend.synchronize, pool)}


def peer_case(path: str, tf32: bool) -> dict:
    cmd = [sys.executable, path, "--case", "mnist_cnn"] + (["--tf32"] if tf32 else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", default=os.path.join(HERE, "..", "..", "shared", "benchmarks",
                                                    "peers_gpu_cnn.py"))
    ap.add_argument("--tf32", action="store_true")
    a = ap.parse_args()
    # minitf follows TF: TF32 is on unless turned off; without --tf32 both sides run strict
    # float32 (the peer gets --tf32 only with the flag).
    import minitf as tf
    tf.config.experimental.enable_tensor_float_32_execution(a.tf32)
    rows = [minitf_case(False), minitf_case(True)]
    peer = peer_case(a.peers, a.tf32) if os.path.exists(a.peers) else None
    print(f"MNIST CNN step, batch 128, fp32{' (TF32 allowed)' if a.tf32 else ''}")
    for r in rows + ([peer] if peer else []):
        ratio = f"  {peer['ms'] / r['ms']:.2f}x PyTorch's steps/s" if peer else ""
        print(f"  {r['impl']:16s} {r['ms']:8.3f} ms/step  (min {r['min']:.3f}, max "
              f"{r['max']:.3f})  peak {r['peak_MB']:8.1f} MB{memory_text(r, peer)}{ratio}")
    if peer is None:
        print(f"  (no peer script at {a.peers}: pass --peers)")


if __name__ == "__main__":
    main()
