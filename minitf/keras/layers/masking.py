"""Masking: mark timesteps whose features all equal ``mask_value`` as padding.

For an input (batch, timesteps, features), a timestep is kept when any feature differs from
``mask_value``; the output is the input with the masked timesteps set to 0, and it carries
the boolean mask (batch, timesteps) as ``output._keras_mask``, the attribute Keras 3 uses on
TensorFlow tensors (``keras.backend.get_keras_mask``). Layers that accept a ``mask``
argument (``Softmax`` here; recurrent layers) read it from there when no mask is passed.
As in Keras, ``Layer.__call__`` passes the mask on through layers that support masking
(``supports_masking``, ``compute_mask``): an LSTM with ``return_sequences`` keeps it.

>>> import minitf as tf
>>> x = tf.constant([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
>>> out = tf.keras.layers.Masking(mask_value=0.0)(x)
>>> out._keras_mask.numpy()
array([[ True, False,  True]])
"""
from __future__ import annotations

from ...ops import math_ops as M
from ...ops import reduction_ops as R
from .layer import Layer


class Masking(Layer):
    """Zero and mask the timesteps equal to ``mask_value`` everywhere (see the module)."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        """The boolean mask (batch, timesteps): True where a timestep is kept."""
        return R.reduce_any(M.not_equal(inputs, M.cast(self.mask_value, inputs.dtype)),
                            axis=-1)

    def call(self, inputs):
        keep = R.reduce_any(M.not_equal(inputs, M.cast(self.mask_value, inputs.dtype)),
                            axis=-1, keepdims=True)
        # Layer.__call__ attaches compute_mask's mask to the output as `_keras_mask`
        return M.where(keep, inputs, M.cast(0.0, inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
