"""Elementwise math: each op's forward and its gradient on one screen.

Gradients follow TensorFlow at kinks and ties (see docs/gradient-conventions.md):
abs'(0) = 0, maximum/minimum ties send the whole gradient to the first argument, sqrt'(0) = inf,
pow's exponent gradient is 0 where the base is <= 0, and sign/floor/round/comparisons have none.

>>> import minitf as tf
>>> x = tf.constant([-1., 0., 2.])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.reduce_sum(tf.abs(x) * tf.maximum(x, 0.))
>>> tape.gradient(y, x).numpy().tolist()
[0.0, 0.0, 4.0]
"""
from __future__ import annotations

import math

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import NotFoundError, UnimplementedError, invalid_argument
from ..record import record_cut
from ._registry import (TAPES, Tensor, _make, call2, floating, match, match2, not_allowed,
                        numeric, numeric2, record, tensor, is_tensor, is_variable)
from .complex_ops import complex as _complex, conj, conj_of, imag_part, real_part


def _flush_subnormals(v: np.ndarray, dt) -> np.ndarray:
    """TF's CPU kernels flush float32/float16 subnormal results to zero (exp(-100) is 0.0)."""
    if dt._np.itemsize <= 4:
        v = np.where(np.abs(v) < np.finfo(dt._np).smallest_normal, dt._np.type(0), v)
    return v


def _ident(g):
    return g


def _neg(g):
    return negative(g)


# ---- arithmetic -------------------------------------------------------------------------------

def add(x, y, name=None) -> Tensor:
    """Elementwise ``x + y`` with broadcasting (TF's AddV2). Both must have the same dtype (no
    implicit casting, unlike NumPy); strings concatenate, bools are an InvalidArgumentError.

    >>> import minitf as tf
    >>> tf.add([1.0, 2.0], 10.0).numpy()
    array([11., 12.], dtype=float32)"""
    x, y = match2("AddV2", x, y)
    if x._dtype.is_bool:
        raise invalid_argument("Value for attr 'T' of bool is not in the list of allowed values",
                               "AddV2")
    z = _make(call2("AddV2", np.add, x, y), x._dtype)
    if TAPES.recording:
        record("AddV2", (x, y), z, (_ident, _ident))
    return z


def subtract(x, y, name=None) -> Tensor:
    """Elementwise ``x - y`` with broadcasting; both operands must share one numeric dtype.

    >>> import minitf as tf
    >>> tf.subtract(5, [1, 2]).numpy()
    array([4, 3], dtype=int32)"""
    x, y = numeric2("Sub", x, y, True)
    z = _make(call2("Sub", np.subtract, x, y), x._dtype)
    if TAPES.recording:
        record("Sub", (x, y), z, (_ident, _neg))
    return z


def multiply(x, y, name=None) -> Tensor:
    """Elementwise ``x * y`` with broadcasting; both operands must share one numeric dtype.
    The gradient is ``y`` for ``x`` and ``x`` for ``y`` (summed over broadcast axes)."""
    x, y = numeric2("Mul", x, y, True)
    z = _make(call2("Mul", np.multiply, x, y), x._dtype)
    if TAPES.recording:
        if x._dtype.is_complex:     # decided here: the backward pass of reals pays nothing
            record("Mul", (x, y), z, (lambda g: g * conj(y), lambda g: g * conj(x)))
        else:
            record("Mul", (x, y), z, (lambda g: g * y, lambda g: g * x))
    return z


def _truediv_args(x, y):
    """``/`` needs equal dtypes and says so with a TypeError (not an op error), as TF does."""
    if not isinstance(x, Tensor) and is_variable(x):
        x = x._read_for_op()
    if not isinstance(x, Tensor):
        x = tensor(x, getattr(y, "dtype", None)) if is_tensor(y) else tensor(x)
    if not is_tensor(y):
        from ..tensor import convert_to_tensor
        y = convert_to_tensor(y, dtype_hint=x._dtype)
    y = tensor(y)
    if x._dtype is not y._dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x._dtype!r} != {y._dtype!r}.")
    return x, y


def divide(x, y, name=None) -> Tensor:
    """True division. Integers are divided in floating point: int32/int64 give float64,
    smaller ints float32 (TF's ``truediv``)."""
    x, y = _as_floats("__truediv__", *_truediv_args(x, y))
    return realdiv(x, y)


