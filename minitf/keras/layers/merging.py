"""Layers that merge several inputs: Concatenate, Add, Multiply, Subtract, Average, Maximum,
Minimum, Dot, and their functional forms (concatenate, add, ...)."""
from __future__ import annotations

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import reduction_ops as R
from ...tensor import convert_to_tensor
from .layer import Layer


class _Merge(Layer):
    """What Keras 3's merge layers share about masks: the output's (batch, time) mask is the
    OR of the inputs' masks when every input has one, else there is none."""

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = M.logical_or(out, m)
        return out


def _feature_mask(x):
    """``x``'s Keras mask broadcast over its feature axis (None when it has none)."""
    m = getattr(x, "_keras_mask", None)
    return None if m is None else A.broadcast_to(A.expand_dims(m, -1), A.shape(x))


def _merge_with_masks(op, inputs):
    """Keras 3's Maximum/Minimum with masks: a masked entry never wins. Each input's masked
    entries take the running result's value (and the result's masked entries the input's)
    before ``op``; the output's mask is the OR of the masks when every input has one."""
    out = out_mask = None
    for x in inputs:
        mask = _feature_mask(x)
        if out is None:
            out, out_mask = x, mask
            continue
        if mask is not None:
            x = M.where(mask, x, out)
        if out_mask is not None:
            out = M.where(out_mask, out, x)
        out_mask = M.logical_or(out_mask, mask) if mask is not None and out_mask is not None \
            else None
        out = op(out, x)
    if out_mask is not None:
        out._keras_mask = R.reduce_any(out_mask, axis=-1)
    return out


