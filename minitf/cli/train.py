"""``python -m minitf train``: train a small classifier on the NumPy or CuPy backend, with the
Keras progress bar; prints test accuracy and training steps/s and saves a learning-curve PNG.

Two models: ``--model mlp`` (the default), Dense layers on scikit-learn's bundled 8x8 digits
(nothing is downloaded); ``--model cnn``, the seed notes' Conv2D-MaxPool-Flatten-Dense network
on Fashion-MNIST from ``keras.datasets.fashion_mnist`` (downloaded once, then read from the
Keras cache), or with ``--synthetic`` on generated images of the same shape (no network).
"""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np


def _digits(seed: int, out):
    """scikit-learn's digits as flat float32 rows in [0, 1]: 1500 train, 297 test."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        out("scikit-learn is needed for the digits data: pip install 'minitf[examples]'")
        return None
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    idx = np.random.default_rng(seed).permutation(len(x))
    x, y = x[idx], y[idx]
    return x[:1500], y[:1500], x[1500:], y[1500:]


def synthetic_fashion_mnist(n_train: int, n_test: int, seed: int = 0):
    """Generated stand-in for Fashion-MNIST: uint8 (n, 28, 28) images, labels 0..9.

    Each class has a fixed blocky prototype (a random 7x7 pattern enlarged 4x); a sample is
    its class's prototype at a random brightness, shifted by up to 2 pixels, plus noise. A
    convolutional network can learn it in an epoch or two, which is all a smoke run needs.
    """
    rng = np.random.default_rng(seed)
    prototypes = np.kron(rng.uniform(0, 1, (10, 7, 7)) > 0.55, np.ones((4, 4)))

    def sample(n):
        y = rng.integers(0, 10, n)
        x = prototypes[y] * rng.uniform(0.6, 1.0, (n, 1, 1))
        shifts = rng.integers(-2, 3, (n, 2))
        x = np.stack([np.roll(img, tuple(s), axis=(0, 1)) for img, s in zip(x, shifts)])
        x = np.clip(x + rng.normal(0, 0.15, x.shape), 0, 1)
        return (x * 255).astype(np.uint8), y.astype(np.uint8)

    return sample(n_train), sample(n_test)


def _fashion_mnist(synthetic: bool, samples: int | None, seed: int, out):
    """Fashion-MNIST (or the stand-in) as (n, 28, 28, 1) float32 in [0, 1], the first
    ``samples`` training images (all by default) and a sixth as many test images."""
    if synthetic:
        n = samples or 6000
        (x_train, y_train), (x_test, y_test) = synthetic_fashion_mnist(n, max(n // 6, 100),
                                                                       seed)
    else:
        from ..keras.datasets import fashion_mnist
        try:
            (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        except Exception as e:  # noqa: BLE001 (any download failure gets the same advice)
            out(f"could not load Fashion-MNIST ({type(e).__name__}: {e}); "
                "use --synthetic for generated images of the same shape")
            return None
        if samples:
            x_train, y_train = x_train[:samples], y_train[:samples]
            x_test, y_test = x_test[:max(samples // 6, 100)], y_test[:max(samples // 6, 100)]
    scale = lambda x: (x.astype(np.float32) / 255.0)[..., None]  # noqa: E731
    return scale(x_train), y_train.astype(np.int64), scale(x_test), y_test.astype(np.int64)


def _model(tf, kind: str, hidden: int, layers: int):
    """The MLP (``layers`` hidden Dense layers) or the CNN (``layers`` Conv2D-MaxPool blocks,
    32 filters doubling per block, then Flatten and a hidden Dense layer); logits out."""
    L = tf.keras.layers
    if kind == "mlp":
        return tf.keras.Sequential([tf.keras.Input(shape=(64,))]
                                   + [L.Dense(hidden, activation="relu") for _ in range(layers)]
                                   + [L.Dense(10)])
    blocks = []
    for i in range(layers):
        blocks += [L.Conv2D(32 * 2 ** i, 3, activation="relu"), L.MaxPooling2D(2)]
    return tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1))] + blocks
                               + [L.Flatten(), L.Dense(hidden, activation="relu"), L.Dense(10)])


def run(backend: str = "numpy", epochs: int = 10, batch_size: int = 64, hidden: int = 128,
        layers: int | None = None, plot: str | None = None, seed: int = 0, out=print,
        model: str = "mlp", synthetic: bool = False, samples: int | None = None) -> int:
    """Train ``model`` ('mlp' on digits, 'cnn' on Fashion-MNIST) and report; the exit code."""
    if model not in ("mlp", "cnn"):
        out(f"error: unknown model {model!r} (choose 'mlp' or 'cnn')")
        return 2
    if synthetic and model != "cnn":
        out("error: --synthetic is for --model cnn (the digits come with scikit-learn)")
        return 2
    # The data first: a missing download is reported before any backend state is touched.
    if model == "mlp":
        data, title = _digits(seed, out), "digits"
    else:
        data = _fashion_mnist(synthetic, samples, seed, out)
        title = "synthetic Fashion-MNIST" if synthetic else "Fashion-MNIST"
    if data is None:
        return 2
    import minitf as tf
    try:
        tf.set_backend(backend)
    except RuntimeError as e:
        out(f"error: {e}")
        return 2
    tf.keras.utils.set_random_seed(seed)
    x_train, y_train, x_test, y_test = data
    if layers is None:
        layers = 2 if model == "mlp" else 1
    net = _model(tf, model, hidden, layers)
    net.compile(optimizer=tf.keras.optimizers.Adam(0.002),
                loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
    out(f"backend: {tf.get_backend()} ({net.trainable_variables[0].device})")
    out(f"{model} on {title}: {len(x_train)} training and {len(x_test)} test examples, "
        f"{net.count_params()} parameters")
    t0 = time.perf_counter()
    history = net.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                      validation_split=0.1, verbose=1)
    from .. import _backend
    _backend.synchronize()
    elapsed = time.perf_counter() - t0
    # validation_split keeps the first int(n * 0.9) rows for training (as Keras does).
    steps = epochs * -(-int(len(x_train) * 0.9) // batch_size)
    loss, acc = net.evaluate(x_test, y_test, verbose=0)
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
    ax.set_title(f"{model}, {title}, {tf.get_backend()} backend")
    ax.legend()
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=os.path.dirname(os.path.abspath(plot)))
    os.close(fd)
    fig.savefig(tmp, dpi=80)
    plt.close(fig)
    os.replace(tmp, plot)
    out(f"learning curve written to {plot}")
    return 0
