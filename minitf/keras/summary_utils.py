"""``model.summary()``: Keras 3's table of layers, output shapes and parameter counts.

Keras draws the table with the ``rich`` library; so does minitf (when ``rich`` is installed,
else a plain-text table with the same rows), with Keras's layout: 88 characters (or the
terminal's width less 4) split at 45% and 80% for a sequential-like model, 108 split at 30%,
56% and 74% (with a "Connected to" column) for a branching functional one. The totals give
each group's bytes from its dtypes, and the optimizer's variables once it is built.

>>> import minitf as tf
>>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="d")],
...                             name="net")
>>> model.summary(line_length=60)     # Keras 3.15 prints exactly this
Model: "net"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
┃ Layer (type)             ┃ Output Shape      ┃   Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
│ d (Dense)                │ (None, 2)         │         8 │
└──────────────────────────┴───────────────────┴───────────┘
 Total params: 8 (32.00 B)
 Trainable params: 8 (32.00 B)
 Non-trainable params: 0 (0.00 B)
"""
from __future__ import annotations

import math
import shutil

import numpy as np

from ..tensor import TensorShape


def count_params(weights) -> int:
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def weight_memory_size(weights) -> float:
    """Bytes held by ``weights`` (each counted once), from their dtypes."""
    unique = {id(w): w for w in weights}.values()
    return float(sum(math.prod(tuple(w.shape)) * np.dtype(w._dtype.as_numpy_dtype).itemsize
                     for w in unique))


def readable_memory_size(size: float) -> str:
    for unit in ["B", "KB", "MB", "GB", "TB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _shape_text(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple,
                                                                             TensorShape)):
        return str([_shape_text(s) for s in shape]).replace("'", "")
    return "(" + ", ".join(str(d) for d in tuple(shape)) + ")"


def _rows_and_layout(model, line_length, positions):
    from .layers.layer import KerasTensor, Node  # noqa: F401
    from .layers.core import InputLayer
    functional = getattr(model, "_functional", False) and hasattr(model, "_nodes")
    layers = list(model.layers)
    sequential_like = True
    consumers: dict = {}
    if functional:
        seen_layers = set()
        for node in model._nodes:
            flat = [t for t in _flatten(node.inputs) if isinstance(t, KerasTensor)]
            if len(flat) != 1 or id(node.layer) in seen_layers:
                sequential_like = False
            seen_layers.add(id(node.layer))
            for t in flat:
                consumers[id(t)] = consumers.get(id(t), 0) + 1
        if any(n > 1 for n in consumers.values()) or \
                sum(isinstance(l, InputLayer) for l in layers) > 1:
            sequential_like = False
    if sequential_like:
        default, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        justify = ["left", "left", "right"]
    else:
        default, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    line_length = line_length or min(default, shutil.get_terminal_size().columns - 4)
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width

    def connections(layer):
        if not functional:
            return "-"
        parts = []
        for node in model._nodes:
            if node.layer is not layer:
                continue
            for t in _flatten(node.inputs):
                src = getattr(t, "_node", None)
                name = src.layer.name if src is not None else \
                    getattr(getattr(t, "_input_layer", None), "name", t.name)
                parts.append(f"{name}[0][0]")
        return ", ".join(parts) or "-"

    # Layers of a Sequential or functional model have symbolic calls (nodes) that give their
    # output shapes; a subclassed model's layers were only called eagerly.
    from .models import Sequential
    graph = functional or isinstance(model, Sequential)
    rows = []
    for layer in layers:
        if not hasattr(layer, "built"):
            params = "0"
        elif not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        shape = getattr(layer, "_output_shape", None)
        if not graph and not layer.__dict__.get("_inbound_nodes") and _no_shape_rule(layer):
            shape = None     # Keras shows '?': no symbolic call and no compute_output_shape
        if isinstance(layer, InputLayer):
            shape = getattr(layer, "_output_shape", None) or \
                tuple(layer.output.shape) if hasattr(layer, "output") else None
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text(shape), params]
        if not sequential_like:
            row.append(connections(layer))
        rows.append(row)
    return header, justify, widths, line_length, rows


def _no_shape_rule(layer) -> bool:
    """Whether Keras's summary has no output shape for a layer it never called symbolically:
    a user class whose ``compute_output_shape`` is the base Layer's (which raises
    NotImplementedError in Keras; minitf's returns the input shape). Built-in layers have
    their own rule, in Keras if not always in minitf, so the first minitf class decides."""
    from .layers.layer import Layer
    from .models import Model, Sequential
    for cls in type(layer).__mro__:
        if cls.__module__.startswith("minitf."):
            # A subclassed Model is a Layer here (Keras: only Sequential and functional
            # models have a shape rule; a functional subclass has nodes, so it is not asked).
            return cls is Layer or (cls is Model and not isinstance(layer, Sequential)
                                    and not getattr(layer, "_functional", False))
        if "compute_output_shape" in cls.__dict__:
            return False
    return False


def _flatten(x):
    from .. import nest
    return nest.flatten(x)


def print_summary(model, line_length=None, positions=None, print_fn=None) -> None:
    """Print ``model``'s table (see the module docstring); ``print_fn`` receives the text."""
    header, justify, widths, line_length, rows = _rows_and_layout(model, line_length, positions)
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    optimizer = getattr(model, "optimizer", None)
    opt_vars = list(optimizer.variables) if getattr(model, "compiled", False) and \
        optimizer is not None and getattr(optimizer, "built", False) else None
    counts = [count_params(trainable), count_params(non_trainable)]
    sizes = [weight_memory_size(trainable), weight_memory_size(non_trainable)]
    total = sum(counts) + (count_params(opt_vars) if opt_vars is not None else 0)
    total_size = sum(sizes) + (weight_memory_size(opt_vars) if opt_vars is not None else 0)
    totals = [f" Total params: {total:,} ({readable_memory_size(total_size)})",
              f" Trainable params: {counts[0]:,} ({readable_memory_size(sizes[0])})",
              f" Non-trainable params: {counts[1]:,} ({readable_memory_size(sizes[1])})"]
    if opt_vars is not None:
        totals.append(f" Optimizer params: {count_params(opt_vars):,} "
                      f"({readable_memory_size(weight_memory_size(opt_vars))})")
    try:
        import rich.console
        import rich.markup
        import rich.table
    except ImportError:
        text = _plain(model.name, header, justify, widths, rows) + "\n".join(totals) + "\n"
    else:
        columns = [rich.table.Column(h, justify=j, width=w)
                   for h, j, w in zip(header, justify, widths)]
        table = rich.table.Table(*columns, width=line_length, show_lines=True)
        for row in rows:
            table.add_row(*[rich.markup.escape(c) for c in row])
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None,
                                       width=max(line_length, 1) + 4)
        console.begin_capture()
        console.print(f'Model: "{rich.markup.escape(model.name)}"')
        console.print(table)
        for line in totals:
            console.print(line)
        text = console.end_capture()
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)


def _plain(name, header, justify, widths, rows) -> str:
    def line(cells):
        return "".join((c.ljust(w) if j != "right" else c.rjust(w - 1) + " ")
                       for c, j, w in zip(cells, justify, widths)).rstrip()
    out = [f'Model: "{name}"', "─" * sum(widths), line(header), "═" * sum(widths)]
    out += [line(r) for r in rows]
    out.append("─" * sum(widths))
    return "\n".join(out) + "\n"
