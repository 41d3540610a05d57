"""Every script in examples/ runs to completion (they are part of the documentation), and the
numbers the training examples print are checked against expectations derived without minitf.

The six examples whose output does not depend on random initial weights are compared with
TensorFlow's output in parity/test_examples_parity.py. The four training examples below are
checked here against NumPy re-computations (baselines on the same data) and arithmetic (step
counts, parameter counts); each bound's argument is beside it.
"""
from __future__ import annotations

import ast
import importlib.util
import math
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))
# keras_fit_digits writes its plot into the test's folder, not the shared temporary directory.
ARGS = {"keras_fit_digits": ["--plot", "curve.png"]}
FLOAT = r"(\d+\.\d+)"


@pytest.fixture(scope="module")
def run_example(tmp_path_factory):
    """Runs an example once per module (the generic and the specific tests share the run) in
    its own empty folder; returns (completed process, folder)."""
    done = {}

    def run(name):
        if name not in done:
            path = EXAMPLES[[p.stem for p in EXAMPLES].index(name)]
            cwd = tmp_path_factory.mktemp(name)
            root = str(path.parent.parent)
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([root,
                                                               os.environ.get("PYTHONPATH", "")]))
            done[name] = subprocess.run([sys.executable, str(path)] + ARGS.get(name, []),
                                        capture_output=True, text=True, timeout=300, cwd=cwd,
                                        env=env), cwd
        return done[name]
    return run


def _stdout(run_example, name):
    r, _ = run_example(name)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _floats(pattern, text):
    """Every match of ``pattern`` (its groups are numbers) as a tuple of floats, in order."""
    return [tuple(float(g) for g in m) if isinstance(m, tuple) else float(m)
            for m in re.findall(pattern, text)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, run_example):
    r, _ = run_example(path.stem)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()
    assert "Warning" not in r.stderr


