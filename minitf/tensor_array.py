"""``tf.TensorArray``: a list of same-dtype, same-shape tensors, written and read by index.

As TF's eager TensorArray: ``write`` returns a TensorArray that shares the storage (write the
result back, ``ta = ta.write(i, x)``, as TF code does and as graph mode needs); ``size`` must be
given; ``dynamic_size=True`` lets writes grow it; a slot never written reads as zeros of the
element shape; each element may be read once unless ``clear_after_read=False``; the element
shape is fixed by ``element_shape`` or by the first write. Gradients flow through ``write`` /
``read`` / ``stack`` / ``unstack`` / ``gather`` / ``scatter`` / ``concat``, which are minitf
ops on the stored tensors.

Inside ``tf.function`` a TensorArray filled by a Python loop is traced like any list. A
``tf.while_loop`` cannot carry one (its loop variables must be tensors of fixed shape): there
collect values in a preallocated tensor (``tf.tensor_scatter_nd_update``) instead.

>>> import minitf as tf
>>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
>>> for i in range(3):
...     ta = ta.write(i, float(i) ** 2)
>>> ta.stack().numpy()
array([0., 1., 4.], dtype=float32)
"""
from __future__ import annotations

from . import dtypes
from .errors import InvalidArgumentError, OutOfRangeError
from .tensor import Tensor, TensorShape, convert_to_tensor


class _Storage:
    """What the TensorArrays returned by ``write`` share."""

    def __init__(self, size: int, element_shape):
        self.items: list = [None] * size
        self.cleared: set = set()
        self.element_shape = element_shape


def _index(i, what: str) -> int:
    if isinstance(i, Tensor) or hasattr(i, "_read_for_op"):
        i = convert_to_tensor(i)
        from . import _backend as B
        if B.TRACING and type(i._value) is B.SYMBOLIC:
            raise NotImplementedError(
                f"minitf's TensorArray cannot {what} at an index that is only known when the "
                "tf.function runs (a tf.while_loop or `for i in tf.range(...)` counter): "
                "inside tf.function, loop over a Python range, or collect the values in a "
                "preallocated tensor with tf.tensor_scatter_nd_update")
        if not i.dtype.is_integer or i.shape != ():
            raise InvalidArgumentError(None, "TensorArray",
                                       f"TensorArray {what} index must be an int32 scalar, "
                                       f"got {i!r}")
        return int(i.numpy())
    if isinstance(i, bool) or not isinstance(i, int) and not hasattr(i, "__index__"):
        raise TypeError(f"TensorArray {what} index must be an integer, got {i!r}")
    return int(i)