def _as_floats(where: str, x: Tensor, y: Tensor):
    """Division's operands in floating point: ints become float64 (int32/int64) or float32
    (smaller ints), as TF's truediv; bool and string are a TypeError, raised by TF's Python
    wrapper before any kernel."""
    if not x._dtype.is_numeric:
        if x._dtype.is_complex:     # complex numbers divide as they are
            return x, y
        raise TypeError(f"Invalid dtype {x._dtype!r} in {where}. Expected a number type "
                        f"(an integer or floating dtype).")
    if not x._dtype.is_floating:
        ft = dtypes.float64 if x._dtype in (dtypes.int32, dtypes.int64) else dtypes.float32
        x, y = cast(x, ft), cast(y, ft)
    return x, y


truediv = divide


def realdiv(x, y, name=None) -> Tensor:
    """Elementwise ``x / y`` for floating dtypes (TF's RealDiv): IEEE division, so ``1/0`` is
    ``inf`` and ``0/0`` is ``nan``, never an exception."""
    x, y = numeric2("RealDiv", x, y, True)
    z = _make(call2("RealDiv", np.true_divide, x, y), x._dtype)
    if TAPES.recording:
        if x._dtype.is_complex:
            record("RealDiv", (x, y), z, (lambda g: g / conj(y),
                                          lambda g: g * conj((-x / y) / y)))
        else:
            record("RealDiv", (x, y), z, (lambda g: g / y, lambda g: g * ((-x / y) / y)))
    return z


def divide_no_nan(x, y, name=None) -> Tensor:
    """x / y, and 0 wherever y == 0; its gradients are also 0 there. Like ``/``, the dtypes
    must be equal (TypeError) and integers are divided in floating point."""
    if not (isinstance(x, Tensor) and isinstance(y, Tensor) and x._dtype is y._dtype
            and x._dtype.is_floating):
        x, y = _as_floats("tf.math.divide_no_nan", *_truediv_args(x, y))
    x, y = numeric2("DivNoNan", x, y, True)
    v = call2("DivNoNan", np.true_divide, x, y)
    z = _make(np.where(y._value == 0, x._dtype._np.type(0), v), x._dtype)
    if TAPES.recording:
        record("DivNoNan", (x, y), z, (lambda g: divide_no_nan(g, conj_of(y)),
                                       lambda g: g * conj_of(divide_no_nan(divide_no_nan(-x, y),
                                                                           y))))
    return z


def floordiv(x, y, name=None) -> Tensor:
    """Floor division; like TF, it has no gradient."""
    x, y = match2("FloorDiv", x, y)
    if not x._dtype.is_numeric:
        _no_complex_kernel("FloorDiv", x)
        raise not_allowed("FloorDiv", x._dtype)
    if not x._dtype.is_floating and B.checkable(y._value) and np.any(y._value == 0):
        raise invalid_argument("Integer division by zero", "FloorDiv")
    # Floats: floor(x / y), TF's kernel (inf // 2 is inf and 1 // 0.1 is 10; NumPy's
    # floor_divide, exact on the remainder, gives nan and 9).
    fn = _floor_of_quotient if x._dtype.is_floating else np.floor_divide
    return _make(call2("FloorDiv", fn, x, y), x._dtype)


def _floor_of_quotient(a, b):
    return np.floor(np.true_divide(a, b))


floor_div = floordiv


def floormod(x, y, name=None) -> Tensor:
    """Remainder with the sign of ``y`` (Python's ``%``). Gradient: (g, -g·floor(x/y))."""
    x, y = numeric2("FloorMod", x, y)
    if not x._dtype.is_floating and B.checkable(y._value) and np.any(y._value == 0):
        raise invalid_argument("Integer division by zero", "FloorMod")
    z = _make(call2("FloorMod", np.mod, x, y), x._dtype)
    if TAPES.recording:
        record("FloorMod", (x, y), z, (_ident, lambda g: g * negative(floordiv(x, y))))
    return z


mod = floormod


def negative(x, name=None) -> Tensor:
    """Elementwise ``-x`` (TF's Neg); unsigned integers are rejected as in TF."""
    x = numeric("Neg", x, unsigned=False, complex_ok=True)
    z = _make(np.negative(x._value), x._dtype)
    if TAPES.recording:
        record("Neg", (x,), z, (_neg,))
    return z


