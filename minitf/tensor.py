"""Tensor: an immutable value (a backend array) with a DType, and conversion into tensors.

A Tensor never changes after it is made, which is what lets a tape keep a reference to it and
replay the backward pass later. Its operators (``+``, ``@``, ``[]``, ...) are attached by
``minitf/ops/overloads.py`` so that each one is an ordinary, recorded op.

>>> import minitf as tf
>>> x = tf.constant([[1., 2.], [3., 4.]])
>>> x.shape, x.dtype
(TensorShape([2, 2]), tf.float32)
>>> print(x[0])
tf.Tensor([1. 2.], shape=(2,), dtype=float32)
"""
from __future__ import annotations

import itertools
import sys
from typing import Any

import numpy as np

from . import _backend as B
from . import dtypes
from .dtypes import DType

_next_id = itertools.count(1).__next__

_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1


class TensorShape(tuple):
    """A fully known shape. Behaves as a tuple of ints (``shape[0]``, ``shape == (2, 3)``)."""

    def __new__(cls, dims=()):
        if dims is None:
            dims = ()
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self) -> int:
        return len(self)

    ndims = rank

    @property
    def dims(self) -> list:
        return list(self)

    def as_list(self) -> list:
        return list(self)

    def num_elements(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return all(d is not None for d in self)

    def is_compatible_with(self, other) -> bool:
        if isinstance(other, UnknownRankShape):
            return True
        other = TensorShape(other)
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return TensorShape(r) if isinstance(key, slice) else r

    # TF compares a shape with a list too: TensorShape([2, 3]) == [2, 3] is True.
    def __eq__(self, other):
        return tuple.__eq__(self, tuple(other) if isinstance(other, list) else other)

    def __ne__(self, other):
        return not self == other

    __hash__ = tuple.__hash__

    def __add__(self, other):
        return TensorShape(tuple(self) + tuple(other))

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        if len(self) == 1:
            return f"({self[0]},)"
        return "(" + ", ".join(str(d) for d in self) + ")"


class UnknownRankShape(TensorShape):
    """TF's ``TensorShape(None)``: a shape whose rank is not known (``tf.TensorSpec(None)``
    accepts a tensor of any shape; a spec from ``from_generator`` given no shape). Printed as
    ``<unknown>``; every shape is compatible with it.

    >>> import minitf as tf
    >>> spec = tf.TensorSpec(None, tf.float32)
    >>> print(spec.shape), spec.shape.rank, spec.shape.is_compatible_with([2, 3])
    <unknown>
    (None, None, True)
    """

    def __new__(cls):
        return tuple.__new__(cls, ())

    rank = ndims = dims = property(lambda self: None)

    def __len__(self):
        raise ValueError("Cannot take the length of shape with unknown rank.")

    def __bool__(self):
        return False

    def __iter__(self):
        raise ValueError("Cannot iterate over a shape with unknown rank.")

    def __getitem__(self, key):
        return UnknownRankShape() if isinstance(key, slice) else None

    def __add__(self, other):
        return UnknownRankShape()

    def __eq__(self, other):
        return isinstance(other, UnknownRankShape)

    def __hash__(self):
        return hash(UnknownRankShape)

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self):
        return None

    def is_fully_defined(self) -> bool:
        return False

    def is_compatible_with(self, other) -> bool:
        return True

    def __repr__(self) -> str:
        return "TensorShape(None)"

    def __str__(self) -> str:
        return "<unknown>"


def _asked_by_user() -> bool:
    """Whether the code asking for a traced tensor's shape is the user's, not minitf's.

    A trace with unknown dimensions shows the user TF's static shape (None where unknown), as
    TF code expects. minitf's own ops and layers see the concrete shape of the call being
    traced: each trace is specialised to its concrete input shapes (function/
    polymorphic_function.py), so sizes they bake in are right for every replay of it."""
    frame = sys._getframe(2)
    name = frame.f_globals.get("__name__", "")
    # np.shape(t) and the like; AutoGraph's converted_call calls methods for the user
    while name.startswith(("numpy", "minitf.autograph")) and frame.f_back is not None:
        frame = frame.f_back
        name = frame.f_globals.get("__name__", "")
    return not (name == "minitf" or name.startswith("minitf."))


