"""``tf.types``: the abstract types of TensorFlow's public API. minitf has the part the
tf.function guide uses, ``tf.types.experimental`` (the tracing protocol, ``trace.py``).

>>> import minitf as tf
>>> issubclass(tf.types.experimental.TraceType, object)
True
"""
from . import experimental

__all__ = ["experimental"]
