"""``keras.layers.RNN``: runs a cell over the time axis, a Python loop of minitf ops.

Each step's ops go on the tape, so gradients flow back through time (backpropagation through
time is the tape's ordinary reverse pass). For the built-in cells the input projection of all
steps is one matmul before the loop, and a step is one matmul with the recurrent kernel plus
the gate arithmetic.

Masking (from ``Embedding(mask_zero=True)``, ``Masking`` or ``mask=``) follows Keras: at a
masked step the states keep their previous values and the output repeats the previous output
(zeros before the first unmasked step); with ``zero_output_for_mask=True`` a masked step
outputs zeros. ``go_backwards`` reads the sequence from the end and, with
``return_sequences``, returns the outputs in that reversed order.

>>> import minitf as tf
>>> rnn = tf.keras.layers.RNN(tf.keras.layers.SimpleRNNCell(4), return_sequences=True)
>>> rnn(tf.ones((2, 5, 3))).shape
TensorShape([2, 5, 4])
"""
from __future__ import annotations

from .... import nest
from ....ops import array_ops as A
from ....ops import math_ops as M
from ....ops import rnn_ops
from ....record import TAPES
from ....tensor import Tensor, TensorShape, convert_to_tensor
from ....errors import invalid_argument
from ....variable import Variable
from ... import activations
from ..layer import Layer, _SymbolicSample


def check_sequence_rank(layer, inputs) -> None:
    """Keras's InputSpec(ndim=3) error for anything that is not (batch, time, features)."""
    shape = tuple(inputs.shape)
    if len(shape) != 3:
        raise ValueError(f"Input 0 with name '{getattr(inputs, 'name', None)}' of layer "
                         f"'{layer.name}' is incompatible with the layer: expected ndim=3, "
                         f"found ndim={len(shape)}. Full shape received: {shape}")


