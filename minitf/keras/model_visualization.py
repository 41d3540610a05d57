"""``keras.utils.model_to_dot`` and ``plot_model``: a model's layers as a Graphviz graph.

Keras draws each layer as an HTML-like table (name and class on black, then optional rows
for the activation, input/output shapes, output dtype and trainability) and joins the
layers by the tensors that flow between them. minitf builds the same graph with **pydot**
and renders it with Graphviz's ``dot`` program, as Keras does; both are optional: without
pydot (``pip install pydot``) or without Graphviz (the ``graphviz`` system package) the
calls raise ImportError with Keras's message.

A subclassed model is one box (its call is Python code, not a graph); a Sequential model is
a chain of its layers; a functional model is its layer graph, input layers included.

>>> import minitf as tf
>>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
>>> dot = tf.keras.utils.model_to_dot(model, show_shapes=True)   # doctest: +SKIP
"""
from __future__ import annotations

import os

from .. import nest

_PYDOT_MISSING = ("You must install pydot (`pip install pydot`) for `plot_model` to work.")
_GRAPHVIZ_MISSING = ("You must install graphviz (see instructions at "
                     "https://graphviz.gitlab.io/download/) for `plot_model` to work.")


def _pydot():
    try:
        import pydot
    except ImportError:
        return None
    return pydot


def _graphviz_works(pydot) -> bool:
    try:
        pydot.Dot.create(pydot.Dot())      # renders an empty graph: needs the dot program
        return True
    except (OSError, pydot.PydotException):
        return False


def _shape_text(value) -> str:
    if value is None:
        return "?"
    shapes = nest.map_structure(lambda t: tuple(t.shape), value)
    return str(shapes).replace("{", "").replace("}", "")


def _cell(text: str, color: str = "white", font: str = 'point-size="14"') -> str:
    return f'<td bgcolor="{color}"><font {font}>{text}</font></td>'


def _label(layer, show_layer_names, show_layer_activations, show_dtype, show_shapes,
           show_trainable) -> str:
    cls = type(layer).__name__
    span = max(1, int(show_dtype) + int(show_trainable) + (2 if show_shapes else 0))
    title = f"<b>{layer.name}</b> ({cls})" if show_layer_names else f"<b>{cls}</b>"
    rows = [f'<tr><td colspan="{span}" bgcolor="black"><font point-size="16" color="white">'
            f"{title}</font></td></tr>"]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = getattr(activation, "name", None) or getattr(activation, "__name__", None) \
            or str(activation)
        rows.append(f'<tr><td bgcolor="white" colspan="{span}"><font point-size="14">'
                    f"Activation: <b>{name}</b></font></td></tr>")
    cells = []
    inputs = outputs = None
    try:
        inputs, outputs = layer.input, layer.output
    except (AttributeError, ValueError):
        pass
    if show_shapes:
        if cls != "InputLayer":
            cells.append(_cell(f"Input shape: <b>{_shape_text(inputs)}</b>"))
        cells.append(_cell(f"Output shape: <b>{_shape_text(outputs)}</b>"))
    if show_dtype:
        dtype = None if outputs is None else nest.map_structure(lambda t: t.dtype.name,
                                                                 outputs)
        cells.append(_cell(f"Output dtype: <b>{dtype or '?'}</b>"))
    if show_trainable and layer.weights:
        if layer.trainable:
            cells.append(_cell("<b>Trainable</b>", "forestgreen",
                               'point-size="14" color="white"'))
        else:
            cells.append(_cell("<b>Non-trainable</b>", "firebrick",
                               'point-size="14" color="white"'))
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(rows) + "</table>>")


def _edges_of_functional(model) -> list:
    """(producer, consumer) layer pairs of a functional model, from its outputs back."""
    edges, seen, stack = [], set(), [kt for kt in model.outputs]
    while stack:
        kt = stack.pop()
        node = getattr(kt, "_node", None)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        for src in node.keras_inputs():
            producer = src._node.layer if src._node is not None else src._input_layer
            edges.append((producer, node.layer))
            stack.append(src)
    return edges


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB",
                 expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False,
                 splines: str = "ortho", **kwargs):
    """The model as a ``pydot.Dot`` graph (a ``pydot.Cluster`` with ``subgraph=True``).
    ValueError if the model is not built; ImportError without pydot. ``expand_nested`` draws
    nested Sequential/functional models as dashed clusters."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to "
                          "work.")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        for key, value in (("rankdir", rankdir), ("concentrate", True), ("dpi", dpi),
                           ("splines", splines)):
            dot.set(key, value)
        dot.set_node_defaults(shape="record")
    options = dict(show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations, show_dtype=show_dtype,
                   show_shapes=show_shapes, show_trainable=show_trainable)

    def node(layer):
        n = pydot.Node(str(id(layer)), label=_label(layer, **options))
        for key, value in (("fontname", "Helvetica"), ("border", "0"), ("margin", "0")):
            n.set(key, value)
        return n

    def edge(src, dst):
        if not dot.get_edge(str(id(src)), str(id(dst))):
            e = pydot.Edge(str(id(src)), str(id(dst)))
            e.set("penwidth", "2")
            dot.add_edge(e)

    sequential = getattr(model, "_seq", None) is not None
    if not sequential and not getattr(model, "_functional", False):
        dot.add_node(node(model))             # subclassed: one box
        return dot
    layers = list(model.layers)

    def nested(layer) -> bool:
        return expand_nested and (getattr(layer, "_seq", None) is not None
                                  or getattr(layer, "_functional", False))

    for layer in layers:
        if nested(layer):
            dot.add_subgraph(model_to_dot(layer, show_shapes, show_dtype, show_layer_names,
                                          rankdir, expand_nested, subgraph=True,
                                          show_layer_activations=show_layer_activations,
                                          show_trainable=show_trainable))
        else:
            dot.add_node(node(layer))

    def first(layer):          # where an edge into a nested model lands
        while nested(layer):
            layer = layer.layers[0]
        return layer

    def last(layer):           # where an edge out of a nested model starts
        while nested(layer):
            layer = layer.layers[-1]
        return layer

    if sequential:
        for a, b in zip(layers, layers[1:]):
            edge(last(a), first(b))
        return dot
    for src, dst in reversed(_edges_of_functional(model)):
        edge(last(src), first(dst))
    return dot


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False,
               splines: str = "ortho", **kwargs):
    """Draw the model to ``to_file``; the format follows the extension (``.png`` by
    default, ``.svg``, ``.pdf``, ``.dot``, ...). Needs pydot and Graphviz (ImportError with
    Keras's message otherwise). Returns an ``IPython.display.Image`` when IPython is
    installed (not for PDF), as Keras does, else None; for SVG an ``IPython.display.SVG``
    (Keras's Image call fails on SVG files)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    pydot = _pydot()
    if pydot is None:
        raise ImportError(_PYDOT_MISSING)
    if not _graphviz_works(pydot):
        raise ImportError(_GRAPHVIZ_MISSING)
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    # Rendered in memory first, then written whole: a failed render leaves no file behind.
    data = dot.create(format=extension)
    tmp = f"{to_file}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, to_file)
    if extension != "pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        # Keras hands an SVG file to display.Image too, which raises ValueError after the file
        # is written; an SVG display object shows it instead.
        if extension == "svg":
            return display.SVG(filename=to_file)
        return display.Image(filename=to_file)
    return None
