"""``keras.applications.imagenet_utils``: the input preprocessing, prediction decoding and
argument checks that Keras's ImageNet models share.

- ``preprocess_input(x, mode=...)`` turns RGB pixels in [0, 255] into what a model was trained
  on: ``"caffe"`` (VGG16, ResNet50) reverses the channels to BGR and subtracts ImageNet's mean
  pixel ``[103.939, 116.779, 123.68]`` (B, G, R) without scaling; ``"tf"`` (MobileNetV2) maps
  [0, 255] onto [-1, 1]; ``"torch"`` scales to [0, 1] and standardises each channel.
- ``decode_predictions(preds, top=5)`` turns a ``(samples, 1000)`` batch of scores into
  ``(class_id, class_name, score)`` triples, best first, reading ImageNet's class index, a
  JSON file that ``keras.utils.get_file`` downloads once into ``~/.keras/models``.

Unlike Keras, which divides and subtracts in place, a NumPy array passed in is never modified:
the result is a new array (with the same values Keras returns).

>>> import numpy as np
>>> from minitf.keras.applications import imagenet_utils
>>> imagenet_utils.preprocess_input(np.array([[0.0, 127.5, 255.0]]), mode="tf")
array([[-1.,  0.,  1.]])
"""
from __future__ import annotations

import json
import os
import warnings

import numpy as np

from .. import backend
from ..file_utils import get_file

CLASS_INDEX = None          # the parsed class index, loaded by the first decode_predictions
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"   # md5, as Keras 3.15 checks it

_CAFFE_MEAN = (103.939, 116.779, 123.68)     # B, G, R
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def preprocess_input(x, data_format: str | None = None, mode: str = "caffe"):
    """Preprocess a batch of RGB images (values in [0, 255]) for an ImageNet model.

    ``mode`` is ``"caffe"`` (RGB to BGR, then subtract the mean pixel), ``"tf"`` (scale to
    [-1, 1]) or ``"torch"`` (scale to [0, 1], subtract the mean and divide by the standard
    deviation of each channel). A NumPy array of integers becomes ``floatx()`` (float32), a
    float array keeps its dtype; a tensor keeps its dtype. ``data_format`` (default
    ``keras.backend.image_data_format()``) says where the channel axis is. A mode or data
    format Keras does not know is a ``ValueError``.

    >>> import numpy as np
    >>> from minitf.keras.applications import imagenet_utils
    >>> imagenet_utils.preprocess_input(np.array([[[10.0, 20.0, 30.0]]]))
    array([[[ -73.939,  -96.779, -113.68 ]]])
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    from ..layers.layer import KerasTensor
    if isinstance(x, KerasTensor):
        # In a functional model (TF's transfer-learning tutorial preprocesses keras.Input):
        # Keras records the ops themselves; minitf records them as one Lambda layer, which
        # has no weights, so weight files still match layer for layer.
        from ..layers import Lambda
        return Lambda(lambda t: _preprocess_tensor(t, data_format, mode))(x)
    return _preprocess_tensor(x, data_format, mode)


def _channel_axis(ndim: int, data_format: str) -> int:
    """Where the channels are: last, or first of an image / second of a batch."""
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _preprocess_numpy(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx())
    else:
        x = x.copy()      # Keras works in place on the caller's array; minitf does not
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    shape = [1] * x.ndim
    shape[axis] = 3
    if mode == "torch":
        x /= 255.0
        x -= np.reshape(np.asarray(_TORCH_MEAN, x.dtype), shape)
        x /= np.reshape(np.asarray(_TORCH_STD, x.dtype), shape)
        return x
    x = np.flip(x, axis).copy()        # RGB -> BGR
    # Subtracting in x's own dtype (a float32 mean for a float32 x) gives Keras's numbers.
    x -= np.reshape(np.asarray(_CAFFE_MEAN, x.dtype), shape)
    return x


def _preprocess_tensor(x, data_format: str, mode: str):
    from ...ops import array_ops
    from ...tensor import constant
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    shape = [1] * ndim
    shape[axis] = 3
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        # RGB -> BGR with ops, so the result stays on x's device and keeps x's gradient.
        x = array_ops.reverse(x, [axis])
        mean, std = _CAFFE_MEAN, None
    x = x + constant(-np.reshape(np.asarray(mean), shape), dtype=x.dtype)
    if std is not None:
        x = x / constant(np.reshape(np.asarray(std), shape), dtype=x.dtype)
    return x


def decode_predictions(preds, top: int = 5) -> list:
    """Decode a ``(samples, 1000)`` batch of ImageNet scores into, for each sample, a list of
    ``top`` tuples ``(class_id, class_name, score)``, highest score first.

    The class names come from ImageNet's class index (``imagenet_class_index.json``), which is
    downloaded through ``keras.utils.get_file`` into ``<KERAS_HOME or ~/.keras>/models`` the
    first time, as Keras does, and kept in ``CLASS_INDEX`` afterwards. A batch of another
    shape is a ``ValueError``.

    >>> import json, os, tempfile, numpy as np
    >>> from minitf.keras.applications import imagenet_utils
    >>> imagenet_utils.CLASS_INDEX = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    >>> scores = np.zeros((1, 1000), "float32"); scores[0, 7] = 0.9; scores[0, 3] = 0.1
    >>> [(wnid, name, round(float(score), 3))
    ...  for wnid, name, score in imagenet_utils.decode_predictions(scores, top=2)[0]]
    [('n00000007', 'class_7', 0.9), ('n00000003', 'class_3', 0.1)]
    >>> imagenet_utils.CLASS_INDEX = None
    """
    global CLASS_INDEX
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError(f"`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         f"array of shape (samples, 1000)). Received array with shape: "
                         f"{preds.shape}")
    if CLASS_INDEX is None:
        fpath = get_file("imagenet_class_index.json", CLASS_INDEX_PATH,
                         cache_subdir="models", file_hash=CLASS_INDEX_HASH)
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    preds = preds.numpy() if hasattr(preds, "numpy") else np.asarray(preds)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def check_weights_argument(weights, quote: str = "'", tail: str = "  Received: weights={}"):
    """Keras's check that ``weights`` is None, ``"imagenet"`` or the path of a file."""
    if weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike))
                                          and os.path.exists(weights)):
        return
    raise ValueError("The `weights` argument should be either `None` (random initialization), "
                     f"{quote}imagenet{quote} (pre-training on ImageNet), or the path to the "
                     "weights file to be loaded." + tail.format(weights))


