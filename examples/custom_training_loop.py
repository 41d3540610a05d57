"""A custom training loop, as in the tutorials: mini-batches, a status bar, streaming metrics,
the model's regularization losses, and Huber loss — on scikit-learn's diabetes data (bundled
with the package, nothing downloaded).

Run: python examples/custom_training_loop.py
"""
import sys

import numpy as np
from sklearn.datasets import load_diabetes

import minitf as tf

keras = tf.keras
tf.random.set_seed(42)
np.random.seed(42)

X, y = load_diabetes(return_X_y=True)
X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
y = ((y - y.mean()) / y.std()).astype(np.float32).reshape(-1, 1)
X_train, y_train, X_valid, y_valid = X[:350], y[:350], X[350:], y[350:]

model = keras.Sequential([
    keras.layers.Dense(30, activation="elu", kernel_initializer="he_normal",
                       kernel_regularizer=keras.regularizers.l2(0.01), input_shape=(10,)),
    keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.01)),
])


def random_batch(X, y, batch_size=32):
    idx = np.random.randint(len(X), size=batch_size)
    return X[idx], y[idx]


def print_status_bar(step, total, loss, metrics=None):
    metrics = " - ".join(f"{m.name}: {m.result():.4f}" for m in [loss] + (metrics or []))
    end = "" if step < total else "\n"
    if sys.stdout.isatty():
        print(f"\r{step}/{total} - " + metrics, end=end)
    elif step == total:
        print(f"{step}/{total} - " + metrics)


n_epochs, batch_size = 5, 32
n_steps = len(X_train) // batch_size
optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
loss_fn = keras.losses.Huber(delta=1.0)
mean_loss = keras.metrics.Mean(name="mean_loss")
metrics = [keras.metrics.MeanAbsoluteError()]

for epoch in range(1, n_epochs + 1):
    print(f"Epoch {epoch}/{n_epochs}")
    for step in range(1, n_steps + 1):
        X_batch, y_batch = random_batch(X_train, y_train)
        with tf.GradientTape() as tape:
            y_pred = model(X_batch, training=True)
            main_loss = tf.reduce_mean(loss_fn(y_batch, y_pred))
            loss = tf.add_n([main_loss] + model.losses)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        for variable in model.variables:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        mean_loss(loss)
        for metric in metrics:
            metric(y_batch, y_pred)
        print_status_bar(step, n_steps, mean_loss, metrics)
    for metric in [mean_loss] + metrics:
        metric.reset_state()

valid_mae = keras.metrics.MeanAbsoluteError()
valid_mae.update_state(y_valid, model(X_valid))
print(f"validation MAE: {float(valid_mae.result()):.4f}")