class _HoldsArray:
    """What Tensor and Variable share: a backend array ``_value`` and a DType ``_dtype``."""

    __slots__ = ()

    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        v = self._value
        if B.TRACING and type(v) is B.SYMBOLIC and v.w is not None and _asked_by_user():
            return v.static_shape()
        return tuple.__new__(TensorShape, v.shape)   # NumPy shapes are int tuples

    def _static_shape(self) -> TensorShape:
        """The shape as TF's graph knows it: in a trace with unknown dimensions (an
        input_signature's None, a relaxed retrace) None where a dimension is not known."""
        v = self._value
        if B.TRACING and type(v) is B.SYMBOLIC:
            return v.static_shape()
        return tuple.__new__(TensorShape, v.shape)

    def get_shape(self) -> TensorShape:
        return self._static_shape() if _asked_by_user() else self.shape

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return B.device_name(self._value)



# Whether any tensor was ever given a ``_keras_mask`` (the property's setter turns it on).
_MASKS_SEEN = [False]


def keras_mask(t):
    """``getattr(t, "_keras_mask", None)``, answered without asking while no tensor in the
    process has ever carried a mask (the usual case: asking an unset attribute raises and
    catches an AttributeError, a cost Keras layers would pay on every call)."""
    return getattr(t, "_keras_mask", None) if _MASKS_SEEN[0] else None


