"""Hinge metrics: running means of the hinge losses (Keras 3's ``hinge_metrics``).

>>> import minitf as tf
>>> m = tf.keras.metrics.Hinge()
>>> m.update_state([[0.0, 1.0]], [[0.3, -2.0]])
>>> round(float(m.result()), 4)
2.15
"""
from __future__ import annotations

from . import losses as L
from .metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Running mean of ``mean(max(1 - y_true * y_pred, 0))`` (0/1 labels become -1/+1)."""
    def __init__(self, name="hinge", dtype=None):
        super().__init__(L.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running mean of ``mean(max(1 - y_true * y_pred, 0)**2)``."""
    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(L.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of ``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``."""
    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(L.categorical_hinge, name=name, dtype=dtype)
