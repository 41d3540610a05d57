"""``concrete_function.graph.get_operations()``: a trace's program listed as TF lists a graph.

TF's FuncGraph holds one ``Placeholder`` per argument (and one per captured variable handle),
a ``ReadVariableOp`` where a variable is first read, ``Const`` for each constant operand, the
ops themselves under their op types (``Mul``, ``AddV2``, ``MatMul``), an ``Identity`` per
returned tensor, and a ``NoOp`` that orders the stateful ops of a function that has some.
minitf's program is a list of array operations: each is given the type of the TF op it stands
for. Where minitf builds an op from several array operations (``tf.nn.relu`` is a ``maximum``
with 0, ``tf.sigmoid`` a ``where``), the list shows those (``Const``, ``Maximum``; TF:
``Relu``); tf.cond and tf.while_loop are one ``StatelessIf`` / ``StatelessWhile`` each, without
the bookkeeping ops TF adds around a loop.

>>> import minitf as tf
>>> f = tf.function(lambda x, y: x * y + 1.0)
>>> cf = f.get_concrete_function(tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32))
>>> [op.type for op in cf.graph.get_operations()]
['Placeholder', 'Placeholder', 'Mul', 'Const', 'AddV2', 'Identity']
"""
from __future__ import annotations

import numpy as np

from .tracing import Traced

# The TF op type of each array operation minitf records (NumPy's name, or the method's).
TF_TYPES = {
    "add": "AddV2", "subtract": "Sub", "multiply": "Mul", "divide": "RealDiv",
    "true_divide": "RealDiv", "floor_divide": "FloorDiv", "remainder": "FloorMod",
    "power": "Pow", "matmul": "MatMul", "negative": "Neg", "absolute": "Abs", "exp": "Exp",
    "log": "Log", "log1p": "Log1p", "expm1": "Expm1", "tanh": "Tanh", "sqrt": "Sqrt",
    "square": "Square", "sin": "Sin", "cos": "Cos", "tan": "Tan", "sign": "Sign",
    "maximum": "Maximum", "minimum": "Minimum", "sum": "Sum", "mean": "Mean", "max": "Max",
    "amax": "Max", "min": "Min", "amin": "Min", "prod": "Prod", "greater": "Greater",
    "less": "Less", "greater_equal": "GreaterEqual", "less_equal": "LessEqual",
    "equal": "Equal", "not_equal": "NotEqual", "logical_and": "LogicalAnd",
    "logical_or": "LogicalOr", "logical_not": "LogicalNot", "where": "SelectV2",
    "reshape": "Reshape", "transpose": "Transpose", "astype": "Cast", "getitem": "StridedSlice",
    "concatenate": "ConcatV2", "stack": "Pack", "broadcast_to": "BroadcastTo",
    "ones_like": "OnesLike", "zeros_like": "ZerosLike", "copy": "Identity", "_constant": "Const",
    "cond": "StatelessIf", "while_loop": "StatelessWhile", "argmax": "ArgMax",
    "argmin": "ArgMin", "take": "GatherV2", "floor": "Floor", "ceil": "Ceil", "rint": "Round",
    "cumsum": "Cumsum", "clip": "ClipByValue", "expand_dims": "ExpandDims",
    "squeeze": "Squeeze", "tile": "Tile", "pad": "PadV2", "dot": "MatMul",
}


class Operation:
    """One operation of a traced function's graph: ``type`` is TF's op type, ``name`` the
    type numbered within the graph (``Mul``, ``Mul_1``) as TF names nodes."""

    __slots__ = ("type", "name", "inputs", "outputs")

    def __init__(self, type_: str, name: str, inputs=(), outputs=()):
        self.type, self.name, self.inputs, self.outputs = type_, name, inputs, outputs

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


def _tf_type(name: str) -> str:
    known = TF_TYPES.get(name)
    if known is not None:
        return known
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _is_constant_operand(a) -> bool:
    return type(a) is not Traced and isinstance(a, (bool, int, float, np.generic, np.ndarray))


def operations(program, n_outputs: int) -> list:
    """The operations of ``program`` in TF's order and spelling (see the module docstring)."""
    types: list = []
    slots: list = []
    types += ["Placeholder"] * (program.n_inputs + len(program.variables_pinned))
    slots += [((), ())] * len(types)
    unread = {slot: var for var, slot in program.variables_pinned}
    for node in program.nodes:
        ins = tuple(node.inputs())
        for s in ins:
            if s in unread:
                del unread[s]
                types.append("ReadVariableOp")
                slots.append(((), (s,)))
        for a in node.args:
            if _is_constant_operand(a):
                types.append("Const")
                slots.append(((), ()))
        outs = node.outs
        types.append(_tf_type(node.name))
        slots.append((ins, () if outs is None else (outs if type(outs) is tuple else (outs,))))
    for var, slot in program.variables_pinned:      # read but used by no operation
        if slot in unread:
            types.append("ReadVariableOp")
            slots.append(((), (slot,)))
    types += ["AssignVariableOp"] * len(program.variables_written)
    slots += [((), ())] * len(program.variables_written)
    types += ["Identity"] * n_outputs
    slots += [((), ())] * n_outputs
    if program.variables_pinned or program.variables_written or any(
            n.outs is None for n in program.nodes):
        types.append("NoOp")             # TF orders the function's stateful ops with a NoOp
        slots.append(((), ()))
    seen: dict = {}
    out = []
    for t, (ins, outs) in zip(types, slots):
        k = seen.get(t, 0)
        seen[t] = k + 1
        out.append(Operation(t, t if k == 0 else f"{t}_{k}", ins, outs))
    return out
