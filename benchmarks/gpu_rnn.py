"""The LSTM training step on a GPU: minitf eager (and under ``tf.function``) beside the peers'
PyTorch eager ``nn.LSTM`` step (cuDNN; ../shared/benchmarks/peers_gpu_cnn.py --case lstm), in
one run, with the steps/s ratio and peak memory.

    python benchmarks/gpu_rnn.py [--peers PATH/peers_gpu_cnn.py] [--tf32] [--no-function]
    python benchmarks/gpu_rnn.py --backend numpy --blocks 1 --per-block 1   # a CPU smoke run

The model is the reference's: LSTM(256) over sequences of 100 steps of 32 features, batch 64,
the last output into Dense(10), sparse cross-entropy from logits, Adam(1e-3), float32 (no TF32
unless --tf32, given to the peer as well). Timing as the reference's: 10 warm-up steps, then 7
blocks of 20 steps, each synced at its end; the median block's time per step. The aim (issue
#15): within 2x of PyTorch's cuDNN LSTM (ratio >= 0.5).
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


def minitf_case(compiled: bool, backend: str, n_blocks: int, per_block: int) -> dict:
    import minitf as tf
    from minitf import _backend
    tf.set_backend(backend)
    pool = _backend.cupy().get_default_memory_pool() if backend == "cupy" else None
    rng = np.random.default_rng(0)
    L = tf.keras.layers
    model = tf.keras.Sequential([tf.keras.Input(shape=(100, 32)), L.LSTM(256), L.Dense(10)])
    x = tf.constant(rng.standard_normal((64, 100, 32)).astype(np.float32))
    y = tf.constant(rng.integers(0, 10, 64))
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam(1e-3)
    params = model.trainable_variables

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss
    run = tf.function(step) if compiled else step
    sync = _backend.synchronize if backend == "cupy" else (lambda: None)
    med, lo, hi = blocks(run, sync, n_blocks, per_block, warm=min(10, n_blocks * per_block))
    return {"impl": "minitf-function" if compiled else "minitf-eager", "ms": med * 1e3,
            "min": lo * 1e3, "max": hi * 1e3,
            **memory_columns(run, sync, pool)}


def peer_case(path: str, tf32: bool) -> dict:
    cmd = [sys.executable, path, "--case", "lstm"] + (["--tf32"] if tf32 else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", default=os.path.join(HERE, "..", "..", "shared", "benchmarks",
                                                    "peers_gpu_cnn.py"))
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--no-function", action="store_true", help="time minitf eager only")
    ap.add_argument("--backend", default="cupy", choices=["cupy", "numpy"])
    ap.add_argument("--blocks", type=int, default=7)
    ap.add_argument("--per-block", type=int, default=20)
    a = ap.parse_args()
    if not a.tf32:
        import minitf as tf
        exp = getattr(tf.config, "experimental", None)      # the TF32 switch, where present
        if hasattr(exp, "enable_tensor_float_32_execution"):
            exp.enable_tensor_float_32_execution(False)
    rows = [minitf_case(False, a.backend, a.blocks, a.per_block)]
    if not a.no_function:
        rows.append(minitf_case(True, a.backend, a.blocks, a.per_block))
    peer = (peer_case(a.peers, a.tf32) if a.backend == "cupy" and os.path.exists(a.peers)
            else None)
    print(f"LSTM(256) step, sequence 100, batch 64, fp32{' (TF32 allowed)' if a.tf32 else ''}"
          f", backend {a.backend}")
    for r in rows + ([peer] if peer else []):
        ratio = f"  {peer['ms'] / r['ms']:.2f}x PyTorch's steps/s" if peer else ""
        print(f"  {r['impl']:16s} {r['ms']:8.3f} ms/step  (min {r['min']:.3f}, max "
              f"{r['max']:.3f})  peak {r['peak_MB']:8.1f} MB{memory_text(r, peer)}{ratio}")
    if peer is None:
        print(f"  (no PyTorch peer: backend {a.backend}, peer script {a.peers})")


if __name__ == "__main__":
    main()
