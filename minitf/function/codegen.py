"""A trace written out as one Python function over backend arrays (what tf.function replays).

Each recorded node becomes one line, ``s7 = f3(s2, s5, axis=1)``: slots are local variables,
functions and non-literal constants are globals of the generated function. Reading a local is
the cheapest thing Python does, so a replayed step costs little more than the array calls
themselves. The generated source is kept (``Program.source``) for teaching and debugging.

Variables enter as ``s4 = V0._array`` and leave as ``V0._array = s9``. Ownership is explicit
(variable.py): a variable updated in place is copied first if its array is lent (a tensor was
read from it), the rule the eager optimizers follow, so tensors read before a call keep their
values; and a variable whose array the call's results (or another variable, or a constant of
the program) may alias leaves lent. Which arrays alias which is decided once, on the trace's
real values: a replay runs the same operations on arrays of the same shapes.

Unused nodes are dropped; a slot is deleted after its last use so memory is freed as in eager
execution (except when the program is captured as a CUDA graph, whose buffers must live on).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import _backend as B
from .cuda_graphs import StreamSet, device_function, graph_function, stream_safe
from .graph_streams import STREAMS, schedule
from .tracing import Traced, _constant, _identity, _Method, _read_value


class _Spec:
    """What is left of a traced value once its trace is compiled: shape and dtype."""

    __slots__ = ("shape", "dtype")

    def __init__(self, v):
        self.shape, self.dtype = tuple(np.shape(v)), np.dtype(getattr(v, "dtype", type(v)))

    ndim = property(lambda self: len(self.shape))


class _Writer:
    def __init__(self):
        # __name__ makes the generated code a minitf module for the warnings machinery, so the
        # package's RuntimeWarning filter (TF's kernels return inf/nan silently) applies to it
        self.globals: dict = {"__name__": "minitf.function.traced"}
        self._ids: dict = {}

    def const(self, obj, prefix="c") -> str:
        key = id(obj)
        name = self._ids.get(key)
        if name is None:
            name = self._ids[key] = f"{prefix}{len(self._ids)}"
            self.globals[name] = obj
        return name

    def ref(self, obj) -> str:
        t = type(obj)
        if t is Traced:
            return f"s{obj.slot}"
        if obj is None or t is bool or t is str or (t is int) or obj is Ellipsis:
            return "..." if obj is Ellipsis else repr(obj)
        if t is float and math.isfinite(obj):
            return repr(obj)
        if t is tuple:
            return "(" + "".join(self.ref(o) + ", " for o in obj) + ")"
        if t is list:
            return "[" + ", ".join(self.ref(o) for o in obj) + "]"
        if t is dict and all(type(k) is str for k in obj):
            return "{" + ", ".join(f"{k!r}: {self.ref(v)}" for k, v in obj.items()) + "}"
        if t is slice:
            return f"slice({self.ref(obj.start)}, {self.ref(obj.stop)}, {self.ref(obj.step)})"
        return self.const(obj)

    def call(self, node, fn) -> str:
        args = [self.ref(a) for a in node.args]
        args += [f"{k}={self.ref(v)}" for k, v in (node.kwargs or {}).items()]
        if fn is operator.getitem:
            return f"{args[0]}[{args[1]}]"
        if fn is operator.setitem:
            return f"{args[0]}[{args[1]}] = {args[2]}"
        if fn is _constant or fn is _identity or fn is _read_value:
            return args[0]
        if type(fn) is _Method:
            return f"{args[0]}.{fn.name}({', '.join(args[1:])})"
        return f"{self.const(fn, 'f')}({', '.join(args)})"


def _live_nodes(nodes, needed: set) -> list:
    """The nodes that produce something needed or have an effect, in order (backwards sweep)."""
    keep = []
    for node in reversed(nodes):
        outs = node.outs
        out_slots = () if outs is None else (outs if type(outs) is tuple else (outs,))
        if outs is None or node.mutates or any(s in needed for s in out_slots) or \
                _has_effects(node):
            keep.append(node)
            needed.update(node.inputs())
    keep.reverse()
    return keep


def _has_effects(node) -> bool:
    """A cond or loop whose blocks print or write in place runs even when its results are
    unused (AutoGraph's `for i in tf.range(n): tf.print(i)` returns nothing)."""
    for block in getattr(node, "blocks", None) or ():
        for n in block.nodes:
            if n.outs is None or n.mutates or _has_effects(n):
                return True
    return False


def _assign(outs, refs: str) -> str:
    if not outs:               # a tf.cond kept for its effects only (AutoGraph makes these)
        return refs
    return "".join(f"s{s}, " for s in outs) + "= " + refs


def _emit_node(w: _Writer, node, lines: list, ind: str, graph: bool = False) -> None:
    blocks = getattr(node, "blocks", None)
    if blocks is not None and node.name == "cond":
        lines.append(f"{ind}if {w.ref(node.pred)}:")
        for k, block in enumerate(blocks):
            if k == 1:
                lines.append(f"{ind}else:")
            for n in block.nodes:
                _emit_node(w, n, lines, ind + "    ")
            lines.append(f"{ind}    " + _assign(node.outs, w.ref(tuple(block.results))))
        return
    if blocks is not None:                      # while_loop
        cond, body = blocks
        lines.append(f"{ind}" + _assign(node.loop, w.ref(tuple(node.init))))
        lines.append(f"{ind}while True:")
        for n in cond.nodes:
            _emit_node(w, n, lines, ind + "    ")
        lines.append(f"{ind}    if not {w.ref(cond.results[0])}: break")
        for n in body.nodes:
            _emit_node(w, n, lines, ind + "    ")
        lines.append(f"{ind}    " + _assign(node.loop, w.ref(tuple(body.results))))
        lines.append(f"{ind}" + _assign(node.outs, "(" + "".join(
            f"s{s}, " for s in node.loop) + ")"))
        return
    fn = graph_function(node.fn, node) if graph else device_function(node.fn, node)
    code = w.call(node, fn)
    outs = node.outs
    if outs is None:
        lines.append(f"{ind}{code}")
    elif type(outs) is tuple:
        lines.append(f"{ind}{''.join(f's{s}, ' for s in outs)}= {code}")
    else:
        lines.append(f"{ind}s{outs} = {code}")


def run_block_now(trace, node) -> tuple:
    """Run one block node (a traced while_loop) on the trace's current values: the values of
    the call being traced."""
    w = _Writer()
    caps = list(dict.fromkeys(node.inputs()))
    lines = [f"def blk({''.join(f's{s}, ' for s in caps)}):"]
    _emit_node(w, node, lines, "    ")
    lines.append("    return (" + "".join(f"s{s}, " for s in node.outs) + ")")
    exec(compile("\n".join(lines), "<minitf traced block>", "exec"), w.globals)
    return w.globals["blk"](*[trace.all[s].v for s in caps])


def strip_values(trace) -> None:
    """Drop the traced values (keeping shape and dtype): a compiled trace holds no arrays."""
    trace.finished = True          # a value of it used later is out of scope (tracing.py)
    # the graph listing needs only which arrays the folded values were (program operands)
    trace.folded[:] = [(i, name, id(v)) for i, name, v in trace.folded]
    trace._op_frame = None         # the last op function's frame (tracing.Trace.made)
    if trace._op_scope is not None:     # (and the last name scope's)
        trace._op_scope.frame = None
    for t in trace.all:
        if type(t.v) is not _Spec:
            t.v = _Spec(t.v)
        if t.w is not None and type(t.w) is not _Spec and hasattr(t.w, "shape"):
            t.w = _Spec(t.w)          # a shadow (unknown dimensions): only its shape is kept


def _value(x):
    return x.v if type(x) is Traced else x


def _array(x) -> bool:
    return isinstance(x, np.ndarray) or B.is_device_array(x)


def _shares(a, b) -> bool:
    """Whether two trace-time values may share memory."""
    if not (_array(a) and _array(b)) or B.is_device_array(a) != B.is_device_array(b):
        return False
    return bool(B.xp_of(a).may_share_memory(a, b))


def _lent_after(trace, inputs, outputs, reads, var_writes, nodes) -> set:
    """ids of the variables whose array, after a replay, may be aliased by something outside
    the variable: the call's results, its inputs, another variable, a constant of the program.
    Decided on the trace's values (same operations, same shapes on every replay)."""
    final = {id(var): (var, t) for var, t in reads}
    final.update({id(var): (var, v) for var, v in var_writes})
    others = [_value(o) for o in outputs] + [_value(trace.all[s]) for s in inputs]
    for node in nodes:                   # constants the program keeps
        others += [a for a in list(node.args) + list((node.kwargs or {}).values())
                   if type(a) is not Traced and _array(a)]
    lent = set()
    for key, (var, value) in final.items():
        if type(value) is not Traced:            # a constant of the program
            lent.add(key)
            continue
        mine = value.v
        if any(_shares(mine, o) for o in others) or any(
                _shares(mine, _value(v)) for k, (_, v) in final.items() if k != key):
            lent.add(key)
    return lent


def _streams_plan(trace, nodes):
    """The multi-stream schedule of a CUDA-graph program (graph_streams.py), or None when one
    stream is asked for, a node holds control flow, or nothing would run side by side."""
    if STREAMS < 2 or any(getattr(n, "blocks", None) is not None for n in nodes) or \
            any(type(t.v) is _Spec for t in trace.all):    # (values gone: aliasing unknown)
        return None

    def buffer(slot):
        # slots whose arrays share an allocation are one buffer (views, results written
        # `out=` an input): the trace's real values say which
        mem = getattr(getattr(trace.all[slot].v, "data", None), "mem", None)
        ptr = getattr(mem, "ptr", None)
        return ("m", ptr) if type(ptr) is int else ("s", slot)
    plan = schedule(nodes, buffer, lambda n: [m.slot for m in n.mutates], STREAMS,
                    exclusive=lambda n: n.fn not in _NO_CALL and not stream_safe(
                        graph_function(n.fn, n), [_value(a) for a in n.args]),
                    cost=lambda n: _kernel_time(trace, n))
    return plan if plan.used > 1 else None


# Nodes that call nothing (the generated line is ``s3 = c1``): they never need to run alone.
_NO_CALL = (_constant, _identity, _read_value)


def _kernel_time(trace, node) -> float:
    """A rough guess of a node's GPU time in µs, to find a program's critical chain
    (graph_streams.py): a product's flops at a mid-sized fp32 GEMM's rate (about 25 TFLOP/s on
    an H200), anything else its operands' and results' bytes at 2 TB/s; 1.5 µs at least, a
    small kernel's time inside a graph."""
    arrays = [a.v for a in node.args if type(a) is Traced and hasattr(a.v, "nbytes")]
    outs = node.outs
    for s in () if outs is None else outs if type(outs) is tuple else (outs,):
        v = trace.all[s].v
        if hasattr(v, "nbytes"):
            arrays.append(v)
    fn = node.fn
    if fn in _NO_CALL:
        return 0.0
    name = fn.name if type(fn) is _Method else getattr(fn, "__name__", "")
    if name == "sum_" and arrays and arrays[0].ndim:
        # _kernels.sum_ adds each column's rows one after another (NumPy's order): about
        # 20 ns a row on an H200, up to its serial limit of 4096 rows
        return 1.5 + 0.02 * min(arrays[0].shape[0], 4096)
    if name in ("matmul", "dot", "capture_matmul") and len(arrays) >= 2 and \
            arrays[0].ndim >= 1 and arrays[1].ndim >= 1:
        a, b = arrays[0], arrays[1]
        flops = 2.0 * a.size * (b.shape[-1] if b.ndim >= 2 else 1)
        return 1.5 + flops / 25e6
    return 1.5 + sum(a.nbytes for a in arrays) / 2e6


class Program:
    """A compiled trace: ``run(input_arrays) -> output values`` (arrays or constants)."""

    def __init__(self, trace, inputs, outputs, var_writes, graph: bool = False, nodes=None,
                 read_variables: bool = True, strip: bool = True):
        w = _Writer()
        self.n_inputs = len(inputs)
        inputs = [t.slot for t in inputs]
        self.input_slots = inputs
        self.output_slots = [t.slot if type(t) is Traced else None for t in outputs]
        needed = {t.slot for t in outputs if type(t) is Traced}
        needed.update(v.slot for _, v in var_writes if type(v) is Traced)
        # what the graph listing adds to the nodes (graph_ops.py): the trace's folded values
        # and dataset loops, placed by the nodes' order in the whole trace
        self.graph_notes = (trace.folded, trace.graph_loops,
                            {id(n): i for i, n in enumerate(trace.nodes)})
        self.folded_names = trace.folded_names
        self.folded_plans = trace.folded_plans
        self.node_scopes = trace.node_scopes
        # the Python parameters' names of the inputs (TF names their Placeholders so)
        self.input_names = [trace.names.get(s) for s in inputs]
        self.var_log = trace.var_log
        self.block_writes = trace.block_writes
        self.plain_reads = trace.plain_reads
        self.output_variables = getattr(trace, "returned_variables", ())
        nodes = _live_nodes(trace.nodes if nodes is None else nodes, needed)
        self.nodes = nodes
        reads = [(var, t) for var, t in trace.var_reads.values() if t.slot in needed] \
            if read_variables else []
        self.variables_read = [var for var, _ in reads]
        self.variables_written = [var for var, _ in var_writes]
        self.variables_pinned = [(var, t.slot) for var, t in reads]

        keep = {t.slot for t in outputs if type(t) is Traced}
        keep.update(v.slot for _, v in var_writes if type(v) is Traced)
        last_use: dict = {}
        for i, node in enumerate(nodes):
            for s in node.inputs():
                last_use[s] = i

        lines = ["def run(I):"]
        names = [f"s{s}" for s in inputs]
        if names:
            lines.append(f"    {', '.join(names)}, = I")
        for var, t in reads:
            v = w.const(var, "V")
            lines.append(f"    s{t.slot} = {v}._array")
            if t.slot in trace.mutated and not graph:
                # updated in place below: only an array the variable owns
                lines.append(f"    if {v}._lent: s{t.slot} = s{t.slot}.copy()")
        plan = _streams_plan(trace, nodes) if graph else None
        self.streams = None if plan is None else StreamSet(plan.used)
        if plan is not None:
            gs = w.const(self.streams, "GS")
            lines.append(f"    {gs}.fork()")
            on = 0
        for i, node in enumerate(nodes):
            if plan is not None:
                step = plan.steps[i]
                if step.stream != on:
                    on = step.stream
                    lines.append(f"    {gs}.on({on})")
                lines.extend(f"    {gs}.wait({d})" for d in step.waits)
            _emit_node(w, node, lines, "    ", graph)
            if plan is not None and plan.steps[i].record:
                lines.append(f"    {gs}.record({i})")
            if not graph:
                dead = [s for s in node.inputs() if last_use.get(s) == i and s not in keep]
                dead = list(dict.fromkeys(dead))
                if dead:
                    lines.append(f"    del {', '.join(f's{s}' for s in dead)}")
        if plan is not None:
            lines.append(f"    {gs}.join()")
        read_slot = {id(var): t.slot for var, t in reads}
        lent = set() if graph else _lent_after(trace, inputs, outputs, reads, var_writes, nodes)
        for var, value in var_writes:
            if graph:
                # A CUDA graph keeps each variable's buffer: results are copied into it.
                first = read_slot.get(id(var))
                if first is None:
                    # written but its old value unused (an assign that does not read, e.g. a
                    # restored checkpoint value): the graph writes into the variable's current
                    # buffer, which the runner pins like a read one's
                    lines.append(f"    {w.const(var, 'V')}._array[...] = {w.ref(value)}")
                    self.variables_pinned.append((var, None))
                elif not (type(value) is Traced and value.slot == first):
                    lines.append(f"    s{first}[...] = {w.ref(value)}")
            else:
                v = w.const(var, "V")
                lines.append(f"    {v}._array = {w.ref(value)}")
                lines.append(f"    {v}._lent = {id(var) in lent}")
        written = {id(var) for var, _ in var_writes}
        for var, _ in reads:
            if id(var) in lent and id(var) not in written:
                lines.append(f"    {w.const(var, 'V')}._lent = True")
        ret = "(" + "".join(w.ref(o) + ", " for o in outputs) + ")"
        lines.append(f"    return {ret}, locals()" if graph else f"    return {ret}")
        self.source = "\n".join(lines)
        exec(compile(self.source, "<minitf traced program>", "exec"), w.globals)
        self.run = w.globals["run"]
        self.first_array = next((t.v for t in [trace.all[s] for s in inputs] +
                                 [t for _, t in reads]), None)
        if strip:
            strip_values(trace)

    def __repr__(self) -> str:
        return f"<Program: {len(self.nodes)} array operations>"
