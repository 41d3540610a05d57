"""Keras 3's console, without TensorFlow: the progress bar's rules (read from Keras 3.15 and
compared with it in parity/test_console_parity.py), keras.utils.to_categorical / normalize.

Rules checked here: verbose=2 prints one line per epoch "n/n - Ts - Tms/step - name: v.vvvv";
verbose=1 draws "\\x1b[1mi/n\\x1b[0m" with a 20-wide bar of green and white "━", redraws in place
with backspaces and "\\r" (on POSIX even into a pipe) and ends with a newline; "Epoch i/n" only
when there is more than one epoch; evaluate and predict draw their own bar (none with
verbose=0), and evaluate inside fit draws none.
"""
import re

import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def model():
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    m.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    return m


X, Y = np.ones((10, 3), np.float32), np.ones((10, 2), np.float32)


def test_verbose_2_one_line_per_epoch(capsys):
    model().fit(X, Y, epochs=2, batch_size=4, verbose=2, validation_data=(X, Y))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    pattern = (r"3/3 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4} - mae: \d\.\d{4} - "
               r"val_loss: \d\.\d{4} - val_mae: \d\.\d{4}$")
    assert re.match(pattern, lines[1]) and re.match(pattern, lines[3])


def test_verbose_1_redraws_in_place_and_no_epoch_line_for_one_epoch(capsys):
    model().fit(X, Y, epochs=1, batch_size=4, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch" not in out and out.endswith("\n") and out.count("\n") == 1
    final = out.split("\r")[-1]
    assert final.startswith("\x1b[1m3/3\x1b[0m \x1b[32m" + "━" * 20 + "\x1b[0m\x1b[37m\x1b[0m ")
    # (padded with spaces when an earlier frame was wider, as Keras pads)
    assert re.search(r" - loss: \d\.\d{4} - mae: \d\.\d{4} *\n$", final)


def test_evaluate_and_predict_bars(capsys):
    m = model()
    m.evaluate(X, Y, batch_size=4, verbose=2)
    m.predict(X, batch_size=4, verbose=2)
    m.evaluate(X, Y, verbose=0)
    m.predict(X, verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.match(r"3/3 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4} - mae: \d\.\d{4}$",
                    lines[0])
    assert re.match(r"3/3 - \d+s - \d+(us|ms|s)/step$", lines[1])
    m.evaluate(X, Y, batch_size=4)                      # verbose="auto" is 1, as in Keras
    assert capsys.readouterr().out.split("\r")[-1].startswith("\x1b[1m3/3\x1b[0m")


def test_validation_inside_fit_draws_no_bar_of_its_own(capsys):
    model().fit(X, Y, epochs=1, batch_size=4, verbose=2, validation_data=(X, Y))
    assert capsys.readouterr().out.count("\n") == 1


def test_progbar_averaging_and_formats(capsys):
    bar = keras.utils.Progbar(3, verbose=2)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 3.0)])      # averaged over steps: (1·1 + 3·1) / 2
    bar.update(3, finalize=True)
    assert re.match(r"3/3 - 0s - \d+us/step - loss: 2\.0000\n$", capsys.readouterr().out)
    bar = keras.utils.Progbar(2, verbose=2, stateful_metrics=["acc"])
    bar.update(1, [("acc", 0.5)])
    bar.update(2, [("acc", 0.0001)], finalize=True)   # small values in e-notation
    assert capsys.readouterr().out.endswith("- acc: 1.0000e-04\n")


def test_to_categorical_and_normalize():
    got = keras.utils.to_categorical(np.array([[0, 1], [2, 0]]), 4)
    assert got.dtype == np.float64 and got.shape == (2, 2, 4)
    assert got[1, 0].tolist() == [0, 0, 1, 0]
    t = keras.utils.to_categorical(tf.constant([0, 2]), 3)
    assert t.dtype == tf.float32 and t.numpy().tolist() == [[1, 0, 0], [0, 0, 1]]
    np.testing.assert_allclose(keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]])),
                               [[0.6, 0.8], [0.0, 0.0]], rtol=1e-15)
    assert keras.utils.normalize(np.array([3.0, 4.0]), axis=0).shape == (1, 2)   # as Keras
    n = keras.utils.normalize(tf.constant([[3.0, 4.0]]))
    np.testing.assert_allclose(n.numpy(), [[0.6, 0.8]], rtol=1e-6)


# Keras 3.15's output for this model with line_length=60, copied from a Keras run.
KERAS_SUMMARY_60 = ['Model: "net"', '┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓', '┃ Layer (type)             ┃ Output Shape      ┃   Param # ┃', '┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩', '│ d (Dense)                │ (None, 2)         │         8 │', '└──────────────────────────┴───────────────────┴───────────┘', ' Total params: 8 (32.00 B)', ' Trainable params: 8 (32.00 B)', ' Non-trainable params: 0 (0.00 B)']


def test_summary_matches_keras(capsys):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="net")
    m.summary(line_length=60)
    assert capsys.readouterr().out.splitlines() == KERAS_SUMMARY_60
    m.compile("sgd", "mse")
    m.fit(X, Y[:, :2], verbose=0)
    m.summary(line_length=60)
    # SGD's two variables: the int64 iteration count and the float32 learning rate.
    assert capsys.readouterr().out.splitlines()[-4:] == [
        " Total params: 10 (44.00 B)", " Trainable params: 8 (32.00 B)",
        " Non-trainable params: 0 (0.00 B)", " Optimizer params: 2 (12.00 B)"]
