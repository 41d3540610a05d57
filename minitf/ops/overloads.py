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

from ..errors import InvalidArgumentError
from ..tensor import Tensor, convert_to_tensor
from . import array_ops as A
from . import linalg_ops as L
from . import math_ops as M


def _strict(self: Tensor, other) -> Tensor:
    if isinstance(other, Tensor):
        return other
    if hasattr(other, "_read_for_op"):
        return other._read_for_op()
    return convert_to_tensor(other, self._dtype)


def _hinted(self: Tensor, other) -> Tensor:
    if isinstance(other, Tensor):
        return other
    if hasattr(other, "_read_for_op"):
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
Tensor.__mul__, Tensor.__rmul__ = _binary(M.multiply, _strict)
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
