"""The names of the classes TF hands out (``type(x).__name__``), compared with TensorFlow."""
import minitf


def _names(tf):
    v = tf.Variable(1.0)
    t = tf.constant([1.0])
    return [type(v).__name__, isinstance(v, tf.Variable), tf.Variable.__name__,
            type(t).__name__, type(t + 1.0).__name__, type(v + 1.0).__name__,
            type(v.read_value()).__name__, isinstance(t, tf.Tensor), tf.Tensor.__name__]


def test_class_names_match_tensorflow(tf_real):
    assert _names(minitf) == _names(tf_real)
