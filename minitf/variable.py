"""Variable: mutable state that tapes watch automatically.

A Variable holds an array; a tensor read earlier keeps the value it had, whatever is assigned
later. Every read is a Tensor that carries the Variable's own id: a tape sums the adjoints of
all reads under that id, which is the gradient with respect to the Variable.

**Who owns the array.** A read hands out the Variable's array itself (no copy), and from then on
the array is *lent* (``_lent``): something outside may alias it, so nothing writes it in place
again. The next write installs a fresh array, which the Variable owns (``_own``) until it is read
again. In-place updates (the optimizers' fast path, fused GPU kernels, CUDA graphs) ask
``_lent`` first. This is explicit bookkeeping, not a guess from reference counts: a traced
program's reads are not Tensors, so inside ``tf.function`` updates stay in place unless the
program returns (a view of) the Variable.

>>> import minitf as tf
>>> v = tf.Variable([[1., 2.], [3., 4.]])
>>> _ = v[0, 1].assign(42.)
>>> _ = v[1].assign([7., 8.])
>>> v.numpy().tolist()
[[1.0, 42.0], [7.0, 8.0]]
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

from . import _backend as B
from . import dtypes
from . import record as _record   # recording only: the GradientTape builds on this module
from .ops import array_ops, math_ops
from .errors import InvalidArgumentError
from .tensor import EagerTensor, Tensor, _HoldsArray, _class_now, _next_id, convert_to_tensor

# The stack of open ``tf.name_scope``s (module.py opens them): like tapes, they belong to the
# thread that opened them. It lives here, beside the one reader, so both always see one stack.
NAME_SCOPES = threading.local()


def current_name_scope() -> str:
    """The running thread's name scope: ``""`` at the top, else a prefix ending in ``/``."""
    stack = getattr(NAME_SCOPES, "stack", None)
    return stack[-1] if stack else ""


