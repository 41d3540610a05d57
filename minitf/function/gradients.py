"""Gradients *around* a traced function: a tape recording while a ``tf.function`` is called.

TF records the call as one op whose gradient is another function derived from the trace. minitf
does the same with its own parts: it traces the body once more with a hidden tape inside, and
asks that tape, still while tracing, for the gradients of the outputs with respect to the
floating inputs and the trainable variables read, given placeholder upstream gradients. The one
trace then splits in two programs:

* forward: inputs -> outputs, plus the intermediate values the backward part reads;
* backward: (those values, upstream gradients) -> gradients of the inputs and variables.

The call is recorded on the outer tapes as a single op (``StatefulPartitionedCall``, TF's
name) whose VJPs run the backward program. That trace runs the Python body again (its printed
output silenced); it is made once per input signature. The backward program computes arrays
without a tape; when a tape records the backward pass itself (nested tapes around the call: a
second derivative), the gradient is instead computed by running the function's Python body
again eagerly under a tape, whose ops the recording tape sees, so every order is available. A
body that assigns variables would assign them again: its call has first derivatives only.
"""
from __future__ import annotations

import contextlib
import io

from .. import nest
from .. import tape as _tape
from ..tensor import Tensor, _make, convert_to_tensor
from .arguments import (_is_tensor_like, _is_variable, _output_tensor,
                        traced_arguments)
from .codegen import Program, _live_nodes, strip_values
from .tracing import Trace, Traced


class _Differentiable:
    __slots__ = ("forward", "backward", "n_out", "n_saved", "out_structure", "out_kinds",
                 "variables", "writes_variables", "shapes", "others")


def _build(function, leaves, args, kwargs):
    """Trace the body with a hidden tape; returns (the call's result, _Differentiable)."""
    tr = Trace()
    inputs, t_args, t_kwargs, in_tensors = traced_arguments(tr, leaves, args, kwargs,
                                                            function.python_function)
    hidden = _tape.GradientTape(persistent=True)
    with _tape.suspended_tapes():
        with tr.active(), contextlib.redirect_stdout(io.StringIO()):
            with hidden:
                for t in in_tensors:
                    if t._dtype._grad:
                        hidden.watch(t)
                out = function._body()(*t_args, **t_kwargs)
            flat = [_output_tensor(o._read_for_op() if _is_variable(o) else o,
                                   function.python_function) for o in nest.flatten(out)]
            outs = [o for o in flat if isinstance(o, Tensor)]
            variables = [v for v in hidden.watched_variables()]
            sources = [t for t in in_tensors if t._dtype._grad]
            boundary, n_fwd = tr.n, len(tr.nodes)     # what follows is the backward pass
            gs = [_make(tr.input(o._value.v * 0 + 1 if type(o._value) is Traced else
                                 o._value * 0 + 1), o._dtype) for o in outs]
            grads = hidden.gradient(outs, sources + variables, output_gradients=gs,
                                    unconnected_gradients=_tape.UnconnectedGradients.ZERO)
    fwd_nodes, bwd_nodes = tr.nodes[:n_fwd], tr.nodes[n_fwd:]
    grad_refs = [g._value for g in grads]
    needed = {r.slot for r in grad_refs if type(r) is Traced}
    _live_nodes(bwd_nodes, needed)
    saved = [tr.all[s] for s in sorted(needed) if s < boundary]
    writes = tr.finish_vars()
    kinds = [o._dtype if isinstance(o, Tensor) else None for o in flat]
    values = [o._value if isinstance(o, Tensor) else o for o in flat]
    real = [_make(v.v, k) if type(v) is Traced else (_make(v, k) if k is not None else v)
            for v, k in zip(values, kinds)]
    d = _Differentiable()
    # A value whose shape the program learns only as it runs (a loop that grows a tensor, a
    # dynamic_size TensorArray, a TensorArray or tf.zeros of a traced size): the backward
    # program, whose ops take the traced shapes, is traced again for the shapes of a later
    # call (call_recorded), found from the shapes of the saved values and of such loops'
    # results (the forward program returns those too).
    probes = _runtime_shaped(tr, fwd_nodes) if tr.runtime_shapes else []
    d.forward = Program(tr, inputs, values + saved + probes, writes, nodes=fwd_nodes,
                        strip=False)
    d.backward = Program(tr, saved + [g._value for g in gs], grad_refs, [], nodes=bwd_nodes,
                         read_variables=False, strip=False)
    saved_now = [t.v for t in saved]
    strip_values(tr)
    d.n_out, d.out_structure, d.out_kinds = len(flat), out, kinds
    d.variables = variables
    d.writes_variables = bool(writes)
    d.n_saved = len(saved)
    d.shapes = _shapes([p.v for p in probes] + saved_now)
    d.others = {}
    return nest.pack_sequence_as(out, real), d, saved_now


