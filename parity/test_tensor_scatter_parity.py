"""tf.tensor_scatter_nd_update / _add / _sub side by side with TensorFlow: values, gradients
(eager and inside tf.function, with coordinates computed there) and bad input's errors."""
from __future__ import annotations

import numpy as np
import pytest

import minitf

OPS = ("tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub")
CASES = [                                   # (tensor shape, indices, updates shape)
    ((4,), [[1], [3]], (2,)),
    ((4,), [[1], [1]], (2,)),               # repeated: update's last wins, add sums
    ((3, 2), [[2], [0]], (2, 2)),           # slices
    ((3, 2), [[2, 1], [0, 0], [1, 1]], (3,)),
    ((2, 3, 2), [[[1, 2]], [[0, 0]]], (2, 1, 2)),
    ((2, 3), np.zeros((0, 1), np.int32), (0, 3)),      # no coordinates: a copy
]


def _run(tf, op, shape, idx, ushape, seed=0):
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal(shape))
    u = tf.constant(rng.standard_normal(ushape))
    w = tf.constant(rng.standard_normal(shape))
    with tf.GradientTape() as tape:
        tape.watch([x, u])
        y = getattr(tf, op)(x, idx, u)
        loss = tf.reduce_sum(y * y * w)
    gx, gu = tape.gradient(loss, [x, u])
    return y.numpy(), gx.numpy(), gu.numpy()


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("op", OPS)
def test_values_and_gradients_match_tf(tf_real, op, case):
    shape, idx, ushape = CASES[case]
    for a, b in zip(_run(tf_real, op, shape, idx, ushape), _run(minitf, op, shape, idx, ushape)):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-14)     # float64: the same sums


@pytest.mark.parametrize("op", OPS)
def test_inside_tf_function_with_computed_coordinates(tf_real, op):
    def make(tf):
        @tf.function
        def f(x, i, u):
            with tf.GradientTape() as tape:
                tape.watch([x, u])
                y = getattr(tf, op)(x, tf.reshape(i, [-1, 1]), u)
                loss = tf.reduce_sum(y * y)
            return [y] + tape.gradient(loss, [x, u])
        return f
    f_tf, f_mt = make(tf_real), make(minitf)
    for i in ([1, 3], [0, 0], [2, 1]):
        args = (np.arange(4.0), np.array(i, np.int32), np.array([5.0, -6.0]))
        want = f_tf(*[tf_real.constant(a) for a in args])
        got = f_mt(*[minitf.constant(a) for a in args])
        for a, b in zip(want, got):
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-12)


BAD = {
    "out of range": lambda tf, op: getattr(tf, op)(tf.ones(3), [[5]], [1.0]),
    "negative": lambda tf, op: getattr(tf, op)(tf.ones(3), [[-1]], [1.0]),
    "out of range 2-d": lambda tf, op: getattr(tf, op)(tf.ones((3, 2)), [[1, 5]], [1.0]),
    "0-d indices": lambda tf, op: getattr(tf, op)(tf.ones(3), tf.constant(0), 1.0),
    "too many updates": lambda tf, op: getattr(tf, op)(tf.ones(3), [[0]], [1.0, 2.0]),
    "indices too deep": lambda tf, op: getattr(tf, op)(tf.ones(3), [[0, 1]], [1.0]),
    "updates reshaped": lambda tf, op: getattr(tf, op)(tf.ones((2, 2)), [[0]], [1.0, 2.0]),
    "updates of another dtype": lambda tf, op: getattr(tf, op)(
        tf.ones(3), [[0]], tf.constant([1], tf.int32)),
    "coordinates of length 0": lambda tf, op: getattr(tf, op)(
        tf.ones((2, 3)), tf.zeros((1, 0), tf.int32), tf.ones((1, 2, 3))),
    "empty output": lambda tf, op: getattr(tf, op)(tf.ones((0, 3)), [[0]], tf.ones((1, 3))),
}


@pytest.mark.parametrize("case", sorted(BAD))
@pytest.mark.parametrize("op", OPS)
def test_bad_input_gets_tfs_error(tf_real, op, case):
    with pytest.raises(tf_real.errors.InvalidArgumentError) as want:
        BAD[case](tf_real, op)
    with pytest.raises(minitf.errors.InvalidArgumentError) as got:
        BAD[case](minitf, op)
    tf_message = str(want.value).split("}} ")[-1].split(" [Op:")[0]
    assert tf_message in str(got.value)
