"""``concrete_function.graph.get_operations()``: a trace's program listed as TF lists a graph.

TF's FuncGraph holds one ``Placeholder`` per argument (and one per captured variable handle),
a ``ReadVariableOp`` where a variable is first read, ``Const`` for each constant operand, the
ops themselves under their op types (``Mul``, ``AddV2``, ``MatMul``), an ``Identity`` per
returned tensor, and a ``NoOp`` that orders the stateful ops of a function that has some.
Nodes are named as TF names them: a Placeholder after its parameter (``x``; ``a``, ``a_1`` for
a nested argument's leaves; ``args_0`` for ``*args``), an op by TF's name for it (``mul`` for
``*``, ``MatMul``) numbered (``mul_1``; TF's numbering ignores case), a constant operand after
the op and its operand (``mul/y``), a variable's resource Placeholder and ReadVariableOp after
the op that first reads it (``mul/ReadVariableOp/resource``, ``mul/ReadVariableOp``).
minitf's program is a list of array operations: those one call of an op function of
``op_names.py`` recorded (``tf.sigmoid`` is an ``abs``, an ``exp``, a ``where``, ...) are one
node of TF's name, type and inputs (``tracing.Group``: ``Sigmoid``; ``tf.add`` is ``Add``, its
Python constant operand the Const ``Add/y``); any other is given the type of the TF op it
stands for. tf.cond and tf.while_loop are one ``If`` / ``While`` each (``StatelessIf`` /
``StatelessWhile`` when they touch no variable), reading what their blocks capture
(``_place_control_flow``).

>>> import minitf as tf
>>> f = tf.function(lambda x, y: x * y + 1.0)
>>> cf = f.get_concrete_function(tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32))
>>> [op.type for op in cf.graph.get_operations()]
['Placeholder', 'Placeholder', 'Mul', 'Const', 'AddV2', 'Identity']
>>> [op.name for op in cf.graph.get_operations()]
['x', 'y', 'mul', 'add/y', 'add', 'Identity']
"""
from __future__ import annotations

import numpy as np

from .graph_def import graph_def
from .tracing import Traced, _slots, tf_op_name

# The TF op type of each array operation minitf records (NumPy's name, or the method's).
TF_TYPES = {
    "add_accumulate": "Cumsum", "multiply_accumulate": "Cumprod",
    "add": "AddV2", "subtract": "Sub", "multiply": "Mul", "divide": "RealDiv",
    "true_divide": "RealDiv", "floor_divide": "FloorDiv", "remainder": "FloorMod",
    "power": "Pow", "matmul": "MatMul", "negative": "Neg", "absolute": "Abs", "exp": "Exp",
    "log": "Log", "log1p": "Log1p", "expm1": "Expm1", "tanh": "Tanh", "sqrt": "Sqrt",
    "square": "Square", "sin": "Sin", "cos": "Cos", "tan": "Tan", "sign": "Sign",
    "maximum": "Maximum", "minimum": "Minimum", "sum": "Sum", "mean": "Mean", "_mean": "Mean",
    "_column_mean": "Mean", "_column_sum": "Sum",
    "max": "Max",
    "amax": "Max", "min": "Min", "amin": "Min", "prod": "Prod", "greater": "Greater",
    "less": "Less", "greater_equal": "GreaterEqual", "less_equal": "LessEqual",
    "equal": "Equal", "not_equal": "NotEqual", "logical_and": "LogicalAnd",
    "logical_or": "LogicalOr", "logical_not": "LogicalNot", "where": "SelectV2",
    "reshape": "Reshape", "transpose": "Transpose", "astype": "Cast", "getitem": "StridedSlice",
    "concatenate": "ConcatV2", "stack": "Pack", "broadcast_to": "BroadcastTo",
    "ones_like": "OnesLike", "zeros_like": "ZerosLike", "copy": "Identity", "_constant": "Const",
    "_identity": "Identity", "_read_value": "Identity",
    "cond": "StatelessIf", "while_loop": "StatelessWhile", "argmax": "ArgMax",
    "argmin": "ArgMin", "take": "GatherV2", "floor": "Floor", "ceil": "Ceil", "rint": "Round",
    "cumsum": "Cumsum", "clip": "ClipByValue", "expand_dims": "ExpandDims",
    "squeeze": "Squeeze", "tile": "Tile", "pad": "PadV2", "dot": "MatMul",
}


class Operation:
    """One operation of a traced function's graph: ``type`` is TF's op type, ``name`` its
    node name as TF gives it (``x`` for the argument ``x``, ``mul``, ``mul_1``, ``mul/y``).
    ``str()`` is its ``NodeDef`` where it has one (an assignment a function body was handed,
    ``assignment_so_far``), as TF prints an operation."""

    __slots__ = ("type", "name", "inputs", "outputs", "control_inputs", "node_def")

    def __init__(self, type_: str, name: str, inputs=(), outputs=()):
        self.type, self.name, self.inputs, self.outputs = type_, name, inputs, outputs
        self.control_inputs = []     # the operations that must run first (TF's ``^name``)
        self.node_def = None

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"

    def __str__(self) -> str:
        return repr(self) if self.node_def is None else repr(self.node_def)


def _tf_type(name: str) -> str:
    known = TF_TYPES.get(name)
    if known is not None:
        return known
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


# Reductions whose axes TF passes as a Const input (its own node, listed before the reduction)
_REDUCE_AXES = {"Sum", "Prod", "Max", "Min", "Mean", "All", "Any", "ArgMax", "ArgMin"}

