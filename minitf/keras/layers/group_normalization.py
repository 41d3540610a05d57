"""GroupNormalization: split the channels into ``groups`` and normalise each group of each
sample over its channels and all other non-batch axes (Wu & He, 2018).

The input is reshaped so that the channel axis becomes (groups, channels // groups); mean
and variance are taken over every axis except the batch and the group axis; the output is
``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(variance + epsilon)`` (Keras's
order of operations), then reshaped back. ``groups=-1`` means one group per channel
(instance normalisation); ``groups=1`` is layer normalisation over all axes.

>>> import minitf as tf
>>> gn = tf.keras.layers.GroupNormalization(groups=2, epsilon=0.0)
>>> gn(tf.constant([[1.0, 3.0, 10.0, 30.0]])).numpy()
array([[-1.,  1., -1.,  1.]], dtype=float32)
"""
from __future__ import annotations

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import nn_ops
from .. import constraints, initializers, regularizers
from ._config import serialize_or_none
from ...tensor import convert_to_tensor
from .layer import Layer, batch_size


class GroupNormalization(Layer):
    """Normalisation within channel groups (see the module docstring)."""

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"Received an invalid value for argument `groups`, expected a "
                             f"positive integer value or -1. Received: groups={groups}")
        self.groups, self.axis, self.epsilon = groups, axis, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined "
                             f"dimension but the layer received an input with shape "
                             f"{tuple(input_shape)}.")
        dim = int(dim)
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the "
                             f"number of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the "
                             f"number of channels ({dim}).")
        self.gamma = self.add_weight(
            shape=(dim,), name="gamma", initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale else None
        self.beta = self.add_weight(
            shape=(dim,), name="beta", initializer=self.beta_initializer,
            regularizer=self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center else None
        self.built = True

    def call(self, inputs):
        nd = len(inputs.shape)
        ax = self.axis % nd
        dims = [batch_size(inputs)] + [int(d) for d in list(inputs.shape)[1:]]
        g = self.groups
        grouped = dims[:ax] + [g, dims[ax] // g] + dims[ax + 1:]
        x = A.reshape(inputs, grouped)
        axes = [i for i in range(1, nd + 1) if i != ax]
        mean, variance = nn_ops.moments(x, axes, keepdims=True)
        bshape = [1] * ax + [g, dims[ax] // g] + [1] * (nd - ax - 1)
        inv = M.rsqrt(variance + convert_to_tensor(self.epsilon, x.dtype))
        if self.gamma is not None:
            inv = inv * A.reshape(M.cast(self.gamma, x.dtype), bshape)
        res = -mean * inv
        if self.beta is not None:
            res = res + A.reshape(M.cast(self.beta, x.dtype), bshape)
        return A.reshape(x * inv + res, dims)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": serialize_or_none(self.beta_regularizer),
                "gamma_regularizer": serialize_or_none(self.gamma_regularizer),
                "beta_constraint": serialize_or_none(self.beta_constraint),
                "gamma_constraint": serialize_or_none(self.gamma_constraint)}
