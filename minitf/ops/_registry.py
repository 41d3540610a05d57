"""How an op is written.

An op is a plain function. It converts its arguments (``tensor`` / ``match``), computes its result
on the backend arrays, and, only when some tape is recording, calls ``record`` with one VJP per
input. A VJP maps the upstream gradient to the input's gradient and is written with minitf ops, so
that outer tapes record it (higher-order derivatives). Broadcasting is undone by the tape, not by
each VJP. A typical op::

    def exp(x, name=None):
        x = floating("Exp", x)
        y = _make(np.exp(x._value), x._dtype)
        if RECORDING:
            record("Exp", (x,), y, (lambda g: g * y,))
        return y
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes, tracing
from ..errors import InvalidArgumentError, invalid_argument
from ..tape import RECORDING, record  # noqa: F401  (re-exported for op modules)
from ..tensor import Tensor, _make, convert_to_tensor  # noqa: F401

_FLOAT_NAMES = "bfloat16, half, float, double, complex64, complex128"


def tensor(x, dtype=None) -> Tensor:
    """An op argument as a Tensor (the fast path: it already is one)."""
    if type(x) is Tensor:
        if tracing.ACTIVE is not None and B.is_device_array(x._value):
            return captured(x)
        return x
    return captured(convert_to_tensor(x, dtype))


def captured(t: Tensor) -> Tensor:
    """Inside a tf.function trace on the GPU, a tensor from outside becomes a traced constant
    (tracing.Trace.lift); otherwise ``t`` itself."""
    trace = tracing.ACTIVE
    if trace is not None and type(t._value) is not tracing.Traced and \
            B.is_device_array(t._value):
        return trace.lift(t)
    return t


def dtype_mismatch(op: str, index: int, expected, got) -> InvalidArgumentError:
    return invalid_argument(
        f"cannot compute {op} as input #{index}(zero-based) was expected to be a "
        f"{expected.kernel_name} tensor but is a {got.kernel_name} tensor", op)


def match(op: str, *args) -> list:
    """Convert arguments that must share one dtype, TF's way: the first argument that already is
    a tensor fixes the dtype, Python values are converted to it, and two tensors of different
    dtypes are an InvalidArgumentError."""
    dtype = None
    for a in args:
        if isinstance(a, Tensor) or hasattr(a, "_read_for_op"):
            dtype = a.dtype
            break
    out = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) or hasattr(a, "_read_for_op"):
            t = convert_to_tensor(a)
        else:
            t = convert_to_tensor(a, dtype)
        if dtype is None:
            dtype = t._dtype
        elif t._dtype is not dtype:
            raise dtype_mismatch(op, i, dtype, t._dtype)
        out.append(captured(t))
    return out


def match2(op: str, x, y):
    """``match`` for the common two-argument case, with a fast path for two same-dtype tensors."""
    if type(x) is Tensor and type(y) is Tensor and x._dtype is y._dtype:
        if tracing.ACTIVE is not None:
            return captured(x), captured(y)
        return x, y
    return match(op, x, y)


def floating(op: str, x) -> Tensor:
    """Convert ``x`` and insist on a floating dtype (TF's float-only kernels)."""
    x = tensor(x)
    if not x._dtype.is_floating:
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: {_FLOAT_NAMES}", op)
    return x


def shape_error(op: str, x: Tensor, y: Tensor) -> InvalidArgumentError:
    return invalid_argument(f"Incompatible shapes: {list(x._value.shape)} vs. "
                            f"{list(y._value.shape)}", op)


def call2(op: str, fn, x: Tensor, y: Tensor):
    """Apply a broadcasting NumPy function, turning NumPy's shape error into TF's."""
    try:
        return fn(x._value, y._value)
    except ValueError:
        raise shape_error(op, x, y) from None
    except TypeError:
        a, b = B.unify(x._value, y._value)     # one input on the GPU, the other on the host
        if a is x._value and b is y._value:
            raise
        return fn(a, b)


def axes_of(op: str, axis, ndim: int):
    """Normalise a reduction ``axis`` (int, list, tensor or None) to a sorted tuple, or None."""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis._value.tolist()
    if isinstance(axis, (int, np.integer)):
        axis = [axis]
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise invalid_argument(f"Invalid reduction dimension ({a} for input with {ndim} "
                                   f"dimension(s)", op)
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def dtype_arg(dtype, default=None):
    return default if dtype is None else dtypes.as_dtype(dtype)
