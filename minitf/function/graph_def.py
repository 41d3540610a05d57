"""``FuncGraph.as_graph_def()``: a traced function's graph as TF's ``GraphDef`` message lists it.

A ``GraphDef`` (TF's protocol buffer ``tensorflow.GraphDef``) holds the graph's nodes in
``node``, each a ``NodeDef`` with its ``name``, its op type ``op``, the names of the tensors it
reads in ``input`` (``"x"``, ``"add:1"`` for a second output), a ``device`` and its ``attr``
map. The tf.function guide counts ``len(graph.as_graph_def().node)`` to show how a loop over
Python data is unrolled into the graph while a loop over a dataset stays one op.

minitf's nodes are ``graph.get_operations()`` (graph_ops.py): the same list, so the two agree.
Inputs are listed between the program's operations, then TF's control inputs (``"^NoOp"``:
that node runs first; sorted, as TF lists them); a node for a value computed from constants
while tracing, and the dataset loop's nodes, list no data inputs. ``attr`` holds the output dtype where
minitf knows it (not TF's full attribute set), and the names follow get_operations (TF's: an
argument's Placeholder after its parameter, ``x``; Python operators in lower case, ``mul``,
``mul_1``; a constant operand after its op, ``mul/y``).

>>> import minitf as tf
>>> f = tf.function(lambda x: x * 2.0 + 1.0)
>>> g = f.get_concrete_function(tf.TensorSpec([], tf.float32)).graph.as_graph_def()
>>> [n.op for n in g.node], len(g.node)
(['Placeholder', 'Const', 'Mul', 'Const', 'AddV2', 'Identity'], 6)
>>> [n.name for n in g.node]
['x', 'mul/y', 'mul', 'add/y', 'add', 'Identity']
>>> g.node[2].input
['x', 'mul/y']
"""
from __future__ import annotations


class NodeDef:
    """One node of a ``GraphDef``: ``name``, ``op`` (TF's op type), ``input`` (names of the
    tensors it reads), ``device`` and ``attr``."""

    __slots__ = ("name", "op", "input", "device", "attr")

    def __init__(self, name: str, op: str, input: list | None = None,  # noqa: A002 - TF's field
                 device: str = "", attr: dict | None = None):
        self.name, self.op = name, op
        self.input = list(input or [])
        self.device = device
        self.attr = dict(attr or {})

    def __repr__(self) -> str:
        lines = [f'name: "{self.name}"', f'op: "{self.op}"']
        lines += [f'input: "{i}"' for i in self.input]
        if self.device:
            lines.append(f'device: "{self.device}"')
        for key, value in self.attr.items():
            lines += ["attr {", f'  key: "{key}"', "  value {", f"    {_attr_value(value)}",
                      "  }", "}"]
        return "\n".join(lines) + "\n"


def _attr_value(value) -> str:
    """An ``AttrValue`` in protobuf's text format: ``b: true`` for a bool, ``type: DT_FLOAT``
    for a dtype."""
    if isinstance(value, bool):
        return f"b: {str(value).lower()}"
    name = _DT_NAMES.get(value.name, value.name)
    return f"type: DT_{name.upper()}"


# TF's DataType enum spells some dtypes otherwise (``DT_FLOAT`` for float32)
_DT_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


class GraphDef:
    """A graph as a list of ``NodeDef``s in ``node`` (TF's ``GraphDef`` message)."""

    __slots__ = ("node",)

    def __init__(self, node: list | None = None):
        self.node = list(node or [])

    def __repr__(self) -> str:
        return "".join("node {\n" + "".join(f"  {line}\n" for line in repr(n).splitlines())
                       + "}\n" for n in self.node)


def graph_def(operations: list) -> GraphDef:
    """The ``GraphDef`` of ``operations`` (``FuncGraph.get_operations()``): one node each,
    its inputs named after the operations that made them."""
    made_by: dict = {}
    for op in operations:
        for i, slot in enumerate(op.outputs):
            made_by[slot] = op.name if i == 0 else f"{op.name}:{i}"
    return GraphDef([NodeDef(op.name, op.type, [made_by[s] for s in op.inputs if s in made_by]
                             + sorted("^" + c.name for c in op.control_inputs))
                     for op in operations])


__all__ = ["GraphDef", "NodeDef", "graph_def"]
