"""Top-k accuracies: is the true class among the k highest predictions?

Ties follow TF's ``in_top_k``: the true class counts as in the top k when fewer than k
classes score strictly higher, so classes tied at the boundary are all in; a row with a
non-finite prediction, or a label outside [0, classes), counts as a miss.

>>> import minitf as tf
>>> tf.keras.metrics.sparse_top_k_categorical_accuracy([2, 0], [[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]],
...                                                    k=2).numpy()
array([1., 0.], dtype=float32)
"""
from __future__ import annotations

from .. import dtypes
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import reduction_ops as R
from ..tensor import convert_to_tensor
from . import backend
from .metrics import MeanMetricWrapper


def in_top_k(targets, predictions, k: int):
    """Per row: True when ``targets[i]`` is among the ``k`` largest of ``predictions[i]`` (TF's
    tie and non-finite rules, see the module)."""
    predictions = convert_to_tensor(predictions)
    targets = M.cast(convert_to_tensor(targets), dtypes.int32)
    classes = int(predictions.shape[-1])
    onehot = M.equal(A.reshape(A.range(classes), [1, classes]), A.expand_dims(targets, -1))
    target_score = R.reduce_sum(M.where(onehot, predictions, A.zeros_like(predictions)), -1)
    higher = R.reduce_sum(M.cast(M.greater(predictions, A.expand_dims(target_score, -1)),
                                 dtypes.int32), -1)
    finite = R.reduce_all(M.is_finite(predictions), -1)
    valid = M.logical_and(M.greater_equal(targets, 0), M.less(targets, classes))
    return M.logical_and(M.logical_and(finite, valid), M.less(higher, k))


def _top_k_matches(y_true, y_pred, k):
    y_true_shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = A.reshape(y_pred, [-1, int(y_pred.shape[-1])])
    if len(y_true.shape) > 1:
        y_true = A.reshape(y_true, [-1])
    matches = M.cast(in_top_k(y_true, y_pred, k), backend.floatx())
    return A.reshape(matches, y_true_shape) if len(y_true_shape) > 1 else matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per sample 1.0 when the argmax of one-hot ``y_true`` is in the top ``k`` of ``y_pred``."""
    y_pred = convert_to_tensor(y_pred)
    y_true = R.argmax(M.cast(convert_to_tensor(y_true), y_pred.dtype), -1)
    return _top_k_matches(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Per sample 1.0 when integer label ``y_true`` is in the top ``k`` of ``y_pred``;
    ``from_sorted_ids=True`` means ``y_pred`` already holds class ids sorted by score."""
    y_pred = convert_to_tensor(y_pred)
    if from_sorted_ids:
        y_true = M.cast(convert_to_tensor(y_true), y_pred.dtype)
        shape = tuple(y_true.shape)
        flat = A.reshape(y_true, [-1]) if len(shape) > 1 else y_true
        hit = R.reduce_any(M.equal(A.expand_dims(flat, 1), y_pred[:, :k]), axis=1)
        out = M.cast(hit, backend.floatx())
        return A.reshape(out, shape) if len(shape) > 1 else out
    y_true = M.cast(convert_to_tensor(y_true), dtypes.int32)
    return _top_k_matches(y_true, y_pred, k)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """Running fraction of samples whose one-hot label is in the top ``k`` (default 5)."""
    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """Running fraction of samples whose integer label is in the top ``k`` (default 5)."""
    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids
