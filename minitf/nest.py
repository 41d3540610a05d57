"""Flattening and rebuilding of nested structures (lists, tuples, dicts), as ``tf.nest`` does.

Dicts are flattened in sorted key order; rebuilding keeps the structure's own key order:

>>> from minitf import nest
>>> flat = nest.flatten({"b": [1, 2], "a": 3})
>>> flat, nest.pack_sequence_as({"b": [0, 0], "a": 0}, [x * 10 for x in flat])
([3, 1, 2], {'b': [10, 20], 'a': 30})
"""
from __future__ import annotations

from typing import Any


def _is_nested(x) -> bool:
    return isinstance(x, (list, tuple, dict))


def flatten(structure: Any) -> list:
    """The leaves of ``structure`` in order (``None`` is a leaf)."""
    if not _is_nested(structure):
        return [structure]
    if type(structure) is list or type(structure) is tuple:
        for x in structure:
            if isinstance(x, (list, tuple, dict)):
                break
        else:       # a flat list or tuple (a model's variables): its items are the leaves
            return list(structure)
    out: list = []
    stack = [structure]
    while stack:  # iterative, so deep nests cannot overflow the recursion limit
        s = stack.pop()
        if isinstance(s, dict):
            items = [s[k] for k in sorted(s)]
        elif _is_nested(s):
            items = list(s)
        else:
            out.append(s)
            continue
        stack.extend(reversed(items))
    return out


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """Rebuild ``structure``'s shape with the leaves taken in order from ``flat``."""
    t = type(structure)
    if (t is list or t is tuple) and len(flat) == len(structure):
        for x in structure:
            if isinstance(x, (list, tuple, dict)):
                break
        else:
            return t(flat)      # a flat list or tuple: the leaves are its items
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):   # leaves in sorted key order, keys in the structure's order
            built = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, built[k]) for k in s)
        if isinstance(s, tuple) and hasattr(s, "_fields"):  # namedtuple
            return type(s)(*[build(v) for v in s])
        if _is_nested(s):
            return type(s)(build(v) for v in s)
        return next(it)

    try:
        return build(structure)
    finally:
        # build refers to itself through its closure cell: without this the cycle (and the
        # leaves it holds, gradients for instance) lives until the garbage collector runs.
        del build


def map_structure(fn, *structures):
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])
