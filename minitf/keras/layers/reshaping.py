"""Spatial reshaping layers: UpSampling2D, ZeroPadding2D, Cropping2D, and SpatialDropout2D
(which drops whole feature maps).

>>> import minitf as tf
>>> tf.keras.layers.ZeroPadding2D(((1, 0), (2, 1)))(tf.ones((1, 3, 3, 2))).shape
TensorShape([1, 4, 6, 2])
"""
from __future__ import annotations

import numpy as np

from ...ops import array_ops as A
from ...ops import nn_ops
from .convolutional import normalize_data_format, normalize_tuple
from .layer import Layer, batch_size


def _pairs(value, name: str) -> tuple:
    """Keras's 2-D padding/cropping argument: an int, (h, w) or ((top, bottom), (left,
    right)), as a pair of pairs of non-negative ints."""
    if isinstance(value, (int, np.integer)):
        return ((int(value),) * 2,) * 2
    if len(value) != 2:
        raise ValueError(f"`{name}` should have two elements. Received: {name}={value}.")
    out = []
    for v in value:
        if isinstance(v, (int, np.integer)):
            out.append((int(v), int(v)))
        else:
            t = tuple(int(i) for i in v)
            if len(t) != 2:
                raise ValueError(f"`{name}` should be a tuple of 2 tuples of 2 integers. "
                                 f"Received: {name}={value}.")
            out.append(t)
    if any(i < 0 for p in out for i in p):
        raise ValueError(f"`{name}` cannot contain negative values. Received: {name}={value}.")
    return tuple(out)


def _spatial_axes(data_format: str) -> tuple:
    return (2, 3) if data_format == "channels_first" else (1, 2)


class UpSampling2D(Layer):
    """Repeat rows and columns ``size`` times ('nearest'), or resize bilinearly.

    >>> import minitf as tf
    >>> tf.keras.layers.UpSampling2D()(tf.reshape(tf.range(4.), (1, 2, 2, 1)))[0, :, :, 0]
    ... # doctest: +NORMALIZE_WHITESPACE
    <tf.Tensor: shape=(4, 4), dtype=float32, numpy=
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]], dtype=float32)>
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, 2, "size")
        self.data_format = normalize_data_format(data_format)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"`interpolation` argument should be one of: 'nearest' or "
                             f"'bilinear'. Received: interpolation={interpolation}.")
        self.interpolation = interpolation

    def call(self, inputs):
        ax = _spatial_axes(self.data_format)
        if self.interpolation == "nearest":
            x = inputs
            for a, s in zip(ax, self.size):
                n = x._value.shape[a]
                x = A.gather(x, np.arange(n * s) // s, axis=a)
            return x
        from ... import image
        first = self.data_format == "channels_first"
        x = A.transpose(inputs, [0, 2, 3, 1]) if first else inputs
        h, w = x._value.shape[1:3]
        y = image.resize(x, (h * self.size[0], w * self.size[1]))
        y = A.transpose(y, [0, 3, 1, 2]) if first else y
        return y if y.dtype == inputs.dtype else nn_ops.M.cast(y, inputs.dtype)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for a, s in zip(_spatial_axes(self.data_format), self.size):
            shape[a] = None if shape[a] is None else shape[a] * s
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class ZeroPadding2D(Layer):
    """Zeros around the image: ``padding`` is an int, (rows, cols) or ((top, bottom),
    (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, "padding")
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        pads = [[0, 0], [0, 0], [0, 0], [0, 0]]
        for a, p in zip(_spatial_axes(self.data_format), self.padding):
            pads[a] = list(p)
        return A.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for a, p in zip(_spatial_axes(self.data_format), self.padding):
            shape[a] = None if shape[a] is None else shape[a] + sum(p)
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}


class Cropping2D(Layer):
    """Remove rows and columns at the borders: ``cropping`` as for ZeroPadding2D.

    >>> import minitf as tf
    >>> tf.keras.layers.Cropping2D(((1, 0), (1, 2)))(tf.ones((1, 4, 5, 1))).shape
    TensorShape([1, 3, 2, 1])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, "cropping")
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        key = [slice(None)] * 4
        for a, (lo, hi) in zip(_spatial_axes(self.data_format), self.cropping):
            n = inputs.shape[a]
            if n is not None and lo + hi >= n:
                raise ValueError(f"Values in `cropping` argument should be smaller than the "
                                 f"corresponding spatial dimension of the input. Received: "
                                 f"input_shape={tuple(inputs.shape)}, cropping={self.cropping}")
            key[a] = slice(lo, inputs._value.shape[a] - hi)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for a, p in zip(_spatial_axes(self.data_format), self.cropping):
            shape[a] = None if shape[a] is None else shape[a] - sum(p)
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class SpatialDropout2D(Layer):
    """Dropout of whole channels: during training each (sample, channel) feature map is
    zeroed with probability ``rate`` and the rest scaled by 1 / (1 - rate).

    >>> import minitf as tf
    >>> y = tf.keras.layers.SpatialDropout2D(0.5)(tf.ones((4, 3, 3, 8)), training=True)
    >>> sorted(set(float(v) for v in tf.reshape(y, [-1]).numpy()))
    [0.0, 2.0]
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate, self.seed = float(rate), seed
        if rate > 0:        # Keras 3's Dropout base: a SeedGenerator
            from .. import random as krandom
            self.seed_generator = krandom.SeedGenerator(seed)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs, training=None):
        if len(inputs.shape) != 4:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim=4, found ndim={len(inputs.shape)}.")
        if not training or self.rate == 0:
            return inputs
        n = batch_size(inputs)
        c = inputs._value.shape[1 if self.data_format == "channels_first" else 3]
        shape = (n, c, 1, 1) if self.data_format == "channels_first" else (n, 1, 1, c)
        from .. import random as krandom
        return krandom.dropout(inputs, self.rate, noise_shape=shape, seed=self.seed_generator)

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype,
                "data_format": self.data_format}
