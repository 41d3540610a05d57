"""Inverse trigonometric and hyperbolic functions (TF's Atan, Asin, Acos, Atan2, Sinh, Cosh,
Asinh, Acosh, Atanh): each forward is the NumPy function, each gradient the derivative written
with minitf ops, in the form TF's gradient uses, so that the special points agree: asin'(±1) and
atanh'(±1) are inf, acosh'(1) is inf, outside the domain the value and gradient are nan (no
exception), and atan2's gradient at (0, 0) is nan.

>>> import minitf as tf
>>> x = tf.constant([0.0, 0.5])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.math.asin(x)
>>> [round(v, 4) for v in tape.gradient(y, x).numpy().tolist()]
[1.0, 1.1547]
"""
from __future__ import annotations

import numpy as np

from . import math_ops as M
from ._registry import TAPES, Tensor, _make, call2, floating, match2, not_allowed, record
from .complex_ops import conj

_FLOAT_KERNEL = "bfloat16, half, float, double"


def _unary(op: str, fn, grad, doc: str):
    """An elementwise op of floating and complex tensors: ``grad(x, y, g)`` is its VJP for
    real dtypes (``y`` the output)."""
    def unary(x, name=None) -> Tensor:
        x = floating(op, x, True)
        y = _make(fn(x._value), x._dtype)
        if TAPES.recording:
            if x._dtype.is_complex:     # g·conj(f'(x)), from grad, which is linear in g
                record(op, (x,), y, (lambda g: conj(grad(x, y, conj(g))),))
            else:
                record(op, (x,), y, (lambda g: grad(x, y, g),))
        return y
    unary.__name__ = unary.__qualname__ = fn.__name__.replace("arc", "a")
    unary.__doc__ = doc
    return unary


atan = _unary("Atan", np.arctan, lambda x, y, g: g * M.reciprocal(1 + M.square(x)), """\
Elementwise arctangent, in (-π/2, π/2); its gradient is 1 / (1 + x²) (0 at ±inf).

>>> import minitf as tf
>>> round(float(tf.math.atan(1.0)) * 4, 6)
3.141593""")

asin = _unary("Asin", np.arcsin, lambda x, y, g: g * M.rsqrt(1 - M.square(x)), """\
Elementwise arcsine: nan outside [-1, 1], as TF (no error); the gradient 1 / sqrt(1 - x²)
is inf at ±1.

>>> import minitf as tf
>>> tf.math.asin([0.0, 2.0]).numpy()
array([ 0., nan], dtype=float32)""")

acos = _unary("Acos", np.arccos, lambda x, y, g: -g * M.rsqrt(1 - M.square(x)), """\
Elementwise arccosine, in [0, π]; nan outside [-1, 1]. Gradient: -1 / sqrt(1 - x²).

>>> import minitf as tf
>>> tf.math.acos([1.0]).numpy()
array([0.], dtype=float32)""")

sinh = _unary("Sinh", np.sinh, lambda x, y, g: g * cosh(x), """\
Elementwise hyperbolic sine; its gradient is cosh(x).

>>> import minitf as tf
>>> tf.math.sinh([0.0]).numpy()
array([0.], dtype=float32)""")

cosh = _unary("Cosh", np.cosh, lambda x, y, g: g * sinh(x), """\
Elementwise hyperbolic cosine; its gradient is sinh(x).

>>> import minitf as tf
>>> tf.math.cosh([0.0]).numpy()
array([1.], dtype=float32)""")

# TF differentiates the inverse hyperbolic functions through their output: asinh' = 1/cosh(y),
# acosh' = 1/sinh(y). The forms agree with 1/sqrt(x² ± 1) except where TF's gives inf or 0.
asinh = _unary("Asinh", np.arcsinh, lambda x, y, g: g / cosh(y), """\
Elementwise inverse hyperbolic sine; the gradient is 1 / cosh(asinh(x)).

>>> import minitf as tf
>>> tf.math.asinh([0.0]).numpy()
array([0.], dtype=float32)""")

acosh = _unary("Acosh", np.arccosh, lambda x, y, g: g / sinh(y), """\
Elementwise inverse hyperbolic cosine: nan below 1; the gradient 1 / sinh(acosh(x)) is inf
at 1.

>>> import minitf as tf
>>> tf.math.acosh([1.0, 0.5]).numpy()
array([ 0., nan], dtype=float32)""")

atanh = _unary("Atanh", np.arctanh, lambda x, y, g: g * M.reciprocal(1 - M.square(x)), """\
Elementwise inverse hyperbolic tangent: ±inf at ±1, nan beyond; gradient 1 / (1 - x²).

>>> import minitf as tf
>>> tf.math.atanh([0.0, 1.0]).numpy()
array([ 0., inf], dtype=float32)""")


def atan2(y, x, name=None) -> Tensor:
    """The angle of the point (x, y), in [-π, π], elementwise with broadcasting; note the order
    ``atan2(y, x)``, as in TF. Both share one floating dtype. The gradients are x / (x² + y²)
    for ``y`` and -y / (x² + y²) for ``x``: nan at the origin, as TF's.

    >>> import minitf as tf
    >>> tf.math.atan2([1.0, 0.0], [0.0, -1.0]).numpy()
    array([1.5707964, 3.1415927], dtype=float32)"""
    y, x = match2("Atan2", y, x)
    if not y._dtype.is_floating:
        raise not_allowed("Atan2", y._dtype, _FLOAT_KERNEL)
    z = _make(call2("Atan2", np.arctan2, y, x), y._dtype)
    if TAPES.recording:
        def inv_r2():
            return M.reciprocal(M.square(x) + M.square(y))
        record("Atan2", (y, x), z, (lambda g: g * x * inv_r2(), lambda g: g * -y * inv_r2()))
    return z
