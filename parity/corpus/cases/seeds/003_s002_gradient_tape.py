"""Source: ../shared/seeds/002_63faa5af172a0a21.txt, cell/section "数据表示与运算" (自动微分)
Adapted: the note's snippet stops at the gradient; the case prints it, and runs the persistent-tape
and nested-tape (higher-order derivative) points the note lists next, on the same fixed data.
"""
import tensorflow as tf

x = tf.ones((2, 2))
with tf.GradientTape() as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)
# Derivative of z with respect to the original input tensor x
dz_dx = t.gradient(z, x)
print(dz_dx)

with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)
print(t.gradient(z, y), t.gradient(z, x).numpy())
del t

v = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = v * v * v
    dy_dv = t1.gradient(y, v)
d2y_dv2 = t2.gradient(dy_dv, v)
print(dy_dv.numpy(), d2y_dv2.numpy())
