"""Permute: reorder the non-batch axes of the input by ``dims`` (1-based, batch excluded).

>>> import minitf as tf
>>> tf.keras.layers.Permute((2, 1))(tf.zeros((4, 10, 64))).shape
TensorShape([4, 64, 10])
"""
from __future__ import annotations

from ...ops import array_ops as A
from .layer import Layer


class Permute(Layer):
    """Transposes each sample: output axis i+1 is input axis ``dims[i]`` (see the module)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The set "
                             f"of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={dims}")

    def call(self, inputs):
        if len(inputs.shape) != len(self.dims) + 1:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected ndim={len(self.dims) + 1}, found "
                             f"ndim={len(inputs.shape)}. Full shape received: "
                             f"{tuple(inputs.shape)}")
        return A.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
