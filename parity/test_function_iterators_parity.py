"""Iterators passed to a tf.function, against TensorFlow: a tf.data iterator gives the next
element on every call (then OutOfRangeError), a Python iterator the value it gave while
tracing; structured elements keep their components together."""
import minitf


def _run(tf):
    @tf.function
    def take(it):
        return next(it)

    out = {}
    it = iter(tf.data.Dataset.from_tensor_slices(([1, 2, 3], [[0.5], [1.5], [2.5]])))
    out["dataset"] = [tuple(t.numpy().tolist() for t in take(it)) for _ in range(3)]
    try:
        take(it)
        out["end"] = None
    except Exception as e:  # noqa: BLE001 - its type is what is compared
        out["end"] = type(e).__name__

    @tf.function
    def take_python(it):
        return tf.constant(next(it))

    py = iter([10, 20, 30])
    out["python"] = [int(take_python(py)) for _ in range(3)]
    out["python_left"] = list(py)
    return out


def test_iterators_inside_tf_function_match_tf(tf_real):
    assert _run(minitf) == _run(tf_real)
