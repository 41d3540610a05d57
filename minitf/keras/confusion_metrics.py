"""Metrics from confusion-matrix counts at thresholds: Precision, Recall, AUC.

A prediction is positive at threshold t when ``y_pred > t`` (strictly); a label is positive
when it is non-zero. Each metric keeps only the counts it needs, as Keras 3 does: Precision
``true_positives`` and ``false_positives``, Recall ``true_positives`` and
``false_negatives``, AUC all four, each of shape (number of thresholds,).

With evenly spaced thresholds (AUC's default: -1e-7, 1/199, ..., 198/199, 1 + 1e-7),
Keras puts each prediction into a bucket ``ceil(y_pred * (n - 1)) - 1`` (predictions clipped to
[0, 1] first) and counts it as positive at every threshold index up to its bucket; this module
does the same arithmetic, so a prediction that rounds onto a threshold lands on the same side
as in Keras. Other thresholds compare directly.

The counts are updated with tensor ops (no host reads), so the metrics also work inside a
traced ``fit`` step.

>>> import minitf as tf
>>> m = tf.keras.metrics.AUC()
>>> m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
>>> round(float(m.result()), 4)
0.75
>>> [v.name for v in tf.keras.metrics.Precision().variables]
['true_positives', 'false_positives']
"""
from __future__ import annotations

import numpy as np

from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import nn_ops as N
from ..ops import reduction_ops as R
from ..ops import sort_ops as S
from ..tensor import convert_to_tensor
from . import backend
from .losses import squeeze_or_expand_to_same_rank
from .metrics import Metric

_KINDS = ("true_positives", "false_positives", "true_negatives", "false_negatives")

# Keras's stand-in for minus infinity: predictions outside the top k become this, and it is
# the one threshold of a top-k metric, so they never count as positive (not > it)
NEG_INF = -1e10


