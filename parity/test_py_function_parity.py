"""tf.py_function against TensorFlow: values and dtypes eagerly and inside tf.function (the
Python body runs on every call), the list form of Tout, and the error type of a result whose
dtype is not Tout."""
import minitf


def _program(tf):
    out = []
    calls = []
    r = tf.py_function(lambda x, y: x * y, [2.0, 3.5], Tout=tf.float32)
    out.append((r.dtype.name, float(r)))
    a, b = tf.py_function(lambda x: (x + 1, x * 2), [tf.constant([1, 2])],
                          Tout=[tf.int32, tf.int32])
    out.append((a.numpy().tolist(), b.numpy().tolist()))

    @tf.py_function(Tout=tf.float32)
    def plus(x, y):
        calls.append(float(x))
        return x + y

    @tf.function
    def f(x, y):
        return plus(x, y) * 2.0

    out.append([float(f(tf.constant(v), tf.constant(1.0))) for v in (1.0, 2.0, 3.0)])
    out.append(calls)
    try:
        tf.py_function(lambda x: x, [1.0], Tout=tf.int32)
    except Exception as e:  # noqa: BLE001 - the type is compared
        out.append(type(e).__name__)
    return out


def test_py_function_matches_tf(tf_real):
    assert _program(minitf) == _program(tf_real)