# A ufunc's reduction (``np.add.reduce``) is TF's reduction op of that ufunc.
_REDUCE_TYPES = {"add": "Sum", "multiply": "Prod", "maximum": "Max", "minimum": "Min",
                 "logical_and": "All", "logical_or": "Any"}


def _node_type(node) -> str:
    fn = node.fn
    ufunc = getattr(fn, "__self__", None)
    if isinstance(ufunc, np.ufunc) and getattr(fn, "__name__", "") == "reduce":
        return _REDUCE_TYPES.get(ufunc.__name__, _tf_type(ufunc.__name__))
    return _tf_type(node.name)


def _is_print(node) -> bool:
    """Whether ``node`` is tf.print's effect (``logging_ops._emit``)."""
    fn = node.fn
    return getattr(fn, "__name__", "") == "_emit" and \
        getattr(fn, "__module__", "") == "minitf.logging_ops"


def _is_constant_operand(a) -> bool:
    return type(a) is not Traced and isinstance(a, (bool, int, float, np.generic, np.ndarray))


# The nodes TF makes for an op that minitf computed from constants while tracing, by the
# Python function that made the value (``_backend.Tracer.folded``). Reductions take their axes
# as a Const; tf.ones / tf.zeros / tf.shape of a known shape are Consts in TF's graph too.
FOLDED_TYPES = {
    "convert_to_tensor": ("Const",), "constant": ("Const",), "ones": ("Const",),
    "zeros": ("Const",), "ones_like": ("OnesLike",), "zeros_like": ("ZerosLike",),
    "shape": ("Const",), "fill": ("Fill",), "add": ("AddV2",), "subtract": ("Sub",),
    "multiply": ("Mul",), "realdiv": ("RealDiv",), "divide": ("RealDiv",),
    "truediv": ("RealDiv",), "floordiv": ("FloorDiv",), "floormod": ("FloorMod",),
    "pow": ("Pow",), "negative": ("Neg",), "abs": ("Abs",), "matmul": ("MatMul",),
    "cast": ("Cast",), "reshape": ("Reshape",), "transpose": ("Transpose",),
    "reduce_sum": ("Const", "Sum"), "reduce_mean": ("Const", "Mean"),
    "reduce_max": ("Const", "Max"), "reduce_min": ("Const", "Min"),
    "reduce_prod": ("Const", "Prod"), "range": ("Range",), "greater": ("Greater",),
    "less": ("Less",), "equal": ("Equal",), "not_equal": ("NotEqual",),
    "greater_equal": ("GreaterEqual",), "less_equal": ("LessEqual",),
}

# The backend's device copies of a traced host value (function name: the copied argument).
_DEVICE_COPIES = {"_like": 1, "_host_scalar": 0}

# What TF stages for AutoGraph's ``for`` over a tf.data Dataset: the loop is a reduction over
# the dataset (its body is a function of the graph's library, not nodes of the graph).
DATASET_LOOP = ("ScanDataset", "ReduceDataset")


def _folded_types(op_function: str) -> tuple:
    return FOLDED_TYPES.get(op_function) or (_tf_type(op_function.lstrip("_")),)


def operations(program, n_outputs: int) -> list:
    """The operations of ``program`` in TF's order and spelling (see the module docstring),
    with a node for each value an op computed from constants while tracing (minitf's program
    keeps the value only; TF's graph has the op) and TF's nodes for a dataset loop."""
    return _operations(program, n_outputs)[0]


