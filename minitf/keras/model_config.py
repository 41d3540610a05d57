"""The configs of Sequential and functional models, and of ``compile``, in Keras 3's format.

A Sequential config lists its layers (an ``InputLayer`` first when the input is known). A
functional config lists every layer with the calls that connect them: each call
(``inbound_nodes``) names its inputs by ``keras_history = [layer name, call index, output
index]``, and ``input_layers`` / ``output_layers`` name the model's ends the same way. Loading
replays the calls in order, so a file written by Keras rebuilds the same graph here.

>>> import minitf as tf
>>> x = tf.keras.Input((3,), name="x")
>>> m = tf.keras.Model(x, tf.keras.layers.Dense(2, name="d")(x))
>>> cfg = m.get_config()
>>> cfg["input_layers"], cfg["output_layers"]
(['x', 0, 0], ['d', 0, 0])
>>> cfg["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
['x', 0, 0]
>>> tf.keras.Model.from_config(cfg).count_params()
8
"""
from __future__ import annotations

from .. import nest
from .serialization import deserialize_keras_object, serialize_keras_object


# ---- Sequential ---------------------------------------------------------------------------------
def sequential_config(model) -> dict:
    layers = []
    if model._input_kt is not None:
        layers.append(serialize_keras_object(model._input_kt._input_layer))
    layers.extend(serialize_keras_object(layer) for layer in model._seq)
    cfg = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype,
           "layers": layers}
    if model._input_kt is not None:
        cfg["build_input_shape"] = list(model._input_kt.shape)
    return cfg


def sequential_from_config(cls, config: dict, custom_objects=None):
    from .layers.core import Input
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for spec in config["layers"]:
        model.add(deserialize_keras_object(spec, custom_objects))
    shape = config.get("build_input_shape")
    if model._input_kt is None and shape is not None:
        model._input_kt = Input(shape=tuple(shape)[1:])
        model._maybe_build_eagerly()
    return model


# ---- functional ---------------------------------------------------------------------------------
def _node_indices(model) -> dict:
    """``id(node) -> index`` of each call among the calls of its layer, in call order."""
    counts: dict = {}
    index = {}
    for node in model._nodes:
        n = counts.get(id(node.layer), 0)
        index[id(node)] = n
        counts[id(node.layer)] = n + 1
    return index


def _history(kt, node_index) -> list:
    if getattr(kt, "_input_layer", None) is not None and kt._node is None:
        return [kt._input_layer.name, 0, 0]
    node = kt._node
    outs = nest.flatten(node.outputs)
    position = next(i for i, o in enumerate(outs) if o is kt)
    return [node.layer.name, node_index[id(node)], position]


def _arg_config(value, node_index):
    from .layers.layer import KerasTensor
    if isinstance(value, KerasTensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(value.shape), "dtype": value.dtype.name,
                           "keras_history": _history(value, node_index)}}
    if isinstance(value, (list, tuple)):
        return [_arg_config(v, node_index) for v in value]
    if isinstance(value, dict):
        return {k: _arg_config(v, node_index) for k, v in value.items()}
    return serialize_keras_object(value)


def _ends(structure, node_index):
    from .layers.layer import KerasTensor
    if isinstance(structure, KerasTensor):
        return _history(structure, node_index)
    if isinstance(structure, dict):
        return {k: _ends(v, node_index) for k, v in structure.items()}
    return [_ends(v, node_index) for v in structure]


def functional_config(model) -> dict:
    from .layers.core import InputLayer
    node_index = _node_indices(model)
    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        nodes = [n for n in model._nodes if n.layer is layer]
        entry["inbound_nodes"] = [] if isinstance(layer, InputLayer) else [
            {"args": [_arg_config(n.inputs, node_index)] +
                     [_arg_config(a, node_index) for a in n.args],
             "kwargs": {k: _arg_config(v, node_index) for k, v in n.kwargs.items()}}
            for n in nodes]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": _ends(model._inputs, node_index),
            "output_layers": _ends(model._outputs, node_index)}


def _is_history(value) -> bool:
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and \
        isinstance(value[1], int) and isinstance(value[2], int)


class _NotReady(Exception):
    pass


def _call_kwargs(layer, kwargs: dict) -> dict:
    """Keras records every call argument it knows, ``mask=None`` included; a None this
    layer's ``call`` does not take is dropped rather than passed."""
    import inspect
    params = inspect.signature(layer.call).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params or k == "training" or v is not None}


def functional_from_config(cls, config: dict, custom_objects=None):
    """Rebuild the graph: create the layers, then replay each call once its inputs exist."""
    from .layers.core import InputLayer
    by_name, produced = {}, {}
    pending = []
    for entry in config["layers"]:
        spec = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
        layer = deserialize_keras_object(spec, custom_objects)
        name = entry.get("name", layer.name)
        by_name[name] = layer
        if isinstance(layer, InputLayer):
            produced[(name, 0)] = [layer.output]
        for i, node in enumerate(entry.get("inbound_nodes") or []):
            pending.append((name, i, node))

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_i, tensor_i = value["config"]["keras_history"]
            outs = produced.get((layer_name, node_i))
            if outs is None:
                raise _NotReady()
            return outs[tensor_i]
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict) and not ("class_name" in value and "config" in value):
            return {k: resolve(v) for k, v in value.items()}
        return deserialize_keras_object(value, custom_objects)

    while pending:
        progressed = False
        for item in list(pending):
            name, i, node = item
            try:
                args = [resolve(a) for a in node.get("args", [])]
                kwargs = {k: resolve(v) for k, v in (node.get("kwargs") or {}).items()}
            except _NotReady:
                continue
            layer = by_name[name]
            out = layer(*args, **_call_kwargs(layer, kwargs))
            produced[(name, i)] = nest.flatten(out)
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ValueError(f"The functional config of model '{config.get('name')}' has calls "
                             f"whose inputs no layer produces: "
                             f"{[(n, i) for n, i, _ in pending]}")

    def ends(spec):
        if _is_history(spec):
            return produced[(spec[0], spec[1])][spec[2]]
        if isinstance(spec, dict):
            return {k: ends(v) for k, v in spec.items()}
        return [ends(v) for v in spec]
    return cls(inputs=ends(config["input_layers"]), outputs=ends(config["output_layers"]),
               name=config.get("name"), trainable=config.get("trainable", True))


# ---- compile ------------------------------------------------------------------------------------
def compile_config(model) -> dict | None:
    """What ``compile`` was given, serialised (None for a model never compiled)."""
    if not getattr(model, "compiled", False):
        return None
    return {"optimizer": serialize_keras_object(model.optimizer),
            "loss": serialize_keras_object(model.loss),
            "loss_weights": serialize_keras_object(model._loss_weights),
            "metrics": serialize_keras_object(model._metric_specs),
            "weighted_metrics": serialize_keras_object(model._weighted_metric_specs),
            "run_eagerly": bool(model.run_eagerly), "steps_per_execution": 1,
            "jit_compile": False}


def compile_from_config(model, config: dict) -> None:
    """``compile`` with the deserialised config; a built model's optimizer is built too, so
    that its saved variables (slots) can be loaded, as Keras does."""
    config = deserialize_keras_object(config)
    kwargs = {k: config.get(k) for k in ("optimizer", "loss", "loss_weights", "metrics",
                                         "weighted_metrics")}
    kwargs["run_eagerly"] = bool(config.get("run_eagerly") or False)
    model.compile(**kwargs)
    if model.built and model.trainable_variables:
        model.optimizer.build(model.trainable_variables)
