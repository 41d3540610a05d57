"""GradientTape basics, as in TensorFlow's "Introduction to gradients" guide, with minitf.

Run: python examples/gradienttape_basics.py
"""
import minitf as tf

# A scalar: dy/dx of x² at 3 is 6.
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x ** 2
print("dy/dx =", tape.gradient(y, x).numpy())

# Several sources at once, in the structure they were given.
w = tf.Variable([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x = [[1.0, 2.0, 3.0]]
with tf.GradientTape(persistent=True) as tape:
    y = x @ w + b
    loss = tf.reduce_mean(y ** 2)
grads = tape.gradient(loss, {"w": w, "b": b})
print("dl/dw shape:", grads["w"].shape, " dl/db:", grads["b"].numpy())

# Constants must be watched; non-trainable Variables are not watched automatically.
x0 = tf.Variable(3.0, name="x0")
x1 = tf.Variable(3.0, name="x1", trainable=False)
x2 = tf.Variable(2.0, name="x2") + 1.0   # a Variable plus a tensor is a Tensor
x3 = tf.constant(3.0, name="x3")
with tf.GradientTape() as tape:
    y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
print("gradients:", [None if g is None else g.numpy() for g in tape.gradient(y, [x0, x1, x2, x3])])
print("watched:", [v.name for v in tape.watched_variables()])

# A list target is differentiated as the sum of its items.
x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y0, y1 = x ** 2, 1 / x
print("d(y0 + y1)/dx =", tape.gradient([y0, y1], x).numpy())

# Second derivatives with nested tapes.
x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
print("dy/dx =", dy_dx.numpy(), " d2y/dx2 =", t2.gradient(dy_dx, x).numpy())

# Gradient descent on f(x) = 3x² + 2x - 1 finds its minimum at -1/3.
x = tf.Variable(0.0)
for _ in range(100):
    with tf.GradientTape() as tape:
        f = 3 * x ** 2 + 2 * x - 1
    x.assign_sub(0.05 * tape.gradient(f, x))
print("argmin ≈", round(float(x), 6))