def _operations(program, n_outputs: int):
    """``operations``, and the listing it was made from (``_Listing``)."""
    folded, loops, order = getattr(program, "graph_notes", ((), (), {}))
    folded_ids = {vid for _, _, vid in folded}
    g = _Listing()
    types, slots, names, op_names = g.types, g.slots, g.names, g.op_names
    n_dataset_args = sum(1 for _, _, is_argument in loops if is_argument)
    inputs = getattr(program, "input_slots", [None] * program.n_inputs)
    n_unread = sum(1 for _, slot in program.variables_pinned if slot is None)
    types += ["Placeholder"] * (program.n_inputs + n_dataset_args + n_unread)
    slots += [((), () if s is None else (s,)) for s in inputs]
    slots += [((), ())] * (len(types) - len(slots))
    given: dict = {k: n for k, n in enumerate(getattr(program, "input_names", ())) if n}
    # what is placed between the program's nodes, by position in the whole trace
    extra = [(i, k, _folded_types(name), ("folded", vid))
             for k, (i, name, vid) in enumerate(folded)]
    extra += [(start, len(folded) + k, DATASET_LOOP, None)
              for k, (start, _, _) in enumerate(loops)]
    writes = [e for e in getattr(program, "var_log", ())
              if not any(start <= e[0] < end for start, end, _ in loops)]
    # an assignment comes after the constants made before it (TF's order of creation)
    extra += [(e[0], e[6] - 0.5, None, e) for e in writes]
    extra.sort(key=lambda e: (e[0], e[1]))
    hidden = {id(e[4]) for e in writes if e[4] is not None}
    written = {id(e[1]) for e in writes}
    pending = 0

    plans = getattr(program, "folded_plans", {})
    node_scopes = getattr(program, "node_scopes", {})
    converted = {vid for _, name, vid in folded if name == "convert_to_tensor"
                 and vid not in plans}
    folded_names = getattr(program, "folded_names", {})
    operand_consts: dict = {}   # a Python number an op converted: its Const's index
    g.unread = {slot: var for var, slot in program.variables_pinned}
    g.initial = dict(g.unread)
    g.plain = getattr(program, "plain_reads", set())
    g.scope_inputs = _scope_inputs(program.nodes, node_scopes)
    block_writes = getattr(program, "block_writes", {})
    written.update(id(v) for n in program.nodes for v in getattr(n, "variables", ()))
    alias: dict = {}

    def place_extra(upto):
        nonlocal pending
        while pending < len(extra) and extra[pending][0] <= upto:
            _, _, kinds, key = extra[pending]
            pending += 1
            if kinds is None:              # an assignment
                g.write(key, alias, folded_ids, operand_consts)
                continue
            named = key and folded_names.get(key[1])
            if named and type(named) is tuple:
                g.enter(named[0])          # its scope reads its variables first
            plan = key and plans.get(key[1])
            if plan:                       # the nodes TF makes for it (folded.py)
                _place_plan(plan, key, g, named)
                continue
            for n, t in enumerate(kinds):      # the last node makes the value
                types.append(t)
                slots.append(((), (key,) if key and n == len(kinds) - 1 else ()))
            if named:                      # named in a scope (``Gelu/Cast/x``)
                op_names[len(types) - 1] = named
            elif key and key[1] in converted:
                operand_consts[key[1]] = len(types) - 1
            if kinds is DATASET_LOOP:      # its reduction runs the dataset: stateful
                g.stateful.append(len(types) - 1)

    for node in program.nodes:
        at = order.get(id(node), -1)
        if any(start <= at < end for start, end, _ in loops):
            continue                       # inside a dataset loop: part of its nodes
        place_extra(at)
        if id(node) in hidden:             # an assign_add's update: its Assign*VariableOp
            continue
        if (getattr(node.fn, "__name__", "") == "_constant" and len(node.args) == 1
                and id(node.args[0]) in folded_ids and node.outs is not None
                and type(node.outs) is not tuple):
            # on the GPU a constant made while tracing is copied to the device by a node of
            # its own; TF's graph has the one Const, listed where the constant was made
            alias[node.outs] = ("folded", id(node.args[0]))
            continue
        copied = _DEVICE_COPIES.get(getattr(node.fn, "__name__", ""))
        if copied is not None and type(node.outs) is int and len(node.args) > copied and \
                type(node.args[copied]) is Traced and getattr(node, "group", None) is None:
            # a traced host value moved to the GPU (B.like, B.unify): TF places an op's inputs
            # on its device without a node, so the copy stands for the value it copies
            src = node.args[copied].slot
            alias[node.outs] = alias.get(src, src)
            continue
        if _place_control_flow(node, g, alias, folded_ids, block_writes):
            continue                    # a tf.cond or tf.while_loop: TF's If / While
        group = getattr(node, "group", None)
        if group is not None:           # one op function's call: TF's one node
            if node is group.members[-1]:
                _place_group(group, g, alias, operand_consts)
            continue
        ins = tuple(alias.get(s, s) for s in node.inputs())
        if _is_print(node):               # tf.print: TF's StringFormat, then PrintV2
            reads = [r for r in (g.read(s) for s in dict.fromkeys(ins)) if r is not None]
            g.name_reads(reads, len(types))
            formatted = ("format", len(types))
            op_names[len(types)] = "StringFormat"
            types.append("StringFormat")
            slots.append((tuple(g.value(s) for s in ins), (formatted,)))
            op_names[len(types)] = "PrintV2"
            g.stateful.append(len(types))          # (the NoOp's control input, as in TF)
            if g.last_print is not None:           # TF runs a function's prints in order
                g.control[len(types)] = [g.last_print]
            g.last_print = len(types)
            types.append("PrintV2")
            slots.append(((formatted,), ()))
            continue
        if _known_fill(node, ins, g):     # tf.zeros_like of a known shape: TF's Const
            op_names[len(types)] = node.name
            types.append("Const")
            slots.append(((), (node.outs,)))
            continue
        reads = []          # (the resource Placeholder's index or None, the ReadVariableOp's)
        read_value = getattr(node.fn, "__name__", "") == "_read_value"
        scope = node_scopes.get(id(node))     # in an op function's name scope (``norm/Sum``)
        if scope is not None:
            g.enter(scope)
        for s in dict.fromkeys(ins):
            if g.read_in_scope(s, scope):
                continue
            read = g.read(s, scoped=read_value)
            if read is not None:
                reads.append(read)
        ins = tuple(g.value(s) for s in ins)
        kind = _node_type(node)
        reduction = kind in _REDUCE_AXES
        consts = []         # (a constant operand's Const index, its operand position)
        flat = all(type(a) is Traced or _is_constant_operand(a) or id(a) in folded_ids
                   for a in node.args) and not node.kwargs
        ordered = []
        for pos, a in enumerate(node.args):
            if reduction:                  # its only constant operand: the axes (below)
                break
            if type(a) is Traced:
                ordered.append(g.value(alias.get(a.slot, a.slot)))
            elif _is_constant_operand(a) and id(a) not in folded_ids:
                key = ("const", len(types))     # a constant operand: a Const this op reads
                types.append("Const")
                slots.append(((), (key,)))
                consts.append((len(types) - 1, pos))
                ordered.append(key)
            elif id(a) in folded_ids:
                ordered.append(("folded", id(a)))
                k = operand_consts.pop(id(a), None)
                if k is not None and k not in names:     # named after its first reader
                    consts.append((k, pos))
        if flat and not reduction:          # the operands in their order (TF's inputs)
            ins = tuple(ordered)
        else:
            ins += tuple(k for k in ordered if k not in ins)
        rank = _rank_of_all_axes(node) if reduction else None
        reader = len(types) + (0 if not reduction else 1 if rank is None else 4)
        for k, pos in consts:               # TF's ``mul/y``: the operand's parameter name
            names[k] = (reader, "/y" if pos == 1 else "/x" if pos == 0 else f"/{pos}")
        if read_value:      # v.read_value(): TF reads in the name scope ``Read``
            for made, index in reads:
                op_names[index] = "Read/ReadVariableOp"
                if made is not None:
                    names[made] = (index, "/resource")
        else:
            g.name_reads(reads, reader)
        outs = node.outs
        if rank is not None:    # all the axes of a scalar (or of an unknown rank): TF's
            ins = ins[:1] + (_all_axes(g, rank, ins[0], scope),)   # ``range(0, rank(x))``
        elif reduction:     # TF's reduction reads its axes from a Const, named after it
            key = ("const", len(types))     # when an axis is given
            types.append("Const")
            slots.append(((), (key,)))
            ins = ins[:1] + (key,)
            if _axis_given(node):
                names[len(types) - 1] = (len(types), "/reduction_indices")
            elif scope is not None:
                op_names[len(types) - 1] = (scope, "Const")
        name = kind if reduction else tf_op_name(_array_name(node))
        if scope is not None:
            name = (scope, name)
            g.scope_last[scope] = len(types)
        op_names[len(types)] = name
        types.append(kind)
        slots.append((ins, () if outs is None else (outs if type(outs) is tuple else (outs,))))
    place_extra(float("inf"))
    returned = getattr(program, "output_slots", [])
    returned_vars = getattr(program, "output_variables", ())
    refs = []               # what each output's Identity reads: returned variables read first
    for k in range(n_outputs):
        s = None if k >= len(returned) else returned[k]
        var = returned_vars[k] if k < len(returned_vars) else None
        if s is not None:
            s = alias.get(s, s)
            if var is not None and s not in g.unread and id(var) in g.resource:
                s = g.read_again(var)      # a variable returned after it was used: read now
            else:
                if s in g.initial:
                    g.plain.add(s)         # a variable returned: read before its Identity
                g.read(s)
                s = g.value(s)
        refs.append(s)
    for var, slot in program.variables_pinned:      # read but used by no operation
        if slot in g.unread and id(var) not in written:
            g.plain.add(slot)
            g.read(slot)
    n_written = sum(1 for var in program.variables_written if id(var) not in written)
    types += ["AssignVariableOp"] * n_written        # assigned where the log does not reach
    slots += [((), ())] * n_written
    identities = []
    for s in refs:
        identities.append(len(types))
        types.append("Identity")
        slots.append((() if s is None else (s,), ()))
    no_op = None
    if n_outputs and (program.variables_pinned or program.variables_written or loops or any(
            n.outs is None for n in program.nodes)):
        # TF orders the function's stateful ops before its outputs with a NoOp
        no_op = len(types)
        types.append("NoOp")
        slots.append(((), ()))
        g.control[no_op] = list(g.stateful)
        for k in identities:
            g.control[k] = [no_op]
    for scope, n in g.scope_last.items():
        if scope.named_as_scope:        # its last op takes the scope's name
            op_names[n] = (scope, None)
    seen: dict = {}
    scopes: dict = {}       # a name scope (tracing.Scope) -> its name, numbered

    def unique(base):
        k = seen.get(base.lower(), 0)   # TF's unique names ignore case (Add, then add_1)
        seen[base.lower()] = k + 1
        return base if k == 0 else f"{base}_{k}"

    out = []
    for n, (t, (ins, outs)) in enumerate(zip(types, slots)):
        if n in names:      # named after the operation that reads it: named below
            out.append(Operation(t, "", ins, outs))
            continue
        base = given.get(n) or op_names.get(n, t)
        if type(base) is tuple:         # in a name scope: (the scope, the name inside or None)
            scope, inner = base
            prefix = scopes.get(scope)
            if prefix is None:
                outer = getattr(scope, "outer", None)     # a scope inside another's
                if outer is not None and outer not in scopes:
                    scopes[outer] = unique(outer.name)
                prefix = scopes[scope] = unique(
                    scope.name if outer is None else f"{scopes[outer]}/{scope.name}")
            name = prefix if inner is None else unique(f"{prefix}/{inner}")
        else:           # ``Read/ReadVariableOp``: a scope of its own, numbered
            scope, slash, rest = base.partition("/")
            name = unique(scope) + slash + rest
        out.append(Operation(t, name, ins, outs))
    for n, (reader, suffix) in names.items():
        out[n].name = out[reader].name + suffix
    for n, control in g.control.items():
        out[n].control_inputs = [out[k] for k in control]
    return out, g


