"""Weight penalties: ``L2(l2)(w) = l2·sum(w²)`` (no ½), ``L1(l1)(w) = l1·sum(|w|)``.

The factor is a float32 tensor cast to the weight's dtype, as in Keras (L2(0.1) on float64
weights multiplies by 0.10000000149011612).

>>> import minitf as tf
>>> float(tf.keras.regularizers.L2(0.1)(tf.constant([1., -2.])))
0.5
"""
from __future__ import annotations

from ..ops import math_ops as M
from ..ops import reduction_ops as R
from ..tensor import convert_to_tensor
from . import _lookup
from .serialization import AutoConfig, object_config


def _factor(value, x):
    return M.cast(convert_to_tensor(float(value)), x.dtype)


class Regularizer(AutoConfig):
    """Base class of weight regularizers: ``__call__(w)`` returns a scalar penalty added to
    the loss."""
    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        """The constructor arguments (Keras's config keys; see ``keras.saving``)."""
        return object_config(self, Regularizer.get_config)

    @classmethod
    def from_config(cls, config):
        """``cls(**config)`` (Keras keys minitf does not take are dropped at their off
        values)."""
        from .serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


class L1(Regularizer):
    """Penalty ``l1 * sum(|w|)``."""
    def __init__(self, l1=0.01):
        self.l1 = float(l1)

    def __call__(self, x):
        x = convert_to_tensor(x)
        return _factor(self.l1, x) * R.reduce_sum(M.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """Penalty ``l2 * sum(w**2)`` (no factor 1/2, as in Keras)."""
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        x = convert_to_tensor(x)
        return _factor(self.l2, x) * R.reduce_sum(M.square(x))

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Penalty ``l1 * sum(|w|) + l2 * sum(w**2)``."""
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        x = convert_to_tensor(x)
        out = R.reduce_sum(M.zeros_like_(x))
        if self.l1:
            out = out + _factor(self.l1, x) * R.reduce_sum(M.abs(x))
        if self.l2:
            out = out + _factor(self.l2, x) * R.reduce_sum(M.square(x))
        return out

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
_BY_NAME = {"l1": L1, "l2": L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier):
    """A regularizer from a name (``'l1'``, ``'l2'``, ``'l1_l2'``), a config dict, an instance,
    a callable or None (Keras's ``keras.regularizers.get``)."""
    return _lookup.get("regularizer", identifier, by_name=_BY_NAME, base=Regularizer)
