"""Constraints applied to a weight after each optimizer update (``kernel_constraint=...``)."""
from __future__ import annotations

from ..ops import math_ops as M
from ..ops import reduction_ops as R
from ..tensor import convert_to_tensor
from . import _lookup
from .serialization import AutoConfig, object_config


class Constraint(AutoConfig):
    """Base class of weight constraints: ``__call__(w)`` returns the projected weight,
    applied after each optimizer step."""
    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        """The constructor arguments (Keras's config keys; see ``keras.saving``)."""
        return object_config(self, Constraint.get_config)

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``."""
        return cls(**config)


class NonNeg(Constraint):
    """Negative weights become zero."""

    def __call__(self, w):
        w = convert_to_tensor(w)
        return w * M.cast(M.greater_equal(w, 0.0), w.dtype)


class MaxNorm(Constraint):
    """Each slice along ``axis`` is rescaled to norm at most ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = M.sqrt(R.reduce_sum(M.square(w), axis=self.axis, keepdims=True))
        desired = M.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    """Rescales weights to unit L2 norm along ``axis`` after each step."""
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        return w / (1e-7 + M.sqrt(R.reduce_sum(M.square(w), axis=self.axis, keepdims=True)))


non_neg, max_norm, unit_norm = NonNeg, MaxNorm, UnitNorm
_BY_NAME = {"non_neg": NonNeg, "NonNeg": NonNeg, "max_norm": MaxNorm, "MaxNorm": MaxNorm,
            "unit_norm": UnitNorm, "UnitNorm": UnitNorm}


def get(identifier):
    """A constraint from a name (``'non_neg'``, ``'max_norm'``, ``'unit_norm'``), a
    config dict, an instance, or None (Keras's ``keras.constraints.get``)."""
    return _lookup.get("constraint", identifier, by_name=_BY_NAME, base=Constraint)


