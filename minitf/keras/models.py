"""Models: subclassed ``Model``, the functional ``Model(inputs, outputs)``, and ``Sequential``.

>>> import minitf as tf
>>> inputs = tf.keras.Input(shape=(8,))
>>> hidden = tf.keras.layers.Dense(30, activation="relu")(inputs)
>>> model = tf.keras.Model(inputs=inputs, outputs=tf.keras.layers.Dense(1)(hidden))
>>> model.count_params(), model(tf.ones((4, 8))).shape
(301, TensorShape([4, 1]))
"""
from __future__ import annotations

import numpy as np

from .. import nest
from ..tensor import EagerTensor
from . import backend, saving
from . import variables as _variables
from .layers.core import InputLayer
from .layers.layer import KerasTensor, Layer, Node, training_scope
from .trainer import Trainer


def _topological_nodes(outputs) -> list:
    """The layer calls that produce ``outputs``, each after the calls it depends on."""
    order, state = [], {}
    stack = [kt._node for kt in nest.flatten(outputs) if isinstance(kt._node, Node)]
    while stack:
        node = stack[-1]
        s = state.get(id(node))
        if s == "done":
            stack.pop()
            continue
        if s == "open":
            state[id(node)] = "done"
            order.append(node)
            stack.pop()
            continue
        state[id(node)] = "open"
        for kt in node.keras_inputs():
            if isinstance(kt, KerasTensor) and isinstance(kt._node, Node) and \
                    state.get(id(kt._node)) != "done":
                stack.append(kt._node)
    return order


def _keras_order(outputs, nodes: list) -> list:
    """Keras's order of a functional graph's operations (nodes and Input layers): decreasing
    depth from the outputs, ties broken by first visit in a depth-first walk from the outputs
    in order. It fixes ``model.layers`` and so the order of ``model.weights``."""
    def producers(op):
        if isinstance(op, Node):
            for kt in op.keras_inputs():
                if isinstance(kt, KerasTensor):
                    yield kt._node if isinstance(kt._node, Node) else kt._input_layer

    index: dict = {}
    objs: dict = {}
    roots = [kt._node if isinstance(kt._node, Node) else kt._input_layer
             for kt in nest.flatten(outputs)]
    stack = list(reversed(roots))
    while stack:                       # pre-order depth-first walk
        op = stack.pop()
        if id(op) in index:
            continue
        index[id(op)] = len(index)
        objs[id(op)] = op
        stack.extend(reversed(list(producers(op))))
    depth = {id(r): 0 for r in roots}
    for node in reversed(nodes):       # consumers before producers
        d = depth.get(id(node), 0)
        for p in producers(node):
            depth[id(p)] = max(depth.get(id(p), 0), d + 1)
    return sorted(objs.values(), key=lambda op: (-depth.get(id(op), 0), index[id(op)]))


def _incompatible_input(kt, value, model_name) -> ValueError:
    return ValueError(f"Input {kt._input_layer.name} of model '{model_name}' is incompatible "
                      f"with the model: expected shape {tuple(kt.shape)}, but received input "
                      f"with shape {tuple(value.shape)}")


def _match_input_rank(value, kt, model_name):
    """``value`` with the rank of the model input ``kt``. As in Keras, a trailing axis of size 1
    is dropped or added where that makes the ranks agree ((n, 3, 1) feeds an input of shape
    (None, 3), and (n, 3) one of (None, 3, 1)); any other difference in rank is a ValueError,
    rather than a silent broadcast through the model's layers."""
    rank, expected = len(value.shape), len(kt.shape)
    if rank == expected:
        return value
    from ..ops import array_ops as A
    if rank == expected + 1 and value.shape[-1] == 1:
        return A.squeeze(value, axis=-1)
    if rank == expected - 1 and kt.shape[-1] == 1:
        return A.expand_dims(value, axis=-1)
    raise _incompatible_input(kt, value, model_name)


