"""A CNN training step on the CPU: minitf eager and under ``tf.function`` beside TensorFlow
eager and ``tf.function``, in one run, with ratios.

    python benchmarks/cpu_cnn.py [--batch 32] [--repeat 5]

The model is the MNIST CNN of the GPU benchmark (gpu_cnn.py): Conv2D(32, 3, relu) -
Conv2D(64, 3, relu) - MaxPool(2) - Flatten - Dense(128, relu) - Dense(10), sparse
cross-entropy from logits, Adam(1e-3), float32, the same initial weights and batch in both
frameworks; one step = forward, loss, tape gradient, apply_gradients.
"""
from __future__ import annotations

import argparse
import os
import platform

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import minitf  # noqa: E402
from _common import timeit  # noqa: E402


def cnn_step(fw, batch: int, compiled: bool, weights=None):
    L = fw.keras.layers
    model = fw.keras.Sequential([fw.keras.Input(shape=(28, 28, 1)),
                                 L.Conv2D(32, 3, activation="relu"),
                                 L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                 L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10)])
    if weights is not None:
        model.set_weights(weights)
    rng = np.random.default_rng(0)
    x = fw.constant(rng.standard_normal((batch, 28, 28, 1)).astype(np.float32))
    y = fw.constant(rng.integers(0, 10, batch))
    loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = fw.keras.optimizers.Adam(1e-3)
    params = model.trainable_variables

    def step():
        with fw.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss
    return (fw.function(step) if compiled else step), model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--number", type=int, default=5)
    a = ap.parse_args()
    import tensorflow as tf
    _, ref = cnn_step(tf, a.batch, False)
    weights = [np.asarray(w) for w in ref.get_weights()]
    rows = {}
    for name, fw, compiled in [("minitf eager", minitf, False),
                               ("minitf tf.function", minitf, True),
                               ("TF eager", tf, False), ("TF tf.function", tf, True)]:
        step, _ = cnn_step(fw, a.batch, compiled, weights)
        rows[name] = timeit(step, a.number, a.repeat)
    print(f"MNIST CNN step, batch {a.batch}, float32, {platform.processor() or 'cpu'}, "
          f"{os.cpu_count()} cores")
    for name, t in rows.items():
        print(f"  {name:20s} {t * 1e3:9.2f} ms/step   {rows['TF eager'] / t:5.2f}x TF eager's "
              f"steps/s   {rows['TF tf.function'] / t:5.2f}x TF tf.function's")


if __name__ == "__main__":
    main()
