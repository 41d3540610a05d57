"""tf.function's side of the symbolic-array seam (``_backend.py``): how the core reaches it.

The core never imports this package. ``minitf.function`` registers, on import, the traced array
type (``tracing.Traced``) as ``_backend.SYMBOLIC`` and the ``FunctionTracer`` below as
``_backend.TRACER``; each method answers the core's question for the running thread's trace
(``tracing.current()``), or as eager code when this thread traces nothing.

>>> import minitf as tf
>>> from minitf.function.seam import FunctionTracer
>>> FunctionTracer().read_variable(tf.Variable(1.0)) is None    # this thread traces nothing
True
>>> float(tf.function(lambda x: x + 1.0)(tf.constant(1.0)))    # a trace through the seam
2.0
"""
from __future__ import annotations

from .. import _backend as B
from . import control_flow, graph_ops, tracing
from .tracing import Traced, shadow_of


class FunctionTracer(B.Tracer):
    """The questions of ``_backend.Tracer``, answered by the running thread's trace."""

    def read_variable(self, var):
        trace = tracing.current()
        return None if trace is None else trace.read_var(var)

    def write_variable(self, var, value) -> bool:
        trace = tracing.current()
        if trace is None:
            return False
        trace.write_var(var, value)
        return True

    def variable_created(self, var, value):
        if type(value) is Traced:        # made from a traced value: keeps its first value
            value = value.v.copy() if hasattr(value.v, "copy") else value.v
        trace = tracing.current()
        if trace is not None:
            trace.created_variable(var)
        return value

    def capture(self, tensor):
        # On the GPU a tensor from outside becomes a traced constant of the program: CuPy's
        # arrays would not defer to a traced one in mixed calls.
        trace = tracing.current()
        if trace is not None and type(tensor._value) is not Traced and \
                B.is_device_array(tensor._value):
            return trace.lift(tensor)
        return tensor

    def stateful(self, fn):
        trace = tracing.current()
        return fn() if trace is None else trace.call_stateful(fn)

    def random_graph(self):
        trace = tracing.current()
        if trace is None:
            return None
        state = getattr(trace, "random_graph", None)
        if state is None:
            # TF gives a function graph the global seed in effect when tracing begins and
            # numbers its unseeded random ops from 0.
            from ..ops import random_seed
            state = trace.random_graph = {"seed": random_seed._state["seed"], "count": 0}
        return state

    def effect(self, fn, args) -> bool:
        trace = tracing.current()
        if trace is None:
            return False
        trace.call_effect(fn, args)
        return True

    def record(self, fn, args, mutates=()):
        traced = next(a for a in args if type(a) is Traced)
        return traced.trace.call(fn, args, {}, mutates=tuple(mutates))

    def name(self, symbolic) -> str:
        trace = symbolic.trace
        slot = symbolic.slot
        if trace is tracing.current() and slot not in trace.names:
            # in a branch or loop part: its own graph's name, or that of a graph around it
            name = None if trace.block is None else trace.block_tensor_name(slot)
            if name is None:
                name = graph_ops.name_so_far(trace, slot, outer=trace.block is not None)
            if name is not None:
                return name
        return trace.tensor_name(slot)

    def constant_name(self, value):
        trace = tracing.current()
        if trace is None:
            return None
        named = trace.block_constants.get(id(value))
        if named is not None and named[0] is value:     # made in a branch or loop body
            return f"{named[1]}:0"
        if id(value) not in trace._folded_ids:
            return None             # made outside the function, or not a node of its graph
        return graph_ops.name_so_far(trace, ("folded", id(value)))

    def assignment(self, var):
        trace = tracing.current()
        return None if trace is None else graph_ops.assignment_so_far(trace, var)

    def tracing(self) -> bool:
        return tracing.current() is not None

    def in_graph(self) -> bool:
        return tracing.current() is not None

    def discarding(self) -> bool:
        trace = tracing.current()
        return trace is not None and trace.dry

    def both_branches(self) -> bool:
        trace = tracing.current()
        return trace is not None and trace.selecting > 0

    def unknown_rows(self, symbolic, dims: int = 1) -> None:
        from ..tensor import TensorShape
        trace = symbolic.trace
        shape = symbolic.v.shape
        symbolic.w = shadow_of(symbolic.v, TensorShape([None] * min(dims, len(shape)) +
                                                       list(shape[dims:])))
        trace.shadows = True          # unknown dimensions flow from here: calls compute shadows
        trace.runtime_shapes = True   # and shapes are read when the program runs

    def shape_at_run_time(self, symbolic) -> bool:
        return type(symbolic) is Traced and symbolic.w is not None and \
            symbolic.trace.runtime_shapes

    def eager(self, fn):
        from .init_scope import init_scope
        with init_scope():
            return fn()

    def made(self, value, frame):
        trace = tracing.current()
        return None if trace is None else trace.made(value, frame)

    def cond(self, pred, p, true_fn, false_fn):
        trace = tracing.current()
        if trace is None:
            return NotImplemented
        return control_flow.traced_cond(trace, p, pred, true_fn, false_fn)

    def while_loop(self, cond, body, loop_vars, maximum_iterations, shape_invariants=None):
        trace = tracing.current()
        if trace is None:
            return NotImplemented
        return control_flow.traced_while_loop(trace, cond, body, loop_vars, maximum_iterations,
                                              shape_invariants)


def install() -> None:
    """Register tf.function with the core (idempotent)."""
    B.register_tracer(Traced, FunctionTracer())
