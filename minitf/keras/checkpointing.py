"""What a Keras object contributes to a ``tf.train.Checkpoint``'s object graph.

A checkpoint restores by matching attribute names along the graph (see
``minitf.train.checkpoint``), so a model saved by minitf restores in TensorFlow only if
minitf's Keras objects present the children Keras 3's objects present under TensorFlow:

* a layer: its public attributes that hold weights or sub-layers, where Dense, the
  convolutions and Embedding name their main weight as Keras stores it (``_kernel``,
  ``_embeddings``); weights reached no other way are added under their own names;
* a Sequential model: ``_functional`` -> ``_operations`` -> its input layer and layers;
  a functional model: ``_operations`` (input layers included); a compiled model also
  ``optimizer``;
* an optimizer: ``_variables`` (iterations, learning rate, then the slots in Keras's
  order), ``_trainable_variables``, ``_iterations`` and ``_learning_rate``.

>>> import minitf as tf
>>> dense = tf.keras.layers.Dense(2)
>>> dense.build((None, 3))
>>> [name for name, _ in layer_children(dense)]
['_kernel', 'bias']
"""
from __future__ import annotations

from ..tensor import is_variable


class _Group:
    """A node of the graph that holds only children (Keras's inner objects, such as the
    functional model inside a Sequential one)."""

    def __init__(self, items: list):
        self._items = items

    def _checkpoint_children(self) -> list:
        return list(self._items)


_INPUT_LAYER = _Group([])        # Keras's InputLayer: a node with no values


def _holds_trackable(v) -> bool:
    if is_variable(v) or hasattr(v, "_checkpoint_children"):
        return True
    if isinstance(v, (list, tuple)):
        return any(_holds_trackable(x) for x in v)
    if isinstance(v, dict):
        return any(_holds_trackable(x) for x in v.values())
    return False


def _reached(items: list) -> set:
    seen, stack = set(), [v for _, v in items]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return seen


def layer_children(layer) -> list:
    """A Keras layer's or model's children, named as Keras 3 names them (see above)."""
    items = []
    if getattr(layer, "_seq", None) is not None:                       # Sequential
        ops = [_INPUT_LAYER] + list(layer._seq)
        items.append(("_functional", _Group([("_operations", ops)])))
    elif getattr(layer, "_functional", False):                       # functional
        items.append(("_operations", list(layer.layers)))
    else:
        renames = getattr(type(layer), "_checkpoint_names", {})
        for name, value in vars(layer).items():
            if name.startswith("_") or name == "optimizer":
                continue
            if _holds_trackable(value):
                items.append((renames.get(name, name), value))
    optimizer = getattr(layer, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "_checkpoint_children"):
        items.append(("optimizer", optimizer))
    reached = _reached(items)
    for w in getattr(layer, "_own_weights", ()):
        if id(w) not in reached:
            items.append((w.name.split("/")[-1].split(":")[0], w))
    return items


def optimizer_children(opt) -> list:
    """A Keras optimizer's children, named as Keras 3 names them."""
    items = [("_variables", list(opt.variables)),
             ("_trainable_variables", list(getattr(opt, "_vars", ()))),
             ("_iterations", opt.iterations)]
    lr = getattr(opt, "_lr", None)
    if lr is not None:
        items.append(("_learning_rate", lr))
    return items
