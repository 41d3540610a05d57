"""The recurrent cells: ``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell``, Keras 3's maths.

A cell computes one time step: ``output, new_states = cell(x_t, states)``. The ``RNN`` layer
runs a cell over a sequence. Gates live side by side in one kernel so that a step is one
matmul: LSTM's columns are (i, f, c, o), GRU's (z, r, h); ``kernel`` maps the input,
``recurrent_kernel`` the previous output, as in Keras (same names, shapes and order, so
weights copy across).

The input half of every step, ``x_t @ kernel`` (+ the input bias), does not depend on the
recurrence, so the RNN layer computes it for all steps in one matmul (``project``) and each
step adds only ``h @ recurrent_kernel`` (``step``). The arithmetic is Keras's, in Keras's order.

>>> import minitf as tf
>>> cell = tf.keras.layers.LSTMCell(4)
>>> out, (h, c) = cell(tf.ones((2, 3)), [tf.zeros((2, 4)), tf.zeros((2, 4))])
>>> out.shape, cell.state_size, [tuple(w.shape) for w in cell.weights]
(TensorShape([2, 4]), [4, 4], [(3, 16), (4, 16), (16,)])
"""
from __future__ import annotations

import numpy as np

from ....ops import array_ops as A
from ....ops import linalg_ops as L
from ....ops import math_ops as M
from ... import activations, constraints, initializers, regularizers
from ..layer import Layer


def serialize(obj):
    """Keras's config entry for an initializer/regularizer/constraint: None stays None."""
    if obj is None:
        return None
    cfg = obj.get_config() if hasattr(obj, "get_config") else {}
    return {"class_name": type(obj).__name__, "config": cfg}


def _fast(fn):
    """The op behind a Keras activation, skipping the wrapper (sigmoid's wrapper attaches the
    logits for the losses, which a gate does not need)."""
    if fn is activations.sigmoid:
        return M.sigmoid
    if fn is activations.tanh:
        return M.tanh
    return fn


def bind_positional(cls, args: tuple, kwargs: dict) -> dict:
    """Keras's positional order for the arguments after ``units`` (``cls._POSITIONAL``):
    ``LSTM(32, "relu")`` sets the activation, as in Keras."""
    names = cls._POSITIONAL
    if len(args) > len(names):
        raise TypeError(f"{cls.__name__}.__init__() takes {len(names) + 2} positional "
                        f"arguments but {len(args) + 2} were given")
    for name, value in zip(names, args):
        if name in kwargs:
            raise TypeError(f"{cls.__name__}.__init__() got multiple values for argument "
                            f"'{name}'")
        kwargs[name] = value
    return kwargs


_REST = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
         "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
         "recurrent_dropout")
_INITS = ("kernel_initializer", "recurrent_initializer", "bias_initializer")


class DropoutRNNCell:
    """Keras's dropout for cells: one mask per RNN call, the same at every time step (so the
    noise does not average out over the sequence), on the inputs (``dropout``) and on the
    previous output (``recurrent_dropout``); only when training."""

    def _dropout_masks(self, step_input, state, training):
        from ....ops import nn_ops
        mask_in = mask_rec = None
        if training and 0.0 < self.dropout < 1.0:
            mask_in = nn_ops.dropout(A.ones_like(step_input), self.dropout, seed=self.seed)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            mask_rec = nn_ops.dropout(A.ones_like(state), self.recurrent_dropout,
                                      seed=self.seed)
        return mask_in, mask_rec


