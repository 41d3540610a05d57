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
