"""``keras.layers.TimeDistributed``: apply one layer to every time step of a sequence.

The same layer (the same weights) sees each ``inputs[:, t]`` in turn, and the outputs are
stacked on axis 1: ``TimeDistributed(Dense(8))`` on (batch, time, 16) gives (batch, time, 8),
with one (16, 8) kernel. As in Keras the steps are separate calls, so a layer whose result
depends on the batch (BatchNormalization in training) sees one step's batch at a time.

>>> import minitf as tf
>>> td = tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(8))
>>> td(tf.ones((2, 5, 16))).shape, [tuple(w.shape) for w in td.weights]
(TensorShape([2, 5, 8]), [(16, 8), (8,)])
"""
from __future__ import annotations

from ....ops import array_ops as A
from ..layer import Layer


class TimeDistributed(Layer):
    """Applies ``layer`` to every temporal slice of the input (see the module docstring)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `TimeDistributed` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {tuple(input_shape)}")
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if len(inputs.shape) < 3:
            raise ValueError(f"`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {tuple(inputs.shape)}")
        steps = A.unstack(inputs, axis=1)
        step_masks = None
        if mask is not None and self.layer._call_has_mask:
            step_masks = A.unstack(mask, axis=1)
        outs = []
        for t, x in enumerate(steps):
            kwargs = {"training": training}
            if step_masks is not None:
                kwargs["mask"] = step_masks[t]
            outs.append(self.layer(x, **kwargs))
        return A.stack(outs, axis=1)

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (child[0], input_shape[1]) + tuple(child[1:])

    def get_config(self):
        cfg = super().get_config()
        cfg["layer"] = {"class_name": type(self.layer).__name__,
                        "config": self.layer.get_config()}
        return cfg

    @classmethod
    def from_config(cls, config):
        from ... import layers
        config = dict(config)
        spec = config.pop("layer")
        return cls(getattr(layers, spec["class_name"]).from_config(spec["config"]), **config)
