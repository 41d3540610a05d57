"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "AutoGraph和跟踪"
Adapted: the eager and graph results are printed; the converted source that tf.autograph.to_code returns is TF's own generated code, so the case prints only that it is Python source defining the converted function.
"""
import tensorflow as tf


def sum_even_linear_eager(x, n):
    s = tf.constant(0., dtype=tf.float32)
    for i in range(n):
        if i % 2 == 0:
            s = s + float(i) * x
    return s


@tf.function
def sum_even_linear_graph(x, n):
    s = tf.constant(0., dtype=tf.float32)
    for i in tf.range(n):
        if (i % 2) == 0:
            s = s + tf.cast(i, tf.float32) * x
    return s


x = tf.constant(3.0)
n = tf.constant(10)
print(sum_even_linear_eager(x, int(n.numpy())))
print(sum_even_linear_graph(x, n))
converted_src = tf.autograph.to_code(sum_even_linear_graph.python_function)
print(type(converted_src).__name__, converted_src.lstrip().startswith("def "))
