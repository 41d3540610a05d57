"""Streaming metrics: state in Variables, ``update_state``, ``result``, ``reset_state``.

``Mean`` keeps ``total`` and ``count``; a batch of values is first reduced to one value per
sample, and ``count`` grows by the number of samples (rows), or by the sum of the weights.

>>> import minitf as tf
>>> m = tf.keras.metrics.Mean()
>>> m.update_state([1, 3, 5, 7]); float(m.result())
4.0
>>> m.update_state([2], sample_weight=[10]); round(float(m.result()), 6)
2.571429
"""
from __future__ import annotations

import numpy as np

from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import reduction_ops as R
from . import backend, losses as L
from . import _lookup
from .layers.layer import Layer
from .losses import _tensor, squeeze_or_expand_to_same_rank


class Metric(Layer):
    """Base class. Subclass with ``update_state``, ``result`` and state from ``add_weight``."""

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name or backend.snake_case(type(self).__name__), dtype=dtype,
                         **kwargs)
        self.built = True

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, **kwargs):
        return super().add_weight(shape=shape, initializer=initializer, dtype=dtype,
                                  trainable=False, name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        for v in self.weights:
            v.assign(np.zeros(tuple(v.shape), v._dtype.as_numpy_dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """``name``, ``dtype`` and the constructor arguments (see ``keras.saving``)."""
        from .serialization import object_config
        cfg = object_config(self, Metric.get_config)
        for key in ("trainable", "activity_regularizer", "input_shape", "input_dim", "fn"):
            cfg.pop(key, None)
        return {**cfg, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``."""
        from .serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


def _samplewise(values, sample_weight, dtype):
    values = _tensor(values, dtype)
    if sample_weight is not None:
        sw = _tensor(sample_weight, dtype)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        wn, vn = len(sw.shape), len(values.shape)
        if vn > wn:
            values = R.reduce_mean(values, axis=list(range(wn, vn)))
        sw = A.broadcast_to(sw, values.shape)
        values = values * sw
        if wn > 1:
            sw = R.reduce_mean(sw, axis=list(range(1, wn)))
    else:
        sw = None
    if len(values.shape) > 1:
        values = R.reduce_mean(values, axis=list(range(1, len(values.shape))))
    return values, sw


class Mean(Metric):
    """Running (weighted) mean of the values passed to ``update_state``.

    >>> import minitf as tf
    >>> m = tf.keras.metrics.Mean()
    >>> m.update_state([1.0, 3.0])
    >>> float(m.result())
    2.0"""
    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight(name="total")
        self.count = self.add_weight(name="count")

    def update_state(self, values, sample_weight=None):
        values, sw = _samplewise(values, sample_weight, self._dtype)
        self.total.assign_add(R.reduce_sum(values))
        if sw is not None:
            n = R.reduce_sum(sw)
        else:
            n = float(values.shape[0]) if len(values.shape) >= 1 else 1.0
        self.count.assign_add(M.cast(_tensor(n), self._dtype))

    def result(self):
        return M.divide_no_nan(self.total.value(), self.count.value())


class Sum(Metric):
    """Running (weighted) sum of the values passed to ``update_state``."""
    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight(name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(values, sample_weight, self._dtype)
        self.total.assign_add(R.reduce_sum(values))

    def result(self):
        return self.total.value()


class MeanMetricWrapper(Mean):
    """A Mean over ``fn(y_true, y_pred)`` (one value per sample)."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)    # padded steps do not count, as Keras
        y_pred = _tensor(y_pred)
        y_true = _tensor(y_true)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = L.apply_mask(sample_weight, mask, self._dtype, "sum")
        super().update_state(values, sample_weight)


def accuracy(y_true, y_pred):
    """Per-element 1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return M.cast(M.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample mean of ``(y_pred > threshold) == y_true`` over the last axis."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = M.cast(M.greater(y_pred, threshold), y_true.dtype)   # strictly greater
    return M.cast(M.equal(y_true, y_pred), backend.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax of ``y_pred`` equals argmax of one-hot ``y_true``."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    return M.cast(M.equal(R.argmax(y_true, -1), R.argmax(y_pred, -1)), backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """argmax(y_pred) == y_true; ties go to the first index; labels (m,) or (m, 1)."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = A.squeeze(y_true, -1)
    pred = R.argmax(y_pred, -1)
    return M.cast(M.equal(M.cast(y_true, pred.dtype), pred), backend.floatx())


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of the per-sample squared error."""
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(L.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of the per-sample absolute error."""
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(L.mean_absolute_error, name=name, dtype=dtype)


class Accuracy(MeanMetricWrapper):
    """Running fraction of predictions exactly equal to the labels."""
    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """Running fraction of ``(y_pred > threshold) == y_true``."""
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """Running fraction where argmax of the prediction matches the one-hot label."""
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """Running fraction where argmax of the prediction equals the integer label."""
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


_BY_NAME = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mean": Mean, "sum": Sum,
}

# The metrics in their own modules (Keras 3's files of the same names); imported here, after
# Metric and MeanMetricWrapper exist, and exposed as ``keras.metrics.X``.
from .accuracy_metrics import (SparseTopKCategoricalAccuracy,  # noqa: E402,F401
                               TopKCategoricalAccuracy, sparse_top_k_categorical_accuracy,
                               top_k_categorical_accuracy)
from .confusion_metrics import AUC, Precision, Recall  # noqa: E402
from .f_score_metrics import F1Score, FBetaScore  # noqa: E402
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge  # noqa: E402
from .iou_metrics import MeanIoU  # noqa: E402
from .probabilistic_metrics import KLDivergence, Poisson  # noqa: E402
from .regression_metrics import (CosineSimilarity, LogCoshError,  # noqa: E402,F401
                                 MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
                                 RootMeanSquaredError, cosine_similarity)

# Functions keras.metrics exposes (the losses' per-sample forms), with tf.keras's aliases.
mean_squared_error = MSE = mse = L.mean_squared_error
mean_absolute_error = MAE = mae = L.mean_absolute_error
mean_absolute_percentage_error = MAPE = mape = L.mean_absolute_percentage_error
mean_squared_logarithmic_error = MSLE = msle = L.mean_squared_logarithmic_error
kl_divergence = KLD = kld = kullback_leibler_divergence = L.kl_divergence
log_cosh = logcosh = L.log_cosh
poisson, hinge, squared_hinge = L.poisson, L.hinge, L.squared_hinge
categorical_hinge, huber = L.categorical_hinge, L.huber
binary_crossentropy, categorical_crossentropy = L.binary_crossentropy, L.categorical_crossentropy
sparse_categorical_crossentropy = L.sparse_categorical_crossentropy

# Keras's metrics.get table: every class by its name and its snake_case name, plus the short
# aliases (which resolve to the classes, unlike losses.get's).
for _cls in (Precision, Recall, AUC, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
             F1Score, FBetaScore, Hinge, SquaredHinge, CategoricalHinge, MeanIoU, KLDivergence,
             Poisson, CosineSimilarity, LogCoshError, MeanAbsolutePercentageError,
             MeanSquaredLogarithmicError, RootMeanSquaredError, MeanSquaredError,
             MeanAbsoluteError, Accuracy, BinaryAccuracy, CategoricalAccuracy,
             SparseCategoricalAccuracy, Mean, Sum):
    _BY_NAME.setdefault(_cls.__name__, _cls)
    _BY_NAME.setdefault(backend.snake_case(_cls.__name__), _cls)
_BY_NAME.update({"MSE": MeanSquaredError, "MAE": MeanAbsoluteError,
                 "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
                 "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError})


def get(identifier):
    """A metric from a name (``'accuracy'``, ``'mse'``), a config dict or an instance; a plain
    function comes back unchanged, as from Keras's ``keras.metrics.get`` (``compile`` wraps it)."""
    return _lookup.get("metric", identifier, by_name=_BY_NAME, base=Metric)