class Variable(_HoldsArray):
    """A mutable tensor-like value (TF's ``tf.Variable``)."""

    __slots__ = ("_array", "_lent", "_dtype", "_id", "_trainable", "_name", "_constraint",
                 "__weakref__")
    __array_priority__ = 100

    def __new__(cls, *args, **kwargs):
        # ``tf.Variable(...)`` builds TF's concrete class, ResourceVariable (so ``type(v)``
        # names it, as in TF); subclasses build themselves.
        return object.__new__(ResourceVariable if cls is Variable else cls)

    # The array is ``_array``; code reads and writes it through ``_value`` so that, inside a
    # tf.function trace, reads become program inputs and writes program outputs (asked through
    # the seam in _backend.py: B.TRACING, then B.TRACER).
    @property
    def _value(self):
        if B.TRACING:                        # some thread traces: is it this one?
            traced = B.TRACER.read_variable(self)
            if traced is not None:
                return traced
        return self._array

    @_value.setter
    def _value(self, value) -> None:
        # An array from elsewhere (an assigned tensor's) may be aliased: it counts as lent.
        if B.TRACING and B.TRACER.write_variable(self, value):
            return
        self._array = value
        self._lent = True

    def _own(self, value) -> None:
        """Install ``value``, an array made for this Variable that nothing else holds (the
        result of an update): it may be updated in place until it is read."""
        if B.TRACING and B.TRACER.write_variable(self, value):
            return
        self._array = value
        self._lent = False

    def __init__(self, initial_value: Any = None, trainable: bool | None = None,
                 validate_shape: bool = True, caching_device=None, name: str | None = None,
                 variable_def=None, dtype=None, import_scope=None, constraint=None,
                 synchronization=None, aggregation=None, shape=None,
                 experimental_enable_variable_lifting=True):
        if initial_value is None:
            raise ValueError("The `initial_value` arg (None) must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        if isinstance(initial_value, Variable):
            initial_value = initial_value._snapshot()
        if isinstance(initial_value, Tensor) and dtype is not None:
            initial_value = math_ops.cast(initial_value, dtype)
        t = convert_to_tensor(initial_value, dtype)
        # Variables live on the current device (as arrays: scalars too, so they can be updated).
        v = t._value
        if B.TRACING:                    # created in a trace: keeps its first value
            v = B.TRACER.variable_created(self, v)
        self._array = B.to_current(B.asarray(v)) if B.get_backend() != "numpy" else v
        self._lent = True          # the initial value may be a tensor's array
        self._dtype = t._dtype
        self._id = _next_id()
        self._trainable = True if trainable is None else bool(trainable)
        self._name = f"{current_name_scope()}{name or 'Variable'}:0"   # tf.name_scope's prefix
        if constraint is not None and not callable(constraint):
            raise ValueError(f"Argument `constraint` must be None or a callable. "
                             f"Received: {constraint!r}")
        self._constraint = constraint

    # ---- reading ---------------------------------------------------------------------------
    def _snapshot(self) -> Tensor:
        """The current value as a Tensor that carries this Variable's id (no access recorded).
        It aliases the array, which is lent from now on."""
        t = object.__new__(EagerTensor)
        t._value = v = self._value
        if v is self._array:
            self._lent = True
        t._dtype = self._dtype
        t._id = self._id
        return t

    def _read_for_op(self) -> Tensor:
        """What an op sees when given this Variable: a read, which tapes may watch. It aliases
        the array, which is lent from now on (not inside a trace: there it is a traced value)."""
        if B.TRACING:
            # a read inside a function's graph is a SymbolicTensor there, as in TF
            v = self._value
            t = object.__new__(_class_now(v))
            t._value = v
            if v is self._array:
                self._lent = True
        else:                   # (what the _value property returns when nothing traces)
            t = object.__new__(EagerTensor)
            t._value = self._array
            self._lent = True
        t._dtype = self._dtype
        t._id = self._id
        tapes = _record.TAPES
        if tapes.recording or tapes.access_watchers:
            _record.variable_accessed(self)
        return t

    def value(self) -> Tensor:
        return self._read_for_op()

    def read_value(self) -> Tensor:
        return self._read_for_op()

    def numpy(self):
        """The value as NumPy. As in TF this is a read: inside a tape it watches the Variable."""
        if _record.TAPES.recording:
            _record.numpy_read(self)
        return self._peek().numpy()

    def _peek(self) -> Tensor:
        """The value as a Tensor for an immediate conversion to a copy (NumPy, a Python number,
        text): it does not lend the array, so it must not escape."""
        t = object.__new__(EagerTensor)
        t._value, t._dtype, t._id = self._value, self._dtype, self._id
        return t

    # ---- attributes ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    # ---- writing ---------------------------------------------------------------------------
    def _converted(self, value, what: str) -> np.ndarray:
        t = convert_to_tensor(value._snapshot() if isinstance(value, Variable) else value,
                              self._dtype)
        if t._value.shape != self._value.shape:
            if what == "assign value to":
                # TF's own text, its stray space before the name and missing one after the
                # first sentence included.
                raise ValueError(f"Cannot assign value to variable ' {self._name}': Shape "
                                 f"mismatch.The variable shape {self.shape}, and the assigned "
                                 f"value shape {t.shape} are incompatible.")
            # assign_add/assign_sub fail in TF's kernel, not in Python: an op error.
            op = "AssignAddVariableOp" if what.startswith("add") else "AssignSubVariableOp"
            dims = lambda shape: "[" + ",".join(str(d) for d in shape) + "]"  # noqa: E731
            raise InvalidArgumentError(
                None, op, f"Cannot update variable with shape {dims(self._value.shape)} using a "
                          f"Tensor with shape {dims(t._value.shape)}, shapes must be equal. "
                          f"[Op:{op}] name: ")
        v = t._value
        if isinstance(v, np.generic) and what != "assign value to":
            # a number added or subtracted: GPU kernels take it as an argument, so it needs no
            # device copy (inside a trace the program then keeps the constant it was made as)
            return v
        if B.is_device_array(self._value) != B.is_device_array(v):   # keep the Variable's device
            v = B.like(self._value, v if B.is_symbolic(v) else np.asarray(v)) \
                if not B.is_device_array(v) else B.to_host(v)
        return v

    def assign(self, value, use_locking=None, name=None, read_value=True) -> "Variable":
        """Replace the value (same dtype and shape). Not differentiable, as in TF."""
        self._value = self._converted(value, "assign value to")
        return self._unread(read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True) -> "Variable":
        self._own(self._value + self._converted(delta, "add value to"))    # a new array
        return self._unread(read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True) -> "Variable":
        self._own(self._value - self._converted(delta, "subtract value from"))
        return self._unread(read_value)

    def scatter_nd_update(self, indices, updates, name=None) -> "Variable":
        """Write ``updates`` at the positions ``indices`` names (rows of index tuples)."""
        from .ops.gather_nd_ops import tensor_scatter_nd_update
        self._value = tensor_scatter_nd_update(self._snapshot(), indices, updates)._value
        return self._unread()

    def _scatter(self, op: str, sparse_delta, combine) -> "Variable":
        if not getattr(sparse_delta, "_is_indexed_slices", False):
            raise TypeError(f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received "
                            f"arg: {sparse_delta}")
        from .ops.gather_nd_ops import scatter_nd, tensor_scatter_nd_update
        from .ops.math_ops import cast
        idx = sparse_delta.indices
        n = self._value.shape[0] if self._value.ndim else 0
        host = np.asarray(B.to_host(idx._value)).reshape(-1)
        if B.checkable(idx._value) and ((host < 0) | (host >= n)).any():
            bad = int(host[(host < 0) | (host >= n)][0])
            raise InvalidArgumentError(None, op, f"indices[0] = {bad} is not in [0, {n}) "
                                              f"[Op:{op}]")
        values = cast(sparse_delta.values, self._dtype)
        rows = array_ops.reshape(idx, [-1, 1])
        current = self._snapshot()
        if combine is None:     # update: the last write to a row wins, as TF's CPU kernel
            new = tensor_scatter_nd_update(current, rows, values)
        else:
            delta = scatter_nd(rows, values, list(self._value.shape))
            new = combine(current, delta)
        self._own(new._value)
        return self._unread()

    def scatter_update(self, sparse_delta, use_locking=False, name=None) -> "Variable":
        """Write the rows of ``sparse_delta`` (a ``tf.IndexedSlices``) at its indices.

        >>> import minitf as tf
        >>> v = tf.Variable([[1., 2.], [3., 4.]])
        >>> v.scatter_update(tf.IndexedSlices(tf.constant([[9., 9.]]), tf.constant([1])))
        ... # doctest: +ELLIPSIS
        <tf.Variable ...>
        >>> v.numpy().tolist()
        [[1.0, 2.0], [9.0, 9.0]]"""
        return self._scatter("ResourceScatterUpdate", sparse_delta, None)

    def scatter_add(self, sparse_delta, use_locking=False, name=None) -> "Variable":
        """Add the rows of ``sparse_delta`` (a ``tf.IndexedSlices``) at its indices (repeated
        indices add up).

        >>> import minitf as tf
        >>> v = tf.Variable([[1., 2.], [3., 4.]])
        >>> _ = v.scatter_add(tf.IndexedSlices(tf.constant([[1., 1.], [1., 1.]]),
        ...                                    tf.constant([0, 0])))
        >>> v.numpy().tolist()
        [[3.0, 4.0], [3.0, 4.0]]"""
        return self._scatter("ResourceScatterAdd", sparse_delta, lambda a, d: a + d)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None) -> "Variable":
        """Subtract the rows of ``sparse_delta`` (a ``tf.IndexedSlices``) at its indices.

        >>> import minitf as tf
        >>> v = tf.Variable([[1., 2.], [3., 4.]])
        >>> _ = v.scatter_sub(tf.IndexedSlices(tf.constant([[1., 1.]]), tf.constant([1])))
        >>> v.numpy().tolist()
        [[1.0, 2.0], [2.0, 3.0]]"""
        return self._scatter("ResourceScatterSub", sparse_delta, lambda a, d: a - d)

    def _assign_slice(self, key, value, read_value: bool = True) -> "Variable | None":
        new = B.asarray(self._value).copy()
        part = convert_to_tensor(value, self._dtype)._value
        if B.is_device_array(new) and not B.is_device_array(part):
            part = B.like(new, np.asarray(part))
        try:
            new[key] = part
        except ValueError:
            raise ValueError(f"Cannot assign a value of shape {part.shape} to the slice of shape "
                             f"{np.shape(new[key])} of variable '{self._name}'") from None
        self._own(new)
        return self._unread(read_value)

    def _unread(self, read_value: bool = True) -> "Variable | None":
        """What an update returns. TF's resource variables return an ``_UnreadVariable``: the
        same variable under the name 'UnreadVariable', read only when used (so it shows later
        assignments too), in eager code and inside ``tf.function`` alike (printed there as
        ``<tf.Variable 'UnreadVariable' shape=() dtype=float32>``). ``read_value=False`` is
        ``None`` in eager code and inside a function the assignment's operation
        (``<tf.Operation 'AssignVariableOp' type=AssignVariableOp>``), TF's results. Other
        kinds (Keras's) return the variable itself."""
        if not isinstance(self, ResourceVariable):
            return self
        if read_value:
            return _UnreadVariable(self)
        return B.TRACER.assignment(self) if B.TRACING else None

    def __getitem__(self, key) -> "Tensor":
        sliced = array_ops.strided_slice(self._read_for_op(), key)
        out = object.__new__(_VariableSlice)
        out._value, out._dtype, out._id = sliced._value, sliced._dtype, sliced._id
        out._var, out._key = self, array_ops._norm_key(key)
        return out

    # ---- protocols: the same as the current value's (a snapshot, not a recorded read) ----
    def __array__(self, dtype=None, copy=None):
        return self._snapshot().__array__(dtype)

    def __float__(self) -> float:
        return float(self._peek())

    def __int__(self) -> int:
        return int(self._peek())

    def __index__(self) -> int:
        return self._read_for_op().__index__()

    def __bool__(self) -> bool:
        return bool(self._peek())

    def __len__(self) -> int:
        return len(self._peek())

    def __iter__(self):
        return iter(self._read_for_op())

    def __format__(self, format_spec: str) -> str:
        return format(self._peek(), format_spec)

    def __hash__(self):
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def ref(self):
        from .tensor import _Ref
        return _Ref(self)

    def __repr__(self) -> str:
        # in a function's graph TF shows no value, also after a constant was assigned
        if B.TRACING and B.TRACER.read_variable(self) is not None:
            return f"<tf.Variable '{self._name}' shape={self.shape} dtype={self._dtype.name}>"
        text = self._peek()._numpy_text(True)
        sep = "\n" if "\n" in text else ""
        return (f"<tf.Variable '{self._name}' shape={self.shape} dtype={self._dtype.name}, "
                f"numpy={sep}{text}>")

    def _repr_html_(self) -> str | None:
        """A notebook's table of the values (minitf's own; see tensor.register_html_display)."""
        from .tensor import html_display
        return html_display("tensor", self)

    def __str__(self) -> str:
        return repr(self)