class _SoFar:
    """The part of a trace recorded so far, seen as the program ``operations`` lists (every
    node kept, as TF's graph keeps them, and no outputs yet)."""

    def __init__(self, trace, nodes=None):
        nodes = trace.nodes if nodes is None else nodes
        self.nodes = list(nodes)
        self.graph_notes = ([(i, name, id(v)) for i, name, v in trace.folded],
                            list(trace.graph_loops),
                            {id(n): i for i, n in enumerate(nodes)})
        self.folded_names = trace.folded_names
        self.folded_plans = trace.folded_plans
        self.node_scopes = trace.node_scopes
        self.n_inputs = len(trace.inputs)
        self.input_slots = list(trace.inputs)
        self.input_names = [trace.names.get(s) for s in trace.inputs]
        self.var_log = list(trace.var_log)
        self.plain_reads = trace.plain_reads
        self.output_slots, self.output_variables, self.variables_written = [], (), []
        self.variables_pinned = [(var, t.slot) for var, t in trace.var_reads.values()]
        self.block_writes = trace.block_writes


def names_so_far(trace) -> list:
    """The names of the nodes of the running ``trace``'s graph made so far."""
    return [op.name for op in operations(_SoFar(trace), 0)]


def name_so_far(trace, key, outer=False) -> str | None:
    """TF's name (``"add_1:0"``) for a value of the running ``trace``: ``key`` is its slot or,
    for a constant an op made, ``("folded", id of the value)``. TF names each node when it is
    made, so the name is the one the graph made so far gives it; None where this listing has
    no node making it (a value inside a branch or a loop body, whose graph is not this one).
    ``outer``: asked from inside a branch or loop part, for a value of the function's graph
    that it reads (``while_1:2`` printed in a branch)."""
    if (trace.nodes is not trace._main_nodes and not outer) or trace.in_graph_loop:
        return None
    for op in reversed(operations(_SoFar(trace, trace._main_nodes), 0)):
        if key in op.outputs:
            return f"{op.name}:{op.outputs.index(key)}"
    return None


