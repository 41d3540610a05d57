"""Keras's console, side by side: the same program prints under Keras 3 (TensorFlow) and under
minitf, each in a fresh process with stdout a pipe; the outputs must be equal once the time
fields are masked.

What is compared, and why not more: a verbose=1 bar is redrawn at most every 50 ms, so how
many intermediate frames appear depends on the machine's speed in both libraries; the first
frame, the final frame of each bar, every verbose=2 line, the "Epoch i/n" lines and the summary
table are deterministic and are compared exactly (after masking "0s", "12ms/step", ...). The
model's weights are set identically, so the printed losses agree to the 4 decimals shown.
"""
import os
import re
import subprocess
import sys

import pytest

PROGRAM = r'''
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
if sys.argv[1] == "tf":
    import tensorflow as tf
else:
    import minitf as tf
keras = tf.keras
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="net")
model.set_weights([np.arange(6, dtype=np.float32).reshape(3, 2) / 10,
                   np.array([0.1, -0.1], np.float32)])
model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
x = np.linspace(-1, 1, 30, dtype=np.float32).reshape(10, 3)
y = np.stack([x.sum(1), x[:, 0]], 1)
for v in [1, 2]:
    print(f"--- fit verbose={v}", flush=True)
    model.fit(x, y, epochs=2, batch_size=4, verbose=v, shuffle=False, validation_data=(x, y))
    print("--- fit one epoch", flush=True)
    model.fit(x, y, epochs=1, batch_size=4, verbose=v, shuffle=False)
    print(f"--- evaluate verbose={v}", flush=True)
    model.evaluate(x, y, batch_size=4, verbose=v)
    print(f"--- predict verbose={v}", flush=True)
    model.predict(x, batch_size=4, verbose=v)
print("--- silent", flush=True)
model.fit(x, y, epochs=1, verbose=0); model.evaluate(x, y, verbose=0); model.predict(x, verbose=0)
print("--- summary", flush=True)
model.summary(line_length=76)
print("--- to_categorical", keras.utils.to_categorical([[1], [2]], 3).tolist(), flush=True)
'''


def _frames(text: str) -> list:
    """Each output line, reduced to its deterministic frames (first and last of a redrawn bar),
    with times masked."""
    text = re.sub(r"\x1b\[1m(\d+s|\d+:\d\d(:\d\d)?)\x1b\[0m", "\x1b[1mT\x1b[0m", text)
    text = re.sub(r"\d+(us|ms|s)/step", "T/step", text)
    text = re.sub(r"(\d+/\d+) - \d+s - ", r"\1 - T - ", text)
    out = []
    for line in text.split("\n"):
        frames = [f.rstrip(" ") for f in line.replace("\x08", "").split("\r") if f.strip()]
        out.append((frames[0], frames[-1]) if frames else ("", ""))
    return out


def _run(which: str, tmp_path) -> str:
    env = dict(os.environ, PYTHONPATH=os.getcwd(), COLUMNS="80")
    # Bytes, decoded by hand: text mode's universal newlines would turn each "\r" of a
    # redrawn bar into a line break.
    done = subprocess.run([sys.executable, "-c", PROGRAM, which], capture_output=True,
                          env=env, timeout=300, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def test_console_output_matches_keras(tf_real, tmp_path):
    want = _frames(_run("tf", tmp_path))
    got = _frames(_run("minitf", tmp_path))
    if len(got) != len(want):
        import difflib
        diff = "\n".join(difflib.unified_diff([repr(w) for w in want], [repr(g) for g in got],
                                             lineterm="", n=1))
        raise AssertionError("line counts differ:\n" + diff)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g[1] == w[1], (i, g, w)           # final frames: exact (times masked)
        # First frames: the bar's first step, or the first frame Keras managed to draw.
        assert g[0].split(" T/step")[0][:12] == w[0].split(" T/step")[0][:12], (i, g, w)
