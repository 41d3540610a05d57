"""How an op is written.

An op is a plain function. It converts its arguments (``tensor`` / ``match``), computes its result
on the backend arrays, and, only when some tape is recording, calls ``record`` with one VJP per
input. A VJP maps the upstream gradient to the input's gradient and is written with minitf ops, so
that outer tapes record it (higher-order derivatives). Broadcasting is undone by the tape, not by
each VJP. A typical op::

    def exp(x, name=None):
        x = floating("Exp", x)
        y = _make(np.exp(x._value), x._dtype)
        if TAPES.recording:
            record("Exp", (x,), y, (lambda g: g * y,))
        return y
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import InvalidArgumentError, invalid_argument
from ..record import TAPES, record, record_cut  # noqa: F401  (re-exported for op modules)
from ..tensor import (EagerTensor, Tensor, _make, convert_to_tensor, is_tensor,  # noqa: F401
                      is_variable)

_FLOAT_NAMES = "bfloat16, half, float, double, complex64, complex128"


def tensor(x, dtype=None) -> Tensor:
    """An op argument as a Tensor (the fast path: it already is one)."""
    if type(x) is EagerTensor:
        if B.TRACING and B.is_device_array(x._value):
            return captured(x)
        return x
    return captured(convert_to_tensor(x, dtype))


def captured(t: Tensor) -> Tensor:
    """Inside a tf.function trace on the GPU, a tensor from outside becomes a traced constant
    (asked through the seam in _backend.py); otherwise ``t`` itself."""
    if not B.TRACING:         # no trace in any thread: skip the per-thread look-up
        return t
    return B.TRACER.capture(t)


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
        if is_tensor(a):
            dtype = a.dtype
            break
    out = []
    for i, a in enumerate(args):
        if is_tensor(a):
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
    if type(x) is EagerTensor and type(y) is EagerTensor and x._dtype is y._dtype:
        if B.TRACING:
            return captured(x), captured(y)
        return x, y
    return match(op, x, y)


def floating(op: str, x, complex_ok: bool = False) -> Tensor:
    """Convert ``x`` and insist on a floating dtype (TF's float-only kernels); ``complex_ok``:
    the kernel also has complex64 and complex128 (exp, log, sqrt, tanh, ...)."""
    x = tensor(x)
    if not x._dtype.is_floating and not (complex_ok and x._dtype.is_complex):
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: {_FLOAT_NAMES}", op)
    return x


# TF's kernels for arithmetic, reductions and ordering comparisons list these types (and the
# quantized and complex ones minitf lacks): no bool, no string.
_NUMBER_NAMES = "bfloat16, half, float, double, int8, int16, int32, int64, uint8, uint16"


def not_allowed(op: str, dtype, allowed: str = _NUMBER_NAMES) -> InvalidArgumentError:
    """TF's error for a dtype an op's kernel does not list."""
    return invalid_argument(f"Value for attr 'T' of {dtype.name} is not in the list of allowed "
                            f"values: {allowed}", op)


_SIGNED_NAMES = "bfloat16, half, float, double, int8, int16, int32, int64"


def numeric(op: str, x, unsigned: bool = True, complex_ok: bool = False) -> Tensor:
    """Convert ``x`` and insist on a number dtype: bool and string tensors are rejected as TF's
    kernels reject them (``reduce_sum`` of bools does not count them; of strings it does not
    concatenate). ``unsigned=False``: the kernel has signed types only (Abs, Neg, Sign).
    ``complex_ok``: the kernel also takes complex numbers (Sum, Neg, Square; not Max, Relu)."""
    x = tensor(x)
    if not x._dtype.is_numeric:
        if complex_ok and x._dtype.is_complex:
            return x
        raise not_allowed(op, x._dtype, _NUMBER_NAMES if unsigned else _SIGNED_NAMES)
    if not unsigned and x._dtype.is_unsigned:
        raise not_allowed(op, x._dtype, _SIGNED_NAMES)
    return x


def numeric2(op: str, x, y, complex_ok: bool = False):
    """``match2`` for the arithmetic kernels, which take numbers only (``complex_ok``: complex
    numbers too, as Mul and RealDiv; Maximum and the orderings have no complex kernel)."""
    x, y = match2(op, x, y)
    if not x._dtype.is_numeric and not (complex_ok and x._dtype.is_complex):
        raise not_allowed(op, x._dtype)
    return x, y


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


# ---- integer arguments: axes, shapes, indices ---------------------------------------------------
# TF never wraps an axis modulo the rank: outside [-rank, rank) it is an error. Which error depends
# on where TF checks: kernels raise InvalidArgumentError, Python-level wrappers (tf.stack,
# tf.unstack) raise ValueError. Integer arguments must be integers: TF's wrappers convert most of
# them to int32 first, so a Python float fails with TypeError; where a wrapper converts without a
# dtype, the float tensor reaches the kernel, whose type check raises InvalidArgumentError.

def _flat(v) -> list:
    if isinstance(v, (list, tuple, range)):
        return [e for item in v for e in _flat(item)]
    return [v]


def _type_name(a) -> str:
    """TF's name for the dtype a non-integer argument converts to: a Python float list becomes
    ``float`` (float32), a NumPy array keeps its dtype (float64 is ``double``)."""
    if isinstance(a, (np.ndarray, np.generic)):
        try:
            return dtypes.from_numpy(a.dtype).kernel_name
        except (TypeError, ValueError):
            return str(a.dtype)
    return "float" if isinstance(a, float) else type(a).__name__


def int_args(op: str, arg, attr: str = "Tidx", float_type_error: bool = True,
             numpy_floats: bool = True) -> list:
    """The integers of an axis, shape or index argument, flattened: an int, a (nested) list,
    tuple or range, a TensorShape, a NumPy array, or an integer tensor or Variable. Python
    floats are rejected (``float_type_error``: TypeError as TF's int32 conversion, else
    InvalidArgumentError naming the kernel's ``attr``), even integral ones such as 2.0, as TF
    rejects them. A NumPy float array or scalar is truncated toward zero instead, as TF's
    conversion of NumPy values does (``numpy_floats=False`` where TF rejects those too)."""
    if numpy_floats and isinstance(arg, (np.ndarray, np.floating)) and arg.dtype.kind == "f":
        return [int(i) for i in np.asarray(arg).reshape(-1).astype(np.int64)]
    if is_variable(arg):
        arg = arg._read_for_op()
    if hasattr(arg, "as_list") and not isinstance(arg, Tensor):    # TensorShape
        arg = arg.as_list()
    if isinstance(arg, Tensor):
        if not (arg._dtype.is_integer or arg._dtype.is_bool):
            raise invalid_argument(f"Value for attr '{attr}' of {arg._dtype.kernel_name} is not "
                                   f"in the list of allowed values: int32, int64", op)
        return [int(i) for i in np.asarray(B.to_host(arg._value)).reshape(-1)]
    if isinstance(arg, np.ndarray):
        items = arg.reshape(-1).tolist() if arg.dtype.kind in "iub" else [arg]
    else:
        items = _flat(arg)
    out = []
    for a in items:
        if is_tensor(a):
            out += int_args(op, a, attr, float_type_error)
        elif isinstance(a, (int, np.integer, np.bool_)):
            if not -2 ** 63 <= a < 2 ** 63:     # no tensor holds it (NumPy: OverflowError)
                raise ValueError(f"Can't convert Python sequence with out-of-range integer to "
                                 f"Tensor ({op}: {a})")
            out.append(int(a))
        elif a is None:     # TF cannot make a tensor of None at all
            raise ValueError(f"Attempt to convert a value (None) with an unsupported type "
                             f"(<class 'NoneType'>) to a Tensor ({op}: {arg!r})")
        elif float_type_error:
            raise TypeError(f"{op}: cannot convert {arg!r} to int32: it must hold integers")
        else:   # TF converts the list to a float (or string) tensor, which the kernel rejects
            raise invalid_argument(f"Value for attr '{attr}' of {_type_name(a)} is not in the "
                                   f"list of allowed values: int32, int64", op)
    return out


def axis_index(op: str, axis, ndim: int, message: str | None = None,
               error: type | None = None, numpy_floats: bool = True) -> int:
    """One ``axis`` argument as an index in [0, ndim). An axis outside [-ndim, ndim) raises
    ``error`` (InvalidArgumentError by default, tagged with ``op``) with ``message``, formatted
    with ``axis``, ``lo`` (-ndim) and ``rank`` (ndim); an axis that is not one integer raises
    as ``int_args`` does (InvalidArgumentError for a list, as TF's kernels)."""
    vals = int_args(op, axis, numpy_floats=numpy_floats)
    if len(vals) != 1 or isinstance(axis, (list, tuple)) or (
            isinstance(axis, Tensor) and axis._value.ndim):
        raise invalid_argument(f"axis must be a scalar, not {vals}", op)
    a = vals[0]
    if not -ndim <= a < ndim:
        text = (message or "Expected axis in the range [{lo}, {rank}) for a tensor of rank "
                "{rank}, but got {axis}").format(axis=a, lo=-ndim, rank=ndim)
        if error is None or error is InvalidArgumentError:
            raise invalid_argument(text, op)
        raise error(f"{text} ({op})")
    return a % ndim


def axes_of(op: str, axis, ndim: int):
    """Normalise a reduction ``axis`` (int, list, tensor or None) to a sorted tuple, or None.
    As TF: each axis must lie in [-ndim, ndim) (a scalar has none, so any axis is rejected),
    and naming one dimension twice (``[0, 0]`` or ``[0, -2]`` on a matrix) is an error."""
    if axis is None:
        return None
    out = []
    for a in int_args(op, axis, float_type_error=isinstance(axis, float)):
        if not -ndim <= a < ndim:
            raise invalid_argument(f"Invalid reduction dimension ({a} for input with {ndim} "
                                   f"dimension(s)", op)
        if a % ndim in out:
            raise invalid_argument(f"Invalid reduction arguments: Axes contains duplicate "
                                   f"dimension: {a % ndim}", op)
        out.append(a % ndim)
    return tuple(sorted(out))


def dtype_arg(dtype, default=None):
    return default if dtype is None else dtypes.as_dtype(dtype)
