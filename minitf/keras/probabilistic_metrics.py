"""KLDivergence and Poisson metrics: running means of the losses of the same names.

>>> import minitf as tf
>>> m = tf.keras.metrics.Poisson()
>>> m.update_state([[0.0]], [[2.0]])
>>> float(m.result())
2.0
"""
from __future__ import annotations

from . import losses as L
from .metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """Running mean of ``sum(y_true * log(y_true / y_pred))`` (both clipped to [1e-7, 1])."""
    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(L.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running mean of ``mean(y_pred - y_true * log(y_pred + 1e-7))``."""
    def __init__(self, name="poisson", dtype=None):
        super().__init__(L.poisson, name=name, dtype=dtype)
