"""Normalization (feature-wise standardisation with ``adapt``) and BatchNormalization."""
from __future__ import annotations

import numpy as np

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import nn_ops
from ...tensor import convert_to_tensor
from .layer import Layer


class Normalization(Layer):
    """``(x - mean) / sqrt(var)`` with statistics from ``adapt(data)`` (or given directly)."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.invert = invert
        self._init_mean, self._init_var = mean, variance

    def build(self, input_shape):
        keep = self.axis in (-1, len(input_shape) - 1)
        shape = (int(input_shape[-1]),) if keep else ()
        # Keras 3 stores the statistics as (d,) weights named "mean" and "variance" but
        # exposes layer.mean / layer.variance in the inputs' broadcast shape: (1, d) for
        # (batch, d) inputs, (1, 1) with axis=None.
        self._broadcast_shape = (1,) * (len(input_shape) - 1) + (shape[0] if keep else 1,)
        self.adapt_mean = self.add_weight(shape=shape, initializer="zeros", trainable=False,
                                          name="mean")
        self.adapt_variance = self.add_weight(shape=shape, initializer="ones",
                                              trainable=False, name="variance")
        if self._init_mean is not None:
            self.adapt_mean.assign(np.broadcast_to(self._init_mean, shape))
            self.adapt_variance.assign(np.broadcast_to(self._init_var, shape))
        self.built = True

    @property
    def mean(self):
        """The feature means, shaped to broadcast against the inputs (``(1, d)``)."""
        return A.reshape(self.adapt_mean.value(), self._broadcast_shape)

    @property
    def variance(self):
        """The feature variances, shaped to broadcast against the inputs (``(1, d)``)."""
        return A.reshape(self.adapt_variance.value(), self._broadcast_shape)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        arr = np.asarray(convert_to_tensor(data).numpy(), dtype=np.float64)
        if not self.built:
            self.build(arr.shape)
        axes = tuple(range(arr.ndim - 1)) if self.adapt_mean.shape.rank else None
        self.adapt_mean.assign(arr.mean(axis=axes).astype(np.float32))
        self.adapt_variance.assign(arr.var(axis=axes).astype(np.float32))

    def call(self, inputs):
        std = M.sqrt(M.maximum(self.variance, 1e-7))
        if self.invert:
            return inputs * std + self.mean
        return (inputs - self.mean) / std


class BatchNormalization(Layer):
    """Normalise with batch statistics when training (updating moving averages) and with the
    moving averages at inference: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self._inits = (beta_initializer, gamma_initializer, moving_mean_initializer,
                       moving_variance_initializer)

    def build(self, input_shape):
        dim = (int(input_shape[self.axis]),)
        b, g, mm, mv = self._inits
        self.gamma = self.add_weight(shape=dim, initializer=g, name="gamma") if self.scale \
            else None
        self.beta = self.add_weight(shape=dim, initializer=b, name="beta") if self.center \
            else None
        self.moving_mean = self.add_weight(shape=dim, initializer=mm, trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape=dim, initializer=mv, trainable=False,
                                               name="moving_variance")
        self.built = True

    def call(self, inputs, training=None):
        nd = len(inputs.shape)
        ax = self.axis % nd
        reduce_axes = [i for i in range(nd) if i != ax]
        # As in Keras 3, a frozen layer (trainable=False) normalises with its moving averages
        # even in training, so fine-tuning above a frozen base leaves its statistics alone.
        if training and self.trainable:
            mean, var = nn_ops.moments(inputs, reduce_axes)
            self._update_moving(self.moving_mean, mean)
            self._update_moving(self.moving_variance, var)
        else:
            mean, var = self.moving_mean.value(), self.moving_variance.value()
        shape = [1] * nd
        shape[ax] = inputs.shape[ax]
        from ...ops.array_ops import reshape
        inv = M.rsqrt(reshape(var, shape) + self.epsilon)
        if self.gamma is not None:
            inv = inv * reshape(self.gamma, shape)
        # TF's order of operations (tf.nn.batch_normalization): x * inv + (beta - mean * inv),
        # so that training follows Keras's numbers to the last bits.
        shift = -(reshape(mean, shape) * inv)
        if self.beta is not None:
            shift = reshape(self.beta, shape) - reshape(mean, shape) * inv
        return inputs * inv + shift

    def _update_moving(self, moving, batch_value) -> None:
        """``moving = moving * momentum + batch * (1 - momentum)`` as tensor ops and an assign,
        so that it is recorded when ``fit`` traces the step (a host read would not be)."""
        m = self.momentum
        moving.assign(moving * m + batch_value * (1 - m))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale}


BatchNormalization._masking_by_default = True     # passes a mask on, as in Keras
