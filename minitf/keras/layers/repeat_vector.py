"""RepeatVector: repeat a (batch, features) input ``n`` times into (batch, n, features).

>>> import minitf as tf
>>> tf.keras.layers.RepeatVector(2)(tf.constant([[1.0, 2.0]])).numpy()
array([[[1., 2.],
        [1., 2.]]], dtype=float32)
"""
from __future__ import annotations

from ...ops import array_ops as A
from .layer import Layer, batch_size


class RepeatVector(Layer):
    """Repeats each sample's vector ``n`` times along a new axis 1 (inputs must be 2-D)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n

    def call(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected ndim=2, found ndim={len(inputs.shape)}. Full shape "
                             f"received: {tuple(inputs.shape)}")
        x = A.reshape(inputs, (batch_size(inputs), 1, int(inputs.shape[1])))
        return A.tile(x, [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
