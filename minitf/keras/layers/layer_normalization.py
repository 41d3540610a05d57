"""LayerNormalization: normalise each sample over its feature axes, then scale and shift.

For every sample, ``mean`` and ``variance`` are taken over ``axis`` (the last by default);
the output is ``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(variance +
epsilon)``, Keras's order of operations (TF's batch-normalization formula). ``gamma`` and
``beta`` have the shape of the normalised axes. The deprecated ``rms_scaling=True`` keeps
Keras's behaviour: it divides by ``sqrt(variance + epsilon)`` (not the root mean square) and
has no ``beta``.

>>> import minitf as tf
>>> ln = tf.keras.layers.LayerNormalization(epsilon=0.0)
>>> ln(tf.constant([[1.0, 3.0]])).numpy()
array([[-1.,  1.]], dtype=float32)
>>> [(w.name, tuple(w.shape)) for w in ln.weights]
[('gamma', (2,)), ('beta', (2,))]
"""
from __future__ import annotations

import warnings

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import nn_ops
from .. import constraints, initializers, regularizers
from ._config import serialize_or_none
from ...tensor import convert_to_tensor
from .layer import Layer


class LayerNormalization(Layer):
    """Per-sample normalisation over ``axis`` (see the module docstring)."""

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated: it scales the "
                          "input by the variance, not the root mean square.", stacklevel=2)
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis!r}")
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        self.axis = axes            # Keras stores the sorted list (get_config shows it)
        shape = tuple(int(input_shape[a]) for a in axes)
        self.gamma = self.add_weight(
            name="gamma", shape=shape, initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(
            name="beta", shape=shape, initializer=self.beta_initializer,
            regularizer=self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center and not self.rms_scaling else None
        self.built = True

    def call(self, inputs):
        nd = len(inputs.shape)
        axes = [a % nd for a in self.axis]
        bshape = [1] * nd
        for a in axes:
            bshape[a] = inputs.shape[a]

        def bcast(v):
            return None if v is None else A.reshape(M.cast(v, inputs.dtype), bshape)
        gamma, beta = bcast(self.gamma), bcast(self.beta)
        mean, variance = nn_ops.moments(inputs, axes, keepdims=True)
        inv = M.rsqrt(variance + convert_to_tensor(self.epsilon, inputs.dtype))
        if self.rms_scaling:
            out = inputs * inv
            return out if gamma is None else out * gamma
        if gamma is not None:
            inv = inv * gamma
        res = -mean * inv
        if beta is not None:
            res = res + beta
        return inputs * inv + res

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": serialize_or_none(self.beta_regularizer),
                "gamma_regularizer": serialize_or_none(self.gamma_regularizer),
                "beta_constraint": serialize_or_none(self.beta_constraint),
                "gamma_constraint": serialize_or_none(self.gamma_constraint)}
