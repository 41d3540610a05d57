"""``SimpleRNN``, ``LSTM`` and ``GRU``: an ``RNN`` around the matching cell, with the cell's
arguments taken directly, as in Keras 3.

The weights belong to the cell (``lstm/lstm_cell/kernel``); the layer forwards the cell's
attributes (``layer.units``, ``layer.recurrent_activation``, ...) and its config holds both
the RNN's and the cell's keys.

>>> import minitf as tf
>>> lstm = tf.keras.layers.LSTM(8, return_sequences=True, return_state=True)
>>> seq, h, c = lstm(tf.ones((2, 5, 3)))
>>> seq.shape, h.shape, c.shape, lstm.count_params()
(TensorShape([2, 5, 8]), TensorShape([2, 8]), TensorShape([2, 8]), 384)
"""
from __future__ import annotations

from .base import RNN
from .cells import _INITS, GRUCell, LSTMCell, SimpleRNNCell, bind_positional, serialize

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")
_LAYER_ARGS = ("name", "trainable", "dtype", "activity_regularizer", "input_shape",
               "input_dim", "batch_input_shape", "batch_size", "autocast", "input_dtype")
_CELL_CONFIG_SKIP = ("name", "trainable", "dtype")
_REGS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer")
_CONSTRAINTS = ("kernel_constraint", "recurrent_constraint", "bias_constraint")


class _CellLayer(RNN):
    _cell_class = None
    _cell_name = None

    def __init__(self, units, *args, **kwargs):
        kwargs = bind_positional(type(self), args, kwargs)
        kwargs.pop("use_cudnn", None)        # cuDNN or not, the same maths
        rnn_kw = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        layer_kw = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        cell = self._cell_class(units, name=self._cell_name, dtype=layer_kw.get("dtype"),
                                trainable=layer_kw.get("trainable", True), **kwargs)
        super().__init__(cell, **rnn_kw, **layer_kw)

    def __getattr__(self, name):
        # only reached when normal lookup fails: the cell's arguments read through the layer
        cell = self.__dict__.get("cell")
        if cell is not None and not name.startswith("__") and name in cell.__dict__:
            return cell.__dict__[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        cfg = super().get_config()
        cell_cfg = self.cell.get_config()
        for k in _CELL_CONFIG_SKIP:
            cell_cfg.pop(k, None)
        cfg.update(cell_cfg)
        cfg["activity_regularizer"] = serialize(self.activity_regularizer)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class SimpleRNN(_CellLayer):
    """Fully connected RNN, ``h_t = activation(x_t·K + h_{t-1}·R + b)`` (``SimpleRNNCell``).

    >>> import minitf as tf
    >>> tf.keras.layers.SimpleRNN(4)(tf.ones((2, 5, 3))).shape
    TensorShape([2, 4])
    """
    _cell_class, _cell_name = SimpleRNNCell, "simple_rnn_cell"
    _POSITIONAL = ("activation", "use_bias") + _INITS + _REGS + ("activity_regularizer",) + \
        _CONSTRAINTS + ("dropout", "recurrent_dropout") + _RNN_ARGS[:5] + ("seed",)

    def get_config(self):
        cfg = super().get_config()
        del cfg["seed"]          # Keras's SimpleRNN config has no seed (its cell's has)
        return cfg


class LSTM(_CellLayer):
    """Long short-term memory (``LSTMCell``: gates i, f, c, o; states [h, c]); weights
    kernel (input_dim, 4·units), recurrent_kernel (units, 4·units), bias (4·units,).

    >>> import minitf as tf
    >>> tf.keras.layers.LSTM(4)(tf.ones((2, 5, 3))).shape
    TensorShape([2, 4])
    """
    _cell_class, _cell_name = LSTMCell, "lstm_cell"
    _POSITIONAL = ("activation", "recurrent_activation", "use_bias") + _INITS + \
        ("unit_forget_bias",) + _REGS + ("activity_regularizer",) + _CONSTRAINTS + \
        ("dropout", "recurrent_dropout", "seed") + _RNN_ARGS[:5] + ("use_cudnn",)


class GRU(_CellLayer):
    """Gated recurrent unit (``GRUCell``: gates z, r, h); ``reset_after=True`` by default,
    bias of shape (2, 3·units).

    >>> import minitf as tf
    >>> gru = tf.keras.layers.GRU(4)
    >>> gru(tf.ones((2, 5, 3))).shape, tuple(gru.weights[2].shape)
    (TensorShape([2, 4]), (2, 12))
    """
    _cell_class, _cell_name = GRUCell, "gru_cell"
    _POSITIONAL = ("activation", "recurrent_activation", "use_bias") + _INITS + _REGS + \
        ("activity_regularizer",) + _CONSTRAINTS + ("dropout", "recurrent_dropout", "seed") + \
        _RNN_ARGS[:5] + ("reset_after", "use_cudnn")