def obtain_input_shape(input_shape, default_size: int, min_size: int, data_format: str,
                       require_flatten: bool, weights=None) -> tuple:
    """The model's input shape, from the one the user gave (or None), checked as Keras does.

    With ``require_flatten`` (the classifier on top) the shape must be static, and with
    ImageNet weights it must be the default ``(default_size, default_size, 3)``; otherwise
    height and width must be at least ``min_size`` and there must be three dimensions.
    """
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.",
                          stacklevel=3)
        default_shape = ((input_shape[0], default_size, default_size)
                         if data_format == "channels_first"
                         else (default_size, default_size, input_shape[-1]))
    else:
        default_shape = ((3, default_size, default_size) if data_format == "channels_first"
                         else (default_size, default_size, 3))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(f"When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  "
                             f"Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        if data_format == "channels_first":
            channels, rows, cols = input_shape
        else:
            rows, cols, channels = input_shape
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size) -> tuple:
    """The ((top, bottom), (left, right)) zero padding before a stride-2 ``valid`` convolution
    that centres the kernel as TF's ``same`` padding would on an even size."""
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = tuple(inputs.shape)[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights) -> None:
    """With pretrained weights the classifier's activation must be ``softmax`` or None."""
    if weights is None:
        return
    from .. import activations
    act = activations.get(classifier_activation)
    if act not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         f"with `include_top=True`; Received: classifier_activation={act}")


def model_input(input_tensor, input_shape):
    """The model's input tensor: a new ``keras.Input`` or the user's symbolic tensor."""
    from ..layers import Input
    from ..layers.layer import KerasTensor
    if input_tensor is None:
        return Input(shape=input_shape)
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError(f"Argument `input_tensor` must be a KerasTensor. Received invalid "
                         f"type: input_tensor={input_tensor} (of type {type(input_tensor)})")
    return input_tensor


def source_inputs(tensor) -> list:
    """The ``keras.Input`` tensors a symbolic tensor was computed from (``get_source_inputs``)."""
    found, stack, seen = [], [tensor], set()
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t._node is None:
            found.append(t)
        else:
            stack.extend(reversed(t._node.keras_inputs()))
    return found


def load_weights(model, path) -> None:
    """``model.load_weights(path)``: a legacy ``.h5`` (Keras's published ImageNet files) is
    matched by layer order, anything else goes through the file's own loader."""
    model.load_weights(os.fspath(path))
