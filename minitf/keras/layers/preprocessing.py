"""Image preprocessing layers: Rescaling, Resizing, CenterCrop, RandomFlip, RandomCrop.
As in Keras, inputs are cast to the layer's dtype (float32 by default) and the random layers
act only when ``training=True``.

>>> import minitf as tf
>>> tf.keras.layers.Rescaling(1 / 255)(tf.constant([[0, 255]], tf.uint8)).numpy()
array([[0., 1.]], dtype=float32)
"""
from __future__ import annotations

from ... import image
from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import random_ops
from .convolutional import normalize_data_format
from .layer import Layer


def _to_last(layer, x):
    return A.transpose(x, [0, 2, 3, 1] if x._value.ndim == 4 else [1, 2, 0]) \
        if layer.data_format == "channels_first" else x


def _from_last(layer, x):
    return A.transpose(x, [0, 3, 1, 2] if x._value.ndim == 4 else [2, 0, 1]) \
        if layer.data_format == "channels_first" else x


def _hw(x):
    return x._value.shape[-3], x._value.shape[-2]


def _center(x, top: int, left: int, h: int, w: int):
    return x[..., top:top + h, left:left + w, :]


def _smart_resize(x, h: int, w: int, interpolation: str = "bilinear"):
    """Keras's smart_resize: the largest central crop with the target's aspect ratio,
    then a resize to (h, w)."""
    ih, iw = _hw(x)
    ch = max(min(ih, int(float(iw * h) / w)), 1)
    cw = max(min(iw, int(float(ih * w) / h)), 1)
    x = _center(x, int(float(ih - ch) / 2), int(float(iw - cw) / 2), ch, cw)
    return image.resize(x, (h, w), method=interpolation)


class Rescaling(Layer):
    """``inputs * scale + offset`` in the layer's dtype (e.g. ``scale=1/255`` for pixels)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        x = M.cast(inputs, self._dtype)
        return x * M.cast(self.scale, self._dtype) + M.cast(self.offset, self._dtype)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Resizing(Layer):
    """Resize images to (height, width); ``crop_to_aspect_ratio`` first takes the largest
    central crop of the target's aspect ratio.

    >>> import minitf as tf
    >>> tf.keras.layers.Resizing(4, 6)(tf.ones((2, 8, 8, 3))).shape
    TensorShape([2, 4, 6, 3])
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        if pad_to_aspect_ratio or antialias:
            raise NotImplementedError("minitf's Resizing supports pad_to_aspect_ratio=False "
                                      "and antialias=False")
        self.pad_to_aspect_ratio, self.antialias = pad_to_aspect_ratio, antialias
        self.fill_mode, self.fill_value = fill_mode, fill_value
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        x = _to_last(self, inputs)
        if self.crop_to_aspect_ratio:
            y = _smart_resize(x, self.height, self.width, self.interpolation)
        else:
            y = image.resize(x, (self.height, self.width), method=self.interpolation)
        return _from_last(self, M.cast(y, self._dtype))

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        hi = len(s) - 3 if self.data_format == "channels_last" else len(s) - 2
        s[hi], s[hi + 1] = self.height, self.width
        return tuple(s)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(Layer):
    """The central (height, width) window; an input smaller than that is resized with
    Keras's smart_resize instead.

    >>> import minitf as tf
    >>> tf.keras.layers.CenterCrop(2, 2)(tf.reshape(tf.range(16.), (4, 4, 1)))[:, :, 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        x = _to_last(self, M.cast(inputs, self._dtype))
        ih, iw = _hw(x)
        if ih >= self.height and iw >= self.width:
            y = _center(x, (ih - self.height) // 2, (iw - self.width) // 2, self.height,
                        self.width)
        else:       # Keras returns the resize's float32 here, whatever the layer's dtype
            y = _smart_resize(x, self.height, self.width)
        return _from_last(self, y)

    compute_output_shape = Resizing.compute_output_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "height": self.height, "width": self.width}


class RandomFlip(Layer):
    """During training, flip each image with probability 1/2: ``mode`` 'horizontal',
    'vertical' or 'horizontal_and_vertical' (one draw decides both flips). At inference it
    passes inputs through (cast to its dtype).

    >>> import minitf as tf
    >>> x = tf.ones((2, 3, 3, 1))
    >>> bool(tf.reduce_all(tf.keras.layers.RandomFlip()(x) == x))
    True
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode}")
        self.mode, self.seed = mode, seed
        # Keras 3 makes a SeedGenerator here (an unseeded one takes an int from `random`,
        # which later layers' initializers then skip). minitf's flips still draw from the
        # stateful ops, so they are not Keras's (docs/random.md).
        from .. import random as krandom
        self.generator = krandom.SeedGenerator(seed)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs, training=True):
        x = M.cast(inputs, self._dtype)
        if training is False:       # a direct call means training, as in Keras (its default)
            return x
        x = _to_last(self, x)
        shape = (x._value.shape[0], 1, 1, 1) if x._value.ndim == 4 else (1, 1, 1)
        flips = A.broadcast_to(M.less_equal(random_ops.uniform(shape, seed=self.seed), 0.5),
                               x._value.shape)
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x = M.where(flips, image.flip_left_right(x), x)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            x = M.where(flips, image.flip_up_down(x), x)
        return _from_last(self, x)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "seed": self.seed,
                "mode": self.mode}


class RandomCrop(Layer):
    """During training, a random (height, width) window (where the input is larger in both
    axes; otherwise the central crop of the target's aspect ratio, resized). At inference,
    Keras 3 passes inputs through (cast to its dtype).

    >>> import minitf as tf
    >>> tf.keras.layers.RandomCrop(2, 3)(tf.ones((1, 5, 5, 1)), training=True).shape
    TensorShape([1, 2, 3, 1])
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.height, self.width, self.seed = int(height), int(width), seed
        # Keras 3 draws two ints from `random` when unseeded: a default seed, then the
        # SeedGenerator's; later layers' initializers skip both. (The crops themselves still
        # come from the stateful ops, not Keras's generator.)
        from .. import random as krandom
        if seed is None:
            krandom.make_default_seed()
        self.generator = krandom.SeedGenerator(seed)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs, training=True):
        x = M.cast(inputs, self._dtype)
        if training is False:       # a direct call means training, as in Keras (its default)
            return x
        x = _to_last(self, x)
        ih, iw = _hw(x)
        if ih > self.height and iw > self.width:
            top, left = random_ops.uniform([2], 0, 2 ** 31 - 1, dtype="int64",
                                           seed=self.seed).numpy()
            y = _center(x, int(top) % (ih - self.height + 1), int(left) % (iw - self.width + 1),
                        self.height, self.width)
        else:
            y = M.cast(_smart_resize(x, self.height, self.width), self._dtype)
        return _from_last(self, y)

    compute_output_shape = Resizing.compute_output_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "height": self.height, "width": self.width, "seed": self.seed}
