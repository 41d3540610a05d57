"""A custom training loop written with tensors, a tape and assign_sub: linear regression from
fixed data, printing the loss as it falls.

Run: python examples/custom_loop_basic.py
"""
import minitf as tf

x = tf.linspace(-1.0, 1.0, 20)
y = 3.0 * x + 2.0 + 0.1 * tf.sin(7.0 * x)     # fixed "noise", so every run prints the same

w = tf.Variable(0.0, name="w")
b = tf.Variable(0.0, name="b")
learning_rate = 0.2
for epoch in range(40):
    with tf.GradientTape() as tape:
        y_pred = w * x + b
        loss = tf.reduce_mean(tf.square(y - y_pred))
    dw, db = tape.gradient(loss, [w, b])
    w.assign_sub(learning_rate * dw)
    b.assign_sub(learning_rate * db)
    if epoch % 10 == 0 or epoch == 39:
        print(f"epoch {epoch:2d}: loss {loss:.6f}  w {w.numpy():.6f}  b {b.numpy():.6f}")