class Tensor(_HoldsArray):
    """An immutable multi-dimensional array with a DType (TF's ``EagerTensor``).

    Tensors are made by ops (``tf.constant``, ``x + y``, ...). ``_id`` identifies the value on
    tapes; reads of one Variable share the Variable's id, so their adjoints add up in one place.
    """

    # _mask holds ``_keras_mask`` (the property below): the boolean (batch, time) mask a Keras
    # layer attached to its output (Embedding with mask_zero=True, Masking, RNNs with
    # return_sequences); unset on all other tensors.
    __slots__ = ("_value", "_dtype", "_id", "_mask", "__weakref__")
    # NumPy defers to us in mixed expressions (np.array(...) + tensor gives a Tensor).
    __array_priority__ = 100

    @property
    def _keras_mask(self):
        """The Keras mask attached to this tensor. As on TF's tensors the attribute exists only
        once something set it: ``getattr(t, "_keras_mask", None)`` is the way to ask."""
        try:
            return self._mask
        except AttributeError:
            raise self._no_mask() from None

    @_keras_mask.setter
    def _keras_mask(self, mask) -> None:
        # Asking an unset slot costs a formatted AttributeError, and a Keras layer or loss asks
        # on every call; until some tensor gets a mask they can skip the question (see
        # keras_mask), so the first assignment anywhere turns the flag on for good.
        _MASKS_SEEN[0] = True
        self._mask = mask

    @_keras_mask.deleter
    def _keras_mask(self) -> None:
        try:
            del self._mask
        except AttributeError:
            raise self._no_mask() from None

    def _no_mask(self) -> AttributeError:
        # named after the attribute the user asked for, not the slot behind it
        return AttributeError(f"'{type(self).__name__}' object has no attribute '_keras_mask'")

    def __init__(self, *args, **kwargs):
        raise TypeError("Tensors are made by ops; use tf.constant(value) or tf.convert_to_tensor.")

    # ---- state ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    def numpy(self):
        """A NumPy copy of the value (a NumPy scalar for rank 0), as TF's ``.numpy()``."""
        v = self._value
        if B.is_symbolic(v):
            # TF's graph tensors are SymbolicTensors, which simply lack the method: the same
            # AttributeError text (docs/tf-function.md explains what to do instead).
            raise AttributeError("'SymbolicTensor' object has no attribute 'numpy'")
        if B.is_device_array(v):
            v = B.to_host(v)          # a copy from the GPU: the only way values reach the host
            return v[()] if v.ndim == 0 else v
        if v.ndim == 0:
            return v[()] if isinstance(v, np.ndarray) else v
        return v.copy()

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(B.to_host(self._value))
        return a if dtype is None else a.astype(dtype)

    # ---- Python protocols ----------------------------------------------------------------
    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __complex__(self) -> complex:
        return complex(self._value)

    def __index__(self) -> int:
        if not self._dtype.is_integer:
            raise TypeError(f"Only integer tensors can be used as an index, got {self._dtype!r}")
        return int(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self):
        # As TF: ``self[0]``, ``self[1]``, ... one slice at a time (``__getitem__`` is an op,
        # installed by ops/overloads.py, so this module needs no import of the ops).
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self._value.shape[0]))

    def __format__(self, format_spec: str) -> str:
        """``f"{t:.4f}"`` formats a scalar's value, as TF does; other specs apply to str(t).
        Inside a tf.function trace a tensor has no value: ``f"{t}"`` is its symbolic text, and a format spec
        is TF's TypeError."""
        if B.is_symbolic(self._value):
            if format_spec:
                raise TypeError("unsupported format string passed to SymbolicTensor.__format__")
            return str(self)
        if self._value.ndim == 0:
            return format(self.numpy(), format_spec)
        return format(str(self), format_spec)

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self) -> "_Ref":
        return _Ref(self)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return convert_to_tensor, (self.numpy(),)

    def _numpy_text(self, is_repr: bool) -> str:
        v = self.numpy()
        if self._dtype.is_string and self._value.ndim == 0:
            return repr(v)
        if self._value.ndim == 0:
            return repr(v.item()) if is_repr and not self._dtype.is_bool else str(v)
        return repr(v) if is_repr else str(v)

    def _graph_name(self) -> str | None:
        """The name TF gives this tensor in the graph being built (asked through the seam in
        _backend.py), or None for an eager tensor. A constant made inside ``tf.function``
        (``tf.constant(2.0)``, ``tf.zeros([2])``) has one too, though its value is known:
        TF's graph has a node for it (``Const:0``, ``zeros:0``)."""
        v = self._value
        if B.is_symbolic(v):
            return B.TRACER.name(v)
        return B.TRACER.constant_name(v) if B.TRACING else None

    def __repr__(self) -> str:
        name = self._graph_name()
        if name is not None:        # in a function's graph: TF shows the graph tensor, no value
            return f"<tf.Tensor '{name}' shape={self._static_shape()} dtype={self._dtype.name}>"
        text = self._numpy_text(True)
        sep = "\n" if "\n" in text else ""
        return f"<tf.Tensor: shape={self.shape}, dtype={self._dtype.name}, numpy={sep}{text}>"

    def __str__(self) -> str:
        name = self._graph_name()
        if name is not None:
            return f'Tensor("{name}", shape={self._static_shape()}, dtype={self._dtype.name})'
        text = self._numpy_text(False)
        sep = "\n" if "\n" in text else ""
        return f"tf.Tensor({sep}{text}, shape={self.shape}, dtype={self._dtype.name})"

    def _repr_html_(self) -> str | None:
        """A notebook's table of the values (minitf's own; see ``register_html_display``)."""
        return html_display("tensor", self)


class EagerTensor(Tensor):
    """The concrete class of the tensors ops return, named as TF names its eager tensors:
    ``type(tf.constant(1.0)).__name__`` is ``'EagerTensor'``, while ``tf.Tensor`` stays the
    class to test against (``isinstance(t, tf.Tensor)``).

    >>> import minitf as tf
    >>> t = tf.constant(1.0)
    >>> type(t).__name__, isinstance(t, tf.Tensor)
    ('EagerTensor', True)
    """

    __slots__ = ()


