"""``tf.print``: print tensors by value, on every call, also inside ``tf.function``.

Python's ``print`` inside a traced function runs only while tracing; ``tf.print`` is recorded
in the trace and runs on every replay, printing the values of that call (to stderr by default,
as TF does).

>>> import sys, minitf as tf
>>> tf.print("x:", tf.constant([1, 2, 3]), output_stream=sys.stdout)
x: [1 2 3]
"""
from __future__ import annotations

import builtins
import sys

import numpy as np

from . import _backend as B
from . import tracing
from .tensor import Tensor, convert_to_tensor


def _emit(values, sep, end, stream) -> None:
    parts = [str(np.asarray(B.to_host(v))) if kind else v for kind, v in values]
    out = sys.stderr if stream in (None, "stderr") else sys.stdout if stream == "stdout" \
        else stream
    builtins.print(*parts, sep=sep, end=end, file=out)


def print(*inputs, sep: str = " ", end: str = "\n", output_stream=None,  # noqa: A001
          summarize=None, name=None) -> None:
    """Print tensors by value (``[1 2 3]``, not the repr) and other values with ``str``."""
    values = []
    for x in inputs:
        if isinstance(x, Tensor) or hasattr(x, "_read_for_op"):
            values.append((True, convert_to_tensor(x)._value))
        else:
            values.append((False, str(x)))
    trace = tracing.ACTIVE
    if trace is not None and any(type(v) is tracing.Traced for _, v in values):
        trace.call_effect(_emit, (values, sep, end, output_stream))
    elif trace is not None:
        trace.call_effect(_emit, ([(k, v) for k, v in values], sep, end, output_stream))
    else:
        _emit(values, sep, end, output_stream)