def _diabetes():
    """The examples' standardised diabetes data (float64: the baselines need no float32)."""
    from sklearn.datasets import load_diabetes
    X, y = load_diabetes(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()


def _least_squares(X, y):
    """Weights of the affine least-squares fit, and a function predicting with them."""
    A = np.c_[X, np.ones(len(X))]
    w = np.linalg.lstsq(A, y, rcond=None)[0]
    return lambda Z: np.c_[Z, np.ones(len(Z))] @ w


def test_custom_training_loop_learns(run_example):
    out = _stdout(run_example, "custom_training_loop")
    X, y = _diabetes()
    Xt, yt, Xv, yv = X[:350], y[:350], X[350:], y[350:]
    # One status line per epoch, with 350 // 32 = 10 steps each.
    epochs = _floats(rf"(\d+)/(\d+) - mean_loss: {FLOAT} - mean_absolute_error: {FLOAT}", out)
    assert len(epochs) == 5 and all(e[:2] == (10, 10) for e in epochs)
    loss, mae = [e[2] for e in epochs], [e[3] for e in epochs]
    # SGD with momentum on a smooth loss: the epoch means fall (they are means over 10 batches,
    # so not necessarily every epoch, but the last below the first by a clear margin).
    assert loss[-1] < 0.8 * loss[0] and mae[-1] < 0.8 * mae[0]
    # Validation MAE against two NumPy baselines on the same split: predicting the training
    # mean gives ~0.92, the least-squares line ~0.54. A model that learned must get at least
    # half of the line's improvement over the constant; no model gets below zero.
    const = np.abs(yv - yt.mean()).mean()
    line = np.abs(_least_squares(Xt, yt)(Xv) - yv).mean()
    (valid,) = _floats(rf"validation MAE: {FLOAT}", out)
    assert 0 < valid < (const + line) / 2


def test_gpu_training_learns(run_example):
    out = _stdout(run_example, "gpu_training")
    # The device the weights live on is the one the first line announces.
    no_gpu = "GPUs: none" in out
    (device,) = re.findall(r"weights live on (\S+)", out)
    assert device.endswith("CPU:0" if no_gpu else "GPU:0")
    # 1500 samples in batches of 64: ceil(1500 / 64) = 24 steps an epoch.
    # Keras prints the logs with their keys sorted: accuracy before loss.
    epochs = _floats(rf"(\d+)/(\d+) .* accuracy: {FLOAT} - loss: {FLOAT}", out)
    assert len(epochs) == 3 and all(e[:2] == (24, 24) for e in epochs)
    acc, loss = [e[2] for e in epochs], [e[3] for e in epochs]
    # Initial weights are not seeded here, so the bounds are loose: ten classes start near
    # ln 10 = 2.30 (chance accuracy 0.1); 72 Adam steps (lr 1e-3) bring the mean loss of the
    # third epoch near 1.1 and test accuracy to 0.82-0.86 over repeated runs. The bounds leave
    # a wide margin yet fail for a model that does not learn: mean loss falls every epoch, ends
    # below 0.75 ln 10, and test accuracy is over 0.6 (a NumPy least-squares classifier on the
    # same split gets 0.86).
    assert loss[0] > loss[1] > loss[2] and loss[2] < 0.75 * math.log(10)
    assert acc[2] > acc[0]
    (test_acc,) = _floats(rf"test accuracy: {FLOAT}", out)
    assert 0.6 < test_acc <= 1.0


def _digits_split():
    """keras_fit_digits' split: the same seeded permutation of the same data."""
    from sklearn.datasets import load_digits
    d = load_digits()
    np.random.seed(1)
    idx = np.random.permutation(len(d.data))
    return d.data[idx] / 16.0, d.target[idx]


def _stops_where_early_stopping_says(val_loss, patience=3, max_epochs=15, rounding=1e-4):
    """Whether training ran as long as EarlyStopping(patience) allows, given val_loss rounded
    to 4 decimals: it stops after `patience` epochs without a new minimum, else at max_epochs.
    Comparisons within the rounding count as either outcome."""
    n = len(val_loss)
    for e in range(patience, n + 1):       # epochs 1..e seen; did the last `patience` improve?
        best_before = min(val_loss[:e - patience]) if e > patience else math.inf
        window = min(val_loss[e - patience:e])
        surely_no_gain = window > best_before + rounding
        if e < n and surely_no_gain:
            return False                   # it should have stopped at epoch e
        if e == n < max_epochs and window < best_before - rounding:
            return False                   # it stopped although the window improved
    return n <= max_epochs


def test_keras_fit_digits_learns(run_example):
    out = _stdout(run_example, "keras_fit_digits")
    X, y = _digits_split()
    # validation_split=0.15 of 1400 leaves 1190 training samples: ceil(1190 / 32) = 38 steps.
    epochs = _floats(rf"(\d+)/(\d+) .* accuracy: {FLOAT} - loss: {FLOAT} - "
                     rf"val_accuracy: {FLOAT} - val_loss: {FLOAT}", out)
    assert 4 <= len(epochs) <= 15 and all(e[:2] == (38, 38) for e in epochs)
    loss, val_loss = [e[3] for e in epochs], [e[5] for e in epochs]
    assert loss[-1] < loss[0] / 2
    assert _stops_where_early_stopping_says(val_loss)
    # Test accuracy against a NumPy baseline on the same split: ridge least squares on one-hot
    # labels gets 0.94. The seeded MLP (64 ReLU units, up to 15 epochs of Adam) reaches 0.97;
    # it must at least match the linear baseline less 2 points (a few test digits).
    A, B = np.c_[X[:1400], np.ones(1400)], np.c_[X[1400:], np.ones(len(X) - 1400)]
    W = np.linalg.solve(A.T @ A + 0.1 * np.eye(65), A.T @ np.eye(10)[y[:1400]])
    linear = np.mean(np.argmax(B @ W, 1) == y[1400:])
    ((test_loss, test_acc),) = _floats(rf"test loss {FLOAT}, test accuracy {FLOAT}", out)
    assert test_acc > linear - 0.02 and 0 < test_loss < 0.5
    preds, true = re.search(r"first predictions: \[([\d ]+)\] true: \[([\d ]+)\]", out).groups()
    assert [int(t) for t in true.split()] == y[1400:1405].tolist()
    assert sum(p == t for p, t in zip(preds.split(), true.split())) >= 4
    _, cwd = run_example("keras_fit_digits")
    if importlib.util.find_spec("matplotlib") is not None:
        assert "learning curve written to curve.png" in out
        assert (cwd / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "matplotlib not installed" in out


def test_wide_and_deep_learns(run_example):
    out = _stdout(run_example, "wide_and_deep")
    # Parameter counts by arithmetic: deep_1 8·30+30, deep_2 30·30+30, output (5+30)+1,
    # aux_output 30+1.
    # Rows of Keras's summary table; a long "name (Type)" wraps its type onto the next line.
    counts = dict(re.findall(r"^│ (\w+)(?: \(\w+\))?\s+│ \(None, \d+\)\s+│\s+([\d,]+) │",
                             out, re.M))
    assert counts == {"deep_input": "0", "deep_1": "270", "wide_input": "0", "deep_2": "930",
                      "concatenate": "0", "output": "36", "aux_output": "31"}
    assert "Total params: 1,267" in out
    lines = _floats(rf"epoch\s+(\d+): main MSE {FLOAT}, aux MSE {FLOAT}", out)
    assert [int(e[0]) for e in lines] == [5, 10, 15, 20]
    main, aux = [e[1] for e in lines], [e[2] for e in lines]
    # y is standardised, so the constant predictor's MSE is exactly 1; the least-squares line
    # on all ten features has MSE 0.48 on this (training) data. The network (a linear wide
    # path plus a ReLU deep path over the features) can represent that line, and after 280
    # Adam/SGD steps its training MSE must be below it; the aux head sees only features 2-9,
    # so it is compared with the line on those.
    X, y = _diabetes()
    line_all = np.mean((_least_squares(X, y)(X) - y) ** 2)
    line_deep = np.mean((_least_squares(X[:, 2:], y)(X[:, 2:]) - y) ** 2)
    assert all(m < 1 for m in main + aux)
    assert main[-1] < main[0] and aux[-1] < aux[0]
    assert main[-1] < line_all and aux[-1] < line_deep
    # Keras 3's history keys for outputs named output/aux_output with mae (TF 2.21 gives these).
    keys = re.search(r"fit history keys: (\[.*\])", out).group(1)
    assert ast.literal_eval(keys) == sorted(["loss", "output_loss", "aux_output_loss", "output_mae",
                                 "aux_output_mae", "val_loss", "val_output_loss",
                                 "val_aux_output_loss", "val_output_mae", "val_aux_output_mae"])


def test_lstm_text_classifier_learns_word_order(run_example):
    out = _stdout(run_example, "lstm_text_classifier")
    # 1200 training reviews in batches of 32: ceil(1200 / 32) = 38 steps an epoch, 6 epochs.
    epochs = _floats(rf"(\d+)/(\d+) - .* accuracy: {FLOAT} - loss: {FLOAT}", out)
    assert len(epochs) == 6 and all(e[:2] == (38, 38) for e in epochs)
    # The label is the XOR of "not right before the sentiment word" and the word's polarity,
    # which no bag of words separates: a NumPy least-squares classifier on word counts of the
    # same reviews scores about chance (0.47 on the test split). Reading the order, the LSTM
    # must do far better; over 0.9 leaves a margin below the 1.0 it reaches.
    path = EXAMPLES[[p.stem for p in EXAMPLES].index("lstm_text_classifier")]
    data = {}
    exec(compile(path.read_text().split("model = keras.Sequential")[0], str(path), "exec"),
         data)
    X, y, vocab = data["X"], data["y"], len(data["VOCAB"])
    counts = np.zeros((len(X), vocab + 1))
    counts[:, vocab] = 1.0
    for i, row in enumerate(X):
        for t in row[row > 0]:
            counts[i, t] += 1
    w = np.linalg.lstsq(counts[:1200], y[:1200], rcond=None)[0]
    bag_of_words = ((counts[1200:] @ w > 0.5) == y[1200:]).mean()
    (acc,) = _floats(rf"test accuracy: {FLOAT}", out)
    assert bag_of_words < 0.6 < 0.9 < acc
