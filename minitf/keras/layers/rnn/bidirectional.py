"""``keras.layers.Bidirectional``: one RNN reads the sequence forwards, a copy backwards.

The wrapped layer is copied twice through its config: ``forward_<name>`` and
``backward_<name>`` (``go_backwards`` flipped), so the original layer itself is never built.
With ``return_sequences`` the backward outputs are flipped back into time order before they
are merged: ``concat`` (last axis), ``sum``, ``mul``, ``ave``, or ``None`` (a list of both).
``return_state`` appends the forward then the backward states; ``initial_state`` takes them in
that order. As in Keras, both copies output zeros at masked steps.

>>> import minitf as tf
>>> bi = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4, return_sequences=True))
>>> bi(tf.ones((2, 5, 3))).shape, [w.name for w in bi.weights][:1]
(TensorShape([2, 5, 8]), ['kernel'])
"""
from __future__ import annotations

from ....ops import array_ops as A
from ..layer import Layer
from .base import check_sequence_rank

_MODES = ("sum", "mul", "ave", "concat", None)


def _copy(layer, **changes):
    cfg = layer.get_config()
    cfg.update(changes)
    return type(layer).from_config(cfg)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs (see the module docstring)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `Bidirectional` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"`backward_layer` need to be a `keras.layers.Layer` instance. "
                             f"Received: {backward_layer}")
        if merge_mode not in _MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             'be one of {"sum", "mul", "ave", "concat", None}')
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, name="forward_" + _strip(layer.name, "forward_"))
        if backward_layer is None:
            backward_layer = _copy(layer, go_backwards=not layer.go_backwards,
                                   name="backward_" + _strip(layer.name, "backward_"))
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. Received: forward_layer.go_backwards "
                             f"{self.forward_layer.go_backwards}, backward_layer.go_backwards="
                             f"{self.backward_layer.go_backwards}")
        for a in ("stateful", "return_sequences", "return_state"):
            f, b = getattr(self.forward_layer, a), getattr(self.backward_layer, a)
            if f != b:
                raise ValueError(f"Forward layer and backward layer are expected to have the "
                                 f'same value for attribute "{a}", got "{f}" for forward '
                                 f'layer and "{b}" for backward layer')
        for sub in (self.forward_layer, self.backward_layer):
            # Keras: masked steps output zeros in both directions when sequences are returned
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def call(self, sequences, initial_state=None, mask=None, training=None):
        check_sequence_rank(self, sequences)
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=fwd_state, mask=mask,
                               training=training)
        y_rev = self.backward_layer(sequences, initial_state=bwd_state, mask=mask,
                                    training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = A.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            out = A.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        if self.return_state:
            return (out if self.merge_mode is None else [out]) + states
        return out

    def build(self, input_shape):
        self.built = True

    def _maybe_build(self, inputs):
        super()._maybe_build(inputs)
        if self._initial_weights:       # Bidirectional(..., weights=[...]): forward half first
            self.forward_layer._maybe_build(inputs)
            self.backward_layer._maybe_build(inputs)
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            out = [mask, mask] if self.merge_mode is None else mask
        else:
            out = [None, None] if self.merge_mode is None else None
        if self.return_state:
            n = len(self.forward_layer.state_size) * 2
            return (out if self.merge_mode is None else [out]) + [None] * n
        return out

    @property
    def states(self):
        if self.forward_layer.states is None:
            return None
        return list(self.forward_layer.states) + list(self.backward_layer.states)

    def reset_state(self) -> None:
        """Zero both directions' states (stateful layers)."""
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        """Alias of ``reset_state``."""
        self.reset_state()

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("weights", None)      # initial weights are not part of Keras's config
        cfg["merge_mode"] = self.merge_mode
        cfg["layer"] = {"class_name": type(self.forward_layer).__name__,
                        "config": self.forward_layer.get_config()}
        cfg["backward_layer"] = {"class_name": type(self.backward_layer).__name__,
                                 "config": self.backward_layer.get_config()}
        return cfg

    @classmethod
    def from_config(cls, config):
        from ... import layers
        config = dict(config)
        spec = config.pop("layer")
        layer = getattr(layers, spec["class_name"]).from_config(spec["config"])
        back = config.pop("backward_layer", None)
        if back is not None:
            config["backward_layer"] = getattr(layers, back["class_name"]).from_config(
                back["config"])
        return cls(layer, **config)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name
