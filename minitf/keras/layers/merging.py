"""Layers that merge several inputs: Concatenate, Add, Multiply, Subtract, Average, Maximum,
Minimum, Dot, and their functional forms (concatenate, add, ...)."""
from __future__ import annotations

from ...ops import array_ops as A
from ...ops import math_ops as M
from ...tensor import convert_to_tensor
from .layer import Layer


class Concatenate(Layer):
    """Concatenates a list of inputs along ``axis`` (the last by default)."""
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError("A `Concatenate` layer should be called on a list of inputs.")
        return A.concat(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Add(Layer):
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


class Multiply(Layer):
    """Elementwise product of a list of inputs (broadcasting like ``tf.multiply``).

    >>> import minitf as tf
    >>> tf.keras.layers.Multiply()([tf.constant([[2.0]]), tf.constant([[3.0]])]).numpy()
    array([[6.]], dtype=float32)
    """
    def call(self, inputs):
        xs = _merge_inputs(self, inputs)
        out = xs[0]
        for x in xs[1:]:
            out = M.multiply(out, x)
        return out


class Subtract(Layer):
    """``inputs[0] - inputs[1]``; exactly two inputs (ValueError otherwise, as Keras).

    >>> import minitf as tf
    >>> tf.keras.layers.Subtract()([tf.constant([[5.0]]), tf.constant([[3.0]])]).numpy()
    array([[2.]], dtype=float32)
    """
    def call(self, inputs):
        a, b = _merge_inputs(self, inputs, exactly=2)
        return M.subtract(a, b)


class Average(Layer):
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


class Maximum(Layer):
    """Elementwise maximum of a list of inputs.

    >>> import minitf as tf
    >>> tf.keras.layers.Maximum()([tf.constant([[1.0, 5.0]]), tf.constant([[4.0, 2.0]])]).numpy()
    array([[4., 5.]], dtype=float32)
    """
    def call(self, inputs):
        xs = _merge_inputs(self, inputs)
        out = xs[0]
        for x in xs[1:]:
            out = M.maximum(out, x)
        return out


class Minimum(Layer):
    """Elementwise minimum of a list of inputs.

    >>> import minitf as tf
    >>> tf.keras.layers.Minimum()([tf.constant([[1.0, 5.0]]), tf.constant([[4.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """
    def call(self, inputs):
        xs = _merge_inputs(self, inputs)
        out = xs[0]
        for x in xs[1:]:
            out = M.minimum(out, x)
        return out


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
