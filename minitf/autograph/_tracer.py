"""The one place AutoGraph asks the tracer something: whether a trace is being recorded,
whether a tensor's value is traced, and how to run code whose recording is thrown away.

AutoGraph sits above tf.function (it rewrites Python source; the staged ``tf.cond`` and
``tf.while_loop`` do the tracing), so it needs nothing else from the tracer.
"""
from __future__ import annotations

from typing import Callable


def _tracing_module():
    from ..function import tracing
    return tracing


def tracing() -> bool:
    """True while this thread records a tf.function trace."""
    return _tracing_module().current() is not None


def is_traced(t) -> bool:
    """True for a tensor whose value is a traced array (an input of the trace, or computed
    from one): its value differs between calls, so control flow on it must be staged. A
    shape value (``tf.shape(x)`` of unknown dimensions) is traced but fixed for the trace,
    which is specialised to the call's concrete shapes: Python's control flow decides it."""
    v = t._value
    return type(v) is _tracing_module().Traced and \
        v.slot not in getattr(v.trace, "host_known", ())


def run_discarded(fn: Callable):
    """``fn()`` while tracing, with what it records, prints through ``tf.print`` and assigns
    to variables thrown away (TF traces a loop body once in a throwaway graph to learn the
    types of names first assigned in the loop)."""
    from ..tape import suspended_tapes
    from ..ops import random_seed
    trace = _tracing_module().current()
    saved = (trace.nodes, trace.dry, dict(trace.var_current), trace.host_nodes,
             set(trace.mutated), getattr(trace, "random_graph", None), dict(trace.lifted))
    trace.nodes, trace.dry = [], True
    # TF's throwaway graph numbers its unseeded random ops from 0, under the seed around it
    trace.random_graph = {"seed": saved[5]["seed"] if saved[5] is not None
                          else random_seed._state["seed"], "count": 0}
    try:
        with suspended_tapes():
            return fn()
    finally:
        # a tensor lifted in the throwaway run has its constant node there: lifted anew later
        (trace.nodes, trace.dry, trace.var_current, trace.host_nodes, trace.mutated,
         trace.random_graph, trace.lifted) = saved


def graph_loop(dataset):
    """A context for a ``for`` over ``dataset`` while tracing: TF stages it as dataset ops,
    so the trace lists the loop as those (see ``tracing.Trace.graph_loop``)."""
    import contextlib
    trace = _tracing_module().current()
    if trace is None:
        return contextlib.nullcontext()
    return trace.graph_loop(id(dataset) in trace.argument_ids)


def lift(t):
    """A tensor whose value is known (made outside the trace, or from constants) as a value of
    the trace, so that ops on it with traced operands are recorded as such."""
    trace = _tracing_module().current()
    if trace is None or type(t._value) is _tracing_module().Traced:
        return t
    return trace.lift(t)


class _Check:
    """A check made on every call of a traced program: raises when the value is false."""

    def __init__(self, message: str):
        self.message = message
        self.__name__ = "Assert"

    def __call__(self, ok) -> None:
        if not bool(ok):
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, f"assertion failed: [{self.message}]")


def check_at_run_time(ok, message: str) -> None:
    """Raise TF's InvalidArgumentError("assertion failed: [message]") whenever the traced
    program runs with ``ok`` false (now too, when this trace is a real call)."""
    trace = _tracing_module().current()
    check = _Check(message)
    if trace is None or not is_traced(ok):
        check(ok._value)
        return
    trace.call_effect(check, (ok._value,))
