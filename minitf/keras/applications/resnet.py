"""``keras.applications.resnet``: ResNet50 (He et al., 2015), built layer for layer as Keras 3
builds it, so the names, the weight order and the 25,636,712 parameters of the full model
match, and Keras's weight files load into it.

A 7x7 stride-2 convolution and a 3x3 stride-2 max pooling, then four stacks of bottleneck
blocks (3, 4, 6 and 3 blocks of 64, 128, 256 and 512 filters; a block is 1x1, 3x3 and 1x1
convolutions, each followed by batch normalization, added to a shortcut and passed through
a ReLU). The first block of a stack has a convolution on its shortcut
(``<stack>_block1_0_conv``); stacks 3 to 5 start with stride 2.

>>> import minitf as tf
>>> model = tf.keras.applications.ResNet50(weights=None, include_top=False,
...                                        input_shape=(32, 32, 3), pooling="max")
>>> model.output_shape, len(model.layers)
((None, 2048), 176)
"""
from __future__ import annotations

from .. import backend, layers
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions as _decode

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# md5 of Keras's published files: (with the top, without).
WEIGHTS_HASHES = {"resnet50": ("2cb95161c43110f7111970584f804107",
                               "4d473c1dd8becc155b73f8504c6f6626")}
_EPSILON = 1.001e-5        # the batch normalizations' epsilon in Keras's ResNets


def _bn_axis() -> int:
    return 3 if backend.image_data_format() == "channels_last" else 1


def _block(x, filters: int, stride: int = 1, conv_shortcut: bool = True, name: str = ""):
    """One bottleneck block: 1x1 (stride), 3x3, 1x1 to 4*filters, plus the shortcut."""
    axis = _bn_axis()
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=axis, epsilon=_EPSILON,
                                             name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack(x, filters: int, blocks: int, stride1: int = 2, name: str = ""):
    x = _block(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _block(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def ResNet50(include_top: bool = True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes: int = 1000, classifier_activation="softmax",
             name: str = "resnet50") -> Model:
    """Build ResNet50 as ``keras.applications.ResNet50`` does.

    ``weights`` is None (random initialisation), ``"imagenet"`` (Keras's published weights,
    downloaded once into ``~/.keras/models`` by ``keras.utils.get_file``) or the path of a
    weight file. ``include_top=False`` drops the pooling and classifier; then
    ``input_shape`` may be any ``(h, w, 3)`` with h, w >= 32 (or None), and ``pooling``
    (``"avg"``, ``"max"`` or None) says whether the last feature map is globally pooled.
    With the top the input is 224x224. The images should go through
    ``resnet50.preprocess_input`` first.

    >>> import minitf as tf
    >>> m = tf.keras.applications.ResNet50(weights=None, include_top=False,
    ...                                    input_shape=(32, 32, 3))
    >>> [l.name for l in m.layers][1:5], m.output_shape
    (['conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu'], (None, 1, 1, 2048))
    """
    imagenet_utils.check_weights_argument(weights)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` "
                         f"should be 1000.  Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = _stack(x, 64, 3, stride1=1, name="conv2")
    x = _stack(x, 128, 4, name="conv3")
    x = _stack(x, 256, 6, name="conv4")
    x = _stack(x, 512, 3, name="conv5")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    inputs = img_input if input_tensor is None else imagenet_utils.source_inputs(input_tensor)
    model = Model(inputs, x, name=name)
    if weights == "imagenet":
        suffix = "" if include_top else "_notop"
        file_name = f"resnet50_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        path = imagenet_utils.get_file(file_name, BASE_WEIGHTS_PATH + file_name,
                                       cache_subdir="models",
                                       file_hash=WEIGHTS_HASHES["resnet50"][0 if include_top
                                                                            else 1])
        imagenet_utils.load_weights(model, path)
    elif weights is not None:
        imagenet_utils.load_weights(model, weights)
    return model


def preprocess_input(x, data_format: str | None = None):
    """ResNet50's preprocessing, Keras's ``"caffe"`` mode: RGB to BGR, then subtract
    ImageNet's mean pixel (B 103.939, G 116.779, R 123.68); no scaling.

    >>> import minitf as tf
    >>> tf.keras.applications.resnet50.preprocess_input(tf.constant([[[0.0, 0.0, 255.0]]]))
    <tf.Tensor: shape=(1, 1, 3), dtype=float32, numpy=array([[[ 151.061, -116.779, -123.68 ]]], dtype=float32)>
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top: int = 5) -> list:
    """The ``top`` ImageNet classes of each row of ``preds``: see
    ``imagenet_utils.decode_predictions``.

    >>> import numpy as np
    >>> from minitf.keras.applications import imagenet_utils, resnet50
    >>> imagenet_utils.CLASS_INDEX = {str(i): [f"n{i}", f"c{i}"] for i in range(1000)}
    >>> [r[0][:2] for r in resnet50.decode_predictions(np.eye(1000)[[5, 9]], top=1)]
    [('n5', 'c5'), ('n9', 'c9')]
    >>> imagenet_utils.CLASS_INDEX = None
    """
    return _decode(preds, top=top)