def assignment_so_far(trace, var):
    """The operation of ``var``'s last assignment in the running ``trace`` (what
    ``v.assign(x, read_value=False)`` returns inside a function, as TF returns its
    ``Assign*VariableOp``), named by the graph made so far, its ``node_def`` as TF prints it;
    None where the listing has none (a branch or a loop body: another graph in TF)."""
    if trace.nodes is not trace._main_nodes or trace.in_graph_loop:
        return None
    entry = next((e for e in reversed(trace.var_log) if e[1] is var), None)
    if entry is None:
        return None
    ops, g = _operations(_SoFar(trace), 0)
    index = g.write_index.get(id(entry))
    if index is None:
        return None
    op = ops[index]
    node = graph_def(ops).node[index]
    # TF adds the control inputs when the function is finished, not yet while it is traced
    node.input = [i for i in node.input if not i.startswith("^")]
    if op.type == "AssignVariableOp":
        node.attr["validate_shape"] = True
    node.attr["dtype"] = var.dtype
    op.node_def = node
    return op


class _Listing:
    """The nodes listed so far (their types, (inputs, outputs), names) and the variables'
    nodes: resource Placeholders, reads, assignments, and TF's control inputs between them."""

    def __init__(self):
        self.types: list = []
        self.slots: list = []
        self.names: dict = {}       # a node named after its reader: index -> (reader, suffix)
        self.op_names: dict = {}    # an operation's index -> its name before numbering
        self.unread: dict = {}      # a variable's first read, not listed yet: slot -> variable
        self.resource: dict = {}    # id(variable) -> its resource Placeholder's key
        self.last: dict = {}        # id(variable) -> (its last write's index, reads since)
        self.stateful: list = []    # reads and assignments, in order (the NoOp's controls)
        self.last_print = None      # the last PrintV2 listed
        self.control: dict = {}     # index -> indices of its control inputs
        self.after_write: dict = {}     # a value assigned: slot -> (variable, write index)
        self.initial: dict = {}     # a variable's value before any assignment: slot -> it
        self.current: dict = {}     # the read the op being listed reads: slot -> its key
        self.plain: set = set()     # first reads by a variable's operators (``v * x``)
        self.scope_last: dict = {}  # a name scope (tracing.Scope) -> its last node's index
        self.scope_inputs: dict = {}    # a name scope -> the slots its ops read, in order
        self.scope_reads: dict = {}     # a name scope listed -> {slot: its read's key}
        self.write_index: dict = {}     # id of an assignment's entry -> its node's index

    def enter(self, scope) -> None:
        """The first node of a name scope's call is listed. An op function that TF names in a
        scope converts its first argument on entering it (``tf.nn.gelu(v)``: one
        ``Gelu/ReadVariableOp`` listed first, that all its ops read); a variable given as
        another argument is read where an op of the scope first uses it
        (``read_in_scope``)."""
        if scope in self.scope_reads:
            return
        self.scope_reads[scope] = {}
        first = self.scope_inputs.get(scope)
        if first:
            self.read_in_scope(first[0], scope)

    def read_in_scope(self, s, scope) -> bool:
        """Whether ``s``, read by an op in the name scope ``scope`` (or None), is a variable's
        value read once for the scope: the op then reads that read (``value(s)``), listed now
        if it is the scope's first use (``clip_by_value/ReadVariableOp``)."""
        if scope is None:
            return False
        done = self.scope_reads.setdefault(scope, {})
        key = done.get(s)
        if key is None:
            var = self.initial.get(s)
            if var is None and s in self.after_write:
                var = self.after_write[s][0]
            if var is None:
                return False
            made = len(self.types) if id(var) not in self.resource else None
            self.read(s)
            key = done[s] = self.current[s]
            index = key[1] - 1
            self.names.pop(index, None)
            self.op_names[index] = (scope, "ReadVariableOp")
            if made is not None:
                self.names[made] = (index, "/resource")
        self.current[s] = key
        return True

    def _resource(self, var):
        """The key of ``var``'s resource Placeholder, and its index if made now."""
        key = self.resource.get(id(var))
        if key is not None:
            return key, None
        self.types.append("Placeholder")
        key = self.resource[id(var)] = ("resource", len(self.types))
        self.slots.append(((), (key,)))
        return key, len(self.types) - 1

    def _stateful(self, var, index: int, write: bool) -> None:
        """TF's automatic control dependencies on a resource: a read waits for the last write;
        a write for the reads since the last write, or else for that write."""
        last, reads = self.last.get(id(var), (None, []))
        control = reads if write and reads else [] if last is None else [last]
        if control:
            self.control[index] = list(control)
        self.last[id(var)] = (index, []) if write else (last, reads + [index])
        if index not in self.stateful[-1:]:     # (an If of several variables: once)
            self.stateful.append(index)

    def read(self, s, scoped=False):
        """List a read for an op about to read ``s``, if ``s`` is a variable's value: TF reads
        a variable anew for every op that uses it. Returns (its resource Placeholder's index if
        made now, the ReadVariableOp's index) for a read named after the op (``mul/...``) or,
        ``scoped``, in a name scope (``Read/...``), else None; the op then reads
        ``value(s)``."""
        self.current.pop(s, None)
        if type(s) is not int:
            return None
        var = self.initial.get(s)
        plain = s in self.plain
        if var is None:
            written = self.after_write.get(s)
            if written is None:
                return None
            var, plain = written[0], not scoped     # after an assignment: ``ReadVariableOp``
        self.unread.pop(s, None)
        key, made = self._resource(var)
        self.types.append("ReadVariableOp")
        self.current[s] = ("read", len(self.types))
        self.slots.append(((key,), (self.current[s],)))
        self._stateful(var, len(self.types) - 1, False)
        if plain and not scoped:    # read before the op (its operator, a returned value)
            if made is not None:
                self.names[made] = (len(self.types) - 1, "/resource")
            return None
        return made, len(self.types) - 1

    def read_again(self, var):
        """A new ``ReadVariableOp`` of ``var`` (a returned variable); its key."""
        key, _ = self._resource(var)
        self.types.append("ReadVariableOp")
        ref = ("read", len(self.types))
        self.slots.append(((key,), (ref,)))
        self._stateful(var, len(self.types) - 1, False)
        return ref

    def name_reads(self, reads, reader: int) -> None:
        """Name the reads an op made after it: ``mul/ReadVariableOp``, ``.../ReadVariableOp_1``."""
        for k, (made, index) in enumerate(reads):
            read = "/ReadVariableOp" if k == 0 else f"/ReadVariableOp_{k}"
            if made is not None:
                self.names[made] = (reader, read + "/resource")
            self.names[index] = (reader, read)

    def value(self, s):
        """What the op that asked ``read(s)`` reads: its read of a variable, or ``s``."""
        return self.current.get(s, s)

    def write(self, entry, alias, folded_ids, operand_consts) -> None:
        """An assignment (``tracing.Trace.var_log``): its resource, the value or update it
        reads (a Const for a constant), then the Assign*VariableOp."""
        _, var, kind, operand, _, value, _ = entry
        made = None
        if type(operand) is Traced:
            s = alias.get(operand.slot, operand.slot)
            read = self.read(s)
            ref = self.value(s)
            key, made = self._resource(var)
            if read is not None:
                self.name_reads([read], len(self.types) + (made is not None))
        elif id(operand) in folded_ids:    # converted while tracing: TF's ``Const``
            ref = ("folded", id(operand))
            operand_consts.pop(id(operand), None)
        else:
            ref = ("const", len(self.types))
            self.types.append("Const")
            self.slots.append(((), (ref,)))
        if type(operand) is not Traced:
            key, made = self._resource(var)
        if made is not None:
            self.names[made] = (len(self.types), "/resource")
        self.write_index[id(entry)] = len(self.types)
        self.types.append(kind)
        self.slots.append(((key, ref), ()))
        self._stateful(var, len(self.types) - 1, True)
        if type(value) is Traced and kind != "AssignVariableOp":
            self.after_write[value.slot] = (var, len(self.types) - 1)
        for s, (v, _) in list(self.after_write.items()):    # an older value of the variable
            if v is var and (type(value) is not Traced or s != value.slot):
                del self.after_write[s]