class Model(Trainer, Layer):
    """Group layers into an object with training and inference features.

    Either subclass it (create layers in ``__init__``, use them in ``call``) or build it from
    symbolic tensors: ``Model(inputs=keras.Input(...), outputs=...)``.
    """

    def __new__(cls, *args, **kwargs):
        # Keras 3's Model.__new__ hands none of the constructor's arguments on to the auto
        # config (serialization.AutoConfig): a subclassed model without get_config gets its
        # __init__'s defaults, or, with a required argument, no auto config (saving it raises
        # Keras's NotImplementedError).
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        if type(self) is Model and inputs is not None and outputs is not None \
                and kwargs.get("name") is None:
            # Keras 3 builds a plain Model(inputs, outputs) as its Functional class, so the
            # default name is "functional" ("functional_1", ...); a subclass keeps its own.
            kwargs["name"] = backend.unique_name("functional")
        Layer.__init__(self, **kwargs)
        self._functional = inputs is not None and outputs is not None
        if self._functional:
            self._autocast_inputs = False   # inputs take the dtypes of the keras.Input tensors
            self._init_functional(inputs, outputs)

    # ---- the functional graph ---------------------------------------------------------------
    def _init_functional(self, inputs, outputs):
        for kt in nest.flatten(inputs):
            if not isinstance(kt, KerasTensor) or getattr(kt, "_input_layer", None) is None:
                raise ValueError("`inputs` of a functional Model must be keras.Input tensors; "
                                 f"received {kt!r}")
        self._inputs, self._outputs = inputs, outputs
        ordered = _keras_order(outputs, _topological_nodes(outputs))
        self._nodes = [op for op in ordered if isinstance(op, Node)]   # a topological order too
        layers = []
        for op in ordered:
            layer = op.layer if isinstance(op, Node) else op
            if not any(layer is seen for seen in layers):
                layers.append(layer)
        for kt in nest.flatten(inputs):
            if not any(kt._input_layer is seen for seen in layers):
                layers.insert(0, kt._input_layer)
        self._graph_layers = layers
        for layer in layers:
            self._track(layer)
        self.inputs = list(nest.flatten(inputs))
        self.outputs = list(nest.flatten(outputs))
        self.input_names = [kt._input_layer.name for kt in self.inputs]
        self.output_names = [kt._node.layer.name if isinstance(kt._node, Node) else kt.name
                             for kt in self.outputs]
        # Keras's .input/.output: the structures the model was built from (one tensor for one
        # input), and their shapes; transfer learning builds a head on base_model.output.
        self.input, self.output = inputs, outputs
        self.input_shape = nest.map_structure(lambda kt: tuple(kt.shape), inputs)
        self.output_shape = nest.map_structure(lambda kt: tuple(kt.shape), outputs)
        self.built = True

    def _run_graph(self, inputs, training):
        flat_in = nest.flatten(self._inputs)
        if isinstance(inputs, dict) and not isinstance(self._inputs, dict):
            given = [inputs[kt._input_layer.name] for kt in flat_in]
        else:
            given = nest.flatten(inputs)
        if len(given) != len(flat_in):
            raise ValueError(f"Model '{self.name}' expects {len(flat_in)} input(s), but it "
                             f"received {len(given)} input tensors.")
        values = {id(kt): layer_input for kt, layer_input in zip(flat_in, given)}
        for kt, v in zip(flat_in, given):
            v = _match_input_rank(kt._input_layer._convert_inputs(v), kt, self.name)
            if any(e is not None and e != d for e, d in zip(kt.shape[1:], v.shape[1:])):
                raise _incompatible_input(kt, v, self.name)
            values[id(kt)] = v
        def value(k):
            return values[id(k)] if isinstance(k, KerasTensor) else k
        for node in self._nodes:
            # symbolic tensors among the call's other arguments too (an RNN's initial_state
            # from another layer's states: the encoder-decoder pattern)
            args = nest.map_structure(value, node.inputs)
            more = [nest.map_structure(value, a) for a in node.args]
            kwargs = {k: nest.map_structure(value, v) for k, v in node.kwargs.items()}
            out = node.layer(args, *more, training=training, **kwargs)
            for kt, v in zip(nest.flatten(node.outputs), nest.flatten(out)):
                values[id(kt)] = v
        return nest.map_structure(lambda k: values[id(k)], self._outputs)

    def call(self, inputs, training=None):
        if self._functional:
            return self._run_graph(inputs, training)
        raise NotImplementedError(f"Model {type(self).__name__} has no call(): subclass Model "
                                  "and define call(), or build it from keras.Input tensors.")

    def __call__(self, inputs, *args, **kwargs):
        if self._functional and not any(isinstance(k, KerasTensor) for k in nest.flatten(inputs)):
            training = kwargs.pop("training", None)
            with training_scope(training):
                return self._run_graph(inputs, training)
        return Layer.__call__(self, inputs, *args, **kwargs)

    @property
    def layers(self) -> list:
        if self._functional:
            return list(self._graph_layers)
        return list(self._tracked_layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[l.name for l in self.layers]}.")

    # ---- weights ----------------------------------------------------------------------------
    def save_weights(self, filepath, overwrite=True):
        """Write the weights, atomically: ``x.weights.h5`` in Keras 3's layout (real Keras
        loads it; optimizer state included), or minitf's older ``.npz`` archive (see
        ``keras.saving``). The new file's mode follows the umask, and a symlink is written
        through, not replaced."""
        if str(filepath).endswith(".npz"):
            saving.save_weights(self, filepath, overwrite)
        else:
            from . import saving_lib
            saving_lib.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False):
        """Load weights from a ``.weights.h5`` or ``.keras`` file (Keras's or minitf's), a
        legacy Keras ``.h5`` file (matched by layer order, see ``legacy_h5_format``) or an
        older minitf ``.npz``. Weights that do not match raise ``ValueError`` and nothing
        is loaded; with ``skip_mismatch=True`` the layers that match load and the others are
        skipped with a warning, as in Keras."""
        path = str(filepath)
        if path.endswith(".npz"):
            saving.load_weights(self, filepath, skip_mismatch=skip_mismatch)
        elif path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5"):
            # Keras's legacy HDF5 files (its published ImageNet weights), by layer order
            from . import legacy_h5_format
            legacy_h5_format.load_weights(self, filepath, skip_mismatch=skip_mismatch)
        else:
            from . import saving_lib
            saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    # ---- summary ----------------------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print Keras 3's table of layers, output shapes and parameter counts, with the
        totals in bytes (see ``keras/summary_utils.py``)."""
        if expand_nested or show_trainable or layer_range is not None:
            raise NotImplementedError("minitf's summary() has no expand_nested, show_trainable "
                                      "or layer_range")
        from .summary_utils import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    # ---- configs and files (model_config.py, saving_lib.py) ----------------------------------
    def get_config(self):
        """A functional model's graph (``layers``, ``input_layers``, ``output_layers``, as
        Keras writes it); a subclassed model's constructor arguments, as for any layer (write
        ``get_config`` if ``__init__`` takes more than plain values)."""
        from . import model_config
        from .serialization import layer_config
        if self._functional:
            return model_config.functional_config(self)
        return layer_config(self, Model.get_config)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional config rebuilds the graph; any other is ``cls(**config)``, with
        Keras's TypeError when the constructor does not take it."""
        from . import model_config
        if all(k in config for k in ("name", "layers", "input_layers", "output_layers")):
            return model_config.functional_from_config(cls, config, custom_objects)
        from .serialization import from_config_kwargs
        try:
            return cls(**from_config_kwargs(cls, config))
        except TypeError as e:
            raise TypeError(f"Unable to revive model from config. When overriding the "
                            f"`get_config()` method, make sure that the returned config "
                            f"contains all items used as arguments in the  constructor to "
                            f"{cls}, which is the default behavior. You can override this "
                            f"default behavior by defining a `from_config(cls, config)` class "
                            f"method to specify how to create an instance of {cls.__name__} "
                            f"from its config.\n\nReceived config={config}\n\nError "
                            f"encountered during deserialization: {e}") from e

    def get_build_config(self):
        """The input shape the model was built with (None for a functional model, whose
        graph fixes it)."""
        if self._functional:
            return {"input_shape": None}
        return super().get_build_config()

    def get_compile_config(self):
        """What ``compile`` was given, serialised (None if never compiled)."""
        from . import model_config
        return model_config.compile_config(self)

    def compile_from_config(self, config):
        """``compile`` from ``get_compile_config()``'s dict; builds the optimizer's slots."""
        from . import model_config
        model_config.compile_from_config(self, config)

    def to_json(self, **kwargs) -> str:
        """The model's config as JSON (``keras.models.model_from_json`` reads it back)."""
        import json
        from .serialization import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath, overwrite=True, **kwargs):
        """Write a Keras 3 ``.keras`` file (config, metadata and weights, optimizer state
        included) that ``keras.models.load_model`` reads, here and in Keras."""
        from . import saving_lib
        saving_lib.save_model(self, filepath, overwrite=overwrite, **kwargs)


