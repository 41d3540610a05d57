"""Variables: assignment, slices, errors, and their interplay with tapes."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


def test_assign_family():
    v = tf.Variable([1.0, 2.0])
    # TF returns the variable seen again (an _UnreadVariable), not the Variable object itself.
    u = v.assign([3.0, 4.0])
    assert u is not v and u.name == "UnreadVariable" and v.numpy().tolist() == [3.0, 4.0]
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    assert v.numpy().tolist() == [3.5, 4.5]
    v.assign(np.float64(2.0) * np.ones(2))
    assert v.dtype == tf.float32


def test_assign_errors():
    v = tf.Variable(1.0)
    with pytest.raises(ValueError, match="requested dtype float32"):
        v.assign(tf.constant(1.0, tf.float64))
    with pytest.raises(ValueError, match="requested dtype float32"):
        v.assign_add(tf.constant(1))
    with pytest.raises(ValueError, match="Shape mismatch"):
        v.assign([1.0, 2.0])
    with pytest.raises((TypeError, AttributeError)):
        tf.Variable([1.0])[0] = 1.0


def test_slice_assign_and_scatter():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    v[0, 1].assign(42)
    v[1].assign([7.0, 8.0])
    assert v.numpy().tolist() == [[1.0, 42.0], [7.0, 8.0]]
    v.scatter_nd_update([[0, 0], [1, 1]], [10.0, 20.0])
    assert v.numpy().tolist() == [[10.0, 42.0], [7.0, 20.0]]


def test_earlier_reads_keep_their_value():
    v = tf.Variable(1.0)
    r = v.read_value()
    v.assign(5.0)
    assert float(r) == 1.0 and float(v.value()) == 5.0


def test_gradient_uses_value_at_read_time():
    v = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = v * v
    v.assign(100.0)
    assert float(t.gradient(y, v)) == 6.0


def test_properties():
    v = tf.Variable(np.zeros((2, 3)), name="w", trainable=False)
    assert v.name == "w:0" and v.shape == (2, 3) and v.dtype == tf.float64
    assert not v.trainable and tf.Variable(1.0).name == "Variable:0"
    assert tf.Variable(lambda: tf.ones(2)).numpy().tolist() == [1.0, 1.0]
    assert not isinstance(v, tf.Tensor) and tf.is_tensor(v)


def test_gradient_descent_to_minimum_with_assign_sub():
    # f(x) = 3x² + 2x - 1 has its minimum at x = -1/3.
    x = tf.Variable(0.0)
    for _ in range(200):
        with tf.GradientTape() as t:
            y = 3 * x ** 2 + 2 * x - 1
        x.assign_sub(0.05 * t.gradient(y, x))
    assert float(x) == pytest.approx(-1 / 3, abs=1e-6)


def test_shape_mismatch_errors_are_tensorflows():
    # Found by the conformance corpus (tf_variable/005). TF: assign checks the shape in Python
    # (ValueError, with this exact text); assign_add/assign_sub in the kernel (op error).
    v = tf.Variable([2.0, 3.0])
    with pytest.raises(ValueError) as e:
        v.assign([1.0, 2.0, 3.0])
    assert str(e.value) == ("Cannot assign value to variable ' Variable:0': Shape mismatch.The "
                            "variable shape (2,), and the assigned value shape (3,) are "
                            "incompatible.")
    for method, op in ((v.assign_add, "AssignAddVariableOp"),
                       (v.assign_sub, "AssignSubVariableOp")):
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            method([[1.0], [2.0]])
        assert str(e.value) == ("Cannot update variable with shape [2] using a Tensor with shape "
                                f"[2,1], shapes must be equal. [Op:{op}] name: ")
    assert v.numpy().tolist() == [2.0, 3.0]     # a failed update leaves the value as it was


# ---- what the update methods return: TF's _UnreadVariable ------------------------------------
def test_update_methods_return_an_unread_view_of_the_variable():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    results = [v.assign(tf.ones((2, 2))), v.assign_add(tf.ones((2, 2))),
               v.assign_sub(tf.ones((2, 2))), v[0, 1].assign(5.0), v[1].assign([6.0, 7.0]),
               v.scatter_nd_update([[0, 0]], [8.0]),
               v.scatter_update(tf.IndexedSlices(tf.constant([[1.0, 1.0]]), tf.constant([0]))),
               v.scatter_add(tf.IndexedSlices(tf.constant([[1.0, 1.0]]), tf.constant([0]))),
               v.scatter_sub(tf.IndexedSlices(tf.constant([[1.0, 1.0]]), tf.constant([0])))]
    for u in results:
        assert isinstance(u, tf.Variable) and u is not v
        assert u.name == "UnreadVariable" and u.dtype == tf.float32 and u.shape == (2, 2)
        # Every view reads the variable's value now, not the one its update left.
        assert u.numpy().tolist() == [[1.0, 1.0], [6.0, 7.0]]
    assert repr(results[0]) == ("<tf.Variable 'UnreadVariable' shape=(2, 2) dtype=float32, "
                                "numpy=\narray([[1., 1.],\n       [6., 7.]], dtype=float32)>")
    assert str(results[0]) == repr(results[0])


def test_unread_view_follows_later_assignments_and_updates_the_variable():
    v = tf.Variable([1.0, 2.0])
    u = v.assign([3.0, 4.0])
    v.assign([5.0, 6.0])
    assert u.numpy().tolist() == [5.0, 6.0]
    assert (u + 1.0).numpy().tolist() == [6.0, 7.0]
    w = u.assign_add([1.0, 1.0])          # updating the view updates the variable
    assert v.numpy().tolist() == [6.0, 7.0] and w.name == "UnreadVariable"
    assert u.read_value().numpy().tolist() == [6.0, 7.0]
    assert tf.convert_to_tensor(u).numpy().tolist() == [6.0, 7.0]
    assert u.trainable and u.ref() != v.ref()
    with pytest.raises(TypeError, match="unhashable"):
        hash(u)


def test_read_value_false_returns_none():
    v = tf.Variable([1.0, 2.0])
    assert v.assign([0.0, 0.0], read_value=False) is None
    assert v.assign_add([1.0, 1.0], read_value=False) is None
    assert v.assign_sub([2.0, 2.0], read_value=False) is None
    assert v[0].assign(9.0, read_value=False) is None
    assert v.numpy().tolist() == [9.0, -1.0]


def test_gradient_through_the_unread_view_reaches_the_variable():
    # d/dv sum(3 * v) = 3 and d/dv sum(v * v) = 2 v at the assigned value 2: the view's reads
    # are reads of v (the assignment itself is not differentiable, as in TF).
    v = tf.Variable([1.0, 1.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v.assign([2.0, 2.0]) * 3.0)
    assert tape.gradient(y, v).numpy().tolist() == [3.0, 3.0]
    with tf.GradientTape() as tape:
        u = v.assign([2.0, 2.0])
        y = tf.reduce_sum(u * u)
    assert tape.gradient(y, v).numpy().tolist() == [4.0, 4.0]
    assert [x is v for x in tape.watched_variables()] == [True]


def test_inside_tf_function_an_assign_still_returns_the_updated_value():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        return v.assign_add(2.0) * 10.0

    assert float(f()) == 30.0 and float(f()) == 50.0 and float(v) == 5.0