class SymbolicTensor(EagerTensor):
    """A tensor of a function's graph: the class of the tensors made while ``tf.function``
    traces its body (the arguments it sees, what ops return there, a Variable's reads), as TF
    names its graph tensors. The behaviour is the tensor's own: whether it has a value to show
    is a question of the array it holds, not of its class. The class only answers
    ``type(t).__name__`` as TF does; ``isinstance(t, tf.Tensor)`` holds for both kinds.

    It subclasses EagerTensor so that every ``isinstance(t, EagerTensor)`` of the core still
    holds; fast paths that test ``type(t) is EagerTensor`` take their general branch for it,
    which is correct for any tensor. A tensor made outside the function and used inside it (a
    capture) keeps its own class, ``EagerTensor``, as in TF.

    >>> import minitf as tf
    >>> @tf.function
    ... def f(x):
    ...     print(type(x).__name__, type(x + 1).__name__, isinstance(x, tf.Tensor))
    ...     return x
    >>> type(f(tf.constant(1.0))).__name__
    SymbolicTensor SymbolicTensor True
    'EagerTensor'
    """

    __slots__ = ()


def _class_now(value) -> type:
    """The class of a tensor holding ``value`` made now, while some thread traces:
    SymbolicTensor for a symbolic value (a function's argument is made so before its trace
    runs) or when the running thread is building a function's graph (the seam's
    ``Tracer.in_graph``: a constant made there is a graph tensor in TF too), else EagerTensor
    (another thread's eager code, or an ``init_scope`` inside the function)."""
    return SymbolicTensor if type(value) is B.SYMBOLIC or B.TRACER.in_graph() else EagerTensor


class TensorSpec:
    """The shape (None for an unknown dimension) and dtype of a tensor (``tf.TensorSpec``)."""

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        # shape=None: any shape at all (unknown rank), as in TF
        self.shape = UnknownRankShape() if shape is None or isinstance(
            shape, UnknownRankShape) else TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, other) -> bool:
        other_shape = other.shape
        other_dtype = other.dtype
        return self.dtype == other_dtype and self.shape.is_compatible_with(other_shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and _shape_key(self.shape) == _shape_key(
            other.shape) and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self):
        return hash((_shape_key(self.shape), self.dtype.name, self.name))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def _shape_key(shape):
    return None if isinstance(shape, UnknownRankShape) else tuple(shape)


class _Ref:
    """A hashable reference to a tensor (``tensor.ref()``), for use as a dict key."""

    __slots__ = ("_t",)

    def __init__(self, t):
        self._t = t

    def deref(self):
        return self._t

    def __hash__(self):
        return id(self._t)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._t is self._t


def _make(value, dtype: DType) -> Tensor:
    """Wrap a backend array (owned by the new tensor from now on) with no checks: the hot path.
    A host 0-d array becomes a NumPy scalar, which GPU kernels accept as an argument."""
    if type(value) is np.ndarray and value.ndim == 0 and value.dtype.kind != "O":
        value = value[()]
    if B.TRACING:
        # Made inside a function's graph it is a SymbolicTensor (TF's class there); and TF's
        # graph has a node for the op function that made it (graph_ops.py).
        t = object.__new__(_class_now(value))
        t._value = value
        t._dtype = dtype
        t._id = _next_id()
        own = B.TRACER.made(value, sys._getframe(1))
        if own is not None:         # the op is a node of its own (tf.identity): its value
            t._value = own
        return t
    t = object.__new__(EagerTensor)
    t._value = value
    t._dtype = dtype
    t._id = _next_id()
    return t


def _wrap(value) -> Tensor:
    """Wrap an op's result array, taking its DType from the array."""
    t = object.__new__(EagerTensor)
    t._value = value
    t._dtype = dtypes._BY_NP[value.dtype]
    t._id = _next_id()
    return t


# ---- conversion ------------------------------------------------------------------------------

def _as_bytes_array(arr: np.ndarray) -> np.ndarray:
    """Text as TF holds it: an object array of ``bytes`` (UTF-8)."""
    out = np.empty(arr.shape, dtype=object)
    for i, v in np.ndenumerate(arr):
        if not isinstance(v, (str, bytes)):    # an object array of other things
            raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported object "
                             f"type {type(v).__name__}).")
        out[i] = v.encode() if isinstance(v, str) else bytes(v)
    return out


