"""stop_gradient and custom gradients: the numerically stable softplus.

Run: python examples/custom_gradients.py
"""
import minitf as tf


def naive_softplus(z):
    return tf.math.log(tf.exp(z) + 1.0)


@tf.custom_gradient
def my_softplus(z):
    def grad(upstream):
        return upstream * (1 - 1 / (1 + tf.exp(z)))
    return tf.math.log1p(tf.exp(-tf.abs(z))) + tf.maximum(0.0, z), grad


for f in (naive_softplus, my_softplus, tf.nn.softplus):
    x = tf.Variable([1000.0, 1.0, 0.0, -30.0])
    with tf.GradientTape() as tape:
        y = f(x)
    print(f"{f.__name__:>15}: value {y.numpy()}  gradient {tape.gradient(y, x).numpy()}")

# stop_gradient cuts the tape: d/dx [x · stop_gradient(x²)] = x² (not 3x²).
x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = x * tf.stop_gradient(x * x)
print("with stop_gradient:", tape.gradient(y, x).numpy())
