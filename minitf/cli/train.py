"""``python -m minitf train``: train a classifier on scikit-learn's bundled digits (nothing is
downloaded) on the NumPy or CuPy backend, with the Keras progress bar; prints test accuracy and
training steps/s and saves a learning-curve PNG."""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np


def run(backend: str = "numpy", epochs: int = 10, batch_size: int = 64, hidden: int = 128,
        layers: int = 2, plot: str | None = None, seed: int = 0, out=print) -> int:
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        out("scikit-learn is needed for the digits data: pip install 'minitf[examples]'")
        return 2
    import minitf as tf
    try:
        tf.set_backend(backend)
    except RuntimeError as e:
        out(f"error: {e}")
        return 2
    tf.keras.utils.set_random_seed(seed)
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    idx = np.random.default_rng(seed).permutation(len(x))
    x, y = x[idx], y[idx]
    x_train, y_train, x_test, y_test = x[:1500], y[:1500], x[1500:], y[1500:]
    model = tf.keras.Sequential(
        [tf.keras.Input(shape=(64,))]
        + [tf.keras.layers.Dense(hidden, activation="relu") for _ in range(layers)]
        + [tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.002),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    out(f"backend: {tf.get_backend()} ({model.trainable_variables[0].device})")
    t0 = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_split=0.1, verbose=1)
    from .. import _backend
    _backend.synchronize()
    elapsed = time.perf_counter() - t0
    steps = epochs * -(-int(len(x_train) * 0.9) // batch_size)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    out(f"test accuracy {acc:.4f} (loss {loss:.4f}); {steps / elapsed:.1f} training steps/s "
        f"({elapsed:.2f} s for {steps} steps of batch {batch_size})")
    plot = plot or os.path.join(tempfile.gettempdir(), "minitf_learning_curve.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        out("matplotlib is not installed: no learning-curve plot (pip install 'minitf[plot]')")
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, values in history.history.items():
        ax.plot(range(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.set_title(f"digits, {tf.get_backend()} backend")
    ax.legend()
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=os.path.dirname(os.path.abspath(plot)))
    os.close(fd)
    fig.savefig(tmp, dpi=80)
    plt.close(fig)
    os.replace(tmp, plot)
    out(f"learning curve written to {plot}")
    return 0
