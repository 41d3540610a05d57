"""The concrete classes TF hands out: ``tf.Variable(...)`` is a ResourceVariable and an op's
result an EagerTensor, while ``tf.Variable`` / ``tf.Tensor`` stay the classes to test against."""
import copy

import minitf as tf
from minitf.keras.variables import KerasVariable


def test_variable_is_a_resource_variable():
    v = tf.Variable(2.0)
    assert type(v).__name__ == "ResourceVariable"
    assert isinstance(v, tf.Variable)
    assert tf.Variable.__name__ == "Variable"      # the class itself keeps TF's public name


def test_resource_variable_behaves_as_variable():
    v = tf.Variable([1.0, 2.0], name="w")
    v.assign_add([1.0, 1.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    assert tape.gradient(y, v).numpy().tolist() == [4.0, 6.0]
    assert repr(v).startswith("<tf.Variable 'w:0' shape=(2,) dtype=float32")
    w = copy.deepcopy(v)
    assert type(w).__name__ == "ResourceVariable" and w.numpy().tolist() == [2.0, 3.0]


def test_subclasses_keep_their_own_class():
    k = KerasVariable(1.0, name="kernel", path="dense/kernel")
    assert type(k) is KerasVariable and isinstance(k, tf.Variable)


def test_tensors_are_eager_tensors():
    t = tf.constant(1.0)
    for x in (t, t + 1.0, tf.Variable(1.0) + 0.0, tf.Variable(1.0).read_value(),
              tf.convert_to_tensor([1, 2])):
        assert type(x).__name__ == "EagerTensor", type(x)
        assert isinstance(x, tf.Tensor)
    assert tf.Tensor.__name__ == "Tensor"


def test_replaced_variable_has_no_gradient():
    # The autodiff guide's mistake: rebinding the Variable's name to a Tensor loses the watch.
    x = tf.Variable(2.0)
    seen = []
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        seen.append((type(x).__name__, tape.gradient(y, x)))
        x = x + 1
    assert seen[0][0] == "ResourceVariable" and float(seen[0][1]) == 1.0
    assert seen[1] == ("EagerTensor", None)