class Concatenate(Layer):
    """Concatenates a list of inputs along ``axis`` (the last by default). With masked inputs
    the output's mask is the concatenation of the masks (an unmasked input counts as all
    True), reduced over the feature axis, as Keras 3 does."""
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError("A `Concatenate` layer should be called on a list of inputs.")
        return A.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(A.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(M.logical_or(A.expand_dims(m, -1), A.zeros_like(x, dtype="bool")))
            else:
                masks.append(m)
        return R.reduce_any(A.concat(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Add(_Merge):
    """Sums a list of inputs of the same shape elementwise."""
    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("A merge layer should be called on a list of at least 2 inputs.")
        out = inputs[0]
        for x in inputs[1:]:
            out = M.add(out, x)
        return out


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([a, b], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([a, b])``."""
    return Add(**kwargs)(inputs)


def _merge_inputs(layer, inputs, exactly=None) -> list:
    """The list of inputs of a merge layer, checked as Keras checks it."""
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"A merge layer should be called on a list of inputs. "
                         f"Received: inputs={inputs} (not a list of tensors)")
    if exactly is not None and len(inputs) != exactly:
        raise ValueError(f"A `{type(layer).__name__}` layer should be called on exactly "
                         f"{exactly} inputs. Received: inputs={inputs}")
    if len(inputs) < 1:
        raise ValueError("A merge layer should be called on a list of at least 1 input. "
                         "Received 0 inputs.")
    batches = {int(x.shape[0]) for x in inputs if len(x.shape) and x.shape[0] is not None}
    if len(batches) > 1:
        raise ValueError(f"Cannot merge tensors with different batch sizes. Received tensors "
                         f"with shapes {[tuple(x.shape) for x in inputs]}")
    return list(inputs)


class Multiply(_Merge):
    """Elementwise product of a list of inputs (broadcasting like ``tf.multiply``).

    >>> import minitf as tf
    >>> tf.keras.layers.Multiply()([tf.constant([[2.0]]), tf.constant([[3.0]])]).numpy()
    array([[6.]], dtype=float32)
    """
    def call(self, inputs):
        xs = _merge_inputs(self, inputs)
        masks = [_feature_mask(x) for x in xs]
        if all(m is None for m in masks):
            out = xs[0]
            for x in xs[1:]:
                out = M.multiply(out, x)
            return out
        # Keras 3: masked entries count as 1 in the product; when every input is masked the
        # entries masked everywhere become 0 and the output carries the OR of the masks
        every = all(m is not None for m in masks)
        out = out_mask = None
        for x, m in zip(xs, masks):
            if m is not None:
                x = M.where(m, x, M.cast(1, x.dtype))
                if every:
                    out_mask = m if out_mask is None else M.logical_or(out_mask, m)
            out = x if out is None else M.multiply(out, x)
        if every:
            out = M.where(out_mask, out, M.cast(0, out.dtype))
            out._keras_mask = R.reduce_any(out_mask, axis=-1)
        return out


class Subtract(_Merge):
    """``inputs[0] - inputs[1]``; exactly two inputs (ValueError otherwise, as Keras).

    >>> import minitf as tf
    >>> tf.keras.layers.Subtract()([tf.constant([[5.0]]), tf.constant([[3.0]])]).numpy()
    array([[2.]], dtype=float32)
    """
    def call(self, inputs):
        a, b = _merge_inputs(self, inputs, exactly=2)
        return M.subtract(a, b)


class Average(_Merge):
    """Elementwise mean of a list of inputs: their sum, in order, divided by their number.

    >>> import minitf as tf
    >>> tf.keras.layers.Average()([tf.constant([[1.0]]), tf.constant([[4.0]])]).numpy()
    array([[2.5]], dtype=float32)
    """
    def call(self, inputs):
        xs = _merge_inputs(self, inputs)
        out = xs[0]
        for x in xs[1:]:
            out = M.add(out, x)
        return out / M.cast(len(xs), out.dtype)


class Maximum(_Merge):
    """Elementwise maximum of a list of inputs.

    >>> import minitf as tf
    >>> tf.keras.layers.Maximum()([tf.constant([[1.0, 5.0]]), tf.constant([[4.0, 2.0]])]).numpy()
    array([[4., 5.]], dtype=float32)
    """
    def call(self, inputs):
        return _merge_with_masks(M.maximum, _merge_inputs(self, inputs))


class Minimum(_Merge):
    """Elementwise minimum of a list of inputs.

    >>> import minitf as tf
    >>> tf.keras.layers.Minimum()([tf.constant([[1.0, 5.0]]), tf.constant([[4.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """
    def call(self, inputs):
        return _merge_with_masks(M.minimum, _merge_inputs(self, inputs))


def _l2_normalize(x, axis):
    # keras.ops.normalize(order=2): x * min(rsqrt(sum(x**2)), 1/epsilon), epsilon 1e-7
    from ...ops import reduction_ops as R
    inv = M.rsqrt(R.reduce_sum(M.square(x), axis=axis, keepdims=True))
    return x * M.minimum(inv, convert_to_tensor(1.0 / 1e-7, x.dtype))


def batch_dot(x, y, axes):
    """Per-sample dot product of ``x`` and ``y`` contracting ``x``'s axis ``axes[0]`` with
    ``y``'s axis ``axes[1]`` (axis 0 is the batch); a rank-1 result becomes (batch, 1), as
    Keras's ``batch_dot`` returns."""
    from ...ops.special_math_ops import einsum
    letters = "bcdefghijklmnopqrstuvwxyz"
    nx, ny = len(x.shape), len(y.shape)
    xl = ["a"] + [letters[i] for i in range(nx - 1)]
    yl = ["a"] + [letters[nx - 1 + i] for i in range(ny - 1)]
    yl[axes[1]] = xl[axes[0]]
    out = ["a"] + [c for i, c in enumerate(xl) if i not in (0, axes[0])] + \
        [c for i, c in enumerate(yl) if i not in (0, axes[1])]
    res = einsum(f"{''.join(xl)},{''.join(yl)}->{''.join(out)}", x, y)
    return A.expand_dims(res, 1) if len(res.shape) == 1 else res


class Dot(Layer):
    """Dot product of two inputs along ``axes`` (an int for both, or a pair), per sample;
    ``normalize=True`` L2-normalises both along those axes first (cosine similarity).

    >>> import minitf as tf
    >>> tf.keras.layers.Dot(axes=1)([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy()
    array([[11.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an "
                                f"int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two "
                                 f"elements. Received: axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(f"Invalid format for argument `axes`: list elements should be "
                                 f"integers. Received: axes={axes}")
        self.axes, self.normalize = axes, normalize

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: inputs={inputs}")
        x1, x2 = inputs
        if isinstance(self.axes, int):
            axes = [self.axes % len(x1.shape), self.axes % len(x2.shape)] if self.axes < 0 \
                else [self.axes] * 2
        else:
            axes = [a % len(x.shape) for a, x in zip(self.axes, inputs)]
        if 0 in axes:
            raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not "
                             "batched, add a dummy batch dimension to your inputs using "
                             "keras.ops.expand_dims(x, 0)")
        if x1.shape[axes[0]] != x2.shape[axes[1]]:
            raise ValueError(f"Incompatible input shapes: axis values {x1.shape[axes[0]]} (at "
                             f"axis {axes[0]}) != {x2.shape[axes[1]]} (at axis {axes[1]}). "
                             f"Full input shapes: {tuple(x1.shape)}, {tuple(x2.shape)}")
        if self.normalize:
            x1, x2 = _l2_normalize(x1, axes[0]), _l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: ``multiply([a, b])``."""
    return Multiply(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([a, b])``."""
    return Subtract(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``: ``average([a, b])``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: ``maximum([a, b])``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: ``minimum([a, b])``."""
    return Minimum(**kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of ``Dot``: ``dot([a, b], axes=1)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
