"""Keras's default mean squared error as one recorded op (the eager fast path of
``keras.losses.MeanSquaredError``).

Keras 3 computes the loss as five ops: ``d = y_true - y_pred``, ``square(d)``, the mean over
the last axis (one loss per sample), the sum of those, and the division by their number
(``"sum_over_batch_size"``). ``mean_squared_error_over_batch`` does the same NumPy arithmetic
in the same order, so the value is bit-identical, but records one op whose joint VJP is the
product of the five ops' gradients: ``g / n`` (RealDiv), spread over the samples (Sum), ``/ k``
for the k values each sample averages (Mean), ``· 2d`` (Square), and the sign of the
subtraction. The tape then keeps one record and one array (``d``) instead of five, and the
backward pass makes two arrays instead of about ten tensors.

>>> import minitf as tf
>>> from minitf.ops.loss_ops import mean_squared_error_over_batch
>>> y_true = tf.constant([[0., 2.], [1., 1.]])
>>> y_pred = tf.constant([[1., 0.], [2., 3.]])
>>> with tf.GradientTape() as tape:
...     tape.watch(y_pred)
...     loss = mean_squared_error_over_batch(y_true, y_pred)
>>> float(loss)            # ((1 + 4) / 2 + (1 + 4) / 2) / 2
2.5
>>> tape.gradient(loss, y_pred).numpy().tolist()    # 2 (y_pred - y_true) / (2 · 2)
[[0.5, -1.0], [0.5, 1.0]]
"""
from __future__ import annotations

import numpy as np

from . import array_ops as A
from . import math_ops as M
from ._registry import TAPES, Tensor, _make, record


def mean_squared_error_over_batch(y_true: Tensor, y_pred: Tensor) -> Tensor:
    """``reduce_sum(reduce_mean(square(y_true - y_pred), -1)) / samples`` as one op.

    The caller guarantees what Keras's general path would otherwise check or convert: two
    eager tensors of one floating dtype and one shape of rank 2 or more, with at least one
    element, on one device (``MeanSquaredError.__call__`` tests exactly this)."""
    tv, pv = y_true._value, y_pred._value
    dt = y_pred._dtype
    npdt = dt._np
    d = np.subtract(tv, pv)
    sq = np.square(d)
    axis = (d.ndim - 1,)
    if type(sq) is np.ndarray:
        # Host arrays: what np.mean and np.sum run for an ndarray, without their Python
        # dispatch layers (np.mean adds with the reduction, then divides in place by the
        # count as an intp, casting back to the dtype; np.sum is the reduction).
        per_sample = np.add.reduce(sq, axis=axis, dtype=npdt)
        np.true_divide(per_sample, np.intp(d.shape[-1]), out=per_sample, casting="unsafe")
        total = np.add.reduce(per_sample, axis=None, dtype=npdt)
    else:
        per_sample = np.mean(sq, axis=axis, dtype=npdt)        # reduce_mean's NumPy call
        total = np.sum(per_sample, axis=None, dtype=npdt)      # reduce_sum's
    samples = per_sample.size
    loss = _make(np.true_divide(total, npdt.type(samples)), dt)     # RealDiv's
    if TAPES.recording:
        k = d.shape[-1]      # the values each sample's mean averages

        def vjp(g, needed):
            if not TAPES.recording:
                # Nothing records this backward pass: the five gradients as NumPy on the
                # upstream scalar, in the ops' order (broadcasting a scalar changes no value,
                # so it is done once, by the last product).
                s = np.true_divide(np.true_divide(g._value, npdt.type(samples)), npdt.type(k))
                gd = np.multiply(s, np.multiply(npdt.type(2), d))
                return (_make(gd, dt) if needed[0] else None,
                        _make(np.negative(gd), dt) if needed[1] else None)
            # A tape records the backward pass (a higher derivative): the same steps as ops,
            # with d recomputed as an op so that its dependence on the inputs is recorded.
            dd = M.subtract(y_true, y_pred)
            gs = M.realdiv(g, _make(np.asarray(samples, npdt), dt))
            gs = A.broadcast_to(A.reshape(gs, (1,) * dd._value.ndim), dd._value.shape)
            gd = M.multiply(M.realdiv(gs, _make(np.asarray(k, npdt), dt)),
                            M.multiply(_make(np.asarray(2, npdt), dt), dd))
            return (gd if needed[0] else None, M.negative(gd) if needed[1] else None)
        record("MeanSquaredError", (y_true, y_pred), loss, joint=vjp,
               steps=("Sub", "Square", "Mean", "Sum", "RealDiv"))      # (for explain)
    return loss