def _rectangular(value) -> np.ndarray:
    """``np.array(value)``, with TF's error for a ragged nest instead of NumPy's."""
    try:
        return np.array(value)
    except ValueError:
        if isinstance(value, (list, tuple)):
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
        raise


def _empty_nest(value, arr: np.ndarray) -> bool:
    """Whether ``value`` is a nest of lists with no numbers at all (``[]``, ``[[], []]``): TF
    gives it whatever dtype is asked for, where NumPy calls it float64."""
    return arr.size == 0 and isinstance(value, (list, tuple)) and next(_leaves(value), None) is None


def _python_default(value) -> np.ndarray:
    """TF's defaults for Python values: floats are float32, ints int32 (int64 if too big)."""
    arr = _rectangular(value)
    k = arr.dtype.kind
    if k in "US":
        if isinstance(value, (list, tuple)) and not all(
                isinstance(v, (str, bytes)) for v in _leaves(value)):
            raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
        return _as_bytes_array(arr)
    if k == "f":
        out = arr.astype(np.float32)
        if (np.isinf(out) & ~np.isinf(arr)).any():    # 1e300 has no float32 (inf stays inf)
            raise ValueError(f"Can't convert Python sequence with a value out of range for a "
                             f"float32 tensor: {value!r}")
        return out
    if k in "iu":
        if arr.size == 0 or (arr.min() >= _INT32_MIN and arr.max() <= _INT32_MAX):
            return arr.astype(np.int32)
        if arr.dtype.kind == "u":
            raise ValueError(f"Can't convert Python int {value!r} to a minitf tensor: out of range")
        return arr.astype(np.int64)
    if k == "b":
        return arr
    if k == "O" and arr.ndim > 0:
        for v in _leaves(value):     # None inside a list: the same error as None alone
            if not isinstance(v, (int, float, str, bytes, np.generic)):
                raise _unsupported(v)
        raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {value!r}")
    if k == "c":        # Python complex is complex128, as TF; never mixed with real numbers
        _no_mixed_complex(value)
        return arr.astype(np.complex128)
    raise _unsupported(value)


def _no_mixed_complex(value) -> None:
    """TF's conversion takes a list's type from its first number: after a complex one, real
    numbers become complex (``[2j, 1.5]``); after a real one, a complex number is a mixed-type
    ValueError (``[1.5, 2j]``), where NumPy would make every element complex."""
    if isinstance(value, (list, tuple)) and not isinstance(
            next(_leaves(value), None), (complex, np.complexfloating)):
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")