class _Cell(Layer, DropoutRNNCell):
    """What the three cells share: arguments, weights, config, and ``call`` as project + step."""

    _gates = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)      # Keras 2's switch; one maths here
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for argument `units`, expected a "
                             f"positive integer, got {units}.")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))      # Keras clips to [0, 1]
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        # Keras 3 cells own a SeedGenerator (made here, after the initializers: an unseeded
        # one takes the next int from `random`, which later layers' initializers then skip)
        from ... import random as krandom
        self.seed_generator = krandom.SeedGenerator(seed)
        self.output_size = self.units

    def _add_kernels(self, input_dim):
        n = self._gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, n), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _add_bias(self, shape, initializer):
        self.bias = self.add_weight(shape=shape, name="bias", initializer=initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def build(self, input_shape):
        self._add_kernels(int(input_shape[-1]))
        self._add_bias((self._gates * self.units,), self.bias_initializer)
        self.built = True

    def get_initial_state(self, batch_size):
        return [A.zeros((batch_size, self.units), self._dtype)
                for _ in range(len(self.state_size))]

    def call(self, inputs, states, training=False):
        single = not isinstance(states, (list, tuple))
        states = [states] if single else list(states)
        # inside a StackedRNNCells loop the masks were drawn once for the whole sequence
        seq_masks = self.__dict__.get("_sequence_masks")
        mask_in, mask_rec = seq_masks if seq_masks is not None else \
            self._dropout_masks(inputs, states[0], training)
        if mask_in is not None:
            inputs = inputs * mask_in
        out, new = self.step(self.project(inputs), states, mask_rec)
        return out, (new[0] if single else new)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(units=self.units, activation=activations.serialize(self.activation),
                   use_bias=self.use_bias,
                   kernel_initializer=serialize(self.kernel_initializer),
                   recurrent_initializer=serialize(self.recurrent_initializer),
                   bias_initializer=serialize(self.bias_initializer),
                   kernel_regularizer=serialize(self.kernel_regularizer),
                   recurrent_regularizer=serialize(self.recurrent_regularizer),
                   bias_regularizer=serialize(self.bias_regularizer),
                   kernel_constraint=serialize(self.kernel_constraint),
                   recurrent_constraint=serialize(self.recurrent_constraint),
                   bias_constraint=serialize(self.bias_constraint),
                   dropout=self.dropout, recurrent_dropout=self.recurrent_dropout,
                   seed=self.seed)
        return cfg


class SimpleRNNCell(_Cell):
    """``h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)``; the output is
    ``h_t`` and the one state too."""

    _POSITIONAL = ("activation", "use_bias") + _INITS + _REST + ("seed",)

    def __init__(self, units, *args, **kwargs):
        super().__init__(units, **bind_positional(SimpleRNNCell, args, kwargs))
        self.state_size = self.units

    def get_initial_state(self, batch_size):
        return [A.zeros((batch_size, self.units), self._dtype)]

    def project(self, x):
        z = L.matmul(x, self.kernel)
        return z + self.bias if self.bias is not None else z

    def step(self, xz, states, mask_rec=None):
        h = states[0] if mask_rec is None else states[0] * mask_rec
        out = self.activation(xz + L.matmul(h, self.recurrent_kernel))
        return out, [out]


class LSTMCell(_Cell):
    """Long short-term memory, gates (i, f, c, o): with z = x·K + h·R + b,
    ``c_t = σ(z_f)·c_{t-1} + σ(z_i)·tanh(z_c)`` and ``h_t = σ(z_o)·tanh(c_t)``. States are
    ``[h, c]``. ``unit_forget_bias`` starts the forget gate's bias at 1 (Jozefowicz et al.)."""

    _gates = 4
    _POSITIONAL = ("activation", "recurrent_activation", "use_bias") + _INITS + \
        ("unit_forget_bias",) + _REST + ("seed",)

    def __init__(self, units, *args, **kwargs):
        kwargs = bind_positional(LSTMCell, args, kwargs)
        recurrent_activation = kwargs.pop("recurrent_activation", "sigmoid")
        unit_forget_bias = kwargs.pop("unit_forget_bias", True)
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        self._add_kernels(int(input_shape[-1]))
        u, base = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):     # [b_i, ones, b_c, b_o] as Keras builds it
            parts = [base((u,), dtype=dtype), initializers.Ones()((u,), dtype=dtype),
                     base((2 * u,), dtype=dtype)]
            return A.concat(parts, axis=0)
        self._add_bias((4 * u,), forget_bias_one if self.unit_forget_bias else base)
        self.built = True

    def project(self, x):
        return L.matmul(x, self.kernel)          # the bias comes last, as in Keras's sum

    def step(self, xz, states, mask_rec=None):
        h, c = states[0], states[1]
        if mask_rec is not None:
            h = h * mask_rec
        z = xz + L.matmul(h, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = A.split(z, 4, axis=1)
        sig, act = _fast(self.recurrent_activation), _fast(self.activation)
        c = sig(zf) * c + sig(zi) * act(zc)
        h = sig(zo) * act(c)
        return h, [h, c]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                   unit_forget_bias=self.unit_forget_bias)
        return cfg


class GRUCell(_Cell):
    """Gated recurrent unit, gates (z, r, h): ``h_t = z·h_{t-1} + (1 - z)·ĥ``. With
    ``reset_after=True`` (Keras 3's default, cuDNN's form) the reset gate multiplies
    ``h·R_h + b_rh`` after the matmul and the bias has shape (2, 3·units): a row for the
    input and one for the recurrent side; with False, r multiplies h before it (bias (3·units,))."""

    _gates = 3
    _POSITIONAL = ("activation", "recurrent_activation", "use_bias") + _INITS + _REST + \
        ("reset_after", "seed")

    def __init__(self, units, *args, **kwargs):
        kwargs = bind_positional(GRUCell, args, kwargs)
        recurrent_activation = kwargs.pop("recurrent_activation", "sigmoid")
        reset_after = kwargs.pop("reset_after", True)
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.state_size = self.units

    def get_initial_state(self, batch_size):
        return [A.zeros((batch_size, self.units), self._dtype)]

    def build(self, input_shape):
        self._add_kernels(int(input_shape[-1]))
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._add_bias(shape, self.bias_initializer)
        self.built = True

    def _biases(self):
        if self.bias is None:
            return None, None
        if not self.reset_after:
            return self.bias, None
        b_in, b_rec = A.unstack(self.bias, axis=0)
        return b_in, b_rec

    def project(self, x):
        z = L.matmul(x, self.kernel)
        b_in, _ = self._biases()
        return z if b_in is None else z + b_in

    def step(self, xz, states, mask_rec=None):
        h_prev = states[0]
        h = h_prev if mask_rec is None else h_prev * mask_rec
        u = self.units
        sig, act = _fast(self.recurrent_activation), _fast(self.activation)
        x_z, x_r, x_h = A.split(xz, 3, axis=-1)
        if self.reset_after:
            inner = L.matmul(h, self.recurrent_kernel)
            _, b_rec = self._biases()
            if b_rec is not None:
                inner = inner + b_rec
            r_z, r_r, r_h = A.split(inner, 3, axis=-1)
            z = sig(x_z + r_z)
            r = sig(x_r + r_r)
            hh = act(x_h + r * r_h)
        else:
            rk_zr, rk_h = A.split(self.recurrent_kernel, [2 * u, u], axis=1)
            r_z, r_r = A.split(L.matmul(h, rk_zr), 2, axis=-1)
            z = sig(x_z + r_z)
            r = sig(x_r + r_r)
            hh = act(x_h + L.matmul(r * h, rk_h))
        out = z * h_prev + (1 - z) * hh
        return out, [out]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                   reset_after=self.reset_after)
        return cfg
