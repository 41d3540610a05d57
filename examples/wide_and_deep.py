"""A wide-and-deep model (functional API, two inputs, two outputs) trained with two optimizers:
one for the wide (linear) part, one for the deep part, as in the tutorials.

Run: python examples/wide_and_deep.py
"""
import numpy as np
from sklearn.datasets import load_diabetes

import minitf as tf

keras = tf.keras
np.random.seed(0)
tf.random.set_seed(0)

X, y = load_diabetes(return_X_y=True)
X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
y = ((y - y.mean()) / y.std()).astype(np.float32).reshape(-1, 1)
X_wide, X_deep = X[:, :5], X[:, 2:]

input_wide = keras.Input(shape=(5,), name="wide_input")
input_deep = keras.Input(shape=(8,), name="deep_input")
hidden1 = keras.layers.Dense(30, activation="relu", name="deep_1")(input_deep)
hidden2 = keras.layers.Dense(30, activation="relu", name="deep_2")(hidden1)
concat = keras.layers.concatenate([input_wide, hidden2])
output = keras.layers.Dense(1, name="output")(concat)
aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
model = keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
model.summary()

wide_vars = [v for v in model.trainable_variables if v.path.startswith("output")]
deep_vars = [v for v in model.trainable_variables if not v.path.startswith("output")]
wide_opt = keras.optimizers.SGD(learning_rate=0.05)
deep_opt = keras.optimizers.Adam(learning_rate=0.005)
mse = keras.losses.MeanSquaredError()

for epoch in range(20):
    for start in range(0, len(X), 32):
        xw, xd, yb = X_wide[start:start + 32], X_deep[start:start + 32], y[start:start + 32]
        with tf.GradientTape() as tape:
            main, aux = model([xw, xd], training=True)
            loss = 0.9 * mse(yb, main) + 0.1 * mse(yb, aux)
        grads = tape.gradient(loss, wide_vars + deep_vars)
        wide_opt.apply_gradients(zip(grads[:len(wide_vars)], wide_vars))
        deep_opt.apply_gradients(zip(grads[len(wide_vars):], deep_vars))
    if epoch % 5 == 4:
        main, aux = model([X_wide, X_deep])
        print(f"epoch {epoch + 1:2d}: main MSE {float(mse(y, main)):.4f}, "
              f"aux MSE {float(mse(y, aux)):.4f}")

# The same model also trains with compile/fit, with a loss per output.
model.compile(optimizer="adam", loss=["mse", "mse"], loss_weights=[0.9, 0.1], metrics=[["mae"],
                                                                                    ["mae"]])
history = model.fit([X_wide, X_deep], [y, y], epochs=3, batch_size=32, verbose=0,
                    validation_split=0.2)
print("fit history keys:", sorted(history.history))
