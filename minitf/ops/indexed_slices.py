"""``tf.IndexedSlices``: a sparse set of rows of a tensor, as TF returns gather's gradient.

``tape.gradient(loss, v)`` where ``v`` (a Variable, or a watched tensor) was read only through
``tf.gather`` (``axis=0``) or ``tf.nn.embedding_lookup`` is an IndexedSlices, as in TF: the rows
``values[k]`` belong at row ``indices[k]`` of a tensor of shape ``dense_shape``; repeated
indices add up. Several such gradients of one source are joined (their rows concatenated); any
dense contribution makes the whole gradient dense. ``tf.convert_to_tensor(slices)`` (and any op
given one) densifies it; optimizers accept it (see docs/more-ops.md for how their numbers
compare with Keras's).

>>> import minitf as tf
>>> v = tf.Variable([[1., 2.], [3., 4.], [5., 6.]])
>>> with tf.GradientTape() as tape:
...     y = tf.reduce_sum(tf.gather(v, [2, 0, 2]))
>>> g = tape.gradient(y, v)
>>> type(g).__name__, g.indices.numpy().tolist()
('IndexedSlices', [2, 0, 2])
>>> tf.convert_to_tensor(g).numpy().tolist()
[[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]]
"""
from __future__ import annotations

from ..tensor import Tensor, TensorShape, convert_to_tensor


class IndexedSlices:
    """Rows ``values`` of a tensor of shape ``dense_shape`` at row ``indices`` (a sparse
    gradient). ``values``, ``indices`` and ``dense_shape`` are tensors, as in TF.

    >>> import minitf as tf
    >>> s = tf.IndexedSlices(tf.constant([[1., 1.]]), tf.constant([1]), tf.constant([3, 2]))
    >>> tf.convert_to_tensor(s).numpy().tolist()
    [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]"""

    _is_indexed_slices = True     # convert_to_tensor densifies what carries this mark

    def __init__(self, values, indices, dense_shape=None):
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)

    @property
    def values(self) -> Tensor:
        """The rows, shape ``[len(indices)] + dense_shape[1:]``."""
        return self._values

    @property
    def indices(self) -> Tensor:
        """The row of the dense tensor each of ``values`` belongs to (repeats add up)."""
        return self._indices

    @property
    def dense_shape(self) -> Tensor | None:
        """The shape of the dense tensor these rows belong to, as an int tensor."""
        return self._dense_shape

    @property
    def dtype(self):
        """The dtype of ``values``."""
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        """The dense shape, as a TensorShape."""
        if self._dense_shape is None:
            return TensorShape([None] + list(self._values.shape[1:]))
        return TensorShape([int(d) for d in self._dense_shape.numpy().reshape(-1)])

    @property
    def device(self) -> str:
        """The device of ``values``."""
        return self._values.device

    def _dense(self) -> Tensor:
        """The dense tensor (rows at repeated indices summed), as a differentiable op."""
        from .segment_ops import unsorted_segment_sum
        if self._dense_shape is None:
            raise ValueError("Cannot convert IndexedSlices without a dense_shape to a Tensor")
        n = int(self._dense_shape.numpy().reshape(-1)[0])
        return unsorted_segment_sum(self._values, self._indices, n)

    def __neg__(self) -> "IndexedSlices":
        from .math_ops import negative
        return IndexedSlices(negative(self._values), self._indices, self._dense_shape)

    def __repr__(self) -> str:
        shape = "None" if self._dense_shape is None else self._dense_shape.numpy().tolist()
        return (f"IndexedSlices(indices={self._indices.numpy().tolist()}, values=<shape "
                f"{list(self._values.shape)} {self._values.dtype.name}>, dense_shape={shape})")


def concat_slices(parts: list) -> IndexedSlices:
    """Several IndexedSlices of one tensor as one (rows concatenated), as TF aggregates them."""
    from .array_ops import concat
    if len(parts) == 1:
        return parts[0]
    parts = parts[::-1]     # the backward pass met them last first; TF lists them in op order
    return IndexedSlices(concat([p.values for p in parts], 0),
                         concat([p.indices for p in parts], 0), parts[0].dense_shape)
