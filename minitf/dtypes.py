"""DType objects and TensorFlow's strict dtype rules.

TensorFlow never promotes implicitly: ``float32 + float64`` is an error, and ``tf.cast`` is the only
way across. Python numbers adopt the dtype of the tensor they meet; on their own they default to
``float32`` (floats) and ``int32`` (ints, ``int64`` when they do not fit).

>>> import minitf as tf
>>> tf.float32, tf.float32.is_floating, tf.as_dtype("int64").max
(tf.float32, True, 9223372036854775807)

Complex types hold a (real, imaginary) pair of floats; ``real_dtype`` names the pair's type:

>>> tf.complex64.is_complex, tf.complex64.real_dtype, tf.complex128.size, tf.as_dtype(18)
(True, tf.float32, 16, tf.complex128)
"""
from __future__ import annotations

import numpy as np


class DType:
    """A tensor element type. Compares equal to its name, its NumPy dtype and other DTypes."""

    __slots__ = ("name", "as_numpy_dtype", "_np", "is_floating", "is_integer", "is_bool",
                 "is_unsigned", "kernel_name", "is_string", "is_numeric", "is_complex", "_grad")

    def __init__(self, name: str, np_dtype, kernel_name: str):
        self.name = name
        self._np = np.dtype(np_dtype)
        self.as_numpy_dtype = self._np.type
        self.is_floating = self._np.kind == "f"
        self.is_string = self._np.kind == "O"
        self.is_integer = self._np.kind in "iu"
        self.is_bool = self._np.kind == "b"
        self.is_unsigned = self._np.kind == "u"
        # Numbers: what TF's arithmetic, reduction and comparison kernels accept (bool and
        # string are not numbers to them, so `reduce_sum` of bools is an error, not a count).
        self.is_numeric = self._np.kind in "iuf"
        # Complex types are numbers to TF's arithmetic, but not to its orderings (maximum,
        # <, relu, reduce_max); they are kept out of is_numeric so that an op accepts them
        # only where it says so, and fails closed everywhere else.
        self.is_complex = self._np.kind == "c"
        # Whether gradients flow through values of this type (TF: floating or complex); the
        # tape reads this one slot per recorded output.
        self._grad = self._np.kind in "fc"
        # The name TF's kernels use in error messages ("float", "double", "half", ...).
        self.kernel_name = kernel_name

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def real_dtype(self) -> "DType":
        """The dtype of the real and imaginary parts: float32 for complex64, float64 for
        complex128, the dtype itself for every other type."""
        if self.is_complex:
            return float32 if self is complex64 else float64
        return self

    @property
    def as_datatype_enum(self) -> int:
        """TF's DataType enum number (types.proto): 1 for float32, 8 for complex64, ..."""
        return _ENUM_OF[self.name]

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self):
        if self.is_complex or self.is_string:   # no order, so no extremes (TF's TypeError)
            raise TypeError(f"Cannot find minimum value of {self} with type {self}.")
        return np.finfo(self._np).min if self.is_floating else (
            False if self.is_bool else np.iinfo(self._np).min)

    @property
    def max(self):
        if self.is_complex or self.is_string:
            raise TypeError(f"Cannot find maximum value of {self} with type {self}.")
        return np.finfo(self._np).max if self.is_floating else (
            True if self.is_bool else np.iinfo(self._np).max)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __eq__(self, other) -> bool:
        if other is self:
            return True
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = half = DType("float16", np.float16, "half")
float32 = DType("float32", np.float32, "float")
float64 = double = DType("float64", np.float64, "double")
int8 = DType("int8", np.int8, "int8")
int16 = DType("int16", np.int16, "int16")
int32 = DType("int32", np.int32, "int32")
int64 = DType("int64", np.int64, "int64")
uint8 = DType("uint8", np.uint8, "uint8")
bool = DType("bool", np.bool_, "bool")  # noqa: A001 - TF's name
string = DType("string", np.object_, "string")   # byte strings, for text pipelines (tf.data)
complex64 = DType("complex64", np.complex64, "complex64")      # two float32s: (re, im)
complex128 = DType("complex128", np.complex128, "complex128")  # two float64s

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool, string, complex64,
        complex128)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(half=float16, double=float64)
_BY_NP = {d._np: d for d in _ALL}
# TF's DataType enum numbers (types.proto): `tf.zeros(1, 1)` reads its positional 1 as DT_FLOAT.
_BY_ENUM = {1: float32, 2: float64, 3: int32, 4: uint8, 5: int16, 6: int8, 7: string, 8: complex64,
            9: int64, 10: bool, 18: complex128, 19: float16}
_ENUM_OF = {d.name: n for n, d in _BY_ENUM.items()}


def as_dtype(value) -> DType:
    """Convert a DType, a name ("float32"), a NumPy dtype, a Python type or TF's DataType enum
    number (1 is float32, as in ``tf.zeros(1, 1)``) to a DType."""
    if type(value) is DType:
        return value
    if type(value) is int and value in _BY_ENUM:
        return _BY_ENUM[value]
    if value is None:       # NumPy would read None as float64
        raise TypeError("Cannot convert the argument `type_value`: None to a minitf DType.")
    if isinstance(value, str):
        d = _BY_NAME.get(value)
        if d is not None:
            return d
    else:
        if value is float:
            return float64  # TF maps the Python type `float` to float64, as NumPy does
        if value is int:
            return int64
        if value is complex:    # unlike float and int, TF does not map the Python type
            raise TypeError(f"Cannot convert the argument `type_value`: {value!r} to a minitf "
                            f"DType.")
        try:
            d = _BY_NP.get(np.dtype(value))
        except TypeError:
            d = None
        if d is not None:
            return d
    raise TypeError(f"Cannot convert the argument `type_value`: {value!r} to a minitf DType.")


def from_numpy(np_dtype) -> DType:
    """The DType of a NumPy array, or a TypeError for kinds minitf does not support."""
    d = _BY_NP.get(np_dtype)
    if d is None:
        kind = np.dtype(np_dtype).kind
        if kind in "mMOV" or (kind == "f" and np.dtype(np_dtype).itemsize > 8):
            # Neither TF nor minitf has such a type: TF's ValueError.
            raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported numpy "
                             f"type: {np_dtype}).")
        if kind == "c":     # complex256: as TF, which has no such type
            raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported numpy "
                             f"type: {np_dtype}).")
        raise TypeError(f"minitf does not support arrays of dtype {np_dtype}")
    return d