def _single_shape(layer) -> bool:
    """Whether ``layer`` is a functional model with one input, whose shape Keras's Sequential
    builds on."""
    shape = getattr(layer, "input_shape", None) if getattr(layer, "_functional", False) else None
    return isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape)


class Sequential(Model):
    """A plain stack of layers, each taking the previous one's output.

    >>> import minitf as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(30, activation="relu",
    ...                                                    input_shape=(8,)),
    ...                              tf.keras.layers.Dense(1)])
    >>> model.built, [tuple(w.shape) for w in model.weights]
    (True, [(8, 30), (30,), (30, 1), (1,)])
    """

    # Never a graph of Keras inputs (Model.__call__'s other case): called as any layer is.
    __call__ = Layer.__call__

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        self._functional = False
        self._autocast_inputs = False
        self._seq: list = []
        self._input_kt = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        if isinstance(layer, KerasTensor):
            layer = layer._input_layer
        if isinstance(layer, InputLayer):
            self._input_kt = layer.output
            self._maybe_build_eagerly()
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Only instances of `keras.Layer` can be added to a Sequential "
                            f"model. Received: {layer!r} (of type {type(layer)})")
        if not self._seq and self._input_kt is None and layer._declared_input_shape is not None:
            from .layers.core import Input
            self._input_kt = Input(shape=layer._declared_input_shape)
        elif not self._seq and self._input_kt is None and _single_shape(layer):
            # a functional model first (a keras.applications base): Keras builds the stack
            # on that model's input shape, so the layers after it have weights at once
            from .layers.core import Input
            self._input_kt = Input(shape=layer.input_shape[1:])
        self._seq.append(layer)
        self._track(layer)
        self._maybe_build_eagerly()

    def pop(self) -> None:
        if not self._seq:
            raise TypeError("There are no layers in the model.")
        layer = self._seq.pop()
        self._tracked_layers.remove(layer)
        _variables.STRUCTURE[0] += 1

    def _maybe_build_eagerly(self):
        if self._input_kt is None:
            return
        from .layers.layer import _building
        x = self._input_kt
        with _building(self):            # Keras names the weights "sequential/dense/kernel"
            for layer in self._seq:
                x = layer(x)
        self.built = bool(self._seq)
        self._output_shape = None if not self._seq else tuple(x.shape)
        object.__setattr__(self, "_output_kt", x if self._seq else None)

    def _symbolic_io(self, what: str):
        kt = self._input_kt if what.startswith("input") else self.__dict__.get("_output_kt")
        if kt is None or not self._seq:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet.")
        return kt

    @property
    def input(self):
        """The symbolic input, once the model knows its input shape (as Keras 3)."""
        return self._symbolic_io("input")

    @property
    def output(self):
        """The symbolic output of the last layer, once the input shape is known."""
        return self._symbolic_io("output")

    @property
    def inputs(self) -> list:
        """``[model.input]``: with a layer's ``output`` it builds a feature extractor."""
        return [self._symbolic_io("inputs")]

    @property
    def outputs(self) -> list:
        """``[model.output]``."""
        return [self._symbolic_io("outputs")]

    @property
    def layers(self) -> list:
        return list(self._seq)

    def build(self, input_shape=None):
        if input_shape is not None and self._input_kt is None:
            from .layers.core import Input
            self._input_kt = Input(shape=tuple(input_shape)[1:])
            self._maybe_build_eagerly()
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        kt = self._input_kt
        if kt is not None:
            il = kt._input_layer
            # An eager tensor of the input's dtype and rank is what conversion and rank
            # matching would return unchanged: only other inputs go through them.
            if not (type(x) is EagerTensor and x._dtype is il._dtype and
                    x._value.ndim == len(il._shape) + 1):
                x = _match_input_rank(il._convert_inputs(x), kt, self.name)
        for layer in self._seq:
            x = layer(x, training=training)
        return x

    @property
    def output_names(self):
        return [self._seq[-1].name] if self._seq else []

    def get_config(self):
        """Keras's Sequential config: the layers' configs, an InputLayer first when the input
        shape is known."""
        from . import model_config
        return model_config.sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model ``get_config`` describes (new weights)."""
        from . import model_config
        return model_config.sequential_from_config(cls, config, custom_objects)

    def get_build_config(self):
        """``{"input_shape": [None, ...]}`` when the input shape is known."""
        if self._input_kt is None:
            return None
        return {"input_shape": list(self._input_kt.shape)}




def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Read a Keras 3 ``.keras`` file (written by minitf or by Keras): the model, its
    weights, and, with ``compile=True``, its compile settings and optimizer state."""
    from . import saving_lib
    return saving_lib.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                 safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """``model.save(filepath)``: a Keras 3 ``.keras`` file."""
    model.save(filepath, overwrite=overwrite, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """The model a ``to_json()`` string describes, with new weights."""
    import json
    from .serialization import deserialize_keras_object
    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model of the same architecture with newly initialised weights (Keras's
    ``clone_model``): rebuilt from ``get_config``; nothing is shared with ``model``."""
    if input_tensors is not None or clone_function is not None or call_function is not None:
        raise NotImplementedError("clone_model's input_tensors, clone_function and "
                                  "call_function are not supported by minitf.")
    from .serialization import deserialize_keras_object, serialize_keras_object
    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    return deserialize_keras_object(config)
