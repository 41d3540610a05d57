"""FBetaScore and F1Score: the F-beta score from running per-class (or pooled) counts.

Predictions are binarised per row: with ``threshold=None`` the row's maximum (if not ~0) is
the positive class; otherwise ``y_pred > threshold``. Counts of true positives, false
positives, false negatives and label support accumulate per class (``average`` None, "macro",
"weighted") or pooled ("micro"); then ``F = (1 + beta**2) * P * R / (beta**2 * P + R)``, with
Keras's 1e-7 added to every denominator.

>>> import minitf as tf
>>> f = tf.keras.metrics.F1Score(average="micro", threshold=0.5)
>>> f.update_state([[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.2], [0.6, 0.7]])
>>> round(float(f.result()), 4)            # TP 2, FP 1, FN 0: P 2/3, R 1
0.8
"""
from __future__ import annotations

from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import reduction_ops as R
from ..tensor import convert_to_tensor
from . import backend
from .metrics import Metric

_COUNTS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """F-beta score of (batch, classes) inputs (see the module)."""

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"Invalid `average` argument value. Expected one of: {{None, "
                             f"'micro', 'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. "
                             f"Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"Invalid `threshold` argument value. It should be a Python "
                                 f"float. Received: threshold={threshold} of type "
                                 f"'{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(f"Invalid `threshold` argument value. It should verify 0 < "
                                 f"threshold <= 1. Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"FBetaScore expects 2D inputs with shape (batch_size, "
                             f"output_dim). Received input shapes: "
                             f"y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        shape = () if self.average == "micro" else (int(y_pred_shape[-1]),)
        for name in _COUNTS:
            setattr(self, name, self.add_weight(name=name, shape=shape))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        dt = self._dtype
        y_true = M.cast(convert_to_tensor(y_true), dt)
        y_pred = M.cast(convert_to_tensor(y_pred), dt)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            top = R.reduce_max(y_pred, axis=-1, keepdims=True)
            pos = M.logical_and(M.greater_equal(y_pred, top),
                                M.greater(M.abs(y_pred), M.cast(1e-9, dt)))
        else:
            pos = M.greater(y_pred, M.cast(self.threshold, dt))
        y_pred = M.cast(pos, dt)
        sw = None if sample_weight is None else M.cast(convert_to_tensor(sample_weight), dt)
        one = M.cast(1.0, dt)

        def wsum(v):
            if sw is not None:
                v = v * A.expand_dims(sw, 1)
            return R.reduce_sum(v, axis=self.axis)
        for name, v in zip(_COUNTS, (y_pred * y_true, y_pred * (one - y_true),
                                     (one - y_pred) * y_true, y_true)):
            var = getattr(self, name)
            var.assign(var.value() + wsum(v))

    def result(self):
        dt = self._dtype
        eps = convert_to_tensor(backend.epsilon(), dt)
        tp, fp = self.true_positives.value(), self.false_positives.value()
        fn = self.false_negatives.value()
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = convert_to_tensor(self.beta ** 2, dt)
        f = (precision * recall) / (b2 * precision + recall + eps)
        f = f * (convert_to_tensor(1.0, dt) + b2)
        if self.average == "weighted":
            w = self.intermediate_weights.value()
            return R.reduce_sum(f * (w / (R.reduce_sum(w) + eps)))
        if self.average is not None:
            return R.reduce_mean(f)
        return f

    def reset_state(self) -> None:
        for v in self.weights:
            v.assign(A.zeros_like(v.value()))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "average": self.average,
                "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F-beta with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        cfg = super().get_config()
        del cfg["beta"]
        return cfg
