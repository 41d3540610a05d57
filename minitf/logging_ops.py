"""``tf.print``: print tensors by value, on every call, also inside ``tf.function``.

Python's ``print`` inside a traced function runs only while tracing; ``tf.print`` is recorded
in the trace and runs on every replay, printing the values of that call (to stderr by default,
as TF does).

>>> import sys, minitf as tf
>>> tf.print("x:", tf.constant([1, 2, 3]), output_stream=sys.stdout)
x: [1 2 3]
>>> tf.print(tf.constant([1.5, 2.0]), tf.constant(123456789.0), tf.range(10),
...          output_stream=sys.stdout)
[1.5 2] 123456792 [0 1 2 ... 7 8 9]
"""
from __future__ import annotations

import builtins
import sys

import numpy as np

from . import _backend as B
from .tensor import Tensor, convert_to_tensor, is_tensor


def _scalar(x, dtype) -> str:
    if dtype.kind == "b":
        return "1" if x else "0"
    if dtype.kind in "iu":
        return str(int(x))
    if dtype.kind == "O":
        return x.decode() if isinstance(x, bytes) else str(x)
    # Six significant digits, or as many as it takes to read the same number back.
    text = "%.6g" % x
    if dtype.type(float(text)) != x and x == x:
        text = ("%.9g" if dtype.itemsize <= 4 else "%.17g") % x
    return text


def _complex_text(a: np.ndarray, summarize: int) -> str:
    """TF's printer has no format for complex numbers: every element is ``?``, and the tensor
    is shown flat whatever its shape, the first ``summarize`` elements then ``...``."""
    if a.ndim == 0:
        return "?"
    shown = a.size if summarize < 0 else min(a.size, summarize)
    return "[" + " ".join(["?"] * shown) + ("..." if a.size > shown else "") + "]"


def format_tensor(a: np.ndarray, summarize: int = 3) -> str:
    """A value as tf.print shows it: ``[1.5 2]``, rows on their own lines, and long axes
    shortened to their first and last ``summarize`` entries with ``...``."""
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return _complex_text(a, summarize)
    if a.ndim == 0:
        return _scalar(a[()], a.dtype)

    def rows(x, depth):
        n = x.shape[0]
        idx = list(range(n)) if summarize is None or summarize < 0 or n <= 2 * summarize \
            else list(range(summarize)) + [None] + list(range(n - summarize, n))
        if x.ndim == 1:
            return "[" + " ".join("..." if i is None else _scalar(x[i], x.dtype)
                                  for i in idx) + "]"
        sep = "\n" * (x.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join("..." if i is None else rows(x[i], depth + 1) for i in idx) + "]"

    return rows(a, 0)


def _emit(values, sep, end, stream, summarize=3) -> None:
    parts = [format_tensor(B.to_host(v), summarize) if kind else v for kind, v in values]
    out = sys.stderr if stream in (None, "stderr") else sys.stdout if stream == "stdout" \
        else stream
    builtins.print(*parts, sep=sep, end=end, file=out)


def print(*inputs, sep: str = " ", end: str = "\n", output_stream=None,  # noqa: A001
          summarize=None, name=None) -> None:
    """Print tensors by value (``[1 2 3]``, not the repr) and other values with ``str``."""
    values = []
    for x in inputs:
        if is_tensor(x):
            values.append((True, convert_to_tensor(x)._value))
        else:
            values.append((False, str(x)))
    args = (values, sep, end, output_stream, summarize or 3)
    # Inside a tf.function trace it is recorded: it prints on every replay, with that call's
    # values (asked through the seam in _backend.py).
    if not (B.TRACING and B.TRACER.effect(_emit, args)):
        _emit(*args)
