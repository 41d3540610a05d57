"""tf.tensor_scatter_nd_update / _add / _sub: values, gradients, errors, and inside tf.function.

Expected values are TensorFlow 2.21's (run on its CPU kernels, copied here as literals) or
follow from the definition; parity/test_tensor_scatter_parity.py runs the same against TF.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf.errors import InvalidArgumentError
from tests.test_backends import backend  # noqa: F401  (fixture)


def test_update_writes_elements_and_slices():
    got = tf.tensor_scatter_nd_update([1., 2., 3., 4.], [[1], [3]], [10., 20.])
    assert got.numpy().tolist() == [1., 10., 3., 20.]
    m = tf.reshape(tf.range(6.), (3, 2))
    got = tf.tensor_scatter_nd_update(m, [[2], [0]], [[7., 8.], [9., 10.]])
    assert got.numpy().tolist() == [[9., 10.], [2., 3.], [7., 8.]]       # TF's result


def test_repeated_coordinates_last_update_wins_add_sums():
    with tf.device("/CPU:0"):   # TF's CPU kernel: the last wins (its GPU kernel: either)
        got = tf.tensor_scatter_nd_update(tf.ones(4), [[1], [1]], [5., 7.])
    assert got.numpy().tolist() == [1., 7., 1., 1.]
    assert tf.tensor_scatter_nd_update(tf.ones(4), [[1], [1]], [5., 7.]).numpy()[1] in (5., 7.)
    assert tf.tensor_scatter_nd_add([1., 2., 3.], [[1], [1]], [10., 20.]).numpy().tolist() == \
        [1., 32., 3.]
    assert tf.tensor_scatter_nd_sub([1., 2., 3.], [[0]], [10.]).numpy().tolist() == [-9., 2., 3.]


def test_gradients_are_tfs():
    x, u = tf.constant([1., 2., 3., 4.]), tf.constant([10., 20.])
    w = tf.constant([1., 2., 3., 4.])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        y = tf.tensor_scatter_nd_update(x, [[1], [3]], u) * w
        z = tf.tensor_scatter_nd_add(x, [[1], [1]], u) * w
        s = tf.tensor_scatter_nd_sub(x, [[2], [0]], u) * w
    # TF 2.21's gradients, as literals
    assert [g.numpy().tolist() for g in tape.gradient(y, [x, u])] == [[1., 0., 3., 0.], [2., 4.]]
    assert [g.numpy().tolist() for g in tape.gradient(z, [x, u])] == [[1., 2., 3., 4.], [2., 2.]]
    assert [g.numpy().tolist() for g in tape.gradient(s, [x, u])] == \
        [[1., 2., 3., 4.], [-3., -1.]]


def test_update_gradient_matches_central_differences_in_float64():
    rng = np.random.default_rng(0)
    x0, u0 = rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    idx, w = [[2], [0]], rng.standard_normal((3, 2))

    def f(x, u):
        return tf.reduce_sum(tf.tensor_scatter_nd_update(x, idx, u) ** 2 * w)
    x, u = tf.constant(x0), tf.constant(u0)
    with tf.GradientTape() as tape:
        tape.watch([x, u])
        loss = f(x, u)
    gx, gu = tape.gradient(loss, [x, u])
    for arr, g, which in ((x0, gx, 0), (u0, gu, 1)):
        fd = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            e = np.zeros_like(arr)
            e[i] = 1e-6
            args = [tf.constant(x0), tf.constant(u0)]
            args[which] = tf.constant(arr + e)
            hi = float(f(*args))
            args[which] = tf.constant(arr - e)
            fd[i] = (hi - float(f(*args))) / 2e-6
        np.testing.assert_allclose(g.numpy(), fd, rtol=1e-7, atol=1e-8)   # quadratic: O(h²)


def test_inside_tf_function_with_traced_coordinates(backend):  # noqa: F811
    @tf.function
    def f(t, i):
        return tf.tensor_scatter_nd_update(t, tf.reshape(i, [-1, 1]), [5., 6.])
    assert f(tf.zeros([4]), tf.constant([1, 3])).numpy().tolist() == [0., 5., 0., 6.]
    assert f(tf.zeros([4]), tf.constant([0, 2])).numpy().tolist() == [5., 0., 6., 0.]
    assert f.experimental_get_tracing_count() == 1

    @tf.function
    def g(x, i):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.tensor_scatter_nd_add(x, tf.reshape(i, [-1, 1]), [1., 1.]) * x)
        return tape.gradient(y, x)
    # d/dx sum((x + s) * x) = 2x + s, s the scattered ones
    assert g(tf.constant([1., 2., 3.]), tf.constant([0, 0])).numpy().tolist() == [4., 4., 6.]


@pytest.mark.parametrize("call, message", [
    (lambda: tf.tensor_scatter_nd_update(tf.ones(3), [[5]], [1.]),
     "indices[0] = [5] does not index into shape [3]"),
    (lambda: tf.tensor_scatter_nd_update(tf.ones((3, 2)), [[1, 5]], [1.]),
     "indices[0] = [1, 5] does not index into shape [3,2]"),
    (lambda: tf.tensor_scatter_nd_update(tf.ones(3), [[-1]], [1.]),
     "indices[0] = [-1] does not index into shape [3]"),
    (lambda: tf.tensor_scatter_nd_sub(tf.ones(3), tf.constant(0), 1.),
     "Indices shape must have rank at least one. Found:[]"),
    (lambda: tf.tensor_scatter_nd_add(tf.ones(3), [[0]], [1., 2.]),
     "Outer dimensions of indices and update must match. Indices shape: [1,1], "
     "updates shape:[2]"),
    (lambda: tf.tensor_scatter_nd_add(tf.ones(3), [[0, 1]], [1.]),
     "Inner dimensions of output shape must match inner dimensions of updates shape. "
     "Output: [3] updates: [1]"),
    (lambda: tf.tensor_scatter_nd_update(tf.ones((2, 2)), [[0]], [1., 2.]),
     "Outer dimensions of indices and update must match. Indices shape: [1,1], "
     "updates shape:[2]"),
    (lambda: tf.tensor_scatter_nd_update(tf.ones(3), [[0]], tf.constant([1], tf.int32)),
     "cannot compute TensorScatterUpdate as input #2(zero-based) was expected to be a float "
     "tensor but is a int32 tensor"),
    (lambda: tf.tensor_scatter_nd_update(tf.ones((2, 3)), tf.zeros((1, 0), tf.int32),
                                         tf.ones((1, 2, 3))),
     "Indices and updates specified for empty output shape"),
])
def test_bad_input_is_tfs_error(call, message):       # TF 2.21's messages
    with tf.device("/CPU:0"):  # (coordinates are checked on the host, as by TF's CPU kernel)
        with pytest.raises(InvalidArgumentError) as e:
            call()
    assert message in str(e.value)


def test_coordinates_outside_are_ignored_where_they_cannot_be_checked(backend):  # noqa: F811
    # TF's GPU kernel ignores them; so does minitf for GPU or traced coordinates
    @tf.function
    def f(t, i):
        return tf.tensor_scatter_nd_update(t, tf.reshape(i, [-1, 1]), [5., 6.])
    assert f(tf.zeros([4]), tf.constant([7, 2])).numpy().tolist() == [0., 0., 6., 0.]
    assert f(tf.zeros([4]), tf.constant([-1, 0])).numpy().tolist() == [6., 0., 0., 0.]


def test_the_input_is_not_mutated():
    x = tf.constant([1., 2., 3.])
    tf.tensor_scatter_nd_update(x, [[0]], [9.])
    assert x.numpy().tolist() == [1., 2., 3.]
