"""Convolution layers: Conv1D, Conv2D, Conv3D, Conv2DTranspose, DepthwiseConv2D and
SeparableConv2D, with Keras 3's weights (kernel (*kernel_size, in_channels // groups,
filters), then bias), defaults (glorot_uniform kernel, zero bias, 'valid' padding,
channels_last) and config keys.

>>> import minitf as tf
>>> layer = tf.keras.layers.Conv2D(4, 3, activation="relu")
>>> y = layer(tf.ones((2, 8, 8, 1)))
>>> y.shape, [tuple(w.shape) for w in layer.weights], layer.count_params()
(TensorShape([2, 6, 6, 4]), [(3, 3, 1, 4), (4,)], 40)
"""
from __future__ import annotations

import numpy as np

from ...ops import _windows as W
from ...ops import array_ops as A
from ...ops import conv_ops, nn_ops
from .. import activations, backend, constraints, initializers, regularizers
from .layer import Layer


def normalize_tuple(value, n: int, name: str) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` positive ints (Keras's rule)."""
    if isinstance(value, (int, np.integer)):
        out = (int(value),) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                             f"Received {name}={value}") from None
        if len(out) != n:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                             f"Received {name}={value}")
    if any(v <= 0 for v in out) and name != "output_padding":
        raise ValueError(f"The `{name}` argument must be a tuple of {n} positive integers. "
                         f"Received {name}={value}, including values <= 0")
    return out


def normalize_padding(value, allowed=("valid", "same")) -> str:
    p = str(value).lower()
    if p not in allowed:
        raise ValueError(f"The `padding` argument must be a list/tuple or one of "
                         f"{list(allowed)}. Received: {value}")
    return p


def normalize_data_format(value) -> str:
    if value is None:
        return backend.image_data_format()
    v = str(value).lower()
    if v not in ("channels_first", "channels_last"):
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', "
                         f"'channels_last'}}. Received: data_format={value}")
    return v


def _tf_format(rank: int, data_format: str) -> str:
    spatial = {1: "W", 2: "HW", 3: "DHW"}[rank]
    return f"NC{spatial}" if data_format == "channels_first" else f"N{spatial}C"


def conv_output_length(n, k: int, padding: str, s: int, d: int = 1):
    """Keras's output size of one spatial axis (None stays None)."""
    if n is None:
        return None
    pad = "SAME" if padding == "same" else "VALID"
    if padding == "causal":
        return W.out_size(n + (k - 1) * d, k, s, d, "VALID")[0]
    return W.out_size(n, k, s, d, pad)[0]


def deconv_output_length(n, k: int, padding: str, output_padding, s: int, d: int = 1):
    """Keras's output size of one spatial axis of a transposed convolution."""
    if n is None:
        return None
    k = k + (k - 1) * (d - 1)
    if output_padding is None:
        return n * s + max(k - s, 0) if padding == "valid" else n * s
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * s + k - 2 * pad + output_padding


def _check_input(layer, inputs, axis_value: int | None):
    nd = layer.rank + 2
    if len(inputs.shape) != nd:
        raise ValueError(f"Input 0 of layer \"{layer.name}\" is incompatible with the layer: "
                         f"expected ndim={nd}, found ndim={len(inputs.shape)}. Full shape "
                         f"received: {tuple(inputs.shape)}")
    ch = 1 if layer.data_format == "channels_first" else -1
    if axis_value is not None and inputs.shape[ch] != axis_value:
        raise ValueError(f"Input 0 of layer \"{layer.name}\" is incompatible with the layer: "
                         f"expected axis {ch} of input shape to have value {axis_value}, but "
                         f"received input with shape {tuple(inputs.shape)}")


class _Conv(Layer):
    """The shared part of the convolution layers (Keras's BaseConv)."""
    # Keras 3 keeps this weight under a private name; checkpoints use that name.
    _checkpoint_names = {"kernel": "_kernel"}
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if filters is not None and (not isinstance(filters, (int, np.integer)) or filters <= 0):
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = None if filters is None else int(filters)
        self.groups = int(groups)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"The number of filters must be evenly divisible by the number "
                             f"of groups. Received: groups={groups}, filters={filters}.")
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        allowed = ("valid", "same", "causal") if self.rank == 1 else ("valid", "same")
        self.padding = normalize_padding(padding, allowed)
        self.data_format = normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    def _channels(self, input_shape) -> int:
        return int(input_shape[1 if self.data_format == "channels_first" else -1])

    def _kernel_shape(self, channels: int) -> tuple:
        if channels % self.groups:
            raise ValueError(f"The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the input "
                             f"has {channels} channels (full input shape is ...).")
        return self.kernel_size + (channels // self.groups, self.filters)

    def build(self, input_shape):
        self.input_channels = self._channels(input_shape)
        self.kernel = self.add_weight(shape=self._kernel_shape(self.input_channels),
                                      name="kernel", initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(shape=(self.filters,), name="bias",
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def _bias_act(self, y):
        if self.bias is not None:
            y = nn_ops.bias_add(y, self.bias, data_format=_tf_format(self.rank, self.data_format))
        return self.activation(y)

    def convolution_op(self, inputs, kernel):
        fmt = _tf_format(self.rank, self.data_format)
        pad = "SAME" if self.padding == "same" else "VALID"
        if self.padding == "causal":   # left padding only: output t sees inputs <= t
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [[0, 0], [0, 0], [left, 0]] if fmt == "NCW" else [[0, 0], [left, 0], [0, 0]]
            inputs = A.pad(inputs, pads)
        if self.rank == 1:
            return conv_ops.conv1d(inputs, kernel, list(self.strides), pad, fmt,
                                   list(self.dilation_rate))
        if self.rank == 2:
            return conv_ops.conv2d(inputs, kernel, list(self.strides), pad, fmt,
                                   list(self.dilation_rate))
        return conv_ops.conv3d(inputs, kernel, [1, *self.strides, 1], pad, fmt,
                               [1, *self.dilation_rate, 1])

    def call(self, inputs):
        _check_input(self, inputs, self.input_channels)
        return self._bias_act(self.convolution_op(inputs, self.kernel))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = self.data_format == "channels_first"
        spatial = shape[2:] if first else shape[1:-1]
        out = [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
               zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        return tuple([shape[0], self.filters] + out if first else
                     [shape[0]] + out + [self.filters])

    def get_config(self):
        cfg = super().get_config()
        cfg.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                   padding=self.padding, data_format=self.data_format,
                   dilation_rate=self.dilation_rate, groups=self.groups,
                   activation=activations.serialize(self.activation), use_bias=self.use_bias,
                   kernel_initializer=initializers.serialize(self.kernel_initializer),
                   bias_initializer=initializers.serialize(self.bias_initializer),
                   kernel_regularizer=_ser(self.kernel_regularizer),
                   bias_regularizer=_ser(self.bias_regularizer),
                   activity_regularizer=_ser(self.activity_regularizer),
                   kernel_constraint=_ser(self.kernel_constraint),
                   bias_constraint=_ser(self.bias_constraint))
        return cfg


def _ser(obj):
    """A regularizer or constraint as config (None stays None)."""
    if obj is None:
        return None
    get_config = getattr(obj, "get_config", None)
    return {"class_name": type(obj).__name__, "config": get_config() if get_config else {}}


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels): kernel (k, in_channels // groups,
    filters). ``padding='causal'`` pads on the left only.

    >>> import minitf as tf
    >>> tf.keras.layers.Conv1D(2, 3, padding="causal")(tf.ones((1, 5, 4))).shape
    TensorShape([1, 5, 2])
    """
    rank = 1


class Conv2D(_Conv):
    """2-D convolution over (batch, height, width, channels): kernel (kh, kw, in_channels //
    groups, filters), then bias and activation.

    >>> import minitf as tf
    >>> tf.keras.layers.Conv2D(8, (3, 3), strides=2, padding="same")(tf.ones((1, 7, 7, 3))).shape
    TensorShape([1, 4, 4, 8])
    """
    rank = 2


class Conv3D(_Conv):
    """3-D convolution over (batch, depth, height, width, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.Conv3D(2, 2)(tf.ones((1, 4, 4, 4, 1))).shape
    TensorShape([1, 3, 3, 3, 2])
    """
    rank = 3


class Conv2DTranspose(_Conv):
    """The transpose of Conv2D (upsampling by ``strides``): kernel (kh, kw, filters,
    in_channels). The output size per axis is ``n * stride`` ('same') or
    ``n * stride + max(k - stride, 0)`` ('valid'), or follows ``output_padding``.

    >>> import minitf as tf
    >>> tf.keras.layers.Conv2DTranspose(3, 3, strides=2)(tf.ones((1, 4, 4, 2))).shape
    TensorShape([1, 9, 9, 3])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, **kwargs)
        self.output_padding = None if output_padding is None else \
            normalize_tuple(output_padding, 2, "output_padding")
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"Strides must be greater than output padding. Received strides="
                             f"{self.strides}, output_padding={self.output_padding}.")

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (self.filters, channels)

    def _out_spatial(self, spatial):
        op = self.output_padding or (None, None)
        return [deconv_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d in
                zip(spatial, self.kernel_size, op, self.strides, self.dilation_rate)]

    def call(self, inputs):
        _check_input(self, inputs, self.input_channels)
        first = self.data_format == "channels_first"
        shape = inputs._value.shape
        out = self._out_spatial(shape[2:] if first else shape[1:3])
        out_shape = [shape[0], self.filters] + out if first else [shape[0]] + out + \
            [self.filters]
        y = conv_ops.conv2d_transpose(inputs, self.kernel, out_shape, list(self.strides),
                                      "SAME" if self.padding == "same" else "VALID",
                                      _tf_format(2, self.data_format),
                                      list(self.dilation_rate))
        return self._bias_act(y)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = self.data_format == "channels_first"
        out = self._out_spatial(shape[2:] if first else shape[1:3])
        return tuple([shape[0], self.filters] + out if first else
                     [shape[0]] + out + [self.filters])

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("groups")
        cfg["output_padding"] = self.output_padding
        return cfg


class DepthwiseConv2D(_Conv):
    """Each input channel convolved with ``depth_multiplier`` filters of its own: kernel
    (kh, kw, in_channels, depth_multiplier), bias (in_channels * depth_multiplier,).

    >>> import minitf as tf
    >>> layer = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(tf.ones((1, 5, 5, 3))).shape, layer.count_params()
    (TensorShape([1, 3, 3, 6]), 60)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)

    def build(self, input_shape):
        self.filters = self._channels(input_shape) * self.depth_multiplier
        super().build(input_shape)

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (channels, self.depth_multiplier)

    def call(self, inputs):
        _check_input(self, inputs, self.input_channels)
        y = conv_ops.depthwise_conv2d(inputs, self.kernel, [1, *self.strides, 1],
                                      "SAME" if self.padding == "same" else "VALID",
                                      _tf_format(2, self.data_format), list(self.dilation_rate))
        return self._bias_act(y)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        ch = input_shape[1 if first else -1]
        self_filters, self.filters = self.filters, None if ch is None else \
            ch * self.depth_multiplier
        try:
            return super().compute_output_shape(input_shape)
        finally:
            self.filters = self_filters

    def get_config(self):
        cfg = super().get_config()
        for key in ("filters", "groups"):
            cfg.pop(key)
        cfg = {k: v for k, v in cfg.items()}
        cfg["depth_multiplier"] = self.depth_multiplier
        cfg["depthwise_initializer"] = cfg.pop("kernel_initializer")
        cfg["depthwise_regularizer"] = cfg.pop("kernel_regularizer")
        cfg["depthwise_constraint"] = cfg.pop("kernel_constraint")
        return cfg


class SeparableConv2D(_Conv):
    """A depthwise convolution (``depth_multiplier`` filters per input channel) followed by a
    1×1 convolution to ``filters`` channels. Weights: depthwise_kernel (kh, kw, in,
    depth_multiplier), pointwise_kernel (1, 1, in * depth_multiplier, filters), bias.

    >>> import minitf as tf
    >>> layer = tf.keras.layers.SeparableConv2D(4, 3)
    >>> layer(tf.ones((1, 6, 6, 3))).shape, layer.count_params()
    (TensorShape([1, 4, 4, 4]), 43)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        c = self.input_channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (c, self.depth_multiplier), name="depthwise_kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.pointwise_kernel = self.add_weight(
            shape=(1, 1, c * self.depth_multiplier, self.filters), name="pointwise_kernel",
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self.add_weight(shape=(self.filters,), name="bias",
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        _check_input(self, inputs, self.input_channels)
        y = conv_ops.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                      [1, *self.strides, 1],
                                      "SAME" if self.padding == "same" else "VALID",
                                      _tf_format(2, self.data_format), list(self.dilation_rate))
        return self._bias_act(y)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("groups")
        cfg["depth_multiplier"] = self.depth_multiplier
        cfg["depthwise_initializer"] = cfg.pop("kernel_initializer")
        cfg["pointwise_initializer"] = initializers.serialize(self.pointwise_initializer)
        cfg["depthwise_regularizer"] = cfg.pop("kernel_regularizer")
        cfg["pointwise_regularizer"] = _ser(self.pointwise_regularizer)
        cfg["depthwise_constraint"] = cfg.pop("kernel_constraint")
        cfg["pointwise_constraint"] = _ser(self.pointwise_constraint)
        return cfg


# Keras's aliases
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
