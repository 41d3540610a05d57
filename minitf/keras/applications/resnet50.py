"""``keras.applications.resnet50``: ``ResNet50``, ``preprocess_input`` and
``decode_predictions``, the same functions as in ``keras.applications.resnet``.

>>> import minitf as tf
>>> tf.keras.applications.resnet50.ResNet50 is tf.keras.applications.ResNet50
True
"""
from .resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