class TensorArray:
    """A growable (``dynamic_size=True``) or fixed-size array of tensors of one dtype and one
    shape, written and read by index; see the module docstring for TF's rules.

    >>> import minitf as tf
    >>> ta = tf.TensorArray(tf.float32, size=2).unstack([[1., 2.], [3., 4.]])
    >>> ta.read(1).numpy()
    array([3., 4.], dtype=float32)"""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None,
                 _storage=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        if _storage is not None:
            self._storage = _storage
            return
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is "
                             "enabled.")
        n = _index(size, "size")
        shape = None if element_shape is None else TensorShape(element_shape)
        self._storage = _Storage(n, shape)

    def _with_storage(self) -> "TensorArray":
        return TensorArray(self._dtype, dynamic_size=self._dynamic_size,
                           clear_after_read=self._clear_after_read,
                           infer_shape=self._infer_shape, _storage=self._storage)

    # ---- properties ---------------------------------------------------------------------------
    @property
    def dtype(self):
        """The dtype of every element."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writes beyond the size grow the array."""
        return self._dynamic_size

    @property
    def element_shape(self):
        """The elements' shape (a TensorShape), or None while no write has fixed it."""
        return self._storage.element_shape

    def size(self, name=None) -> Tensor:
        """The number of slots, as an int32 scalar tensor."""
        return convert_to_tensor(len(self._storage.items), dtypes.int32)

    # ---- writing ------------------------------------------------------------------------------
    def _check_value(self, value) -> Tensor:
        if isinstance(value, Tensor) or hasattr(value, "_read_for_op"):
            v = convert_to_tensor(value)
            if v.dtype is not self._dtype:
                raise InvalidArgumentError(
                    None, "TensorArrayWrite", f"TensorArray dtype is {self._dtype.name} but Op "
                    f"is trying to write dtype {v.dtype.name}")
        else:
            v = convert_to_tensor(value, self._dtype)
        want = self._storage.element_shape
        if want is not None and not TensorShape(v.shape).is_compatible_with(want):
            raise ValueError(f"Incompatible shape for value ({tuple(v.shape)}), expected "
                             f"({tuple(want)})")
        if want is None and self._infer_shape:
            self._storage.element_shape = TensorShape(v.shape)
        return v

    def write(self, index, value, name=None) -> "TensorArray":
        """Store ``value`` (converted to the dtype) at ``index``; returns the TensorArray to use
        from now on. A negative index, or one past a fixed size, is an OutOfRangeError.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.int32, size=2).write(1, 7).stack().numpy()
        array([0, 7], dtype=int32)"""
        i = _index(index, "write")
        items = self._storage.items
        if i < 0:
            raise OutOfRangeError(None, "TensorArrayWrite",
                                  f"Writing to negative indices (index {i}) is not allowed.")
        if i >= len(items):
            if not self._dynamic_size:
                raise OutOfRangeError(None, "TensorArrayWrite",
                                      f"Tried to write to index {i} but array is not resizeable "
                                      f"and size is: {len(items)}")
            items.extend([None] * (i + 1 - len(items)))
        items[i] = self._check_value(value)
        self._storage.cleared.discard(i)
        return self._with_storage()

    def unstack(self, value, name=None) -> "TensorArray":
        """Write the slices of ``value`` along its first axis to slots 0, 1, ...

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=0, dynamic_size=True).unstack([1., 2.]).size()
        <tf.Tensor: shape=(), dtype=int32, numpy=2>"""
        from .ops.array_ops import unstack as unstack_
        v = self._check_rows(value)
        n = v.shape[0] if v.shape else 0
        if n > len(self._storage.items) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size "
                             f"{len(self._storage.items)}")
        ta = self
        for i, row in enumerate(unstack_(v) if n else []):
            ta = ta.write(i, row)
        return ta._with_storage()

    def _check_rows(self, value) -> Tensor:
        if isinstance(value, Tensor) or hasattr(value, "_read_for_op"):
            v = convert_to_tensor(value)
            if v.dtype is not self._dtype:
                raise InvalidArgumentError(
                    None, "TensorArrayScatter", f"TensorArray dtype is {self._dtype.name} but "
                    f"Op is trying to write dtype {v.dtype.name}")
            return v
        return convert_to_tensor(value, self._dtype)

    def scatter(self, indices, value, name=None) -> "TensorArray":
        """Write ``value[k]`` to slot ``indices[k]`` for each k.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=3).scatter([2, 0], [1., 2.]).stack().numpy()
        array([2., 0., 1.], dtype=float32)"""
        from .ops.array_ops import unstack as unstack_
        v = self._check_rows(value)
        idx = [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
        ta = self
        for i, row in zip(idx, unstack_(v) if idx else []):
            ta = ta.write(i, row)
        return ta._with_storage()

    def split(self, value, lengths, name=None) -> "TensorArray":
        """Write consecutive pieces of ``value`` (along its first axis) of the given
        ``lengths`` to slots 0, 1, ...

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=2).split([1., 2., 3.], [1, 2]).read(1).numpy()
        array([2., 3.], dtype=float32)"""
        from .ops.array_ops import split as split_
        v = self._check_rows(value)
        sizes = [int(n) for n in convert_to_tensor(lengths).numpy().reshape(-1)]
        if self._storage.element_shape is None:     # pieces differ in their first dimension
            self._storage.element_shape = TensorShape([None] + list(v.shape[1:]))
        ta = self
        for i, piece in enumerate(split_(v, sizes) if sizes else []):
            ta = ta.write(i, piece)
        return ta._with_storage()

    # ---- reading ------------------------------------------------------------------------------
    def _zeros(self) -> Tensor:
        from .ops.array_ops import zeros
        shape = self._storage.element_shape
        if shape is None or not shape.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape <unknown> to a "
                             "Tensor.")
        return zeros(list(shape), self._dtype)

    def _get(self, i: int) -> Tensor:
        item = self._storage.items[i]
        return self._zeros() if item is None else item

    def read(self, index, name=None) -> Tensor:
        """The tensor at ``index`` (zeros if never written). With ``clear_after_read`` (the
        default) a second read of one slot is an InvalidArgumentError, as in TF.

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=2, element_shape=[2]).read(0).numpy()
        array([0., 0.], dtype=float32)"""
        from .ops.math_ops import identity
        i = _index(index, "read")
        n = len(self._storage.items)
        if not 0 <= i < n:
            raise OutOfRangeError(None, "TensorArrayRead",
                                  f"Tried to read from index {i} but array size is: {n}")
        if i in self._storage.cleared:
            raise InvalidArgumentError(
                None, "TensorArrayRead", f"Could not read index {i} twice because it was "
                "cleared after a previous read (perhaps try setting clear_after_read = false?)")
        if self._clear_after_read:
            self._storage.cleared.add(i)
        return identity(self._get(i))

    def stack(self, name=None) -> Tensor:
        """All elements stacked along a new first axis (zeros for unwritten slots).

        >>> import minitf as tf
        >>> tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack().shape
        TensorShape([0, 2])"""
        from .ops.array_ops import stack as stack_, zeros
        items = self._storage.items
        if not items:
            shape = self._storage.element_shape
            return zeros([0] + (list(shape) if shape is not None else []), self._dtype)
        return stack_([self._get(i) for i in range(len(items))])

    def gather(self, indices, name=None) -> Tensor:
        """The elements at ``indices``, stacked.

        >>> import minitf as tf
        >>> ta = tf.TensorArray(tf.float32, size=2).write(0, 1.).write(1, 2.)
        >>> ta.gather([1, 0]).numpy()
        array([2., 1.], dtype=float32)"""
        from .ops.array_ops import stack as stack_
        idx = [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
        n = len(self._storage.items)
        for i in idx:
            if not 0 <= i < n:
                raise OutOfRangeError(None, "TensorArrayGather",
                                      f"Tried to read from index {i} but array size is: {n}")
        return stack_([self._get(i) for i in idx])

    def concat(self, name=None) -> Tensor:
        """All elements joined along their first axis.

        >>> import minitf as tf
        >>> ta = tf.TensorArray(tf.float32, size=2).write(0, [1., 2.]).write(1, [3., 4.])
        >>> ta.concat().numpy()
        array([1., 2., 3., 4.], dtype=float32)"""
        from .ops.array_ops import concat as concat_
        return concat_([self._get(i) for i in range(len(self._storage.items))], 0)

    # ---- the rest of TF's interface -----------------------------------------------------------
    def identity(self) -> "TensorArray":
        """The same array (TF uses it to order graph ops; eager has nothing to order)."""
        return self._with_storage()

    def close(self, name=None) -> None:
        """Release the elements (TF's eager close does nothing visible either)."""

    def mark_used(self) -> None:
        """Accepted for TF compatibility (TF's unused-TensorArray warning)."""

    def __repr__(self) -> str:
        return (f"<minitf.TensorArray dtype={self._dtype.name} size="
                f"{len(self._storage.items)} dynamic_size={self._dynamic_size}>")