# ---- tf.cond and tf.while_loop -------------------------------------------------------------

def _place_control_flow(node, g, alias, folded_ids, block_writes) -> bool:
    """List a ``tf.cond`` (``control_flow.CondNode``) or ``tf.while_loop`` (``WhileNode``) as
    TF does, if ``node`` is one: its branches or body are functions of TF's graph library, not
    nodes of this graph, so what they do shows only in the one node's inputs and type. It
    reads the predicate (a While: its ``loop_counter`` and ``maximum_iterations`` Consts and
    the loop variables' first values), then every value its blocks capture from outside, in
    the order they first use them, a variable as its resource (``cond/input_1`` when the
    node is the first to use it). It is an ``If`` / ``While`` when a block touches a variable
    or has an effect, else ``StatelessIf`` / ``StatelessWhile``; an assignment inside is part
    of it (nothing is listed after the program's ops), and a read of the variable after it
    is a new ``ReadVariableOp`` waiting for it. An If's outputs are read through
    ``cond/Identity``, ``cond/Identity_1``; a While's outputs are its own (``while:2``)."""
    kind = getattr(node, "listed_as", None)
    if kind is None:
        return False
    is_cond = kind == "cond"
    variables = list(node.variables)
    n_vars = len(variables)
    types, slots = g.types, g.slots
    scope = _PlanScope(kind)
    # what the blocks' slots of the variables stand for: their resources
    var_slots = {}
    if not is_cond:
        var_slots.update(zip(node.loop[len(node.loop) - n_vars:], variables))
    captured = _captures(node, block_writes, var_slots)
    first = len(types)
    ins, resources = [], []
    named = []          # resource Placeholders made for it: (index, its input's position)
    if is_cond:
        ins.append(g.value(alias.get(node.pred.slot, node.pred.slot)))
    else:
        for name in ("maximum_iterations", "loop_counter"):
            g.op_names[len(types)] = (scope, name)
            types.append("Const")
            slots.append(((), (("loop", first, name),)))
        ins += [("loop", first, "loop_counter"), ("loop", first, "maximum_iterations")]
        # (the counter maximum_iterations adds is the While's own: no loop variable in TF)
        for ref in node.init[node.counted:len(node.init) - n_vars]:
            ins.append(_input_ref(ref, g, alias, folded_ids))
    n_fixed = len(ins)
    for ref in captured:
        var = ref if type(ref) is not int else _variable_of(ref, g, var_slots)
        if var is not None:
            if any(r is var for r in resources):
                continue
            resources.append(var)
            if type(ref) is int:
                g.unread.pop(ref, None)     # read inside: no read of its own here
            key, made = g._resource(var)
            if made is not None:
                named.append((made, len(ins) - (1 if is_cond else 0)))
            ins.append(key)
        else:
            key = _input_ref(ref, g, alias, folded_ids)
            if key not in ins[n_fixed:]:
                ins.append(key)
    index = len(types)
    for made, k in named:       # named after the node's input: ``cond/input_0``
        g.names[made] = (index, f"/input_{k}")
    written = {id(v) for v in variables}
    stateful = bool(resources) or _has_effects(node)
    prefix = "" if stateful else "Stateless"
    types.append(prefix + ("If" if is_cond else "While"))
    g.op_names[index] = (scope, None)
    n_out = len(node.outs) - n_vars
    own = tuple(("out", index, k) for k in range(max(n_out, 1)))
    if not is_cond:
        own = (("out", index, 0), ("out", index, 1)) + tuple(node.outs[node.counted:n_out])
    slots.append((tuple(ins), own))
    for var in resources:       # TF orders it as an assignment of what it assigns
        g._stateful(var, index, id(var) in written)
    if is_cond:                 # its outputs read through Identities in its scope
        for k in range(len(own)):
            g.op_names[len(types)] = (scope, "Identity")
            types.append("Identity")
            slots.append(((own[k],), (node.outs[k],) if k < n_out else ()))
    for var, s in zip(variables, node.outs[n_out:]):
        if var is not None:     # the variable after it: read anew where used
            g.after_write[s] = (var, index)
    return True