class RNN(Layer):
    """A recurrent layer from a cell: ``RNN(cell)`` runs ``cell`` over axis 1 of its input.

    ``return_sequences`` returns every step's output (batch, time, units), else the last;
    ``return_state`` adds the final states; ``stateful`` keeps the final states as the next
    call's initial states (the batch size must stay the same; ``reset_state()`` zeroes them);
    ``initial_state=`` gives the first states; ``unroll`` is accepted (eager loops are unrolled
    anyway).
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            from .stacked import StackedRNNCells
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: "
                             f"cell={cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have a `state_size` attribute (single "
                             "integer or list of integers, one integer per RNN state). "
                             f"Received: cell={cell}")
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        size = cell.state_size
        self.state_size = [size] if isinstance(size, int) else list(size)
        self._state_vars = None      # stateful: non-trainable Variables, not in `weights`
        self._expected_batch = None

    # ---- building and states ----------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != 3:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected ndim=3, found ndim={len(sequences_shape)}. Full shape "
                             f"received: {tuple(sequences_shape)}")
        if isinstance(self.cell, Layer) and not self.cell.built:
            # the cell sees one step: (batch, features)
            self.cell.build(TensorShape((sequences_shape[0],) + tuple(sequences_shape[2:])))
            self.cell.built = True
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError("When using `stateful=True` in a RNN, the batch size must be "
                                 f"static. Found dynamic batch size: sequence.shape="
                                 f"{tuple(sequences_shape)}")
            self._state_vars = nest.map_structure(
                lambda s: Variable(s, trainable=False, name="rnn_state"),
                self.get_initial_state(sequences_shape[0]))
            self._expected_batch = sequences_shape[0]
        self.built = True

    @property
    def states(self):
        """The state Variables of a stateful layer (None otherwise)."""
        return self._state_vars

    def get_initial_state(self, batch_size: int) -> list:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            init = fn(batch_size=batch_size)
            return list(init) if isinstance(init, (list, tuple)) else [init]
        return [A.zeros((batch_size, d), self.cell._dtype) for d in self.state_size]

    def reset_state(self) -> None:
        """Zero the states of a stateful layer (a no-op otherwise)."""
        if self._state_vars is not None:
            for v in nest.flatten(self._state_vars):
                v.assign(A.zeros_like(v))

    def reset_states(self) -> None:
        """Alias of ``reset_state`` (Keras keeps both names)."""
        self.reset_state()

    # ---- the loop ---------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        check_sequence_rank(self, sequences)
        batch, time = sequences._value.shape[:2]
        if time == 0:       # TF fails slicing the first step: the same error type, named here
            raise invalid_argument(f"slice index 0 of dimension 1 out of bounds: layer "
                                   f"'{self.name}' received a sequence with no time steps, "
                                   f"shape {tuple(sequences.shape)}", "StridedSlice")
        if initial_state is None:
            initial_state = (list(self._state_vars) if self.stateful
                             else self.get_initial_state(batch))
        if self.stateful and self._expected_batch is not None and batch != self._expected_batch:
            raise ValueError(f"If an RNN is stateful, the batch size of the input sequences "
                             f"must be the same as the batch size of the initial state. \n"
                             f"- Expected batch size: {self._expected_batch}\n"
                             f"- Received batch size: {batch}")
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        states = nest.map_structure(lambda s: _as_state(s, self.cell._dtype),
                                    list(initial_state))
        if len(states) != len(self.state_size):
            raise ValueError(f"An `initial_state` was passed that is not compatible with "
                             f"`cell.state_size`. Received `state_spec`={len(states)} states; "
                             f"however `cell.state_size` is {self.cell.state_size}")
        last, outputs, states = self._loop(sequences, states, mask, training)
        if self.stateful and not isinstance(sequences, _SymbolicSample):
            for v, s in zip(nest.flatten(self._state_vars), nest.flatten(states)):
                v.assign(s)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output] + list(states)
        return output

    def _loop(self, sequences, states, mask, training):
        cell = self.cell
        fused = hasattr(cell, "project") and hasattr(cell, "step")
        if fused:
            mask_in = mask_rec = None
            if training and (cell.dropout or cell.recurrent_dropout):
                mask_in, mask_rec = cell._dropout_masks(sequences[:, 0], states[0], training)
            x = sequences if mask_in is None else sequences * A.expand_dims(mask_in, 1)
            if _whole_sequence_lstm(cell, sequences, mask, mask_rec):
                # the projection as one 2-D matmul over batch·time rows: its kernel gradient is
                # then one 2-D product too (a 3-D one is a batched gemm, which a CUDA graph
                # cannot capture)
                n, t, f = x._value.shape
                xz = A.reshape(cell.project(A.reshape(x, (n * t, f))), (n, t, -1))
                seq, h, c = rnn_ops.lstm_sequence(
                    xz, states[0], states[1], cell.recurrent_kernel, cell.bias,
                    reverse=self.go_backwards, return_sequences=self.return_sequences)
                return h, seq, [h, c]
            steps = A.unstack(cell.project(x), axis=1)     # one matmul for every step's input

            def step(x_t, s):
                return cell.step(x_t, s, mask_rec)
        else:
            steps = A.unstack(sequences, axis=1)
            kwargs = {"training": training} if getattr(cell, "_call_has_training", False) else {}

            def step(x_t, s):
                out, new = cell(x_t, list(s), **kwargs)
                return out, list(new) if isinstance(new, (list, tuple)) else [new]
        masks = None
        if mask is not None:
            m = nest.flatten(mask)[0]
            m = convert_to_tensor(m)
            if not m.dtype.is_bool:
                m = M.cast(m, "bool")
            if len(m.shape) < 2 or m.shape[1] != len(steps):
                raise ValueError(f"Cannot unstack {m.shape[1] if len(m.shape) > 1 else None} "
                                 f"tensors into a TensorArray of static size {len(steps)}: "
                                 f"layer '{self.name}' got a mask of shape {tuple(m.shape)} "
                                 f"for sequences of shape {tuple(sequences.shape)}")
            masks = [A.expand_dims(mt, -1) for mt in A.unstack(m, axis=1)]
        if self.go_backwards:
            steps = steps[::-1]
            masks = None if masks is None else masks[::-1]
        begin = getattr(cell, "begin_sequence", None)      # StackedRNNCells' dropout masks
        if begin is not None:
            begin(sequences._value.shape[0], sequences._value.shape[2], training)
        try:
            return self._steps(steps, states, masks, step)
        finally:
            if begin is not None:
                cell.end_sequence()

    def _steps(self, steps, states, masks, step):
        outputs, prev = [], None
        for t, x_t in enumerate(steps):
            out, new = step(x_t, states)
            if masks is not None:
                keep = masks[t]
                if self.zero_output_for_mask or prev is None:
                    fallback = A.zeros_like(out)
                else:
                    fallback = prev
                out = M.where(keep, out, fallback)
                new = nest.map_structure(lambda n, s: M.where(keep, n, s), new, states)
            states, prev = new, out
            outputs.append(out)
        seq = A.stack(outputs, axis=1) if self.return_sequences else None
        return prev, seq, states

    # ---- Keras's bookkeeping ----------------------------------------------------------------
    def compute_mask(self, inputs, mask=None):
        if mask is not None:
            mask = nest.flatten(mask)[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self.state_size)
        return out

    def compute_output_shape(self, input_shape):
        batch, time = input_shape[0], input_shape[1]
        units = getattr(self.cell, "output_size", self.state_size[0])
        out = (batch, time, units) if self.return_sequences else (batch, units)
        if self.return_state:
            return [out] + [(batch, s) for s in self.state_size]
        return out

    def get_config(self):
        cfg = super().get_config()
        cfg.update(return_sequences=self.return_sequences, return_state=self.return_state,
                   go_backwards=self.go_backwards, stateful=self.stateful, unroll=self.unroll,
                   zero_output_for_mask=self.zero_output_for_mask)
        if type(self) is RNN:
            cfg["cell"] = {"class_name": type(self.cell).__name__,
                           "config": self.cell.get_config()}
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is RNN:
            from ... import layers
            spec = config.pop("cell")
            config["cell"] = getattr(layers, spec["class_name"]).from_config(spec["config"])
        return cls(**config)


def _whole_sequence_lstm(cell, sequences, mask, mask_rec) -> bool:
    """Whether the LSTM can run as one fused op (``ops.rnn_ops.lstm_sequence``). The fused op
    knows Keras's LSTM with its default activations (tanh, sigmoid) in float32/float64; the
    generic per-step loop keeps everything else: a sequence mask (per-step state carry-over),
    recurrent dropout (a mask on h inside the step), other activations, a cell subclass that
    overrides ``step``, a forward-mode accumulator or nested tapes (they would differentiate the
    op's gradient: correct through its fallback, but slower than the generic path), and the
    small symbolic sample a functional model is built on."""
    from .cells import LSTMCell
    if not rnn_ops.fused_enabled() or mask is not None or mask_rec is not None:
        return False
    if type(cell).step is not LSTMCell.step or not isinstance(cell, LSTMCell):
        return False
    if cell.activation is not activations.tanh or \
            cell.recurrent_activation is not activations.sigmoid:
        return False
    if cell._dtype.name not in ("float32", "float64") or sequences.dtype is not cell._dtype:
        return False
    if isinstance(sequences, _SymbolicSample):
        return False
    rec = TAPES.recording
    return len(rec) <= 1 and not any(getattr(t, "_forward", False) for t in rec)


def _as_state(s, dtype):
    if isinstance(s, Tensor):
        return s if s.dtype is dtype else M.cast(s, dtype)
    if hasattr(s, "_read_for_op"):
        t = s._read_for_op()
        return t if t.dtype is dtype else M.cast(t, dtype)
    return convert_to_tensor(s, dtype)
