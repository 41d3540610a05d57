"""``tf.types.experimental``: ``TraceType`` and ``SupportsTracingProtocol``, the protocol by
which a Python object tells ``tf.function`` how to decide whether a call needs a new trace
(see ``trace.py``).

>>> import minitf as tf
>>> sorted(n for n in dir(tf.types.experimental) if not n.startswith("_"))
['SupportsTracingProtocol', 'TraceType']
"""
from .trace import SupportsTracingProtocol, TraceType

__all__ = ["SupportsTracingProtocol", "TraceType"]
