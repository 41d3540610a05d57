"""Python operators on Tensor, with TensorFlow's conversion rules for the other operand.

* ``t + x`` converts a Python/NumPy ``x`` *towards* t's dtype (a float that cannot become an int
  stays float, and the add then fails with InvalidArgumentError); ``x + t``, ``t - x``, ``t * x``
  convert ``x`` *to* t's dtype (a float that cannot become an int is a TypeError). These are TF's
  ``convert_to_tensor(dtype_hint=...)`` and ``convert_to_tensor(dtype=...)`` respectively.
* ``/`` demands equal dtypes with a TypeError; ints divide to float64 (int32/int64).

>>> import minitf as tf
>>> i = tf.constant(3)
>>> print(i / 2, i // 2, i ** 2)
tf.Tensor(1.5, shape=(), dtype=float64) tf.Tensor(1, shape=(), dtype=int32) tf.Tensor(9, shape=(), dtype=int32)
"""
from __future__ import annotations

import numpy as np

from ..dtypes import bool as _BOOL
from ..errors import InvalidArgumentError
from ..tensor import Tensor, _make, convert_to_tensor, is_variable
from . import array_ops as A
from . import linalg_ops as L
from . import math_ops as M


def _strict(self: Tensor, other) -> Tensor:
    if isinstance(other, Tensor):
        return other
    if is_variable(other):
        return other._read_for_op()
    return convert_to_tensor(other, self._dtype)


def _hinted(self: Tensor, other) -> Tensor:
    if isinstance(other, Tensor):
        return other
    if is_variable(other):
        return other._read_for_op()
    return convert_to_tensor(other, dtype_hint=self._dtype)


def _binary(fn, convert):
    def op(self, other):
        return fn(self, convert(self, other))

    def rop(self, other):
        return fn(convert(self, other), self)
    return op, rop


Tensor.__add__, Tensor.__radd__ = _binary(M.add, _hinted)
Tensor.__radd__ = _binary(M.add, _strict)[1]
Tensor.__sub__, Tensor.__rsub__ = _binary(M.subtract, _strict)


def _as_bool(t: Tensor) -> Tensor:
    """A multiplication operand as TF's bool ``*`` reads it: numbers truncated toward zero,
    then non-zero (so 0.5 is False, -1 and 2.5 are True)."""
    if t._dtype.is_bool:
        return t
    return _make(np.trunc(t._value) != 0, _BOOL)


def _bool_mul(self, other):
    """``*`` with a bool tensor on either side is a logical and, as in TF:
    ``[True, True] * [0.5, 2.5]`` is ``[False, True]``."""
    return M.logical_and(_as_bool(self), _as_bool(_hinted(self, other)))


def _mul(self, other):
    if self._dtype.is_bool or getattr(other, "_dtype", None) is _BOOL:
        return _bool_mul(self, other)
    return M.multiply(self, _strict(self, other))


def _rmul(self, other):
    """``number * tensor``: the number is converted to the tensor's dtype, strictly, so any
    Python number times a bool tensor is TF's TypeError (``2 * t``), unlike ``t * 2``."""
    other = _strict(self, other)
    if self._dtype.is_bool:
        return M.logical_and(other, self)
    return M.multiply(other, self)


Tensor.__mul__, Tensor.__rmul__ = _mul, _rmul
Tensor.__truediv__, Tensor.__rtruediv__ = _binary(M.divide, _hinted)
Tensor.__floordiv__, Tensor.__rfloordiv__ = _binary(M.floordiv, _strict)
Tensor.__mod__, Tensor.__rmod__ = _binary(M.floormod, _strict)
Tensor.__pow__, Tensor.__rpow__ = _binary(M.pow, _strict)
Tensor.__matmul__, Tensor.__rmatmul__ = _binary(L.matmul, _strict)
Tensor.__lt__ = _binary(M.less, _strict)[0]
Tensor.__le__ = _binary(M.less_equal, _strict)[0]
Tensor.__gt__ = _binary(M.greater, _strict)[0]
Tensor.__ge__ = _binary(M.greater_equal, _strict)[0]
Tensor.__and__, Tensor.__rand__ = _binary(M.logical_and, _strict)
Tensor.__or__, Tensor.__ror__ = _binary(M.logical_or, _strict)
Tensor.__xor__, Tensor.__rxor__ = _binary(M.logical_xor, _strict)
Tensor.__neg__ = lambda self: M.negative(self)
Tensor.__abs__ = lambda self: M.abs(self)
Tensor.__pos__ = lambda self: self
Tensor.__invert__ = lambda self: M.logical_not(self)
Tensor.__getitem__ = lambda self, key: A.strided_slice(self, key)


def _eq(self, other):
    """Elementwise ==; ``t == None`` is False, and shapes that cannot broadcast compare False
    (TF's ``incompatible_shape_error=False``)."""
    if other is None:
        return False
    other = _strict(self, other)
    try:
        return M.equal(self, other)
    except InvalidArgumentError as e:
        if "Incompatible shapes" in str(e):
            return convert_to_tensor(False)
        raise


def _ne(self, other):
    if other is None:
        return True
    other = _strict(self, other)
    try:
        return M.not_equal(self, other)
    except InvalidArgumentError as e:
        if "Incompatible shapes" in str(e):
            return convert_to_tensor(True)
        raise


Tensor.__eq__ = _eq
Tensor.__ne__ = _ne