def _check_range(thresholds) -> None:
    bad = [t for t in thresholds if t is None or t < 0 or t > 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else [x]


def _evenly_spaced(thresholds) -> bool:
    """Keras's test: at least 3 thresholds within 1e-7 of i / (n - 1)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def update_confusion_matrix(variables: dict, y_true, y_pred, thresholds: list, evenly: bool,
                            sample_weight=None, class_id=None, top_k=None,
                            multi_label: bool = False, label_weights=None) -> None:
    """Add this batch's counts to ``variables`` (kind -> Variable of shape (len(thresholds),))
    as Keras's ``update_confusion_matrix_variables`` does for one label; with ``multi_label``
    each column of (samples, labels) inputs is counted apart, into (thresholds, labels).
    ``label_weights`` (without ``multi_label``) weight every prediction by its label's weight
    along the last axis, multiplied into the sample weights."""
    dtype = next(iter(variables.values()))._dtype
    y_true = M.cast(convert_to_tensor(y_true), dtype)
    y_pred = M.cast(convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sw = A.expand_dims(M.cast(convert_to_tensor(sample_weight), dtype), -1)
        _, sw = squeeze_or_expand_to_same_rank(y_true, sw, expand_rank_1=False)
        sample_weight = A.broadcast_to(sw, y_pred.shape)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(f"When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}")
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id]
    if label_weights is not None and not multi_label:
        # Keras puts a batch axis in front and broadcasts over y_pred: weight j scales every
        # prediction of label (column) j, on top of its sample weight
        lw = A.broadcast_to(A.expand_dims(M.cast(convert_to_tensor(label_weights), dtype), 0),
                            y_pred.shape)
        sample_weight = lw if sample_weight is None else sample_weight * lw
    n = len(thresholds)
    shape = [1, -1] if not multi_label else [1] + list(y_pred.shape)
    pred = A.reshape(y_pred, shape)
    label = A.reshape(M.not_equal(y_true, M.cast(0, dtype)), shape)
    col = [n, 1] if not multi_label else [n, 1, 1]
    if evenly:
        # Keras's bucket index: positive at threshold j iff bucket >= j.
        p = M.clip_by_value(pred, M.cast(0.0, dtype), M.cast(1.0, dtype))
        bucket = M.ceil(p * M.cast(n - 1, dtype)) - M.cast(1.0, dtype)
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
            bucket = N.relu(bucket)
        index = A.reshape(M.cast(A.range(n), dtype), col)
        pred_pos = M.greater_equal(bucket, index)
    else:
        thr = A.reshape(convert_to_tensor(np.asarray(thresholds, dtype.as_numpy_dtype)), col)
        pred_pos = M.greater(pred, thr)
    pred_neg = M.logical_not(pred_pos)
    label_neg = M.logical_not(label)
    weights = None if sample_weight is None else A.reshape(sample_weight, shape)
    conds = {"true_positives": (label, pred_pos), "false_positives": (label_neg, pred_pos),
             "true_negatives": (label_neg, pred_neg), "false_negatives": (label, pred_neg)}
    for kind, var in variables.items():
        both = M.logical_and(*conds[kind])
        if weights is None:
            counts = M.cast(both, dtype)
        else:
            counts = M.where(both, A.broadcast_to(weights, both.shape), M.cast(0.0, dtype))
        var.assign(var.value() + R.reduce_sum(counts, axis=1))   # over the samples


def _filter_top_k(x, k: int):
    """``x`` with all but the k largest entries of its last axis replaced by NEG_INF, in
    Keras's arithmetic (``x * mask + NEG_INF * (1 - mask)``); ties keep the lower index."""
    idx = S.top_k(x, k).indices
    mask = R.reduce_sum(A.one_hot(idx, x.shape[-1], axis=-1, dtype=x.dtype), axis=-2)
    one = M.cast(1.0, x.dtype)
    return x * mask + M.cast(NEG_INF, x.dtype) * (one - mask)


class _ThresholdMetric(Metric):
    """Precision and Recall: two count variables at ``thresholds`` (0.5 by default)."""

    _kinds: tuple = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        if thresholds is not None:
            _check_range(_as_list(thresholds))
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = _as_list(default if thresholds is None else thresholds)
        self._evenly = _evenly_spaced(self.thresholds)
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(name=kind, shape=(len(self.thresholds),)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix({k: getattr(self, k) for k in self._kinds}, y_true, y_pred,
                                self.thresholds, self._evenly, sample_weight, self.class_id,
                                self.top_k)

    def _out(self, r):
        return r[0] if len(self.thresholds) == 1 else r

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_ThresholdMetric):
    """Running ``true_positives / (true_positives + false_positives)`` of predictions
    thresholded at ``thresholds`` (0.5 by default; a list gives one precision each);
    ``class_id`` restricts it to one column of (samples, classes) inputs. ``top_k=k`` first
    keeps only each row's k largest predictions (the rest can never be positive) and, without
    ``thresholds``, counts every kept one as predicted positive.

    >>> import minitf as tf
    >>> m = tf.keras.metrics.Precision(top_k=2)
    >>> m.update_state([0, 0, 1, 1], [1., 1., 1., 1.])
    >>> float(m.result())
    0.0

    >>> import minitf as tf
    >>> p = tf.keras.metrics.Precision()
    >>> p.update_state([0, 1, 1, 1], [1.0, 1.0, 0.0, 1.0])
    >>> round(float(p.result()), 4)
    0.6667
    """
    _kinds = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="precision",
                 dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        tp, fp = self.true_positives.value(), self.false_positives.value()
        return self._out(M.divide_no_nan(tp, tp + fp))


class Recall(_ThresholdMetric):
    """Running ``true_positives / (true_positives + false_negatives)`` of predictions
    thresholded at ``thresholds`` (0.5 by default); ``top_k`` and ``class_id`` as for
    Precision.

    >>> import minitf as tf
    >>> r = tf.keras.metrics.Recall()
    >>> r.update_state([0, 1, 1, 1], [1.0, 0.0, 1.0, 1.0])
    >>> round(float(r.result()), 4)
    0.6667
    """
    _kinds = ("true_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="recall", dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        tp, fn = self.true_positives.value(), self.false_negatives.value()
        return self._out(M.divide_no_nan(tp, tp + fn))


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at ``num_thresholds``
    thresholds (200 by default, evenly spaced from -1e-7 to 1 + 1e-7; or the given
    ``thresholds`` with -1e-7 and 1 + 1e-7 added).

    ``summation_method="interpolation"`` (default) uses trapezoids for ROC and, for PR,
    Davis & Goadrich's interpolation (precision varies along the curve as TP/(TP+FP) with
    both counts linear between thresholds); ``"minoring"``/``"majoring"`` take the lower/upper
    height of each step. ``from_logits=True`` applies a sigmoid first. ``multi_label=True``
    counts each column of (samples, labels) predictions apart and averages the labels' areas
    (weighted by ``label_weights`` when given); the variables get their label axis from
    ``num_labels`` or the first batch. Without ``multi_label``, ``label_weights`` weight each
    column's predictions inside the one flattened count instead.

    >>> import minitf as tf
    >>> m = tf.keras.metrics.AUC(multi_label=True)
    >>> m.update_state([[0, 1], [1, 0], [1, 1]], [[0.2, 0.3], [0.8, 0.5], [0.6, 0.4]])
    >>> m.true_positives.shape, round(float(m.result()), 4)
    (TensorShape([200, 2]), 0.5)
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        curve_u = str(curve).upper()
        if curve_u not in ("ROC", "PR", "PRGAIN"):
            raise ValueError(f'Invalid AUCCurve value: "{curve}". Expected values are '
                             f'["PR", "ROC", "PRGAIN"]')
        method = str(summation_method).lower()
        if method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             f'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            _check_range(_as_list(thresholds))
            num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._evenly = _evenly_spaced(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1)
                          for i in range(num_thresholds - 2)]
            self._evenly = True
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.num_thresholds = num_thresholds
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        self.curve, self.summation_method = curve_u, method
        self.multi_label, self.num_labels = multi_label, num_labels
        # Keras keeps the weights as an array of the metric's dtype (get_config returns it)
        self.label_weights = (None if label_weights is None
                              else np.asarray(label_weights, dtype=self.dtype))
        self._from_logits = from_logits
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build([None, num_labels])

    def _build(self, shape) -> None:
        """The four count variables: (thresholds,), or (thresholds, labels) with multi_label,
        where the labels come from num_labels or the first batch's y_pred (rank 2 only)."""
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                                 f"{len(shape)}. Full shape received for `y_pred`: "
                                 f"{tuple(shape)}")
            var_shape = (self.num_thresholds, int(shape[1]))
        else:
            var_shape = (self.num_thresholds,)
        for kind in _KINDS:
            setattr(self, kind, self.add_weight(name=kind, shape=var_shape))
        self._built = True

    @property
    def thresholds(self) -> list:
        """The thresholds, including the two outside [0, 1]."""
        return list(self._thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = convert_to_tensor(y_pred)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = M.sigmoid(y_pred)
        update_confusion_matrix({k: getattr(self, k) for k in _KINDS}, y_true, y_pred,
                                list(self._thresholds), self._evenly, sample_weight,
                                multi_label=self.multi_label,
                                label_weights=None if self.multi_label else self.label_weights)

    def _by_label(self, areas):
        """The area per label (summed over thresholds) averaged over the labels, weighted by
        ``label_weights`` when given; without multi_label, the one area."""
        if not self.multi_label:
            return R.reduce_sum(areas)
        per_label = R.reduce_sum(areas, axis=0)
        if self.label_weights is None:
            return R.reduce_mean(per_label)
        w = M.cast(convert_to_tensor(self.label_weights), per_label.dtype)
        return M.divide_no_nan(R.reduce_sum(per_label * w), R.reduce_sum(w))

    def _interpolate_pr_auc(self):
        n = self.num_thresholds
        tp, fp = self.true_positives.value(), self.false_positives.value()
        fn = self.false_negatives.value()
        zero = M.cast(0.0, tp.dtype)
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        dp = p[:n - 1] - p[1:]
        slope = M.divide_no_nan(dtp, M.maximum(dp, zero))
        intercept = tp[1:] - slope * p[1:]
        safe_ratio = M.where(M.logical_and(M.greater(p[:n - 1], zero), M.greater(p[1:], zero)),
                             M.divide_no_nan(p[:n - 1], M.maximum(p[1:], zero)),
                             A.ones_like(p[1:]))
        inc = M.divide_no_nan(slope * (dtp + intercept * M.log(safe_ratio)),
                              M.maximum(tp[1:] + fn[1:], zero))
        return self._by_label(inc)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        recall = M.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = M.divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, M.divide_no_nan(tp, tp + fp)
        else:                                               # PRGAIN
            one, zero = M.cast(1.0, tp.dtype), M.cast(0.0, tp.dtype)
            scale = M.divide_no_nan(tp + fn, tn + fp)
            rgain = one - scale * M.divide_no_nan(fn, tp)
            pgain = one - scale * M.divide_no_nan(fp, tp)
            no_tp = M.equal(tp, zero)
            x = M.maximum(M.where(no_tp, A.zeros_like(rgain), rgain), zero)
            y = M.where(no_tp, A.ones_like(pgain), pgain)
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / M.cast(2.0, y.dtype)
        elif self.summation_method == "minoring":
            heights = M.minimum(y[:n - 1], y[1:])
        else:
            heights = M.maximum(y[:n - 1], y[1:])
        return self._by_label((x[:n - 1] - x[1:]) * heights)

    def get_config(self):
        cfg = {"name": self.name, "dtype": self.dtype, "num_thresholds": self.num_thresholds,
               "curve": self.curve, "summation_method": self.summation_method,
               "multi_label": self.multi_label, "num_labels": self.num_labels,
               "label_weights": self.label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg
