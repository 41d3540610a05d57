"""UnitNormalization: scale each sample to unit L2 norm along ``axis``.

``x * min(rsqrt(sum(x**2, axis)), 1e12)``, Keras's formula: an all-zero slice stays zero
(its inverse norm is capped at 1/epsilon with epsilon 1e-12) instead of becoming NaN.

>>> import minitf as tf
>>> tf.keras.layers.UnitNormalization()(tf.constant([[3.0, 4.0], [0.0, 0.0]])).numpy()
array([[0.6, 0.8],
       [0. , 0. ]], dtype=float32)
"""
from __future__ import annotations

from ...ops import math_ops as M
from ...ops import reduction_ops as R
from ...tensor import convert_to_tensor
from .layer import Layer


class UnitNormalization(Layer):
    """Divide by the L2 norm along ``axis`` (an int or a list of ints; see the module)."""

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a "
                            f"list/tuple of ints. Received: axis={axis}")

    def call(self, inputs):
        square_sum = R.reduce_sum(M.square(inputs), axis=self.axis, keepdims=True)
        cap = convert_to_tensor(1.0 / 1e-12, inputs.dtype)     # 1/epsilon, epsilon 1e-12
        inv_norm = M.minimum(M.rsqrt(square_sum), cap)
        return inputs * inv_norm

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
