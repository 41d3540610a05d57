"""The Layer base class: weights, sub-layer tracking, build on first call, losses, config.

A layer's weights are created in ``build(input_shape)``, which ``__call__`` runs the first time
the layer sees an input. Sub-layers and Variables assigned as attributes (also inside lists) are
tracked in assignment order, which is the order ``trainable_variables`` reports, as in Keras.

>>> import minitf as tf
>>> class Scale(tf.keras.layers.Layer):
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
...     def call(self, x):
...         return x * self.w
>>> layer = Scale(name="scale")   # (unnamed, it is "scale", or "scale_1" if one exists)
>>> layer(tf.ones((2, 3))).shape, [v.path for v in layer.trainable_variables]
(TensorShape([2, 3]), ['scale/w'])
"""
from __future__ import annotations

import contextlib
import inspect
import itertools
import weakref

import numpy as np

from ... import dtypes, nest
from ...tensor import (EagerTensor, Tensor, TensorShape, convert_to_tensor,
                       is_variable, keras_mask)
from ...ops import math_ops as M
from .. import backend, constraints, initializers, regularizers
from ..checkpointing import layer_children
from ...train.checkpoint import retry_deferred
from ..serialization import AutoConfig
from .. import variables as _variables
from ..variables import KerasVariable

_TRAINING: list = []   # the `training` flag of the calls in progress, innermost last
# The layers whose build or first call is in progress, outermost first. Keras 3 names a variable
# by them: a Dense built while a Sequential builds holds "sequential/d/kernel", one built on
# its own "d/kernel" (KerasVariable.path; TensorBoard's histogram tags).
_BUILDING: list = []
# layer -> (variables.STRUCTURE when built, (its weights, its trainable weights))
_WEIGHT_LISTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def _building(layer):
    if _BUILDING and _BUILDING[-1] is layer:      # already inside this layer's scope
        yield
        return
    _BUILDING.append(layer)
    try:
        yield
    finally:
        _BUILDING.pop()


_USER_CLASS: dict = {}


def _user_class(cls) -> bool:
    """Whether ``cls`` was written by a user (not one of minitf's own layers or models)."""
    found = _USER_CLASS.get(cls)
    if found is None:
        found = _USER_CLASS[cls] = not cls.__module__.startswith("minitf.")
    return found


def _is_metric(v) -> bool:
    return any(c.__name__ == "Metric" and c.__module__ == "minitf.keras.metrics"
               for c in type(v).__mro__)


def _weight_path(layer, name: str) -> str:
    names = [l.name for l in _BUILDING]
    if not _BUILDING or _BUILDING[-1] is not layer:
        names.append(layer.name)
    return "/".join(names + [name])


@contextlib.contextmanager
def training_scope(training):
    """Within the block, layers see ``training`` (True in ``fit``, False in ``predict``)
    unless a call passes it explicitly."""
    _TRAINING.append(training)
    try:
        yield
    finally:
        _TRAINING.pop()


class KerasTensor:
    """A symbolic tensor of the functional API: a shape (batch dimension None), a dtype, and
    the layer call that produces it."""

    def __init__(self, shape, dtype="float32", name=None, node=None):
        # a tuple, as Keras 3's KerasTensor.shape: (None, 2) prints as such
        self.shape = tuple(None if d is None else int(d) for d in TensorShape(shape))
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name
        self._node = node          # (layer, args, kwargs) or None for an Input

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype.name}, name={self.name}>"

    def _unsupported(self, *args, **kwargs):
        raise TypeError("A symbolic KerasTensor cannot be used with minitf ops directly; wrap the "
                        "computation in a layer (for example keras.layers.Lambda).")

    __add__ = __radd__ = __sub__ = __mul__ = __rmul__ = __truediv__ = __matmul__ = _unsupported
    __getitem__ = __array__ = _unsupported


