"""``keras.applications`` (``tf.keras.applications``): Keras's ImageNet models, built as Keras 3
builds them, with the same layer names, weight order and parameter counts, so weights saved by
Keras (``.weights.h5``, ``.keras``, or the legacy ``.h5`` files Keras publishes) load into them.

- ``VGG16`` (138,357,544 parameters), ``ResNet50`` (25,636,712) and ``MobileNetV2``
  (3,538,984 at ``alpha=1.0``), each with ``include_top``, ``weights`` (None, ``"imagenet"``
  or a file), ``input_tensor``, ``input_shape``, ``pooling``, ``classes`` and
  ``classifier_activation``;
- the submodules ``vgg16``, ``resnet50`` (also ``resnet``) and ``mobilenet_v2``, each with the
  model, its ``preprocess_input`` and ``decode_predictions``; ``imagenet_utils`` with the shared
  ``preprocess_input(x, mode=...)``.

``weights="imagenet"`` downloads Keras's published file once, through
``keras.utils.get_file``, into ``~/.keras/models`` (``$KERAS_HOME/models``), with Keras's
URLs, file names and hashes, so a file Keras already downloaded is used as is.

>>> import minitf as tf
>>> base = tf.keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
...                                          input_shape=(32, 32, 3), pooling="avg")
>>> head = tf.keras.layers.Dense(10)(base.output)
>>> model = tf.keras.Model(base.input, head)
>>> model(tf.zeros((2, 32, 32, 3))).shape
TensorShape([2, 10])
"""
from . import imagenet_utils, mobilenet_v2, resnet, resnet50, vgg16  # noqa: F401
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .resnet import ResNet50  # noqa: F401
from .vgg16 import VGG16  # noqa: F401

__all__ = ["MobileNetV2", "ResNet50", "VGG16", "imagenet_utils", "mobilenet_v2", "resnet",
           "resnet50", "vgg16"]