def call_recorded(function, concrete, skey, leaves, args, kwargs):
    """Call a traced function while a tape records: replay forward, record one op."""
    cache = concrete.__dict__.setdefault("_differentiable", {})
    d = cache.get(skey)
    in_tensors = [x if isinstance(x, Tensor) else convert_to_tensor(x)
                  for x in leaves if _is_tensor_like(x) and not _is_variable(x)]
    built = None
    if d is None:
        with function._lock:            # one thread builds it; threads that waited reuse it
            d = cache.get(skey)
            if d is None:
                built = _build(function, leaves, args, kwargs)
                d = cache[skey] = built[1]
    if built is not None:               # the build ran the call itself
        result, _, saved = built
        flat_out = nest.flatten(result)
    else:
        # the variables the program assigns, kept as they were in case it must be traced
        # again for other shapes (whose trace assigns them once more)
        held = _hold(d.forward) if d.writes_variables else ()
        vals = d.forward.run([t._value for t in in_tensors])
        flat_vals, saved = vals[:d.n_out], vals[d.n_out:d.n_out + d.n_saved]
        if d.shapes is not None:
            shapes = _shapes(list(vals[d.n_out + d.n_saved:]) + list(saved))
            if shapes != d.shapes:
                d, flat_vals, saved = _for_shapes(function, d, shapes, in_tensors, leaves,
                                                  args, kwargs, held)
        flat_out = [_make(v, k) if k is not None else v for v, k in zip(flat_vals, d.out_kinds)]
        result = nest.pack_sequence_as(d.out_structure, flat_out)
    var_reads = [v._read_for_op() for v in d.variables]     # tapes watch variables read
    sources = [t for t in in_tensors if t._dtype._grad]
    outs = tuple(o for o, k in zip(flat_out, d.out_kinds) if k is not None)
    inputs = tuple(sources + var_reads)

    def grads(up, needed):
        # One run of the backward program gives every input's gradient: a joint VJP.
        ups = up if isinstance(up, tuple) else (up,)
        if _tape.TAPES.recording and not d.writes_variables:
            return _recorded_gradients(function, d, args, kwargs, sources, inputs, ups)
        values = d.backward.run(list(saved) + [u._value for u in ups])
        gs = tuple(_make(g, x._dtype) for g, x in zip(values, inputs))
        if _tape.TAPES.recording:      # a body assigning variables: first derivatives only
            _tape.record("StatefulPartitionedCallGrad", tuple(ups) + inputs, gs,
                         tuple(_refuse for _ in ups + inputs))
        return gs

    _tape.record("StatefulPartitionedCall", inputs, outs if len(outs) != 1 else outs[0],
                 joint=grads)
    return result


def _shapes(values) -> tuple:
    return tuple(getattr(v, "shape", None) for v in values)


def _runtime_shaped(tr, nodes) -> list:
    """The results of the traced loops among ``nodes`` whose shapes change as they run."""
    from .control_flow import WhileNode
    return [tr.all[s] for n in nodes if isinstance(n, WhileNode) for s in n.outs
            if tr.all[s].w is not None]


def _hold(program) -> list:
    """The arrays of the variables ``program`` assigns, kept: each is marked lent, so the
    program installs new arrays rather than writing into these (``_undo`` puts them back)."""
    held = [(v, v._array) for v in program.variables_written]
    for v, _ in held:
        v._lent = True
    return held


def _undo(held) -> None:
    """The variables ``_hold`` kept, as they were before the program ran."""
    for v, arr in held:
        v._array, v._lent = arr, True


def _for_shapes(function, d, shapes, in_tensors, leaves, args, kwargs, held=()):
    """A call whose saved values or loop results came out with other ``shapes`` than ``d``
    was traced for: the body traced again for them (its printed output silenced), giving this
    call's result and the backward program for it, kept for later calls of these shapes (whose
    forward then runs once more, in that trace's program). ``held``: the variables the first
    run assigned, as they were before it (``_hold``): put back before the body runs again, so
    that a call assigns them once. Returns (that program, the flat result values, the values
    its backward program reads)."""
    alt = d.others.get(shapes)
    if alt is not None:
        _undo(held)
        held = _hold(alt.forward)
        vals = alt.forward.run([t._value for t in in_tensors])
        saved = vals[alt.n_out:alt.n_out + alt.n_saved]
        if _shapes(list(vals[alt.n_out + alt.n_saved:]) + list(saved)) == alt.shapes:
            return alt, vals[:alt.n_out], saved
    _undo(held)
    with function._lock, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        result, alt, saved = _build(function, leaves, args, kwargs)
    if len(d.others) >= _MAX_SHAPES:
        d.others.pop(next(iter(d.others)))
    d.others[shapes] = alt
    flat = [o._value if isinstance(o, Tensor) else o for o in nest.flatten(result)]
    return alt, flat, saved


# How many backward programs for other shapes a call keeps (the oldest is dropped).
_MAX_SHAPES = 16


def _recorded_gradients(function, d, args, kwargs, sources, inputs, ups) -> tuple:
    """The call's input gradients as ops a recording tape sees (a higher derivative): the
    Python body run again eagerly under a tape, its printed output silenced."""
    with _tape.GradientTape(persistent=True) as tape:
        for t in sources:
            tape.watch(t)
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):      # tf.print's default stream
            out = function._body()(*args, **kwargs)
    flat = [o._read_for_op() if _is_variable(o) else o if isinstance(o, Tensor) or o is None
            else convert_to_tensor(o) for o in nest.flatten(out)]
    outs = [o for o, k in zip(flat, d.out_kinds) if k is not None]
    gs = tape.gradient(outs, list(inputs), output_gradients=list(ups),
                       unconnected_gradients=_tape.UnconnectedGradients.ZERO)
    return tuple(gs)


def _refuse(up):
    raise NotImplementedError(
        "minitf cannot differentiate the gradient of a tf.function call whose body assigns "
        "variables (a second derivative through the call): it would run the assignments again; "
        "nest the tapes inside the function, or call the Python function eagerly.")
