"""Regression metrics: MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
RootMeanSquaredError, CosineSimilarity, LogCoshError (Keras 3's ``regression_metrics``).

Each is a running (weighted) mean of a per-sample value; RootMeanSquaredError is the square
root of the running mean of squared errors (not the mean of per-batch roots).

>>> import minitf as tf
>>> m = tf.keras.metrics.RootMeanSquaredError()
>>> m.update_state([[0.0], [0.0]], [[3.0], [4.0]])
>>> round(float(m.result()), 4)      # sqrt((9 + 16) / 2)
3.5355
"""
from __future__ import annotations

from ..ops import math_ops as M
from . import losses as L
from .losses import _tensor, squeeze_or_expand_to_same_rank
from .metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample cosine similarity ``sum(l2n(y_true) * l2n(y_pred), axis)`` (positive; the
    loss of the same name is its negative).

    Keras 3 does not export it (``keras.metrics.CosineSimilarity`` uses it).

    >>> from minitf.keras.regression_metrics import cosine_similarity
    >>> cosine_similarity([[3.0, 0.0]], [[2.0, 0.0]]).numpy()
    array([1.], dtype=float32)"""
    return -L.cosine_similarity(y_true, y_pred, axis=axis)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of ``100 * |y_true - y_pred| / max(|y_true|, 1e-7)``."""
    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(L.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of ``(log(1 + y_pred) - log(1 + y_true))**2``."""
    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(L.mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity along ``axis``."""
    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class LogCoshError(MeanMetricWrapper):
    """Running mean of ``log(cosh(y_pred - y_true))`` (Keras names it ``logcosh``)."""
    def __init__(self, name="logcosh", dtype=None):
        super().__init__(L.log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the running (weighted) mean of squared errors."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = _tensor(y_true, self._dtype)
        y_pred = _tensor(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(M.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return M.sqrt(super().result())


