"""Pooling layers: MaxPooling1D/2D, AveragePooling1D/2D (with Keras's MaxPool/AvgPool
aliases) and the global poolings. ``strides`` defaults to ``pool_size``; 'same' average
pooling divides border windows by the elements they cover, as TF does.

>>> import minitf as tf
>>> tf.keras.layers.MaxPooling2D()(tf.ones((1, 7, 7, 2))).shape
TensorShape([1, 3, 3, 2])
"""
from __future__ import annotations

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import pooling_ops
from ...ops import reduction_ops as R
from .convolutional import (_tf_format, conv_output_length, normalize_data_format,
                            normalize_padding, normalize_tuple)
from .layer import Layer


class _Pooling(Layer):
    rank = 2
    kind = "MAX"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else \
            normalize_tuple(strides, self.rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        if len(inputs.shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={self.rank + 2}, found "
                             f"ndim={len(inputs.shape)}. Full shape received: "
                             f"{tuple(inputs.shape)}")
        fn = pooling_ops.max_pool if self.kind == "MAX" else pooling_ops.avg_pool
        return fn(inputs, list(self.pool_size), list(self.strides), self.padding.upper(),
                  _tf_format(self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = self.data_format == "channels_first"
        spatial = shape[2:] if first else shape[1:-1]
        out = [conv_output_length(n, k, self.padding, s) for n, k, s in
               zip(spatial, self.pool_size, self.strides)]
        return tuple(shape[:2] + out if first else [shape[0]] + out + [shape[-1]])

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """The maximum over windows of ``pool_size`` steps of (batch, steps, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.MaxPooling1D(pool_size=2)(tf.ones((1, 5, 3))).shape
    TensorShape([1, 2, 3])
    """
    rank, kind = 1, "MAX"


class MaxPooling2D(_Pooling):
    """The maximum over ``pool_size`` windows of (batch, height, width, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.MaxPooling2D(2, padding="same")(tf.ones((1, 5, 5, 1))).shape
    TensorShape([1, 3, 3, 1])
    """
    rank, kind = 2, "MAX"


class AveragePooling1D(_Pooling):
    """The mean over windows of ``pool_size`` steps of (batch, steps, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.AveragePooling1D(2)(tf.ones((1, 4, 3))).shape
    TensorShape([1, 2, 3])
    """
    rank, kind = 1, "AVG"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling2D(_Pooling):
    """The mean over ``pool_size`` windows of (batch, height, width, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.AveragePooling2D(2)(tf.ones((1, 4, 4, 3))).shape
    TensorShape([1, 2, 2, 3])
    """
    rank, kind = 2, "AVG"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D


class _GlobalPooling(Layer):
    rank = 2
    kind = "AVG"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.keepdims = keepdims

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return list(range(start, start + self.rank))

    def call(self, inputs):
        fn = R.reduce_mean if self.kind == "AVG" else R.reduce_max
        return fn(inputs, self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps axis: (batch, steps, channels) -> (batch, channels). With a
    (batch, steps) mask (from ``Embedding(mask_zero=True)``), the mean of the unmasked steps
    only, masked steps read as 0 (so a nan there does not spread), as Keras 3; the output has
    no mask.

    >>> import minitf as tf
    >>> tf.keras.layers.GlobalAveragePooling1D()(tf.ones((2, 5, 3))).shape
    TensorShape([2, 3])
    >>> x = tf.constant([[[1.], [3.], [100.]]])
    >>> tf.keras.layers.GlobalAveragePooling1D()(x, mask=tf.constant([[True, True, False]]))
    <tf.Tensor: shape=(1, 1), dtype=float32, numpy=array([[2.]], dtype=float32)>
    """
    rank, kind = 1, "AVG"

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = 1 if self.data_format == "channels_last" else 2
        m = A.expand_dims(M.cast(mask, "bool"), 2 if steps == 1 else 1)
        kept = M.where(m, inputs, M.cast(0, inputs.dtype))
        return (R.reduce_sum(kept, steps, keepdims=self.keepdims)
                / R.reduce_sum(M.cast(m, inputs.dtype), steps, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width: (batch, h, w, channels) -> (batch, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.GlobalAveragePooling2D(keepdims=True)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 1, 1, 3])
    """
    rank, kind = 2, "AVG"


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps axis: (batch, steps, channels) -> (batch, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.GlobalMaxPooling1D()(tf.ones((2, 5, 3))).shape
    TensorShape([2, 3])
    """
    rank, kind = 1, "MAX"


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over height and width: (batch, h, w, channels) -> (batch, channels).

    >>> import minitf as tf
    >>> tf.keras.layers.GlobalMaxPooling2D()(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 3])
    """
    rank, kind = 2, "MAX"


GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
