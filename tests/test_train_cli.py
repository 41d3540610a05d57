"""`python -m minitf train` trains, reports accuracy and speed, and writes the plot."""
from __future__ import annotations

import subprocess
import sys


def test_train_command(tmp_path):
    plot = tmp_path / "curve.png"
    r = subprocess.run([sys.executable, "-m", "minitf", "train", "--epochs", "3", "--plot",
                        str(plot)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    acc = float(r.stdout.split("test accuracy ")[1].split()[0])
    assert acc > 0.85 and "training steps/s" in r.stdout and "Epoch 3/3" in r.stdout
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_train_on_cupy_trains_on_the_gpu_or_says_what_to_install():
    from minitf import _backend
    r = subprocess.run([sys.executable, "-m", "minitf", "train", "--backend", "cupy",
                        "--epochs", "2"], capture_output=True, text=True, timeout=300)
    if _backend.cupy_available():
        assert r.returncode == 0, r.stderr
        assert "device:GPU:0" in r.stdout and "test accuracy" in r.stdout
    else:
        assert r.returncode == 2 and "minitf[gpu]" in r.stdout


def _train(*args, env=None):
    return subprocess.run([sys.executable, "-m", "minitf", "train", *args], capture_output=True,
                          text=True, timeout=300, env=env)


def _accuracy(stdout):
    return float(stdout.split("test accuracy ")[1].split()[0])


def test_train_cnn_on_synthetic_fashion_mnist(tmp_path):
    plot = tmp_path / "cnn.png"
    r = _train("--model", "cnn", "--synthetic", "--samples", "600", "--epochs", "2",
               "--batch-size", "32", "--plot", str(plot))
    assert r.returncode == 0, r.stderr
    # Conv2D(32, 3) 9*1*32+32, Dense(13*13*32 -> 128) 5408*128+128, Dense(128 -> 10) 1290.
    params = (9 * 32 + 32) + (13 * 13 * 32 * 128 + 128) + (128 * 10 + 10)
    assert f"cnn on synthetic Fashion-MNIST: 600 training and 100 test examples, {params} " \
           "parameters" in r.stdout
    # Ten well-separated prototypes: chance is 0.1, a working CNN is far above it.
    assert _accuracy(r.stdout) > 0.8 and "Epoch 2/2" in r.stdout
    assert plot.read_bytes()[:4] == b"\x89PNG"


def _write_idx(path, array):
    """A gzipped IDX file as Fashion-MNIST ships them: magic (0, 0, uint8 code 8, ndim),
    big-endian uint32 sizes, then the bytes."""
    import gzip
    import struct
    header = struct.pack(">BBBB", 0, 0, 8, array.ndim) + struct.pack(f">{array.ndim}I",
                                                                      *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype("uint8").tobytes())


def test_train_cnn_reads_fashion_mnist_from_the_keras_cache(tmp_path):
    # Small files in Fashion-MNIST's format where Keras caches them: no network is used.
    import os

    from minitf.cli.train import synthetic_fashion_mnist
    (x, y), (xt, yt) = synthetic_fashion_mnist(480, 120, seed=1)
    cache = tmp_path / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name, a in [("train-labels-idx1-ubyte.gz", y), ("train-images-idx3-ubyte.gz", x),
                    ("t10k-labels-idx1-ubyte.gz", yt), ("t10k-images-idx3-ubyte.gz", xt)]:
        _write_idx(cache / name, a)
    env = dict(os.environ, KERAS_HOME=str(tmp_path))
    r = _train("--model", "cnn", "--samples", "360", "--epochs", "2", "--batch-size", "32",
               "--plot", str(tmp_path / "c.png"), env=env)
    assert r.returncode == 0, r.stderr
    assert "cnn on Fashion-MNIST: 360 training and 100 test examples" in r.stdout
    assert _accuracy(r.stdout) > 0.8


def test_train_cnn_without_data_says_to_use_synthetic(monkeypatch):
    from minitf.cli import train
    from minitf.keras.datasets import fashion_mnist

    def offline():
        raise Exception("URL fetch failure on https://...: None -- no network")

    monkeypatch.setattr(fashion_mnist, "load_data", offline)
    lines = []
    assert train.run(model="cnn", out=lines.append) == 2
    assert "could not load Fashion-MNIST" in lines[0] and "--synthetic" in lines[0]


def test_synthetic_is_only_for_the_cnn():
    r = _train("--synthetic", "--epochs", "1")
    assert r.returncode == 2 and "--synthetic is for --model cnn" in r.stdout
