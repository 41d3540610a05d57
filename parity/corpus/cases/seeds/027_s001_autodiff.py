"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "使用自动微分计算梯度"
Adapted: the displayed cell values are printed; the two cells that only illustrate Python's with-statement (pseudo-code and a 3-second timer) are left out.
"""
import tensorflow as tf


def f(w1, w2):
    return 3 * w1 ** 2 + 2 * w1 * w2


w1, w2 = 5, 3
eps = 1e-6
print((f(w1 + eps, w2) - f(w1, w2)) / eps)
print((f(w1, w2 + eps) - f(w1, w2)) / eps)

w1 = tf.Variable(2.)
w2 = tf.Variable(5.)


def f_(w1, w2):
    return tf.math.log(w1) + w1 * w2 - tf.math.sin(w2)


with tf.GradientTape() as tape:
    z = f_(w1, w2)
print(tape.gradient(z, [w1, w2]))
print(2 - tf.math.cos(5.))

w1, w2 = tf.Variable(5.), tf.Variable(3.)
with tf.GradientTape() as tape:
    z = f(w1, w2)
print(tape.gradient(z, [w1, w2]))

with tf.GradientTape() as tape:
    z = f(w1, w2)
dz_dw1 = tape.gradient(z, w1)
try:
    dz_dw2 = tape.gradient(z, w2)
except Exception as e:
    print(type(e).__name__)

with tf.GradientTape(persistent=True) as tape:
    z = f(w1, w2)
print(tape.gradient(z, w1), tape.gradient(z, w2))
del tape

c1, c2 = tf.constant(5.), tf.constant(3.)
with tf.GradientTape() as tape:
    z = f(c1, c2)
print(tape.gradient(z, [c1, c2]))

with tf.GradientTape() as tape:
    tape.watch(c1)
    tape.watch(c2)
    z = f(c1, c2)
print(tape.gradient(z, [c1, c2]))

with tf.GradientTape() as tape:
    z1 = f(w1, w2 + 2.)
    z2 = f(w1, w2 + 5.)
    z3 = f(w1, w2 + 7.)
print(tape.gradient([z1, z2, z3], [w1, w2]))

with tf.GradientTape() as tape:
    z1 = f(w1, w2 + 2.)
    z2 = f(w1, w2 + 5.)
    z3 = f(w1, w2 + 7.)
    z = z1 + z2 + z3
print(tape.gradient(z, [w1, w2]))

with tf.GradientTape() as tape:
    z1 = f(w1, w2 + 2.)
    z2 = f(w1, w2 + 5.)
    z3 = f(w1, w2 + 7.)
    y = tf.stack((z1, z2, z3))
print(tape.jacobian(y, [w1, w2]))


def f(w1, w2):
    return 3 * w1 ** 2 + tf.stop_gradient(2 * w1 * w2)


with tf.GradientTape() as tape:
    z = f(w1, w2)
print(tape.gradient(z, [w1, w2]))

x = tf.Variable(1e-50)
print(x)
with tf.GradientTape() as tape:
    z = tf.sqrt(x)
print(tape.gradient(z, [x]))
with tf.GradientTape() as tape:
    z = tf.sqrt(x + 1e-6)
print(tape.gradient(z, [x]))

print(tf.math.log(1.0 + tf.exp(100.0)))


@tf.custom_gradient
def my_softplus(z):
    def my_softplus_gradients(grads):
        return grads * (1 - 1 / (1 + tf.exp(z)))
    result = tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0., z)
    return result, my_softplus_gradients


x = tf.Variable([1000.])
with tf.GradientTape() as tape:
    z = my_softplus(x)
print(z, tape.gradient(z, [x]))


@tf.custom_gradient
def my_gongshi(z):
    def my_gongshis_gradients(grads):
        return grads * (1 / (2 * tf.sqrt(z) * tf.exp(z)))
    result = 1 / tf.exp(tf.sqrt(z))
    return result, my_gongshis_gradients


x = tf.Variable([4.])
with tf.GradientTape() as tape:
    z = my_gongshi(x)
print(z, tape.gradient(z, x))