def _leaves(value):
    """The scalars of a nested list or tuple."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _unsupported(value) -> ValueError:
    """TF's error for a value that is no number, text or sequence of them (None, objects): a
    ValueError, as ``tf.constant(None)`` raises. (An int here is one no integer type holds.)"""
    if isinstance(value, int):
        return ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")
    return ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type "
                      f"({type(value)}) to a Tensor.")


def _python_to(value, dtype: DType) -> np.ndarray:
    """Convert a Python value to ``dtype`` the way TF does: floats never become ints silently."""
    arr = _rectangular(value)
    if _empty_nest(value, arr):
        return np.zeros(arr.shape, dtype._np)
    k = arr.dtype.kind
    if k == "O" and dtype.is_floating and all(
            isinstance(v, int) for v in _leaves(value)):   # ints beyond int64 make floats
        try:
            arr, k = np.array(value, dtype=np.float64), "f"
        except OverflowError:                                # ... unless beyond float64
            raise _unsupported(next(v for v in _leaves(value) if abs(v) >= 2 ** 63)) from None
    if k == "O" and arr.ndim == 0:
        raise _unsupported(value)
    if dtype.is_complex:
        if k == "c":
            _no_mixed_complex(value)
        elif k not in "iuf":      # bools and text do not become complex numbers
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        if k in "iu" and arr.size and (arr.min() < -2 ** 63 or arr.max() >= 2 ** 63):
            raise _unsupported(2 ** 63)
        with np.errstate(over="ignore"):      # 1e300 in complex64 is inf, as in TF
            return arr.astype(dtype._np)
    if (k == "f" and not dtype.is_floating) or (k in "iuf" and dtype.is_bool) or k not in "biuf":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if k in "iu" and not (dtype.is_floating or dtype.is_bool):
        # Python ints that overflow the target wrap around, as TF does for `i32 + 2**40`.
        return arr.astype(np.int64).astype(dtype._np)
    return arr.astype(dtype._np)


def _text_only(value) -> np.ndarray:
    """``value`` as an array of text, or TF's TypeError: numbers never become strings (they would
    become their raw bytes)."""
    arr = _rectangular(value)
    if _empty_nest(value, arr):
        return arr.astype(object)
    if arr.dtype.kind not in "USO" or (arr.dtype.kind == "O" and not all(
            isinstance(v, (str, bytes)) for v in arr.flat)):
        if arr.dtype.kind == "O" and arr.ndim == 0:
            raise _unsupported(value)
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype string")
    return arr


def _place(arr: np.ndarray):
    """Where a new value lives: a scalar stays a host NumPy scalar (GPU kernels take it as a
    launch argument, with no transfer); arrays go to the current backend."""
    if arr.ndim == 0:
        return arr[()] if arr.dtype.kind != "O" else arr
    if arr.dtype.kind == "O":     # strings stay on the host
        return arr
    return B.to_current(arr) if B.get_backend() != "numpy" else arr


def _no_autopacking(values):
    raise TypeError("Converting a list of tensors needs tf.stack: import minitf first")


_AUTOPACK = [_no_autopacking]

# Notebook display is drawn by minitf/explain_display.py, a tool above the core; the package's
# __init__ registers it, so the core never imports it (tests/test_layering.py).
_HTML_DISPLAY = [None]


def register_html_display(draw) -> None:
    """Set what ``_repr_html_`` of tensors, Variables and tapes returns: ``draw(kind, obj)``
    with kind "tensor" or "tape", giving HTML text or None (the plain repr)."""
    _HTML_DISPLAY[0] = draw


def html_display(kind: str, obj) -> str | None:
    draw = _HTML_DISPLAY[0]
    return None if draw is None else draw(kind, obj)


def _first_tensor(value):
    """The first tensor in a nested list or tuple, depth first (None if it holds none)."""
    for v in value:
        if is_tensor(v):
            return v
        if isinstance(v, (list, tuple)):
            t = _first_tensor(v)
            if t is not None:
                return t
    return None


def register_autopacking(pack) -> None:
    """Set how ``convert_to_tensor`` packs a list holding tensors (``pack(list_of_tensors)``);
    ops/array_ops.py registers ``stack`` on import. The hook keeps this module below the ops."""
    _AUTOPACK[0] = pack


def convert_to_tensor(value: Any, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """Convert a Tensor, Variable, NumPy value or Python value to a Tensor, TF's way.

    * A Tensor is returned as is; asking for another dtype is a ValueError (``tf.cast`` converts).
    * NumPy arrays keep their dtype (float64 stays float64) unless ``dtype`` is given.
    * Python floats default to float32, ints to int32, and never lose a fraction silently.

    >>> import numpy as np, minitf as tf
    >>> tf.convert_to_tensor(1.5).dtype, tf.convert_to_tensor(np.array([1.5])).dtype
    (tf.float32, tf.float64)
    >>> tf.convert_to_tensor(1.5, dtype=tf.int32)
    Traceback (most recent call last):
    ...
    TypeError: Cannot convert 1.5 to EagerTensor of dtype int32
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and dtype is not value._dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {value._dtype.name}: {value!r}")
        return value
    read = getattr(value, "_read_for_op", None)
    if read is None and getattr(value, "_is_indexed_slices", False):
        read = value._dense          # tf.IndexedSlices: its dense tensor (indexed_slices.py)
    if read is not None:  # a Variable
        t = read()
        if dtype is not None and dtype is not t._dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {t._dtype.name}: {t!r}")
        return t
    if B.is_device_array(value) or B.is_symbolic(value):
        dt = dtype or (None if dtype_hint is None else dtypes.as_dtype(dtype_hint))
        if dt is not None and value.dtype != dt._np:
            return _make(value.astype(dt._np), dt)
        return _make(value.copy(), dtypes.from_numpy(value.dtype))
    if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind in "USO":
        return _make(_as_bytes_array(np.asarray(value)), dtypes.string)
    if isinstance(value, (np.ndarray, np.generic)):
        # NumPy values adopt the tensor's dtype in mixed expressions, even if it loses precision.
        dtype = dtype or (None if dtype_hint is None else dtypes.as_dtype(dtype_hint))
        if dtype is not None:
            return _make(_place(np.array(value, dtype=dtype._np)), dtype)
        arr = np.array(value)  # a copy: the caller's array stays theirs
        return _make(_place(arr), dtypes.from_numpy(arr.dtype))
    if isinstance(value, (list, tuple)) and value:
        first = _first_tensor(value)
        if first is not None:
            # TF packs (nested) lists holding tensors, differentiably: the op (tf.stack)
            # registers itself here (``register_autopacking``), as TF's array_ops registers its
            # autopacking conversion; the other entries take the first tensor's dtype.
            dtype = dtype or dtypes.as_dtype(first.dtype)
            return _AUTOPACK[0]([convert_to_tensor(v, dtype) for v in value])
    if dtype is not None:
        if dtype.is_string:
            return _make(_as_bytes_array(_text_only(value)), dtype)
        return _make(_place(_python_to(value, dtype)), dtype)
    if dtype_hint is not None:
        try:
            hint = dtypes.as_dtype(dtype_hint)
            return _make(_place(_python_to(value, hint)), hint)
        except (TypeError, ValueError):
            pass
    arr = _python_default(value)
    return _make(_place(arr), dtypes._BY_NP[arr.dtype])