def _captures(node, block_writes, var_slots) -> list:
    """What the blocks of ``node`` read from outside them, in the order they first use it:
    slots, and the variables they assign (where the assignment is)."""
    out = []
    for block in node.blocks:
        # a loop's variables are the blocks' own; those carrying variables are captures
        made = {s for s in getattr(node, "loop", ()) if s not in var_slots}
        writes = block_writes.get(id(block.nodes), (None, []))[1]
        pending = 0
        for i, n in enumerate(block.nodes):
            while pending < len(writes) and writes[pending][0] <= i:
                _capture_write(writes[pending], made, out)
                pending += 1
            out += [s for s in n.inputs() if s not in made]
            o = n.outs
            made.update(() if o is None else (o if type(o) is tuple else (o,)))
        for entry in writes[pending:]:
            _capture_write(entry, made, out)
        refs: list = []
        _slots(block.results[:len(block.results) - len(node.variables)], refs)
        out += [s for s in refs if s not in made]
    return out


def _capture_write(entry, made, out) -> None:
    """An assignment inside a block: it reads the variable's resource, then its value."""
    _, var, _, operand, _, _, _ = entry
    out.append(var)
    if type(operand) is Traced and operand.slot not in made:
        out.append(operand.slot)


def _variable_of(s, g, var_slots):
    """The variable whose value slot ``s`` holds (read before, assigned, or carried by a
    loop), or None."""
    var = var_slots.get(s)
    if var is None:
        var = g.initial.get(s)
    if var is None and s in g.after_write:
        var = g.after_write[s][0]
    return var


def _input_ref(ref, g, alias, folded_ids):
    """The key of a value a control-flow node reads: a slot, a constant made before, or a
    Const listed now for a Python value."""
    if type(ref) is Traced:
        ref = ref.slot
    if type(ref) is int:
        return g.value(alias.get(ref, ref))
    if id(ref) in folded_ids:
        return ("folded", id(ref))
    key = ("const", len(g.types))
    g.types.append("Const")
    g.slots.append(((), (key,)))
    return key


def _has_effects(node) -> bool:
    """Whether a block of ``node`` has an effect: a print (a node without a result) or a
    tf.cond or loop inside that assigns or has one."""
    return any(n.outs is None or getattr(n, "variables", ()) or
               (hasattr(n, "blocks") and _has_effects(n))
               for b in node.blocks for n in b.nodes)


def _scope_inputs(nodes, node_scopes) -> dict:
    """For each name scope of the program (``tracing.Scope``), the slots its ops read, in
    order: those of its op functions' calls (``Group``) and of its other array operations."""
    out: dict = {}
    for node in nodes:
        group = getattr(node, "group", None)
        scope = group.scope if group is not None else node_scopes.get(id(node))
        if scope is None:
            continue
        if group is not None:
            if node is group.members[-1]:
                out.setdefault(scope, []).extend(ref for kind, ref, _ in group.inputs
                                                 if kind == "slot")
        else:
            out.setdefault(scope, []).extend(node.inputs())
    return out


