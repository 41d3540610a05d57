"""Higher-order derivatives, jacobians and batch jacobians with nested tapes.

Run: python examples/higher_order_and_jacobians.py
"""
import minitf as tf


def f(w1, w2):
    return 3 * w1 ** 2 + 2 * w1 * w2


w1, w2 = tf.Variable(5.), tf.Variable(3.)
with tf.GradientTape() as tape:
    z = f(w1, w2)
print("gradients:", tape.gradient(z, [w1, w2]))

with tf.GradientTape(persistent=True) as hessian_tape:
    with tf.GradientTape() as jacobian_tape:
        z = f(w1, w2)
    jacobians = jacobian_tape.gradient(z, [w1, w2])
hessians = [hessian_tape.gradient(jacobian, [w1, w2]) for jacobian in jacobians]
del hessian_tape
print("hessians:", hessians)

x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
with tf.GradientTape(persistent=True) as outer:
    with tf.GradientTape() as inner:
        g = (x1 + 5) * x2 ** 2
    d = inner.gradient(g, [x1, x2])
print("second derivatives:", [outer.gradient(di, [x1, x2]) for di in d])

x = tf.Variable(1.0)
with tf.GradientTape() as t3:
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x ** 4
        dy = t1.gradient(y, x)
    d2y = t2.gradient(dy, x)
print("x**4 at 1:", dy.numpy(), d2y.numpy(), t3.gradient(d2y, x).numpy())

x = tf.linspace(-2.0, 2.0, 5)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.sigmoid(x)
print("jacobian of sigmoid:")
print(tape.jacobian(y, x))

w = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
b = tf.constant([[0.5, -1.0, 2.0]])
with tf.GradientTape() as tape:
    tape.watch(b)
    y = tf.tanh(tf.matmul(b, w))
print("jacobian shape:", tape.jacobian(y, b).shape)

xb = tf.constant([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
with tf.GradientTape() as tape:
    tape.watch(xb)
    yb = tf.nn.relu(tf.matmul(xb, w))
print("batch jacobian:")
print(tape.batch_jacobian(yb, xb))
