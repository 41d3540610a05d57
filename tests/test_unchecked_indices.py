"""What gather_nd, scatter_nd, the segment ops and Variable.scatter_add do with indices that
cannot be checked on the host (on the GPU, where TF's kernels skip the check too): TF's
documented GPU behaviour, an out-of-range gather index reads 0 and an out-of-range scatter index
or segment id is ignored. The host check is switched off here so that the CPU runs the same
path (on the GPU backend it is off anyway)."""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import _backend as B


@pytest.fixture
def unchecked(monkeypatch):
    monkeypatch.setattr(B, "checkable", lambda a: False)


def test_gather_nd_reads_zero_and_its_gradient_skips_the_row(unchecked):
    x = tf.Variable([[1., 2.], [3., 4.]])
    with tf.GradientTape() as tape:
        y = tf.gather_nd(x, [[2, 0], [1, 1], [0, -1], [0, 1]])
        loss = tf.reduce_sum(y * tf.constant([1., 10., 100., 1000.]))
    assert y.numpy().tolist() == [0., 4., 0., 2.]
    assert tape.gradient(loss, x).numpy().tolist() == [[0., 1000.], [0., 10.]]


def test_scatter_nd_ignores_the_row_and_its_gradient_is_zero_there(unchecked):
    u = tf.constant([9., 7., 3.])
    with tf.GradientTape() as tape:
        tape.watch(u)
        y = tf.scatter_nd([[5], [1], [-2]], u, [3])
        loss = tf.reduce_sum(y * tf.constant([1., 2., 3.]))
    assert y.numpy().tolist() == [0., 7., 0.]
    assert tape.gradient(loss, u).numpy().tolist() == [0., 2., 0.]


def test_segment_ids_out_of_range_are_ignored(unchecked):
    d = tf.constant([1., 2., 3.])
    ids = tf.constant([2, 5, 2])
    assert tf.math.unsorted_segment_sum(d, ids, 4).numpy().tolist() == [0., 0., 4., 0.]
    assert tf.math.unsorted_segment_prod(d, ids, 3).numpy().tolist() == [1., 1., 3.]
    assert tf.math.unsorted_segment_max(d, ids, 3).numpy()[2] == 3.
    np.testing.assert_array_equal(tf.math.unsorted_segment_mean(d, ids, 3).numpy(), [0, 0, 2])


def test_variable_scatter_add_ignores_the_row(unchecked):
    v = tf.Variable([[1., 2.], [3., 4.]])
    v.scatter_add(tf.IndexedSlices(tf.constant([[1., 1.], [5., 5.]]), tf.constant([3, 1])))
    assert v.numpy().tolist() == [[1., 2.], [8., 9.]]


def test_traced_indices_gather_and_scatter_inside_tf_function():
    """Indices traced by tf.function cannot be checked either (their values do not exist while
    tracing): the replay follows the same rule, and in-range indices give the eager values."""
    p = tf.constant([[1., 2.], [3., 4.]])
    f = tf.function(lambda i: tf.gather_nd(p, i))
    assert f(tf.constant([[1, 0], [0, 1]])).numpy().tolist() == [3., 2.]
    assert f(tf.constant([[2, 0], [1, 1]])).numpy().tolist() == [0., 4.]
    g = tf.function(lambda i, u: tf.scatter_nd(i, u, [3]))
    assert g(tf.constant([[5], [1]]), tf.constant([9., 7.])).numpy().tolist() == [0., 7., 0.]
    assert f.experimental_get_tracing_count() == 1
