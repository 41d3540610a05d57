"""``keras.applications.vgg16``: VGG16 (Simonyan & Zisserman, 2014), built layer for layer as
Keras 3 builds it, so the names, weight order and the 138,357,544 parameters of the full
model match, and Keras's weight files load into it.

Five blocks of 3x3 ``same`` convolutions with ReLU (64, 128, 256, 512, 512 filters; two,
two, three, three and three convolutions), each ending in a 2x2 max pooling; on top
``flatten``, two 4096-unit ReLU layers ``fc1``/``fc2`` and the ``predictions`` layer.

>>> import minitf as tf
>>> model = tf.keras.applications.VGG16(weights=None, include_top=False,
...                                     input_shape=(32, 32, 3), pooling="avg")
>>> model.output_shape, model.count_params()
((None, 512), 14714688)
"""
from __future__ import annotations

from .. import backend, layers
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions as _decode

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                       "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
WEIGHTS_HASHES = ("64373286793e3c8b2b4e3219cbf3544b",      # md5: with the top, without
                  "6d6bbae143d832006294945121d1f1fc")
_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


def VGG16(include_top: bool = True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes: int = 1000, classifier_activation="softmax",
          name: str = "vgg16") -> Model:
    """Build VGG16 as ``keras.applications.VGG16`` does.

    ``weights`` is None (random initialisation), ``"imagenet"`` (Keras's published weights,
    downloaded once into ``~/.keras/models`` by ``keras.utils.get_file``) or the path of a
    weight file. ``include_top=False`` drops the three dense layers; then ``input_shape``
    may be any ``(h, w, 3)`` with h, w >= 32 (or None), and ``pooling`` (``"avg"``,
    ``"max"`` or None) says whether the last feature map is globally pooled. With the top
    the input is 224x224. ``classes`` and ``classifier_activation`` shape the last layer.
    The images should go through ``vgg16.preprocess_input`` first.

    >>> import minitf as tf
    >>> m = tf.keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> [l.name for l in m.layers][1:4], m.output_shape
    (['block1_conv1', 'block1_conv2', 'block1_pool'], (None, 1, 1, 512))
    """
    imagenet_utils.check_weights_argument(weights)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` "
                         f"should be 1000.  Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = img_input
    for b, (filters, convs) in enumerate(_BLOCKS, start=1):
        for c in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{b}_conv{c}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{b}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    inputs = img_input if input_tensor is None else imagenet_utils.source_inputs(input_tensor)
    model = Model(inputs, x, name=name)
    if weights == "imagenet":
        url = WEIGHTS_PATH if include_top else WEIGHTS_PATH_NO_TOP
        path = imagenet_utils.get_file(url.rsplit("/", 1)[1], url, cache_subdir="models",
                                       file_hash=WEIGHTS_HASHES[0 if include_top else 1])
        imagenet_utils.load_weights(model, path)
    elif weights is not None:
        imagenet_utils.load_weights(model, weights)
    return model


def preprocess_input(x, data_format: str | None = None):
    """VGG16's preprocessing, Keras's ``"caffe"`` mode: RGB to BGR, then subtract ImageNet's
    mean pixel (B 103.939, G 116.779, R 123.68); no scaling.

    >>> import numpy as np, minitf as tf
    >>> tf.keras.applications.vgg16.preprocess_input(np.array([[[255.0, 0.0, 0.0]]]))
    array([[[-103.939, -116.779,  131.32 ]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top: int = 5) -> list:
    """The ``top`` ImageNet classes of each row of ``preds``: see
    ``imagenet_utils.decode_predictions``.

    >>> import numpy as np, minitf as tf
    >>> tf.keras.applications.vgg16.decode_predictions(np.zeros((1, 10)))
    Traceback (most recent call last):
    ...
    ValueError: `decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Received array with shape: (1, 10)
    """
    return _decode(preds, top=top)
