"""Complex numbers: building them (``tf.complex``), taking them apart (``tf.math.real``,
``tf.math.imag``) and conjugating them (``tf.math.conj``).

The gradient convention (docs/gradient-conventions.md). For a real loss L of z = x + iy,
TensorFlow's ``tape.gradient(L, z)`` is ``dL/dx + i·dL/dy``: the direction of steepest ascent
in the complex plane, so ``z - lr * grad`` descends just as for a pair of real variables. A
holomorphic op f then passes back ``upstream * conj(f'(z))``; a complex target is read as
``L = sum(real(target))`` (its upstream is ones). This module's ops sit below the rest of the
math so that every VJP can conjugate with ``conj_of`` at a cost of one attribute read for real
dtypes.

>>> import minitf as tf
>>> z = tf.Variable([1 + 2j])
>>> with tf.GradientTape() as tape:
...     loss = tf.reduce_sum(tf.math.real(z * tf.math.conj(z)))     # |z|², a real number
>>> tape.gradient(loss, z).numpy()          # dL/dx + i·dL/dy = 2x + 2iy
array([2.+4.j])
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ._registry import TAPES, Tensor, _make, call2, record, tensor

# The complex type holding a pair of each float type, and back.
_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def conj_of(t: Tensor) -> Tensor:
    """``t`` itself for real dtypes, its conjugate for complex ones: what a VJP multiplies the
    upstream gradient by (``g * conj(f'(z))``)."""
    return conj(t) if t._dtype.is_complex else t


def _numeric_or_complex(op: str, x) -> Tensor:
    """Convert ``x`` for real/imag/conj, which TF's Python wrappers accept for every number
    type (a real tensor passes through) but not for bool and string."""
    x = tensor(x)
    if not (x._dtype.is_numeric or x._dtype.is_complex):
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x._dtype!r}.")
    return x


def complex(real, imag, name=None) -> Tensor:  # noqa: A001 - TF's name
    """``real + i·imag`` elementwise, with broadcasting. Both parts must be float32 (giving
    complex64) or both float64 (complex128); anything else is TF's TypeError. The gradient
    of each part is the real or imaginary part of the upstream gradient.

    >>> import minitf as tf
    >>> tf.complex([1.0, 2.0], 3.0).numpy()
    array([1.+3.j, 2.+3.j], dtype=complex64)
    """
    re = tensor(real)
    im = tensor(imag, re._dtype if re._dtype.is_floating else None)
    out = _COMPLEX_OF.get(re._dtype)
    if out is None or im._dtype is not re._dtype:
        raise TypeError(f"The `real` and `imag` components have incorrect types: "
                        f"{re._dtype.name} {im._dtype.name}. They must be consistent, and one "
                        f"of [tf.float32, tf.float64]")
    v = call2("Complex", _pair, re, im)
    z = _make(v.astype(out._np, copy=False), out)
    if TAPES.recording:
        record("Complex", (re, im), z, (real_part, imag_part))
    return z


def _pair(a, b):
    return a + 1j * b


def real_part(x, name=None) -> Tensor:
    """The real part of a complex tensor, in its ``real_dtype``; a real tensor is returned as
    it is (TF's ``tf.math.real``). Gradient: ``complex(g, 0)``.

    >>> import minitf as tf
    >>> tf.math.real(tf.constant([1 + 2j, -3 - 4j], tf.complex64)).numpy()
    array([ 1., -3.], dtype=float32)
    """
    x = _numeric_or_complex("Real", x)
    if not x._dtype.is_complex:
        return x
    z = _make(np.copy(np.real(x._value)), x._dtype.real_dtype)
    if TAPES.recording:
        record("Real", (x,), z, (lambda g: complex(g, _zeros(g)),))
    return z


def imag_part(x, name=None) -> Tensor:
    """The imaginary part of a complex tensor, in its ``real_dtype``; for a real tensor, zeros
    of its dtype (TF's ``tf.math.imag``). Gradient: ``complex(0, g)``.

    >>> import minitf as tf
    >>> tf.math.imag(tf.constant([1 + 2j, -3 - 4j])).numpy()
    array([ 2., -4.])
    """
    x = _numeric_or_complex("Imag", x)
    if not x._dtype.is_complex:
        return _make(np.zeros_like(x._value), x._dtype)
    z = _make(np.copy(np.imag(x._value)), x._dtype.real_dtype)
    if TAPES.recording:
        record("Imag", (x,), z, (lambda g: complex(_zeros(g), g),))
    return z


def conj(x, name=None) -> Tensor:
    """The complex conjugate ``x - i·y``; a real tensor is returned as it is (TF's
    ``tf.math.conj``). Conjugation is its own gradient: ``conj(g)``.

    >>> import minitf as tf
    >>> tf.math.conj(tf.constant([1 + 2j])).numpy()
    array([1.-2.j])
    """
    x = _numeric_or_complex("Conj", x)
    if not x._dtype.is_complex:
        return x
    z = _make(np.conjugate(x._value), x._dtype)
    if TAPES.recording:
        record("Conj", (x,), z, (conj,))
    return z


def _zeros(g: Tensor) -> Tensor:
    return _make(np.zeros_like(g._value), g._dtype)

