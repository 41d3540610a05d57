"""The discrete Fourier transform over the innermost axis (``tf.signal.fft`` and ``ifft``).

``fft(x)[k] = sum_j x[j]·exp(-2πi·jk/n)`` and ``ifft`` is its inverse, with the 1/n on the
inverse side, as TF and NumPy both define them. The transform is a linear map F with
conjugate transpose n·F⁻¹, so under TF's conjugate gradient convention
(docs/gradient-conventions.md) the gradient of ``fft`` is ``n·ifft(g)`` and that of ``ifft``
is ``fft(g) / n``.

>>> import minitf as tf
>>> tf.signal.fft(tf.constant([1 + 0j, 1, 1, 1], tf.complex64)).numpy()
array([4.+0.j, 0.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
"""
from __future__ import annotations

import numpy as np

from ._registry import TAPES, Tensor, _make, invalid_argument, record, tensor


def _complex_input(op: str, x) -> Tensor:
    x = tensor(x)
    if not x._dtype.is_complex:
        raise invalid_argument(f"Value for attr 'Tcomplex' of {x._dtype.kernel_name} is not in "
                               f"the list of allowed values: complex64, complex128", op)
    if x._value.ndim < 1:
        raise invalid_argument("Input must have rank of at least 1 but got: []", op)
    return x


def _n(x: Tensor) -> int:
    return x._value.shape[-1]


def _transform(fn, x: Tensor):
    """``fn`` over the last axis in the input's dtype; an empty axis stays empty (NumPy would
    refuse a transform of 0 points)."""
    v = x._value
    if v.shape[-1] == 0:
        return v.copy()
    return fn(v, axis=-1).astype(x._dtype._np, copy=False)


def fft(input, name=None) -> Tensor:  # noqa: A002 - TF's argument name
    """The 1-D discrete Fourier transform of the innermost axis of a complex tensor (complex64
    or complex128; a real tensor is TF's InvalidArgumentError: cast it first).

    >>> import minitf as tf
    >>> tf.signal.fft(tf.constant([1 + 2j, -3 - 4j])).numpy()
    array([-2.-2.j,  4.+6.j])
    """
    x = _complex_input("FFT", input)
    z = _make(_transform(np.fft.fft, x), x._dtype)
    if TAPES.recording:
        n = _n(x)
        record("FFT", (x,), z, (lambda g: ifft(g) * n,))
    return z


def ifft(input, name=None) -> Tensor:  # noqa: A002 - TF's argument name
    """The inverse of ``fft`` over the innermost axis: ``ifft(fft(x))`` is ``x`` (up to
    rounding), with the 1/n factor here.

    >>> import minitf as tf
    >>> tf.signal.ifft(tf.constant([-2 - 2j, 4 + 6j])).numpy()
    array([ 1.+2.j, -3.-4.j])
    """
    x = _complex_input("IFFT", input)
    z = _make(_transform(np.fft.ifft, x), x._dtype)
    if TAPES.recording:
        n = _n(x)
        record("IFFT", (x,), z, (lambda g: fft(g) / n,))
    return z
