"""compile/fit/evaluate on scikit-learn's handwritten digits (bundled with the package), with
callbacks and a learning-curve plot.

Run: python examples/keras_fit_digits.py [--plot learning_curve.png]
"""
import argparse
import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits

import minitf as tf

keras = tf.keras
parser = argparse.ArgumentParser()
parser.add_argument("--plot", default=os.path.join(tempfile.gettempdir(),
                                                   "minitf_digits_learning_curve.png"))
args = parser.parse_args()
np.random.seed(1)
tf.random.set_seed(1)

digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)
idx = np.random.permutation(len(X))
X, y = X[idx], y[idx]
X_train, y_train, X_test, y_test = X[:1400], y[:1400], X[1400:], y[1400:]

model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=15, batch_size=32, validation_split=0.15,
                    verbose=2, callbacks=[keras.callbacks.EarlyStopping(
                        monitor="val_loss", patience=3, restore_best_weights=True)])
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {acc:.4f}")
print("first predictions:", model.predict(X_test[:5], verbose=0).argmax(1), "true:", y_test[:5])

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, values in history.history.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.legend()
    ax.grid(True)
    fig.savefig(args.plot, dpi=80)
    print(f"learning curve written to {args.plot}")
except ImportError:
    print("matplotlib not installed: no learning-curve plot (pip install 'minitf[plot]')")