def pow(x, y, name=None) -> Tensor:  # noqa: A001 - TF's name
    """x ** y. d/dx = g·y·x^(y-1); d/dy = g·z·log(x) where x > 0 and 0 elsewhere (TF's mask)."""
    x, y = numeric2("Pow", x, y, True)
    if x._dtype.is_integer and B.checkable(y._value) and np.any(y._value < 0):
        raise invalid_argument("Integers to negative integer powers are not allowed", "Pow")
    z = _make(call2("Pow", np.power, x, y), x._dtype)
    if TAPES.recording:
        def gy(g):
            # complex bases have a logarithm everywhere but at 0
            pos = not_equal(x, 0) if x._dtype.is_complex else greater(x, 0)
            log_x = where(pos, log(where(pos, x, ones_like_(x))), zeros_like_(x))
            return g * conj_of(z * log_x)
        record("Pow", (x, y), z, (lambda g: g * conj_of(y * pow(x, y - 1)), gy))
    return z


def square(x, name=None) -> Tensor:
    """Elementwise ``x * x``; its gradient is ``2 * x``."""
    x = numeric("Square", x, complex_ok=True)
    z = _make(np.square(x._value), x._dtype)
    if TAPES.recording:
        record("Square", (x,), z, (lambda g: g * conj_of(2 * x),))
    return z


def sqrt(x, name=None) -> Tensor:
    """Elementwise square root of a floating tensor; negative inputs give ``nan`` (no error),
    and the gradient at 0 is ``inf``, as in TF."""
    x = floating("Sqrt", x, True)
    z = _make(np.sqrt(x._value), x._dtype)
    if TAPES.recording:
        record("Sqrt", (x,), z, (lambda g: (g * 0.5) / conj_of(z),))
    return z


def rsqrt(x, name=None) -> Tensor:
    """Elementwise ``1 / sqrt(x)`` of a floating tensor."""
    x = floating("Rsqrt", x, True)
    z = _make((1 / np.sqrt(x._value)).astype(x._dtype._np), x._dtype)
    if TAPES.recording:
        record("Rsqrt", (x,), z, (lambda g: g * conj_of(z * z * z) * -0.5,))
    return z


def reciprocal(x, name=None) -> Tensor:
    """1 / x for floats. TF registers the op for integers but has no CPU kernel for them: a
    NotFoundError, not the attribute error other float-only ops give."""
    x = tensor(x)
    if x._dtype.is_integer:
        raise NotFoundError(None, "Reciprocal", f"Could not find device for node: Reciprocal["
                            f"T={x._dtype.kernel_name}]: no CPU kernel for integers")
    x = floating("Reciprocal", x, True)
    z = _make(np.reciprocal(x._value), x._dtype)
    if TAPES.recording:
        record("Reciprocal", (x,), z, (lambda g: -g * conj_of(z * z),))
    return z


def exp(x, name=None) -> Tensor:
    """Elementwise ``e**x`` of a floating tensor; overflow gives ``inf`` silently, as in TF."""
    x = floating("Exp", x, True)
    z = _make(_flush_subnormals(np.exp(x._value), x._dtype), x._dtype)
    if TAPES.recording:
        record("Exp", (x,), z, (lambda g: g * conj_of(z),))
    return z


def log(x, name=None) -> Tensor:
    """Elementwise natural logarithm of a floating tensor: ``log(0)`` is ``-inf`` and a
    negative input ``nan``, without an exception."""
    x = floating("Log", x, True)
    z = _make(np.log(x._value), x._dtype)
    if TAPES.recording:
        record("Log", (x,), z, (lambda g: g * reciprocal(conj_of(x)),))
    return z