class Node:
    """One call of a layer on symbolic inputs: the functional API's graph is made of these."""

    __slots__ = ("layer", "inputs", "args", "kwargs", "outputs")

    def __init__(self, layer, inputs, args, kwargs):
        self.layer, self.inputs, self.args, self.kwargs = layer, inputs, args, kwargs
        self.outputs = None

    def keras_inputs(self) -> list:
        """The symbolic tensors this call depends on: in its inputs, and in its other
        arguments (``initial_state=[h, c]`` from another layer)."""
        flat = nest.flatten(self.inputs) + [t for a in self.args for t in nest.flatten(a)] + \
            [t for v in self.kwargs.values() for t in nest.flatten(v)]
        return [t for t in flat if isinstance(t, KerasTensor)]


class _SymbolicSample(Tensor):
    """What a layer's ``call`` sees when the layer is called on ``keras.Input``: a small
    concrete batch (minitf learns output shapes by running the call) that reports the symbolic
    shape, batch dimension ``None``, and prints as TF's placeholder, as in Keras on TF:
    ``print(inputs.shape)`` inside ``call`` shows ``(None, 3)``."""

    __slots__ = ("_symbolic_shape", "_placeholder")

    @property
    def shape(self) -> TensorShape:
        return self._symbolic_shape

    def __repr__(self) -> str:
        return (f"<tf.Tensor '{self._placeholder}:0' shape={self.shape} "
                f"dtype={self._dtype.name}>")

    def __str__(self) -> str:
        return f'Tensor("{self._placeholder}:0", shape={self.shape}, dtype={self._dtype.name})'


def _symbolic_sample(keras_tensor, dtype, index: int) -> _SymbolicSample:
    """A concrete stand-in for ``keras_tensor`` (batch 2 where the shape says None)."""
    shape = [2 if d is None else d for d in keras_tensor.shape]
    t = convert_to_tensor(np.zeros(shape, dtype.as_numpy_dtype))
    sample = object.__new__(_SymbolicSample)
    sample._value, sample._dtype, sample._id = t._value, t._dtype, t._id
    sample._symbolic_shape = TensorShape(keras_tensor.shape)
    sample._placeholder = "Placeholder" if index == 0 else f"Placeholder_{index}"
    return sample


def batch_size(inputs) -> int:
    """The concrete number of rows of ``inputs`` (also for a symbolic sample, whose ``shape``
    reports None for the batch): for layers that reshape while keeping the batch."""
    return inputs._value.shape[0]


def _keras_mask_of(inputs):
    """The ``_keras_mask`` of ``inputs`` (a structure of masks for a structure of inputs)."""
    if isinstance(inputs, Tensor):
        return keras_mask(inputs)
    masks = nest.map_structure(keras_mask, inputs)
    return None if all(m is None for m in nest.flatten(masks)) else masks


def _set_keras_mask(outputs, masks) -> None:
    """Attach ``masks`` to the output tensors that have none yet (as Keras: a mask a layer set
    itself wins)."""
    if masks is None:
        return
    flat_out = nest.flatten(outputs)
    flat_masks = nest.flatten(masks)     # a single mask goes to the first output only
    for t, m in zip(flat_out, flat_masks):
        if m is not None and isinstance(t, Tensor) and getattr(t, "_keras_mask", None) is None:
            t._keras_mask = m


def is_symbolic(x) -> bool:
    return any(isinstance(t, KerasTensor) for t in nest.flatten(x))


