"""``keras.applications.mobilenet_v2``: MobileNetV2 (Sandler et al., 2018), built layer for
layer as Keras 3 builds it, so the names, the weight order and the 3,538,984 parameters of
the full model (``alpha=1.0``) match, and Keras's weight files load into it.

A 3x3 stride-2 convolution ``Conv1``, then 17 inverted residual blocks: a 1x1 expansion
(6x the input channels; not in block 0), a 3x3 depthwise convolution, and a linear 1x1
projection, each followed by batch normalization and (except the projection) ReLU6; a block
whose input and output have the same shape adds its input. ``alpha`` scales every layer's
width, rounded to a multiple of 8.

>>> import minitf as tf
>>> model = tf.keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
...                                           input_shape=(32, 32, 3), pooling="avg")
>>> model.name, model.output_shape
('mobilenetv2_0.35_32', (None, 1280))
"""
from __future__ import annotations

import warnings

from .. import backend, layers
from ..layers.layer import KerasTensor
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions as _decode

BASE_WEIGHT_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                    "mobilenet_v2/")
_SIZES = (96, 128, 160, 192, 224)        # the input sizes Keras publishes weights for
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of blocks 0..16.
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``min_value``), going up
    a step when rounding down would lose more than 10%."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _bn(name: str):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion: int, stride: int, alpha: float, filters: int,
                        block_id: int):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = tuple(inputs.shape)[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, activation=None, name=f"{prefix}expand")(x)
        x = _bn(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3),
                                 name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = _bn(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor) -> int:
    """The published size the input matches (square, one of ``_SIZES``), else 224."""
    if input_shape is None and input_tensor is None:
        return 224
    if input_shape is None:
        shape = tuple(input_tensor.shape)[1:]
    else:
        shape = tuple(input_shape)
    rows, cols = (shape[1], shape[2]) if backend.image_data_format() == "channels_first" \
        else (shape[0], shape[1])
    return rows if rows == cols and rows in _SIZES else 224


def _check_input_tensor(input_tensor, input_shape) -> None:
    if input_tensor is None:
        return
    if not isinstance(input_tensor, KerasTensor):
        if input_shape is not None:
            raise ValueError(f"input_tensor is not a Keras tensor; Received "
                             f"`input_tensor={input_tensor}`")
        return      # model_input() raises Keras's error for it
    if input_shape is None:
        return
    if backend.image_data_format() == "channels_first":
        if input_tensor.shape[1] != input_shape[1]:
            raise ValueError(f"input_shape[1] must equal shape(input_tensor)[1] when "
                             f"`image_data_format` is `channels_first`; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, "
                             f"`input_shape={input_shape}`")
    elif input_tensor.shape[2] != input_shape[1]:
        raise ValueError(f"input_tensor.shape[2] must equal input_shape[1]; Received "
                         f"`input_tensor.shape={input_tensor.shape}`, "
                         f"`input_shape={input_shape}`")


def MobileNetV2(input_shape=None, alpha: float = 1.0, include_top: bool = True,
                weights="imagenet", input_tensor=None, pooling=None, classes: int = 1000,
                classifier_activation="softmax", name: str | None = None) -> Model:
    """Build MobileNetV2 as ``keras.applications.MobileNetV2`` does.

    ``alpha`` multiplies the width of every layer (Keras publishes ImageNet weights for
    0.35, 0.5, 0.75, 1.0, 1.3 and 1.4, and input sizes 96, 128, 160, 192 and 224).
    ``weights`` is None (random initialisation), ``"imagenet"`` (downloaded once into
    ``~/.keras/models`` by ``keras.utils.get_file``) or the path of a weight file.
    ``include_top=False`` drops the pooling and classifier; then ``pooling`` (``"avg"``,
    ``"max"`` or None) says whether the last feature map is globally pooled. The model is
    named ``mobilenetv2_<alpha>_<rows>`` unless ``name`` is given. The images should go
    through ``mobilenet_v2.preprocess_input`` (scaling to [-1, 1]) first.

    >>> import minitf as tf
    >>> m = tf.keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.5)
    >>> m.name, m.output_shape
    ('mobilenetv2_0.50_96', (None, 1000))
    """
    imagenet_utils.check_weights_argument(weights, quote="`",
                                          tail="  Received `weights={}`")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f'If using `weights="imagenet"` with `include_top` as true, '
                         f"`classes` should be 1000. Received `classes={classes}`")
    _check_input_tensor(input_tensor, input_shape)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=_default_size(input_shape, input_tensor), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    row_axis, col_axis = (0, 1) if backend.image_data_format() == "channels_last" else (1, 2)
    rows, cols = input_shape[row_axis], input_shape[col_axis]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(f"If imagenet weights are being loaded, alpha must be one of "
                             f"`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                             f"`alpha={alpha}`")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will "
                          "be loaded as the default.", stacklevel=2)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    inputs = img_input if input_tensor is None else imagenet_utils.source_inputs(input_tensor)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = Model(inputs, x, name=name)
    if weights == "imagenet":
        top = "" if include_top else "_no_top"
        file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
        # Keras gives get_file no hash for these files.
        path = imagenet_utils.get_file(file_name, BASE_WEIGHT_PATH + file_name,
                                       cache_subdir="models")
        imagenet_utils.load_weights(model, path)
    elif weights is not None:
        imagenet_utils.load_weights(model, weights)
    return model


def preprocess_input(x, data_format: str | None = None):
    """MobileNetV2's preprocessing, Keras's ``"tf"`` mode: ``x / 127.5 - 1``, mapping pixels
    in [0, 255] onto [-1, 1].

    >>> import numpy as np, minitf as tf
    >>> tf.keras.applications.mobilenet_v2.preprocess_input(np.array([0, 51, 255], "uint8"))
    array([-1. , -0.6,  1. ], dtype=float32)
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top: int = 5) -> list:
    """The ``top`` ImageNet classes of each row of ``preds``: see
    ``imagenet_utils.decode_predictions``.

    >>> import numpy as np
    >>> from minitf.keras.applications import imagenet_utils, mobilenet_v2
    >>> imagenet_utils.CLASS_INDEX = {str(i): [f"n{i}", f"c{i}"] for i in range(1000)}
    >>> [r[1] for r in mobilenet_v2.decode_predictions(np.arange(1000.0)[None], top=3)[0]]
    ['c999', 'c998', 'c997']
    >>> imagenet_utils.CLASS_INDEX = None
    """
    return _decode(preds, top=top)