class ResourceVariable(Variable):
    """The class ``tf.Variable(...)`` builds, as in TF: ``type(v).__name__`` is
    ``'ResourceVariable'`` while ``isinstance(v, tf.Variable)`` holds. TF names its
    resource-handle variables so; here it only names the class, the behaviour is Variable's.

    >>> import minitf as tf
    >>> v = tf.Variable(1.0)
    >>> type(v).__name__, isinstance(v, tf.Variable)
    ('ResourceVariable', True)
    """

    __slots__ = ()


def _forward(attr: str) -> property:
    """A property that reads and writes ``attr`` on the variable an _UnreadVariable stands for."""
    def get(self):
        return getattr(self._parent, attr)

    def set(self, value) -> None:
        setattr(self._parent, attr, value)
    return property(get, set)


class _UnreadVariable(ResourceVariable):
    """What ``assign``, ``assign_add``, ``assign_sub`` and the ``scatter_*`` methods of a
    ``tf.Variable`` return outside ``tf.function``, as in TF: the variable itself seen again,
    not a copy of its value. It prints as ``<tf.Variable 'UnreadVariable' ...>``, its ``name``
    is ``'UnreadVariable'``, and every read (ops, ``numpy()``, tapes) reads the variable's
    current value, so a gradient taken through it reaches the variable. Updating it updates
    the variable.

    All state is the variable's: the fields the methods use are properties that forward to it
    (they shadow Variable's slots), so no value is copied or can fall out of step.

    >>> import minitf as tf
    >>> v = tf.Variable([1., 2.])
    >>> u = v.assign([3., 4.])
    >>> u
    <tf.Variable 'UnreadVariable' shape=(2,) dtype=float32, numpy=array([3., 4.], dtype=float32)>
    >>> _ = v.assign_add([1., 1.])
    >>> u.numpy().tolist(), isinstance(u, tf.Variable)
    ([4.0, 5.0], True)
    """

    __slots__ = ("_parent",)

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, parent: Variable):   # noqa: D107 - built by Variable._unread only
        self._parent = parent

    _array = _forward("_array")
    _lent = _forward("_lent")
    _dtype = _forward("_dtype")
    _id = _forward("_id")
    _trainable = _forward("_trainable")
    _constraint = _forward("_constraint")

    @property
    def _name(self) -> str:
        return "UnreadVariable"

    @property
    def _value(self):
        return self._parent._value

    @_value.setter
    def _value(self, value) -> None:
        self._parent._value = value

    def _own(self, value) -> None:
        self._parent._own(value)

    # Reads are the variable's own, so tapes and trackers see the variable, not this view.
    def _read_for_op(self) -> Tensor:
        return self._parent._read_for_op()

    def _snapshot(self) -> Tensor:
        return self._parent._snapshot()

    def numpy(self):
        """The variable's current value as NumPy (a read, as ``Variable.numpy``)."""
        return self._parent.numpy()

    def _unread(self, read_value: bool = True) -> Variable | None:
        return self._parent._unread(read_value)

    def ref(self):
        """A hashable reference to this view (TF: distinct from the variable's own ref)."""
        from .tensor import _Ref
        return _Ref(self)


class _VariableSlice(Tensor):
    """``v[key]``: a Tensor that can also be assigned back into its Variable."""

    __slots__ = ("_var", "_key")

    def assign(self, value, use_locking=None, name=None, read_value=True) -> Variable | None:
        return self._var._assign_slice(self._key, value, read_value)


def _delegate(name: str):
    def method(self, *args):
        return getattr(self._read_for_op(), name)(*args)
    method.__name__ = name
    return method


for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
            "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
            "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__abs__", "__pos__",
            "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__and__", "__rand__",
            "__or__", "__ror__", "__xor__", "__invert__"):
    setattr(Variable, _op, _delegate(_op))
