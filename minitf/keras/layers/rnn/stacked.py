"""``keras.layers.StackedRNNCells``: several cells as one, each step feeding the next cell.

``RNN([cell_1, cell_2])`` wraps its list this way. The states are nested, one entry per cell
(an LSTM cell's ``[h, c]``, a GRU cell's ``[h]``), in the initial states, with
``return_state``, and for ``stateful`` layers. The weights are the cells' in order
(``rnn/stacked_rnn_cells/lstm_cell/kernel``).

>>> import minitf as tf
>>> rnn = tf.keras.layers.RNN([tf.keras.layers.LSTMCell(4), tf.keras.layers.GRUCell(2)],
...                           return_state=True)
>>> out, (h1, c1), (h2,) = rnn(tf.ones((3, 5, 6)))
>>> out.shape, h1.shape, h2.shape
(TensorShape([3, 2]), TensorShape([3, 4]), TensorShape([3, 2]))
"""
from __future__ import annotations

from ....ops import array_ops as A
from ....tensor import TensorShape
from ..layer import Layer, _building


class StackedRNNCells(Layer):
    """A stack of RNN cells run as one cell (see the module docstring)."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(f"All cells must have a `call` method. Received cell without "
                                 f"a `call` method: {cell}")
            if not hasattr(cell, "state_size"):
                raise ValueError(f"All cells must have a `state_size` attribute. Received cell "
                                 f"without a `state_size`: {cell}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        size = last.state_size
        return size[0] if isinstance(size, (list, tuple)) else size

    def get_initial_state(self, batch_size: int) -> list:
        out = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                out.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                out.append(A.zeros((batch_size, cell.state_size), self._dtype))
            else:
                out.append([A.zeros((batch_size, d), self._dtype) for d in cell.state_size])
        return out

    def build(self, input_shape):
        batch = input_shape[0]
        with _building(self):             # weights under "stacked_rnn_cells/", as Keras names them
            for cell in self.cells:
                if isinstance(cell, Layer) and not cell.built:
                    cell.build(TensorShape(input_shape))
                    cell.built = True
                size = getattr(cell, "output_size", None)
                if size is None:
                    size = cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) \
                        else cell.state_size
                input_shape = (batch, size)
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, state in zip(self.cells, states):
            as_list = isinstance(state, (list, tuple))
            state = list(state) if as_list else [state]
            kwargs = {"training": training} if getattr(cell, "_call_has_training", False) \
                else {}
            inputs, state = cell(inputs, state, **kwargs)
            state = list(state) if isinstance(state, (list, tuple)) else [state]
            new_states.append(state if as_list or len(state) != 1 else state[0])
        return inputs, new_states

    def begin_sequence(self, batch: int, input_dim: int, training) -> None:
        """Draw each cell's dropout masks once for the coming sequence (Keras keeps one mask
        per sequence and cell); ``end_sequence`` forgets them."""
        for cell in self.cells:
            if hasattr(cell, "_dropout_masks") and training and (cell.dropout or
                                                                 cell.recurrent_dropout):
                step_input = A.zeros((batch, input_dim), cell._dtype)
                state = A.zeros((batch, cell.units), cell._dtype)
                cell.__dict__["_sequence_masks"] = cell._dropout_masks(step_input, state, True)
            input_dim = getattr(cell, "output_size", None) or input_dim

    def end_sequence(self) -> None:
        for cell in self.cells:
            cell.__dict__.pop("_sequence_masks", None)

    def get_config(self):
        cfg = super().get_config()
        cfg["cells"] = [{"class_name": type(c).__name__, "config": c.get_config()}
                        for c in self.cells]
        return cfg

    @classmethod
    def from_config(cls, config):
        from ... import layers
        config = dict(config)
        cells = [getattr(layers, c["class_name"]).from_config(c["config"])
                 for c in config.pop("cells")]
        return cls(cells, **config)
