"""MeanIoU: mean intersection-over-union of classes, from a running confusion matrix.

``total_confusion_matrix`` (num_classes, num_classes), int64 by default as in Keras, counts
(true class, predicted class) pairs; labels outside [0, num_classes) and ``ignore_class`` are
left out. Per class, IoU = TP / (TP + FP + FN); the result averages it over the classes that
occur in the labels or predictions (denominator > 0).

>>> import minitf as tf
>>> m = tf.keras.metrics.MeanIoU(num_classes=2)
>>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
>>> round(float(m.result()), 4)       # (1/3 + 1/3) / 2
0.3333
"""
from __future__ import annotations

from .. import dtypes
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import reduction_ops as R
from ..tensor import convert_to_tensor
from . import backend
from .metrics import Metric


class MeanIoU(Metric):
    """Mean IoU over ``num_classes`` classes (see the module); ``sparse_y_true=False`` /
    ``sparse_y_pred=False`` take the argmax along ``axis`` first."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name or "mean_io_u", dtype=dtype or "int64")
        self.num_classes, self.ignore_class = num_classes, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.target_class_ids = list(range(num_classes))
        self.total_cm = self.add_weight(name="total_confusion_matrix",
                                        shape=(num_classes, num_classes))

    def update_state(self, y_true, y_pred, sample_weight=None):
        dt = self._dtype
        y_true, y_pred = convert_to_tensor(y_true), convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = R.argmax(y_true, self.axis)
        if not self.sparse_y_pred:
            y_pred = R.argmax(y_pred, self.axis)
        y_true = A.reshape(M.cast(y_true, dt), [-1])
        y_pred = A.reshape(M.cast(y_pred, dt), [-1])
        sw = M.cast(convert_to_tensor(1 if sample_weight is None else sample_weight), dt)
        sw = A.broadcast_to(A.reshape(sw, [-1]) if len(sw.shape) > 1 else sw, y_true.shape)
        n = M.cast(self.num_classes, dt)
        zero = M.cast(0, dt)
        ok = M.logical_and(M.logical_and(M.greater_equal(y_true, zero), M.less(y_true, n)),
                           M.logical_and(M.greater_equal(y_pred, zero), M.less(y_pred, n)))
        if self.ignore_class is not None:
            ok = M.logical_and(ok, M.not_equal(y_true, M.cast(self.ignore_class, dt)))
        y_true = M.where(ok, y_true, A.zeros_like(y_true))
        y_pred = M.where(ok, y_pred, A.zeros_like(y_pred))
        sw = M.where(ok, sw, A.zeros_like(sw))
        # confusion matrix as a one-hot product: rows true class, columns predicted class
        classes = A.reshape(M.cast(A.range(self.num_classes), dt), [1, -1])
        t1 = M.cast(M.equal(A.expand_dims(y_true, 1), classes), dt) * A.expand_dims(sw, 1)
        p1 = M.cast(M.equal(A.expand_dims(y_pred, 1), classes), dt)
        from ..ops import linalg_ops
        cm = linalg_ops.matmul(t1, p1, transpose_a=True) if dt.is_floating else \
            R.reduce_sum(A.expand_dims(t1, 2) * A.expand_dims(p1, 1), axis=0)
        self.total_cm.assign(self.total_cm.value() + cm)

    def result(self):
        f32 = dtypes.float32
        cm = self.total_cm.value()
        rows = M.cast(R.reduce_sum(cm, axis=0), self._dtype)
        cols = M.cast(R.reduce_sum(cm, axis=1), self._dtype)
        tp = M.cast(_diag(cm), self._dtype)
        denom = M.cast(rows + cols - tp, f32)
        tp = M.cast(tp, f32)
        valid = M.greater(denom, M.cast(1e-9, f32))
        n_valid = R.reduce_sum(M.cast(valid, f32))
        eps = M.cast(backend.epsilon(), f32)
        iou = M.where(valid, tp / (denom + eps), A.zeros_like(tp))
        return R.reduce_sum(iou, axis=self.axis) / (n_valid + eps)

    def reset_state(self) -> None:
        self.total_cm.assign(A.zeros_like(self.total_cm.value()))

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


def _diag(m):
    n = int(m.shape[0])
    eye = M.cast(M.equal(A.reshape(A.range(n), [-1, 1]), A.reshape(A.range(n), [1, -1])),
                 m.dtype)
    return R.reduce_sum(m * eye, axis=1)