class Layer(AutoConfig):
    """Base class of all layers (see module docstring)."""

    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None,
                 activity_regularizer=None, input_shape=None, input_dim=None, **kwargs):
        allowed = {"batch_input_shape", "batch_size", "autocast", "input_dtype"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                            f"{kwargs}")
        self._init_tracking()      # kept if a subclass set attributes before calling us
        self.name = name or backend.unique_name(backend.snake_case(type(self).__name__))
        if isinstance(dtype, dict):        # Keras's DTypePolicy config, from a saved file
            dtype = (dtype.get("config") or {}).get("name")
        self._dtype = dtypes.as_dtype(dtype or backend.floatx())
        self._trainable = trainable
        self.built = False
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._activity_losses: list = []
        self._added_losses: list = []
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        self._declared_input_shape = None if input_shape is None else tuple(input_shape)
        self._call_has_training = "training" in inspect.signature(self.call).parameters
        self._call_has_mask = "mask" in inspect.signature(self.call).parameters
        self._build_shape = None
        self._output_shape = None

    # ---- tracking ---------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if not name.startswith("_") or name in ("_layers",):
            self._track(value)
        elif _user_class(type(self)):
            # Keras tracks private attributes too (self._dense = Dense(...), self.__w): in a
            # user's subclass they are tracked, except metrics (minitf's own bookkeeping sets
            # private attributes holding metrics on the same object).
            self._track(value, skip_metrics=True)
        object.__setattr__(self, name, value)

    def _init_tracking(self) -> None:
        """Create the tracking lists once. Keras 3 lets a subclass assign attributes (even
        sub-layers and Variables, which are tracked) before ``super().__init__()``, so the
        first assignment may come before Layer.__init__ runs."""
        if "_tracked_layers" not in self.__dict__:
            object.__setattr__(self, "_tracked_layers", [])
            object.__setattr__(self, "_own_weights", [])

    def _track(self, value, skip_metrics: bool = False):
        self._init_tracking()
        for v in nest.flatten(value) if isinstance(value, (list, tuple, dict)) else [value]:
            if skip_metrics and _is_metric(v):
                continue
            if isinstance(v, Layer) and v is not self and not any(
                    v is t for t in self._tracked_layers):
                self._tracked_layers.append(v)
                _variables.STRUCTURE[0] += 1
            elif isinstance(v, KerasVariable) and not any(v is w for w in self._own_weights):
                self._own_weights.append(v)
                _variables.STRUCTURE[0] += 1

    @property
    def dtype(self):
        return self._dtype.name

    @property
    def compute_dtype(self):
        return self._dtype.name

    @property
    def variable_dtype(self):
        return self._dtype.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        _variables.STRUCTURE[0] += 1
        for w in self._own_weights:
            if isinstance(w, KerasVariable) and w._created_trainable:
                w.trainable = value
        for layer in self._tracked_layers:
            layer.trainable = value

    @property
    def layers(self) -> list:
        return list(self._tracked_layers)

    def _flatten_layers(self):
        out, stack = [], list(reversed(self._tracked_layers))
        while stack:
            layer = stack.pop()
            if any(layer is o for o in out):
                continue
            out.append(layer)
            stack.extend(reversed(layer._tracked_layers))
        return out

    @property
    def weights(self) -> list:
        """Own weights (trainable first), then each sub-layer's, without duplicates."""
        return list(self._weight_lists()[0])

    def _weight_lists(self) -> tuple:
        """(weights, trainable weights), built once per change of any layer's structure
        (``variables.STRUCTURE``); callers copy them."""
        try:
            cached = _WEIGHT_LISTS.get(self)
        except TypeError:           # a subclass that is not hashable: built every time
            cached = None
        if cached is not None and cached[0] == _variables.STRUCTURE[0]:
            return cached[1]
        version = _variables.STRUCTURE[0]
        own = [w for w in self._own_weights if w.trainable] + \
              [w for w in self._own_weights if not w.trainable]
        out, seen = [], set()
        for w in own + [w for layer in self._tracked_layers for w in layer.weights]:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        lists = (out, [w for w in out if w.trainable] if self._trainable else [])
        try:
            _WEIGHT_LISTS[self] = (version, lists)
        except TypeError:
            pass
        return lists

    variables = weights

    @property
    def trainable_weights(self) -> list:
        return list(self._weight_lists()[1])

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        if not self._trainable:
            return self.weights
        return [w for w in self.weights if not w.trainable]

    non_trainable_variables = non_trainable_weights

    def count_params(self) -> int:
        return int(sum(np.prod(w.shape) for w in self.weights))

    # ---- weights ----------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable: bool = True,
                   regularizer=None, constraint=None, name: str | None = None, **kwargs):
        shape = () if shape is None else tuple(int(d) for d in shape)
        dt = dtypes.as_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dt.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or f"variable_{len(self._own_weights)}"
        v = KerasVariable(init(shape, dtype=dt), name=name, path=_weight_path(self, name),
                          trainable=trainable, dtype=dt,
                          constraint=constraints.get(constraint),
                          regularizer=regularizers.get(regularizer))
        self._own_weights.append(v)
        _variables.STRUCTURE[0] += 1
        return v

    def get_weights(self) -> list:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(f"Layer {self.name} expects {len(params)} weights, but the given "
                             f"list has {len(weights)}.")
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(p.shape) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(p.shape)} is not "
                                 f"compatible with provided weight shape {w.shape}.")
        for p, w in zip(params, weights):
            p.assign(np.asarray(w, dtype=p._dtype.as_numpy_dtype))

    # ---- losses -----------------------------------------------------------------------------
    @property
    def losses(self) -> list:
        """Weight-regularisation terms (recomputed from the current weights on every access),
        then activity-regularisation terms of the last call and ``add_loss`` terms."""
        out = []
        for w in self.weights:
            reg = getattr(w, "regularizer", None)
            if reg is not None:
                out.append(reg(w))
        out.extend(self._activity_losses)
        out.extend(self._added_losses)
        for layer in self._flatten_layers():
            out.extend(layer._activity_losses)
            out.extend(layer._added_losses)
        return out

    def add_metric(self, *args, **kwargs):
        """Removed in Keras 3, which raises NotImplementedError: metrics belong in
        ``compile(metrics=[...])``, or in metric objects a layer creates and updates itself."""
        raise NotImplementedError(
            "Layer `add_metric()` method is deprecated. Add your metric in "
            "`Model.compile(metrics=[...])`, or create metric trackers in init() or build() "
            "when subclassing the layer or model, then call `metric.update_state()` whenever "
            "necessary.")

    def add_loss(self, loss) -> None:
        self._added_losses.append(loss)

    # ---- calling ----------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    # ---- masking ----------------------------------------------------------------------------
    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes a (batch, time) mask on to its outputs, through
        ``compute_mask``. As in Keras, True by default for layers that override
        ``compute_mask`` and for those Keras marks (Dense, Dropout, Activation, ...: their
        class sets ``_masking_by_default``); a layer may set it."""
        value = self.__dict__.get("_supports_masking")
        if value is None:
            return self._masking_by_default or type(self).compute_mask is not Layer.compute_mask
        return value

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self.__dict__["_supports_masking"] = bool(value)

    _masking_by_default = False

    def _first_call(self, what: str):
        nodes = self.__dict__.get("_inbound_nodes")
        if not nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has "
                                 f"no defined {what}.")
        return nodes[0].inputs if what == "input" else nodes[0].outputs

    @property
    def input(self):
        """The symbolic input of this layer's first call on KerasTensors (a functional model,
        or a Sequential model with an input shape), as in Keras 3; AttributeError if the layer
        was never called that way. ``keras.Model(model.inputs, model.layers[1].output)``
        builds a feature extractor from it."""
        if "_explicit_input" in self.__dict__:
            return self.__dict__["_explicit_input"]
        return self._first_call("input")

    @input.setter
    def input(self, value) -> None:
        self.__dict__["_explicit_input"] = value

    @property
    def output(self):
        """The symbolic output of this layer's first call on KerasTensors (see ``input``)."""
        if "_explicit_output" in self.__dict__:
            return self.__dict__["_explicit_output"]
        return self._first_call("output")

    @output.setter
    def output(self, value) -> None:
        self.__dict__["_explicit_output"] = value

    def _checkpoint_children(self) -> list:
        """This layer's children in a ``tf.train.Checkpoint`` (named as Keras 3's are)."""
        return layer_children(self)

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs given the inputs and their mask: the input mask unchanged,
        unless a layer says otherwise (``Embedding(mask_zero=True)`` makes one from the ids,
        an RNN without ``return_sequences`` drops it)."""
        return mask

    def _maybe_build(self, inputs) -> None:
        if self.built:
            return
        shapes = nest.map_structure(lambda t: TensorShape(t.shape), inputs)
        self._build_shape = shapes
        with _building(self):
            self.build(shapes)
        self.built = True
        retry_deferred()     # a checkpoint restored before the build assigns these weights now

    # Layers cast floating inputs to their compute dtype. Sequential and functional models do not:
    # their own layers cast (so float64 layers inside a float32 model see float64 inputs).
    _autocast_inputs = True
    # Python numbers as positional inputs are a ValueError, as in Keras 3; layers that take
    # plain Python values (preprocessing lookups) set this, as Keras's do.
    _allow_non_tensor_positional_args = False
    _first_call_done = False      # set after the first eager call (see _BUILDING)
    _plain = False                # _plain_calls, kept at the first eager call

    def _convert_inputs(self, inputs):
        autocast = self._autocast_inputs
        if type(inputs) is EagerTensor:   # the common case, without walking a structure
            if autocast and inputs._dtype.is_floating and inputs._dtype is not self._dtype:
                return M.cast(inputs, self._dtype)
            return inputs

        def conv(x):
            if isinstance(x, (Tensor, KerasTensor)):
                t = x
            elif is_variable(x):
                t = x._read_for_op()
            elif isinstance(x, (bool, int, float, complex)) and \
                    not self._allow_non_tensor_positional_args:
                # Keras 3 takes tensors and arrays positionally, never Python numbers (also
                # not inside a list: layer([1.0, 2.0]) or Dense(2)([[1.0, 2.0]])).
                raise ValueError(f"Only input tensors may be passed as positional arguments. "
                                 f"The following argument value should be passed as a keyword "
                                 f"argument: {x!r} (of type {type(x)})")
            else:
                t = convert_to_tensor(x, dtype_hint=self._dtype)
            if autocast and isinstance(t, Tensor) and t.dtype.is_floating and \
                    t.dtype is not self._dtype:
                t = M.cast(t, self._dtype)
            return t
        return nest.map_structure(conv, inputs)

    def __call__(self, inputs, *args, **kwargs):
        training = kwargs.pop("training", None)
        if training is None and _TRAINING:
            training = _TRAINING[-1]
        if type(inputs) is EagerTensor and not args and not kwargs and self._first_call_done \
                and self._plain and inputs._dtype is self._dtype and self.built \
                and self.activity_regularizer is None and self._output_shape is not None \
                and keras_mask(inputs) is None:
            # Fast path, the usual eager call `layer(x)` or `layer(x, training=...)`: one
            # maskless eager tensor already of the layer's dtype (nothing to convert or cast),
            # a layer built and called before (nothing to build or record) whose class neither
            # takes a mask nor makes one from no mask (see _plain_calls) and that has no
            # activity regularizer. The general path below would then only run `call` with
            # the training flag in scope, as this does.
            if self._call_has_training:
                kwargs["training"] = training
            if self._added_losses:
                self._added_losses = []
            _TRAINING.append(training)
            try:
                return self.call(inputs, **kwargs)
            finally:
                _TRAINING.pop()
        masking = self._call_has_mask or self.supports_masking
        previous_mask = _keras_mask_of(inputs) if masking else None
        inputs = self._convert_inputs(inputs)
        if type(inputs) is not Tensor and is_symbolic(inputs):
            return self._symbolic_call(inputs, args, kwargs)
        self._maybe_build(inputs)
        if masking:
            # Keras fills `mask=` from the inputs' `_keras_mask` only when the inputs are the one
            # tensor argument (an RNN given `initial_state=` gets no automatic mask), and the
            # outputs' mask comes from an explicit `mask=` first, else the inputs' mask.
            if self._call_has_mask and kwargs.get("mask") is None and not any(
                    isinstance(t, Tensor) for v in list(args) + list(kwargs.values())
                    for t in nest.flatten(v)):
                kwargs["mask"] = previous_mask
            if kwargs.get("mask") is not None:
                previous_mask = kwargs["mask"]
        if self._call_has_training:
            kwargs["training"] = training
        if self._added_losses:
            self._added_losses = []
        _TRAINING.append(training)
        try:
            if self._first_call_done:
                outputs = self.call(inputs, *args, **kwargs)
            else:     # sub-layers first called here build inside this layer's scope
                with _building(self):
                    outputs = self.call(inputs, *args, **kwargs)
                self._first_call_done = True
                self._plain = self._plain_calls    # (fixed for the layer: read once)
        finally:
            _TRAINING.pop()
        if masking and self.supports_masking:
            _set_keras_mask(outputs, self.compute_mask(inputs, previous_mask))
        if self._output_shape is None:
            self._output_shape = nest.map_structure(
                lambda t: (None,) + tuple(t.shape[1:]) if len(t.shape) else (), outputs)
        if self.activity_regularizer is not None:
            flat = nest.flatten(outputs)
            batch = M.cast(convert_to_tensor(flat[0].shape[0]), flat[0].dtype)
            self._activity_losses = [self.activity_regularizer(o) / batch for o in flat]
        return outputs

    @property
    def _plain_calls(self) -> bool:
        """Whether a call on a maskless tensor is just ``call``: the layer takes no ``mask``
        argument (the general path fills it) and its ``compute_mask`` is Layer's, which gives
        no mask for no mask (Embedding's makes one from the ids)."""
        return not self._call_has_mask and type(self).compute_mask is Layer.compute_mask

    def _symbolic_call(self, inputs, args, kwargs):
        """Called on KerasTensors: build, run once on a small concrete batch to learn the output
        shapes, and return KerasTensors that remember this call."""
        count = itertools.count()      # Placeholder, Placeholder_1, ... as TF names inputs

        def concrete(k):
            # The eager call will autocast floating inputs to this layer's dtype, so the sample
            # must too (a float64 layer after a float32 Input sees float64, as in Keras).
            dtype = self._dtype if self._autocast_inputs and k.dtype.is_floating else k.dtype
            return _symbolic_sample(k, dtype, next(count))
        def stand_in(x):
            return nest.map_structure(lambda k: concrete(k) if isinstance(k, KerasTensor) else k,
                                      x)
        sample = stand_in(inputs)
        sample_args = [stand_in(a) for a in args]
        sample_kwargs = {k: stand_in(v) for k, v in kwargs.items()}
        self._maybe_build_symbolic(inputs)
        kw = dict(sample_kwargs)
        if self._call_has_training:
            kw["training"] = False
        with training_scope(False), _building(self):
            out = self.call(sample, *sample_args, **kw)
        node = Node(self, inputs, args, kwargs)
        self._activity_losses = []
        outputs = nest.map_structure(
            lambda t: KerasTensor((None,) + tuple(t.shape[1:]), t.dtype,
                                  name=f"{self.name}_out", node=node), out)
        if isinstance(inputs, KerasTensor) and isinstance(outputs, KerasTensor) and \
                None in tuple(inputs.shape)[1:] and \
                type(self).compute_output_shape is not Layer.compute_output_shape:
            # An unknown size other than the batch (an image of any height): the sample's
            # stand-in size would be reported; the layer's own shape rule keeps it unknown.
            outputs = KerasTensor((None,) + tuple(self.compute_output_shape(
                tuple(inputs.shape)))[1:], outputs.dtype, name=outputs.name, node=node)
        node.outputs = outputs
        if "_inbound_nodes" not in self.__dict__:
            object.__setattr__(self, "_inbound_nodes", [])
        self._inbound_nodes.append(node)
        self._output_shape = nest.map_structure(lambda k: tuple(k.shape), outputs)
        return outputs

    def _maybe_build_symbolic(self, inputs):
        if self.built:
            return
        shapes = nest.map_structure(lambda k: TensorShape(k.shape), inputs)
        self._build_shape = shapes
        with _building(self):
            self.build(shapes)
        self.built = True
        retry_deferred()     # a checkpoint restored before the build assigns these weights now

    # ---- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's layer config: ``name``, ``trainable``, ``dtype``, then the constructor
        arguments (a built-in layer's as its ``__init__`` received them; a user layer that
        does not override ``get_config`` gets Keras's auto config, see ``keras.saving``).
        A layer whose ``__init__`` takes anything else must add it in its own
        ``get_config`` (and, for objects, read it back in ``from_config``)."""
        from ..serialization import layer_config
        return layer_config(self, Layer.get_config)

    @classmethod
    def from_config(cls, config: dict):
        """``cls(**config)``, after reading Keras's dtype policy and the Keras keys minitf
        does not take at their off values (see ``serialization.from_config_kwargs``)."""
        from ..serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))

    def get_build_config(self) -> dict | None:
        """``{"input_shape": ...}`` of the first build, as Keras stores it in a file."""
        from ..serialization import shape_config
        if self._build_shape is None:
            return None
        return {"input_shape": shape_config(self._build_shape)}

    def build_from_config(self, config: dict) -> None:
        """Create the weights from ``get_build_config()``'s shape (``.keras`` loading)."""
        from ..serialization import build_from_config
        build_from_config(self, config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
