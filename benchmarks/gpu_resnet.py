"""A ResNet-18 CIFAR training step on a GPU: minitf eager (and under ``tf.function``) beside
the peers' PyTorch eager step (``../shared/benchmarks/peers_gpu_cnn.py --case resnet18``,
torchvision's ``resnet18(num_classes=10)``), in one run, with steps/s ratios and peak memory.

    python benchmarks/gpu_resnet.py [--peers PATH/peers_gpu_cnn.py] [--tf32] [--no-function]
    python benchmarks/gpu_resnet.py --backend numpy --batch 2 --blocks 1 --per-block 1  # smoke

The model is torchvision's ResNet-18 layer for layer, in Keras layers (channels last): a 7x7
stride-2 convolution to 64 channels, batch normalization, ReLU, 3x3 stride-2 max pooling; four
stages of two basic blocks (two 3x3 convolutions, each with batch normalization; 64, 128, 256,
512 channels; stages 2-4 start with stride 2 and a 1x1 stride-2 convolution + batch
normalization on the shortcut); global average pooling; Dense(10). Convolutions have no bias,
as in torchvision (11.2 M parameters on both sides). Keras's "same" padding puts the odd pad of
a stride-2 convolution at the end where PyTorch pads 3 (or 1) on both sides: the shapes and the
arithmetic per step are the same. Batch 128 of 32x32x3, sparse cross-entropy from logits,
Adam(1e-3), float32 (no TF32 unless --tf32). Timing as the peers': 10 warm-up steps, 7 blocks
of 20, synced at each block's end, the median block. The aim (issue #15): eager >= 0.8x
PyTorch eager's steps/s.
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


def resnet18(tf, classes: int = 10):
    """torchvision's ResNet-18 in Keras layers (see the module docstring)."""
    L = tf.keras.layers

    def bn(x):
        return L.BatchNormalization(epsilon=1e-5, momentum=0.9)(x)   # PyTorch's defaults

    def block(x, filters, stride):
        y = L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
        y = L.ReLU()(bn(y))
        y = bn(L.Conv2D(filters, 3, padding="same", use_bias=False)(y))
        if stride != 1 or x.shape[-1] != filters:
            x = bn(L.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
        return L.ReLU()(L.Add()([x, y]))

    inp = tf.keras.Input(shape=(32, 32, 3))
    x = L.Conv2D(64, 7, strides=2, padding="same", use_bias=False)(inp)
    x = L.ReLU()(bn(x))
    x = L.MaxPooling2D(3, strides=2, padding="same")(x)
    for filters, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        x = block(x, filters, stride)
        x = block(x, filters, 1)
    x = L.GlobalAveragePooling2D()(x)
    return tf.keras.Model(inp, L.Dense(classes)(x))


def minitf_case(compiled: bool, backend: str, batch: int, n_blocks: int, per_block: int) -> dict:
    import minitf as tf
    from minitf import _backend
    tf.set_backend(backend)
    pool = _backend.cupy().get_default_memory_pool() if backend == "cupy" else None
    rng = np.random.default_rng(0)
    model = resnet18(tf)
    x = tf.constant(rng.standard_normal((batch, 32, 32, 3)).astype(np.float32))
    y = tf.constant(rng.integers(0, 10, batch))
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
            "min": lo * 1e3, "max": hi * 1e3, "params": model.count_params(),
            **memory_columns(run, sync, pool)}


def peer_case(path: str, tf32: bool) -> dict:
    cmd = [sys.executable, path, "--case", "resnet18"] + (["--tf32"] if tf32 else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", default=os.path.join(HERE, "..", "..", "shared", "benchmarks",
                                                    "peers_gpu_cnn.py"))
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--no-function", action="store_true", help="time minitf eager only")
    ap.add_argument("--backend", default="cupy", choices=["cupy", "numpy"])
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--blocks", type=int, default=7)
    ap.add_argument("--per-block", type=int, default=20)
    a = ap.parse_args()
    import minitf as tf
    tf.config.experimental.enable_tensor_float_32_execution(a.tf32)
    rows = [minitf_case(False, a.backend, a.batch, a.blocks, a.per_block)]
    if not a.no_function:
        rows.append(minitf_case(True, a.backend, a.batch, a.blocks, a.per_block))
    peer = peer_case(a.peers, a.tf32) if a.backend == "cupy" and os.path.exists(a.peers) \
        else None
    print(f"ResNet-18 CIFAR step, batch {a.batch}, fp32{' (TF32 allowed)' if a.tf32 else ''}, "
          f"{rows[0]['params']:,} parameters")
    for r in rows + ([peer] if peer else []):
        ratio = f"  {peer['ms'] / r['ms']:.2f}x PyTorch's steps/s" if peer else ""
        print(f"  {r['impl']:16s} {r['ms']:8.3f} ms/step  (min {r['min']:.3f}, max "
              f"{r['max']:.3f})  peak {r['peak_MB']:8.1f} MB{memory_text(r, peer)}{ratio}")
    if peer is None and a.backend == "cupy":
        print(f"  (no peer script at {a.peers}: pass --peers)")


if __name__ == "__main__":
    main()