def constant(value: Any, dtype=None, shape=None, name: str = "Const") -> Tensor:
    """A constant tensor. Unlike ``convert_to_tensor``, an explicit dtype casts NumPy values and
    tensors, and ``shape`` reshapes (or broadcasts a scalar).

    >>> import minitf as tf
    >>> tf.constant(1.), tf.constant(1).dtype, tf.constant([1, 2.5]).dtype
    (<tf.Tensor: shape=(), dtype=float32, numpy=1.0>, tf.int32, tf.float32)
    >>> tf.constant(0., shape=[2, 2]).numpy().tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    if is_tensor(value):
        t = convert_to_tensor(value)
        if dtype is not None and dtypes.as_dtype(dtype) is not t._dtype:
            dt = dtypes.as_dtype(dtype)
            t = _make(B.asarray(t._value).astype(dt._np), dt)
        else:
            t = _make(t._value, t._dtype)  # a new constant: not connected to any tape
    else:
        t = convert_to_tensor(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        v = B.asarray(t._value)
        if v.size == 1:
            v = B.to_current(np.broadcast_to(np.asarray(B.to_host(v)).reshape(()), shape).copy())
        elif v.size == int(np.prod(shape)):
            v = v.reshape(shape)
        else:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tried to "
                            f"convert {tuple(t.shape)} values into a tensor of shape {shape}.")
        t = _make(v, t._dtype)
    return t


def is_variable(x) -> bool:
    """True for a ``tf.Variable`` (Keras variables included).

    The one test the library uses: a Variable is the only object that can be read for an op
    (``_read_for_op``), so the check needs no import of variable.py, which builds on this module.

    >>> import minitf as tf
    >>> from minitf.tensor import is_variable
    >>> is_variable(tf.Variable(1.0)), is_variable(tf.constant(1.0))
    (True, False)
    """
    return hasattr(type(x), "_read_for_op")


def is_tensor(x) -> bool:
    """True for Tensors and Variables (TF's ``tf.is_tensor``).

    >>> import minitf as tf
    >>> tf.is_tensor(tf.Variable(1.0)), tf.is_tensor(1.0)
    (True, False)
    """
    return isinstance(x, Tensor) or hasattr(type(x), "_read_for_op")
