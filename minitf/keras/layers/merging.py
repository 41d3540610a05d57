"""Layers that merge several inputs: Concatenate / concatenate, Add / add."""
from __future__ import annotations

from ...ops import array_ops as A
from ...ops import math_ops as M
from .layer import Layer


class Concatenate(Layer):
    """Concatenates a list of inputs along ``axis`` (the last by default)."""
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError("A `Concatenate` layer should be called on a list of inputs.")
        return A.concat(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Add(Layer):
    """Sums a list of inputs of the same shape elementwise."""
    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("A merge layer should be called on a list of at least 2 inputs.")
        out = inputs[0]
        for x in inputs[1:]:
            out = M.add(out, x)
        return out


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([a, b], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([a, b])``."""
    return Add(**kwargs)(inputs)
