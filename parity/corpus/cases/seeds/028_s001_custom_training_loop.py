"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义训练循环"
Adapted: scikit-learn's California housing is replaced by generated standardised data of the same width (8 features, fewer rows); the status bar's carriage-return lines are printed as they are; the program stops where Keras 3 does (metric.reset_states() no longer exists).
"""
import numpy as np
import tensorflow as tf

# Generated stand-in for scikit-learn's California housing (8 features, a positive target),
# already standardised as the note's StandardScaler output; split as the note splits it.
rng = np.random.RandomState(42)
X_all = rng.standard_normal((900, 8))
y_all = (np.abs(X_all @ rng.uniform(-1, 1, 8) + 2.0) + 0.1 * rng.rand(900)).reshape(-1, 1)
X_train_scaled, X_valid_scaled, X_test_scaled = X_all[:500], X_all[500:700], X_all[700:]
y_train, y_valid, y_test = y_all[:500], y_all[500:700], y_all[700:]
input_shape = X_train_scaled.shape[1:]

l2_reg = tf.keras.regularizers.l2(0.05)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          kernel_regularizer=l2_reg),
    tf.keras.layers.Dense(1, kernel_regularizer=l2_reg),
])


def random_batch(X, y, batch_size=32):
    idx = np.random.randint(len(X), size=batch_size)
    return X[idx], y[idx]


def print_status_bar(step, total, loss, metrics=None):
    metrics = " - ".join([f"{m.name}: {m.result():.4f}" for m in [loss] + (metrics or [])])
    end = "" if step < total else "\n"
    print(f"\r{step}/{total} - " + metrics, end=end)


m = 10000
print(np.random.randint(m, size=32).shape)
X_batch, y_batch = random_batch(X_train_scaled, y_train)
y_pred = model(X_batch, training=True)
loss_fn = tf.keras.losses.MeanSquaredError()
print(loss_fn(y_batch, y_pred).shape, tf.reduce_mean(loss_fn(y_batch, y_pred)).shape)

n_epochs = 5
batch_size = 32
n_steps = len(X_train_scaled) // batch_size
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
loss_fn = tf.keras.losses.MeanSquaredError()
mean_loss = tf.keras.metrics.Mean(name="mean_loss")
metrics = [tf.keras.metrics.MeanAbsoluteError()]
for epoch in range(1, n_epochs + 1):
    print(f"Epoch {epoch}/{n_epochs}")
    for step in range(1, n_steps + 1):
        X_batch, y_batch = random_batch(X_train_scaled, y_train)
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
        metric.reset_states()