def _place_group(group, g, alias, operand_consts):
    """List one op function's call (``tracing.Group``) as TF lists it: the Consts and
    variable reads it reads, in its inputs' order, then its node."""
    types, slots = g.types, g.slots
    ins = []
    named = []          # (a node's index, its suffix after the group's name)
    reads = []          # the variable reads it lists
    g.current.clear()
    if group.scope is not None:
        g.enter(group.scope)
    for kind, ref, input_name in group.inputs:
        if kind == "slot":
            s = alias.get(ref, ref)
            if not g.read_in_scope(s, group.scope) and s not in g.current:  # once per op
                read = g.read(s)
                if read is not None:
                    reads.append(read)
            ins.append(g.value(s))
        elif kind == "folded":
            ins.append(("folded", ref))
            k = operand_consts.pop(ref, None)
            if k is not None and k not in g.names:      # named after its first reader
                named.append((k, "/" + input_name))
        else:
            key = ("const", len(types))
            types.append("Const")
            slots.append(((), (key,)))
            named.append((len(types) - 1, "/" + input_name))
            ins.append(key)
    for k, suffix in named:
        g.names[k] = (len(types), suffix)
    g.name_reads(reads, len(types))
    if group.order is not None:         # TF's inputs, where it lists its Consts otherwise
        ins = [ins[k] for k in group.order]
    scope = group.scope
    if scope is None:
        g.op_names[len(types)] = group.name
    else:                               # in a name scope: ``clip_by_value/Minimum``
        g.op_names[len(types)] = (scope, group.name)
        g.scope_last[scope] = len(types)
    types.append(group.type)
    slots.append((tuple(ins), (group.out,)))


class _PlanScope:
    """The name scope of one constant's nodes (``range``: ``range/start``, ...), inside the
    scope ``outer`` when not None (``norm/range``)."""

    __slots__ = ("name", "outer")

    def __init__(self, name: str, outer=None):
        self.name, self.outer = name, outer


def _place_plan(plan, key, g, named) -> None:
    """List the nodes TF makes for a constant made while tracing (``folded.py``'s plan),
    the last one making it; ``named``: the name its op function's name scope gives it."""
    scope_name, nodes = plan
    scope = _PlanScope(scope_name) if scope_name else None
    first = len(g.types)

    def ref(i):
        return ("plan", key[1], i) if type(i) is int else i

    for k, (type_, name, ins) in enumerate(nodes):
        index = len(g.types)
        g.types.append(type_)
        g.slots.append((tuple(ref(i) for i in ins), (key if k == len(nodes) - 1 else ref(k),)))
        if type(name) is str:
            g.op_names[index] = name
        elif name[0] == "scope":
            g.op_names[index] = (scope, name[1])
        else:                       # after another of its nodes: ``Fill/value``
            g.names[index] = (first + name[1], name[2])
    if named:
        g.op_names[len(g.types) - 1] = named


def _known_fill(node, ins, g) -> bool:
    """Whether ``node`` is ``zeros_like`` or ``ones_like`` of a traced value (not a variable)
    whose static shape is known: TF's graph has a Const of the result then (a ``ZerosLike``
    reading the value only where a dimension is unknown)."""
    if node.name not in ("zeros_like", "ones_like") or len(ins) != 1 or \
            type(node.outs) is not int:
        return False
    a = node.args[0] if node.args else None
    s = ins[0]
    if type(a) is not Traced or s in g.initial or s in g.after_write:
        return False
    if a.w is None:
        return True
    shape = a.static_shape()
    return getattr(shape, "rank", None) is not None and None not in tuple(shape)


def _array_name(node) -> str:
    """The name of the array operation ``node`` records (a ufunc's method as
    ``add_reduce``)."""
    ufunc = getattr(node.fn, "__self__", None)
    if isinstance(ufunc, np.ufunc):
        return f"{ufunc.__name__}_{getattr(node.fn, '__name__', '')}"
    return node.name


def _rank_of_all_axes(node):
    """For a reduction over all axes of a scalar or of a value of unknown rank: ``"Const"``
    (rank 0) or ``"Rank"`` (unknown), the node TF gives the rank, as TF lists the axes as
    ``range(0, rank(x))`` then, not as a Const of them (a rank of 0 is false, so TF's fast
    path for a known rank is not taken); None for any other reduction."""
    if node.name in ("argmax", "argmin") or _axis_given(node) or not node.args:
        return None
    a = node.args[0]
    if type(a) is not Traced:
        return None
    if a.w is not None and getattr(a.static_shape(), "rank", 0) is None:
        return "Rank"
    return "Const" if a.v.ndim == 0 else None


def _all_axes(g, rank: str, x, outer=None):
    """List TF's ``Rank`` (a Const when it is known), ``range/start``, ``range/delta`` and the
    ``Range`` named ``range`` that give the axes of ``x`` (in the name scope ``outer`` if not
    None); the Range's key."""
    scope = _PlanScope("range", outer)
    start = len(g.types)
    g.types += [rank, "Const", "Const", "Range"]
    keys = [("axes", start + k) for k in range(4)]
    g.slots += [((x,) if rank == "Rank" else (), (keys[0],)), ((), (keys[1],)),
                ((), (keys[2],)), ((keys[1], keys[0], keys[2]), (keys[3],))]
    g.op_names[start] = "Rank" if outer is None else (outer, "Rank")
    g.op_names[start + 1] = (scope, "start")
    g.op_names[start + 2] = (scope, "delta")
    g.op_names[start + 3] = (scope, None)
    return keys[3]


def _axis_given(node) -> bool:
    """Whether a reduction node was given axes (TF then names its Const
    ``<reduction>/reduction_indices``; with none, ``Const``)."""
    if node.kwargs and "axis" in node.kwargs:
        return node.kwargs["axis"] is not None
    return len(node.args) > 1 and node.args[1] is not None   # _mean(v, axes, ...)