def log1p(x, name=None) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate for tiny ``x`` where ``log(1 + x)`` would round."""
    x = floating("Log1p", x, True)
    z = _make(np.log1p(x._value), x._dtype)
    if TAPES.recording:
        record("Log1p", (x,), z, (lambda g: g * reciprocal(conj_of(1 + x)),))
    return z


def expm1(x, name=None) -> Tensor:
    """Elementwise ``exp(x) - 1``, accurate for tiny ``x`` where ``exp(x) - 1`` would round."""
    x = floating("Expm1", x, True)
    z = _make(np.expm1(x._value), x._dtype)
    if TAPES.recording:
        record("Expm1", (x,), z, (lambda g: g * conj_of(exp(x)),))
    return z


def abs(x, name=None) -> Tensor:  # noqa: A001 - TF's name
    """|x|; its gradient g·sign(x) is 0 at 0. For a complex tensor, the modulus in its real
    dtype (TF's ComplexAbs), with gradient ``complex(g, 0) · x / |x|`` (0 at 0).

    >>> import minitf as tf
    >>> tf.abs(tf.constant([3 + 4j, -1j], tf.complex64)).numpy()
    array([5., 1.], dtype=float32)"""
    x = numeric("Abs", x, unsigned=False, complex_ok=True)
    if x._dtype.is_complex:
        return _complex_abs(x)
    z = _make(np.abs(x._value), x._dtype)
    if TAPES.recording:
        record("Abs", (x,), z, (lambda g: g * sign(x),))
    return z


def _complex_abs(x: Tensor) -> Tensor:
    rd = x._dtype.real_dtype
    z = _make(np.abs(x._value).astype(rd._np, copy=False), rd)
    if TAPES.recording:
        record("ComplexAbs", (x,), z, (lambda g: _complex(g, zeros_like_(g)) * sign(x),))
    return z


def angle(input, name=None) -> Tensor:  # noqa: A002 - TF's argument name
    """The argument of a complex number, atan2(imag, real), in the real dtype; for a real
    tensor, pi where it is negative and 0 elsewhere (an integer tensor cannot hold pi: TF's
    TypeError). The gradient ``-complex(g, 0) / complex(imag, real)`` is ``i·g / conj(z)``.

    >>> import minitf as tf
    >>> tf.math.angle(tf.constant([1j, -1 + 0j])).numpy().tolist()
    [1.5707963267948966, 3.141592653589793]
    """
    x = tensor(input)
    if not x._dtype.is_complex:
        if not x._dtype.is_floating:
            raise TypeError(f"Cannot convert {math.pi!r} to EagerTensor of dtype "
                            f"{x._dtype.name}")
        return where(less(x, 0), tensor(math.pi, x._dtype), zeros_like_(x))
    rd = x._dtype.real_dtype
    z = _make(np.angle(x._value).astype(rd._np, copy=False), rd)
    if TAPES.recording:
        def vjp(g):
            flipped = _complex(imag_part(x), real_part(x))
            return -_complex(g, zeros_like_(g)) * reciprocal(flipped)
        record("Angle", (x,), z, (vjp,))
    return z


def sign(x, name=None) -> Tensor:
    """-1, 0 or 1. Its gradient is zeros (connected, unlike floor and round, which have none):
    TF registers a zero gradient for Sign. For a complex ``x``, ``x / |x|`` (0 at 0), whose
    gradient TF does propagate: it is computed through those ops here.

    >>> import minitf as tf
    >>> tf.sign(tf.constant([3 + 4j, 0j])).numpy()
    array([0.6+0.8j, 0. +0.j ])"""
    x = numeric("Sign", x, unsigned=False, complex_ok=True)
    if x._dtype.is_complex:
        r = abs(x)
        return divide_no_nan(x, _complex(r, zeros_like_(r)))
    z = _make(np.sign(x._value), x._dtype)
    if TAPES.recording:
        record("Sign", (x,), z, (lambda g: zeros_like_(g),))
    return z


def sin(x, name=None) -> Tensor:
    """Elementwise sine (radians) of a floating tensor; the gradient is ``cos(x)``."""
    x = floating("Sin", x, True)
    z = _make(np.sin(x._value), x._dtype)
    if TAPES.recording:
        record("Sin", (x,), z, (lambda g: g * conj_of(cos(x)),))
    return z


def cos(x, name=None) -> Tensor:
    """Elementwise cosine (radians) of a floating tensor; the gradient is ``-sin(x)``."""
    x = floating("Cos", x, True)
    z = _make(np.cos(x._value), x._dtype)
    if TAPES.recording:
        record("Cos", (x,), z, (lambda g: -g * conj_of(sin(x)),))
    return z


def tan(x, name=None) -> Tensor:
    """Elementwise tangent (radians) of a floating tensor; the gradient is ``1 / cos(x)**2``."""
    x = floating("Tan", x, True)
    z = _make(np.tan(x._value), x._dtype)
    if TAPES.recording:
        record("Tan", (x,), z, (lambda g: g * conj_of(square(reciprocal(cos(x)))),))
    return z


def tanh(x, name=None) -> Tensor:
    """tanh; the gradient uses the output, g·(1 - y²), as TF's kernel does."""
    x = floating("Tanh", x, True)
    z = _make(np.tanh(x._value), x._dtype)
    if TAPES.recording:
        record("Tanh", (x,), z, (lambda g: g * conj_of(1 - z * z),))
    return z


def sigmoid(x, name=None) -> Tensor:
    """1 / (1 + exp(-x)), computed without overflow; gradient g·y·(1 - y) from the output."""
    x = floating("Sigmoid", x, True)
    v = x._value
    if x._dtype.is_complex:       # no order to split on: the plain formula
        z = _make((1 / (1 + np.exp(-v))).astype(x._dtype._np), x._dtype)
    else:
        e = np.exp(-np.abs(v))
        z = np.where(v >= 0, 1 / (1 + e), e / (1 + e)).astype(x._dtype._np)
        z = _make(_flush_subnormals(z, x._dtype), x._dtype)
    if TAPES.recording:
        record("Sigmoid", (x,), z, (lambda g: g * conj_of(z * (1 - z)),))
    return z


def _softplus_threshold(dt) -> np.generic:
    # log(machine epsilon) + 2: beyond it softplus(x) is x (or exp(x)) to working precision.
    return dt._np.type(math.log(np.finfo(dt._np).eps) + 2)


def softplus(features, name=None) -> Tensor:
    """log(1 + exp(x)) with TF's three regimes: x above -log(eps)-2 gives x, below log(eps)+2
    gives exp(x), so the result is finite and exact for large |x|. Gradient: g·sigmoid(x).

    >>> import minitf as tf
    >>> tf.nn.softplus([-1000., 0., 1000.]).numpy().tolist()
    [0.0, 0.6931471824645996, 1000.0]
    """
    x = floating("Softplus", features)
    v = x._value
    thr = _softplus_threshold(x._dtype)
    ev = np.exp(v)
    z = np.where(v > -thr, v, np.where(v < thr, ev, np.log1p(ev)))
    z = _make(_flush_subnormals(B.asarray(z).astype(x._dtype._np, copy=False), x._dtype),
              x._dtype)
    if TAPES.recording:
        record("Softplus", (x,), z, (lambda g: g * sigmoid(x),))
    return z


def _erf_op(op: str, fn, slope: float):
    """erf and erfc: the forward from the backend, the gradient slope·exp(-x²)·g."""
    def erf_like(x, name=None) -> Tensor:
        x = floating(op, x)
        z = _make(B.asarray(fn(x._value)).astype(x._dtype._np, copy=False), x._dtype)
        if TAPES.recording:
            record(op, (x,), z, (lambda g: g * slope * exp(-square(x)),))
        return z
    return erf_like


erf = _erf_op("Erf", B.erf, 2 / math.sqrt(math.pi))
erf.__doc__ = "The error function; d/dx erf(x) = 2/√π · exp(-x²)."
erfc = _erf_op("Erfc", B.erfc, -2 / math.sqrt(math.pi))
erfc.__doc__ = "1 - erf(x), accurate where erf(x) is close to 1; its slope is minus erf's."


def maximum(x, y, name=None) -> Tensor:
    """Elementwise max. At a tie the first argument receives the whole gradient."""
    x, y = numeric2("Maximum", x, y)
    z = _make(call2("Maximum", np.maximum, x, y), x._dtype)
    if TAPES.recording:
        mask = greater_equal(x, y)
        record("Maximum", (x, y), z, (lambda g: where(mask, g, zeros_like_(g)),
                                      lambda g: where(mask, zeros_like_(g), g)))
    return z


def minimum(x, y, name=None) -> Tensor:
    """Elementwise min. At a tie the first argument receives the whole gradient."""
    x, y = numeric2("Minimum", x, y)
    z = _make(call2("Minimum", np.minimum, x, y), x._dtype)
    if TAPES.recording:
        mask = less_equal(x, y)
        record("Minimum", (x, y), z, (lambda g: where(mask, g, zeros_like_(g)),
                                      lambda g: where(mask, zeros_like_(g), g)))
    return z


def squared_difference(x, y, name=None) -> Tensor:
    """Elementwise ``(x - y)**2`` with broadcasting, as one op.

    >>> import minitf as tf
    >>> tf.math.squared_difference([1.0, 4.0], 2.0).numpy()
    array([1., 4.], dtype=float32)"""
    x, y = numeric2("SquaredDifference", x, y, True)
    d = call2("SquaredDifference", np.subtract, x, y)
    # complex: (x - y)·conj(x - y), the squared modulus, as TF's kernel
    z = _make(d * np.conjugate(d) if x._dtype.is_complex else np.square(d), x._dtype)
    if TAPES.recording:
        record("SquaredDifference", (x, y), z, (lambda g: 2 * g * (x - y),
                                                lambda g: -(2 * g * (x - y))))
    return z


def clip_by_value(t, clip_value_min, clip_value_max, name=None) -> Tensor:
    """max(min(t, hi), lo): the gradient is 1 at the bounds and 0 strictly outside."""
    t = tensor(t)
    return maximum(minimum(t, tensor(clip_value_max, t._dtype)), tensor(clip_value_min, t._dtype))


def clip_by_norm(t, clip_norm, axes=None, name=None) -> Tensor:
    """t · clip_norm / max(‖t‖₂, clip_norm): rescaled to L2 norm at most ``clip_norm`` (over
    ``axes``), with TF's guard so that a zero tensor has a finite gradient."""
    from .reduction_ops import reduce_sum
    if getattr(t, "_is_indexed_slices", False):     # TF clips the rows, keeps it sparse
        return type(t)(clip_by_norm(t.values, clip_norm, axes), t.indices, t.dense_shape)
    t = tensor(t)
    if not t._dtype.is_floating:       # TF fails in its Sum (bool, string) or Sqrt (integers)
        raise not_allowed("Sum", t._dtype) if not t._dtype.is_numeric else not_allowed(
            "Sqrt", t._dtype, "bfloat16, half, float, double")
    c = tensor(clip_norm, t._dtype)
    l2sum = reduce_sum(t * t, axes, keepdims=True)
    pred = greater(l2sum, 0)
    l2norm = where(pred, sqrt(where(pred, l2sum, ones_like_(l2sum))), l2sum)
    return (t * c) / maximum(l2norm, c)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by clip_norm / max(global_norm, clip_norm); returns (list, norm)."""
    from .linalg_ops import global_norm
    # IndexedSlices (gather's gradients) count and are scaled by their rows, as in TF
    sparse = [getattr(t, "_is_indexed_slices", False) for t in t_list]
    ts = [None if t is None else t.values if sp else tensor(t) for t, sp in zip(t_list, sparse)]
    norm = global_norm(ts) if use_norm is None else tensor(use_norm)
    c = tensor(clip_norm, norm._dtype)
    scale = c * minimum(1.0 / norm, tensor(1.0, norm._dtype) / c)
    scale = scale + (norm - norm)          # an inf or nan norm gives NaNs, as in TF
    out = [None if t is None else identity(t * cast(scale, t._dtype)) for t in ts]
    return [type(t)(v, t.indices, t.dense_shape) if sp else v
            for t, v, sp in zip(t_list, out, sparse)], norm


def where(condition, x=None, y=None, name=None) -> Tensor:
    """Select from ``x`` where ``condition`` holds, else from ``y`` (broadcasting). With only a
    condition, the int64 coordinates of its true (or, for numbers, non-zero) elements."""
    c = tensor(condition)
    if x is None and y is None:
        if c._dtype.is_string:
            raise not_allowed("Where", c._dtype)
        return _make(np.argwhere(c._value).astype(np.int64), dtypes.int64)
    if not c._dtype.is_bool:
        raise invalid_argument(f"cannot compute SelectV2 as input #0(zero-based) was expected "
                               f"to be a bool tensor but is a {c._dtype.kernel_name} tensor",
                               "SelectV2")
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    x, y = match2("SelectV2", x, y)
    try:
        # mixed devices (a host condition with GPU values, say): the host inputs join the GPU
        z = _make(np.where(*B.unify(c._value, x._value, y._value)), x._dtype)
    except ValueError:
        raise invalid_argument(f"condition {list(c._value.shape)}, then {list(x._value.shape)}, "
                               f"and else {list(y._value.shape)} must be broadcastable",
                               "SelectV2") from None
    if TAPES.recording:
        record("SelectV2", (x, y), z, (lambda g: where(c, g, zeros_like_(g)),
                                       lambda g: where(c, zeros_like_(g), g)))
    return z


def round(x, name=None) -> Tensor:  # noqa: A001 - TF's name
    """Round half to even (banker's rounding); not differentiable."""
    x = tensor(x)
    _no_complex_kernel("Round", x)
    x = numeric("Round", x)
    z = _make(np.round(x._value), x._dtype)
    if TAPES.recording:
        record_cut("Round", (x,), z)
    return z


def floor(x, name=None) -> Tensor:
    """Elementwise largest integer not above ``x``, keeping the floating dtype. It has no
    gradient: ``tape.gradient`` through it gives None, as in TF."""
    x = floating("Floor", x)
    z = _make(np.floor(x._value), x._dtype)
    if TAPES.recording:
        record_cut("Floor", (x,), z)
    return z


def ceil(x, name=None) -> Tensor:
    """Elementwise smallest integer not below ``x``, keeping the floating dtype. It has no
    gradient: ``tape.gradient`` through it gives None, as in TF."""
    x = floating("Ceil", x)
    z = _make(np.ceil(x._value), x._dtype)
    if TAPES.recording:
        record_cut("Ceil", (x,), z)
    return z


def add_n(inputs, name=None) -> Tensor:
    """Sum of a list of same-shape tensors (at least one: ValueError otherwise, as TF)."""
    if not inputs:
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with "
                         "the same dtype and shape.")
    ts = match("AddN", *inputs)
    if not (ts[0]._dtype.is_numeric or ts[0]._dtype.is_complex):
        raise not_allowed("AddN", ts[0]._dtype)
    shape = ts[0]._value.shape
    for t in ts[1:]:
        if t._value.shape != shape:
            raise invalid_argument(f"Inputs to operation AddN of type AddN must have the same "
                                   f"size and shape.  Input 0: {list(shape)} != input: "
                                   f"{list(t._value.shape)}", "AddN")
    v = ts[0]._value
    for t in ts[1:]:
        v = v + t._value
    z = _make(B.asarray(v) if len(ts) == 1 else v, ts[0]._dtype)
    if TAPES.recording:
        record("AddN", tuple(ts), z, (_ident,) * len(ts))
    return z


def cast(x, dtype, name=None) -> Tensor:
    """Convert to ``dtype``. Float to int truncates toward zero; complex to real keeps the real
    part. The gradient flows only between floating and complex types (cast to an integer cuts
    it): from complex to real it is the real part of the upstream gradient.

    >>> import minitf as tf
    >>> tf.cast(tf.constant([1.5 - 2j]), tf.float32).numpy()
    array([1.5], dtype=float32)"""
    dt = dtypes.as_dtype(dtype)
    x = tensor(x)
    if x._dtype is dt:
        return x
    if x._dtype.is_string or dt.is_string:     # TF has no kernel: tf.strings.to_number parses
        raise UnimplementedError(None, "Cast", f"Cast {x._dtype.kernel_name} to "
                                 f"{dt.kernel_name} is not supported [Op:Cast] name: ")
    v = x._value
    if x._dtype.is_complex and dt.is_bool:
        v = np.real(v)      # TF's complex-to-bool cast tests the real part only: 1j is False
    z = _make(v.astype(dt._np), dt)
    if TAPES.recording:
        if (dt.is_floating or dt.is_complex) and (x._dtype.is_floating or x._dtype.is_complex):
            record("Cast", (x,), z, (lambda g: cast(g, x._dtype),))
        else:
            record_cut(f"Cast to {dt.name}", (x,), z)
    return z


def identity(x, name=None) -> Tensor:
    """A tensor with the same value as ``x`` (a new tensor, recorded on the tape, so its
    gradient passes straight through)."""
    x = tensor(x)
    z = _make(x._value, x._dtype)
    if TAPES.recording:
        record("Identity", (x,), z, (_ident,))
    return z


def stop_gradient(x, name=None) -> Tensor:
    """The same value, invisible to every tape: gradients do not flow through it.

    >>> import minitf as tf
    >>> x = tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * tf.stop_gradient(x)
    >>> float(tape.gradient(y, x))
    2.0
    """
    x = tensor(x)
    z = _make(x._value, x._dtype)
    if TAPES.recording:
        record_cut("StopGradient", (x,), z)
    return z


# ---- comparisons and logic (no gradients) --------------------------------------------------

def _compare(op: str, fn, convert=numeric2):
    def compare(x, y, name=None) -> Tensor:
        x, y = convert(op, x, y)
        z = _make(call2(op, fn, x, y), dtypes.bool)
        if TAPES.recording:
            record_cut(op, (x, y), z)
        return z
    compare.__name__ = fn.__name__
    compare.__doc__ = f"Elementwise ``{fn.__name__}`` giving a bool tensor; not differentiable."
    return compare


equal = _compare("Equal", np.equal, match2)           # any dtype: bools and strings too
not_equal = _compare("NotEqual", np.not_equal, match2)
greater = _compare("Greater", np.greater)
greater_equal = _compare("GreaterEqual", np.greater_equal)
less = _compare("Less", np.less)
less_equal = _compare("LessEqual", np.less_equal)


def _bool_arg(x):
    """A Python or NumPy operand of a logical op converted to bool, strictly: ``[1.0]`` is a
    TypeError, as TF converts it with dtype=bool."""
    if is_tensor(x):
        return x
    return tensor(x, dtypes.bool)


def _logical(op: str, fn):
    def logical(x, y, name=None) -> Tensor:
        x, y = match2(op, _bool_arg(x), _bool_arg(y))
        if not x._dtype.is_bool:
            raise invalid_argument(f"cannot compute {op} as input #0(zero-based) was expected to "
                                   f"be a bool tensor but is a {x._dtype.kernel_name} tensor", op)
        return _make(call2(op, fn, x, y), dtypes.bool)
    logical.__name__ = fn.__name__
    return logical


logical_and = _logical("LogicalAnd", np.logical_and)
logical_or = _logical("LogicalOr", np.logical_or)
logical_xor = _logical("LogicalXor", np.logical_xor)
logical_and.__doc__ = "Elementwise AND of two bool tensors (broadcasting); other dtypes are errors."
logical_or.__doc__ = "Elementwise OR of two bool tensors (broadcasting); other dtypes are errors."
logical_xor.__doc__ = "Elementwise XOR of two bool tensors (broadcasting): True where they differ."


def logical_not(x, name=None) -> Tensor:
    """Elementwise NOT of a bool tensor; any other dtype is an InvalidArgumentError."""
    x = tensor(x, dtypes.bool)
    if not x._dtype.is_bool:
        raise invalid_argument(f"cannot compute LogicalNot as input #0(zero-based) was expected "
                               f"to be a bool tensor but is a {x._dtype.kernel_name} tensor",
                               "LogicalNot")
    return _make(np.logical_not(x._value), dtypes.bool)


def is_nan(x, name=None) -> Tensor:
    """Elementwise ``x != x``: True where a floating tensor holds NaN."""
    x = floating("IsNan", x)
    return _make(np.isnan(x._value), dtypes.bool)


def is_finite(x, name=None) -> Tensor:
    """Elementwise: True where a floating tensor is neither infinite nor NaN."""
    x = floating("IsFinite", x)
    return _make(np.isfinite(x._value), dtypes.bool)


def is_inf(x, name=None) -> Tensor:
    """Elementwise: True where a floating tensor is ``+inf`` or ``-inf``."""
    x = floating("IsInf", x)
    return _make(np.isinf(x._value), dtypes.bool)


def _no_complex_kernel(op: str, x: Tensor) -> None:
    """TF lists complex types for some ops (Round, FloorDiv) but has no CPU kernel for them:
    a NotFoundError rather than the attribute error of a type the op does not list."""
    if x._dtype.is_complex:
        raise NotFoundError(None, op, f"Could not find device for node: {{{{node {op}}}}} = "
                            f"{op}[T=DT_{x._dtype.name.upper()}]: no CPU kernel for "
                            f"{x._dtype.name}")


# Small helpers the gradients above use, without importing array_ops (which imports us).
def zeros_like_(x: Tensor) -> Tensor:
    return _make(np.zeros_like(x._value), x._dtype)


def ones_like_(x: Tensor) -> Tensor:
    return _make(np.ones_like(x._value), x._dtype)
