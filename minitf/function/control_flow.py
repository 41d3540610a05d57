"""``tf.cond`` and ``tf.while_loop`` while tracing: both branches, or the loop's condition and
body, recorded as blocks of the program, chosen on every replay.

The core's ``ops/control_flow_ops.py`` runs them eagerly; when its predicate (or a loop
variable) is a traced value it hands over here through the seam (``_backend.TRACER``).
"""
from __future__ import annotations

import contextlib
import io

from .. import nest
from .. import tape as _tape
from ..ops.control_flow_ops import _pack
from ..tensor import (Tensor, TensorShape, UnknownRankShape, _make, convert_to_tensor,
                      is_variable)
from . import tracing
from .tracing import Node, Traced, shadow_of
from .tracing import record_block as _record_block


def traced_cond(trace, p, pred, true_fn, false_fn):
    """``tf.cond`` on the traced scalar ``p`` (``pred`` as given)."""
    if p.v.shape != ():
        raise ValueError(f"tf.cond's predicate must be a scalar, got shape {p.v.shape}")
    if _tape.TAPES.recording:
        return _cond_select(trace, p, pred, true_fn, false_fn)
    return _cond_blocks(trace, p, true_fn, false_fn)


def _check_same(a, b, what: str):
    fa, fb = nest.flatten(a), nest.flatten(b)
    if len(fa) != len(fb):
        raise ValueError(f"{what}: true_fn and false_fn must return the same structure, got "
                         f"{a!r} and {b!r}")
    for x, y in zip(fa, fb):
        tx, ty = convert_to_tensor(x), convert_to_tensor(y)
        if tx._dtype is not ty._dtype:
            raise TypeError(f"{what}: true_fn and false_fn arguments to tf.cond must have the "
                            f"same dtype, got {tx._dtype.name} and {ty._dtype.name}")
    return fa, fb


def _cond_select(trace, p, pred, true_fn, false_fn):
    from ..ops import math_ops
    effects = trace.host_nodes
    mutated = len(trace.mutated)
    vars_before = dict(trace.var_current)
    trace.selecting += 1          # both branches run on every call (a row read must not raise)
    try:
        t_out = true_fn()
        f_out = false_fn()
    finally:
        trace.selecting -= 1
    if trace.host_nodes != effects or len(trace.mutated) != mutated or \
            trace.var_current != vars_before:
        raise NotImplementedError(
            "minitf computes both branches of a tf.cond inside tf.function while a "
            "GradientTape records, so the branches must not assign variables or print.")
    ft, ff = _check_same(t_out, f_out, "tf.cond")
    pt = pred if isinstance(pred, Tensor) else convert_to_tensor(pred)
    out = [math_ops.where(pt, a, b) if _same_shape(a, b) else _chosen(pt, a, b)
           for a, b in zip(ft, ff)]
    return nest.pack_sequence_as(t_out, out)


def _same_shape(a, b) -> bool:
    sa, sb = (getattr(getattr(x, "_value", None), "shape", None) for x in (a, b))
    return sa is None or sb is None or sa == sb


# Branch results of other shapes (a TensorArray's buffer that grew in one branch): the one
# chosen is taken whole, and its gradient reads the shapes when the program runs.
def _choose(p, a, b):
    return (a if p else b).copy()


def _zeros_as(a):
    from .. import _backend as B
    return B.xp_of(a).zeros(a.shape, a.dtype)


def _chosen(p: Tensor, a, b) -> Tensor:
    from .. import _backend as B
    from ..record import TAPES, record
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    z = _make(B.record_call(_choose, p._value, a._value, b._value), a._dtype)
    if TAPES.recording:
        def zeros(x):
            return _make(B.record_call(_zeros_as, x._value), x._dtype)
        record("Select", (a, b), z, (lambda g: _chosen(p, g, zeros(a)),
                                     lambda g: _chosen(p, zeros(b), g)))
    return z


class Block:
    """A straight run of nodes recorded for one branch or loop part, and its result refs."""

    def __init__(self, nodes, results):
        self.nodes, self.results = nodes, results



class CondNode(Node):
    """``if pred: <true block> else: <false block>``, assigning the same output slots."""

    # ``variables``: those the branches assign, whose values are the last outputs;
    # ``prefix``: TF's name of its node (``cond_1``, ``while/cond``), or None
    __slots__ = ("pred", "blocks", "variables", "prefix")

    def __init__(self, pred, blocks, outs, variables=(), prefix=None):
        super().__init__(None, (), {}, outs, [])
        self.pred, self.blocks, self.variables = pred, blocks, variables
        self.prefix = prefix

    listed_as = "cond"          # TF's node for it (graph_ops.py)

    def output_name(self, k: int) -> str:
        """TF's name of output ``k``: an If's outputs are read through Identities in its
        scope (``cond/Identity_1:0``)."""
        return f"{self.prefix}/{tracing.numbered('Identity', k)}:0"

    @property
    def name(self) -> str:
        return "cond"

    def inputs(self) -> list:
        out = [self.pred.slot]
        for b in self.blocks:
            out += _block_inputs(b)
        return out


def _block_inputs(block) -> list:
    made, used = set(), []
    for n in block.nodes:
        used += [s for s in n.inputs() if s not in made]
        o = n.outs
        made.update(() if o is None else (o if type(o) is tuple else (o,)))
    refs: list = []
    tracing._slots(block.results, refs)
    used += [s for s in refs if s not in made]
    return used


def _as_ref(x):
    if isinstance(x, Tensor):
        return x._value
    if is_variable(x):
        return x._read_for_op()._value
    return convert_to_tensor(x)._value


def _cond_blocks(trace, p, true_fn, false_fn):
    taken = bool(p.v)
    vars_before = dict(trace.var_current)
    prefix = _block_prefix(trace, "cond")     # TF's name scope of the If (``cond``)
    t_out, t_nodes = _record_block(trace, true_fn, dry=not taken, prefix=prefix)
    vars_t = dict(trace.var_current)
    trace.var_current = dict(vars_before)
    f_out, f_nodes = _record_block(trace, false_fn, dry=taken, prefix=prefix)
    vars_f = dict(trace.var_current)
    ft, ff = _check_same(t_out, f_out, "tf.cond")
    # Variables either branch assigned get one slot each, written by both branches.
    changed = [k for k in set(vars_t) | set(vars_f)
               if vars_t.get(k) is not vars_before.get(k) or vars_f.get(k) is not
               vars_before.get(k)]
    def initial(k):
        read = trace.var_reads.get(k)
        return vars_before.get(k, read[1] if read else None)

    t_refs = [_as_ref(a) for a in ft] + [vars_t.get(k, initial(k)) for k in changed]
    f_refs = [_as_ref(b) for b in ff] + [vars_f.get(k, initial(k)) for k in changed]
    if any(r is None for r in t_refs + f_refs):
        raise ValueError("tf.cond: a variable first read inside one branch was assigned in the "
                         "other; read it before the tf.cond.")
    chosen = t_refs if taken else f_refs
    outs = [trace._new(r.v if type(r) is Traced else r) for r in chosen]
    trace.nodes.append(CondNode(p, [Block(t_nodes, t_refs), Block(f_nodes, f_refs)],
                                tuple(o.slot for o in outs),
                                _variables(trace, changed), prefix))
    trace.host_nodes += 1                 # the branch is chosen on the host
    trace.var_current = dict(vars_before)
    for k, o in zip(changed, outs[len(ft):]):
        trace.var_current[k] = o
        trace.mutated.add(o.slot)
    dts = [convert_to_tensor(a)._dtype for a in ft]
    return nest.pack_sequence_as(t_out, [_make(o, d) for o, d in zip(outs, dts)])


class WhileNode(Node):
    """``loop = init; while <cond block>: loop = <body block>``."""

    # ``variables``: those the body assigns, carried as the last loop variables;
    # ``prefix``: TF's name of its node (``while_1``), or None; ``counted``: 1 when the first
    # loop variable is the iteration counter ``maximum_iterations`` adds (``_bounded``),
    # which TF's While has as its own first output, not as a loop variable
    __slots__ = ("blocks", "loop", "init", "variables", "prefix", "counted")

    def __init__(self, loop, init, cond_block, body_block, outs, variables=(), prefix=None,
                 counted=0):
        super().__init__(None, (), {}, outs, [])
        self.loop, self.init, self.blocks = loop, init, [cond_block, body_block]
        self.variables, self.prefix, self.counted = variables, prefix, counted

    listed_as = "while"

    def output_name(self, k: int) -> str:
        """TF's name of output ``k``: the While's own, after its counter and bound
        (``while:2`` is the first loop variable's)."""
        return f"{self.prefix}:{k + 2 - self.counted}"

    @property
    def name(self) -> str:
        return "while_loop"

    def inputs(self) -> list:
        refs: list = []
        tracing._slots(self.init, refs)
        loop = set(self.loop)
        for b in self.blocks:
            refs += [s for s in _block_inputs(b) if s not in loop]
        return refs


def _bounded(trace, cond, body, loop_vars, maximum_iterations, shape_invariants):
    """``maximum_iterations``: a loop with one more loop variable, an iteration counter that
    the condition also tests (TF's While adds the same counter)."""
    from ..ops import math_ops
    single = not isinstance(loop_vars, (list, tuple))
    bound = convert_to_tensor(maximum_iterations)
    if bound._dtype.name != "int32" or tuple(bound.shape) != ():
        raise ValueError(f"maximum_iterations must be a scalar int32, got "
                         f"{bound._dtype.name}{list(bound.shape)}")

    def args(v):
        return (v,) if single else tuple(v)

    def cond2(i, v):
        test = cond(*args(v))       # TF's test of the counter comes after the user's ops
        return math_ops.logical_and(i < bound, test)

    def body2(i, v):
        out = body(*args(v))
        return [i + 1, out if single else _pack(list(loop_vars), out)]

    inv = None if shape_invariants is None else [TensorShape([]), shape_invariants]
    zero = convert_to_tensor(0)
    # the counter and a Python bound are TF's while/loop_counter, while/maximum_iterations
    from .folded import not_listed
    not_listed(trace, zero._value)
    if not isinstance(maximum_iterations, Tensor):
        not_listed(trace, bound._value)
    out = traced_while_loop(trace, cond2, body2, [zero, loop_vars], None, inv, counted=1)
    if out is NotImplemented:
        return out
    res = out[1]
    return res if single else type(loop_vars)(res)


def _flat_invariants(lv, inv) -> list:
    """The shape invariants beside the flat loop variables (a TensorShape is a leaf, though it
    is a tuple)."""
    out: list = []

    def walk(v, s):
        if isinstance(v, (list, tuple)) and not isinstance(v, TensorShape):
            if not isinstance(s, (list, tuple)) or isinstance(s, TensorShape) or \
                    len(s) != len(v):
                raise ValueError("shape_invariants must have the same structure as "
                                 f"loop_vars, got {shape_text(s)} for {v!r}")
            for a, b in zip(v, s):
                walk(a, b)
        elif isinstance(v, dict):
            for k in sorted(v):
                walk(v[k], s[k])
        else:
            out.append(s if s is None or isinstance(s, (TensorShape, UnknownRankShape))
                       else TensorShape(s))

    walk(lv, inv)
    return out


def shape_text(s) -> str:
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")" \
        if isinstance(s, (list, tuple)) else str(s)


def traced_while_loop(trace, cond, body, loop_vars, maximum_iterations, shape_invariants=None,
                      counted=0):
    """``tf.while_loop`` inside a trace: NotImplemented when no loop variable is traced (the
    loop then runs in Python, as eagerly); ``counted``: see ``WhileNode``."""
    if maximum_iterations is not None:
        return _bounded(trace, cond, body, loop_vars, maximum_iterations, shape_invariants)
    single = not isinstance(loop_vars, (list, tuple))
    lv = [loop_vars] if single else list(loop_vars)
    flat = nest.flatten(lv)
    if not (any(type(_as_ref(x)) is Traced for x in flat
                if isinstance(x, Tensor) or is_variable(x)) or _tests_traced(cond, lv, flat)):
        return NotImplemented
    recording = bool(_tape.TAPES.recording)       # then the loop is recorded on the tapes
    tensors = [convert_to_tensor(x) if not isinstance(x, Tensor) else x for x in flat]
    invariants = [t._static_shape() for t in tensors] if shape_invariants is None else \
        _flat_invariants(lv, [shape_invariants] if single else list(shape_invariants))
    invariants = [t._static_shape() if s is None else s for s, t in zip(invariants, tensors)]
    init = [t._value for t in tensors]
    loop = [trace._new(v.v if type(v) is Traced else v) for v in init]
    for s, shape in zip(loop, invariants):     # a relaxed dimension is unknown in the body
        if not isinstance(shape, UnknownRankShape) and shape.is_fully_defined():
            continue
        s.w = shadow_of(s.v, shape)
        trace.shadows = True       # unknown dimensions flow from here: calls compute shadows
        trace.runtime_shapes = True     # and the loop changes them while it runs
    s_in = [_make(s, t._dtype) for s, t in zip(loop, tensors)]
    state = nest.pack_sequence_as(lv, s_in)
    vars_before = dict(trace.var_current)
    prefix = _block_prefix(trace, "while")    # TF's name scope of the While (``while``)
    # TF's condition and body read the loop variables as Placeholders of their own graphs
    placeholders = [s.slot for s in loop[counted:]]
    with _tape.suspended_tapes():
        c_out, c_nodes = _record_block(trace, lambda: cond(*state), dry=True, prefix=prefix,
                                       loop_vars=placeholders)
    c_ref = _as_ref(c_out)
    if recording:        # the body under a hidden tape: one iteration's ops, for the gradient
        from .while_gradients import record_body
        b_out, b_nodes, hidden = record_body(trace, lambda: body(*state), s_in,
                                             (prefix, placeholders))
    else:
        b_out, b_nodes = _record_block(trace, lambda: body(*state), dry=True, prefix=prefix,
                                       loop_vars=placeholders)
    assigned = _assigned_in_block(trace, vars_before)
    var_loop, var_init, var_results = [], [], []
    if assigned:
        # Variables the body assigns are carried by the loop too (as TF carries their state):
        # the condition and body are recorded again, each such variable's value a loop slot.
        # The first recording is dropped; its printed output is not repeated.
        var_init = [vars_before[k] if k in vars_before else trace.var_reads[k][1]
                    for k in assigned]
        var_loop = [trace._new(r.v if type(r) is Traced else r) for r in var_init]
        trace.var_current = dict(vars_before)
        trace.var_current.update(zip(assigned, var_loop))
        with contextlib.redirect_stdout(io.StringIO()):
            with _tape.suspended_tapes():
                c_out, c_nodes = _record_block(trace, lambda: cond(*state), dry=True,
                                               prefix=prefix, loop_vars=placeholders)
            c_ref = _as_ref(c_out)
            if recording:
                # As in TF, an assignment passes no gradient: each iteration's reads of the
                # variable are gradient sources of their own (the loop's captures).
                b_out, b_nodes, hidden = record_body(trace, lambda: body(*state), s_in,
                                                     (prefix, placeholders))
            else:
                b_out, b_nodes = _record_block(trace, lambda: body(*state), dry=True,
                                               prefix=prefix, loop_vars=placeholders)
        if set(_assigned_in_block(trace, vars_before)) - set(assigned):
            raise NotImplementedError("tf.while_loop: the body assigned different variables "
                                      "when traced twice")
        var_results = [trace.var_current[k] for k in assigned]
        trace.var_current = dict(vars_before)
    b_flat = nest.flatten(_pack(lv, b_out))
    if len(b_flat) != len(tensors):
        raise ValueError("tf.while_loop: body must return the structure of loop_vars.")
    b_refs, s_out = [], []
    for new, old, shape in zip(b_flat, tensors, invariants):
        nt = convert_to_tensor(new) if not isinstance(new, Tensor) else new
        if nt._dtype is not old._dtype:
            raise TypeError(f"tf.while_loop: the body changed the dtype of a loop variable "
                            f"from {old._dtype.name} to {nt._dtype.name}; it must not "
                            f"change.")
        got = nt._static_shape()
        if not _fits(got, shape):
            raise ValueError(
                f"Input tensor `{_name_of(old)}` enters the loop with shape "
                f"{shape_text(shape)}, but has shape {shape_text(got)} after one iteration. "
                "To allow the shape to vary across iterations, use the `shape_invariants` "
                "argument of tf.while_loop to specify a less-specific shape.")
        b_refs.append(nt._value)
        s_out.append(nt)
    outs = [trace._new(None) for _ in loop]
    var_outs = [trace._new(None) for _ in var_loop]
    node = WhileNode([s.slot for s in loop + var_loop], init + var_init,
                     Block(c_nodes, [c_ref]), Block(b_nodes, b_refs + var_results),
                     tuple(o.slot for o in outs + var_outs),
                     _variables(trace, assigned), prefix, counted)
    # The values of this (real) call: run the recorded loop now on the traced values.
    from .codegen import run_block_now
    final = [v.v if type(v) is Traced else v for v in init + var_init] if trace.dry else \
        run_block_now(trace, node)
    for o, v in zip(outs + var_outs, final):
        o.v = v
    for o, shape in zip(outs, invariants):
        if isinstance(shape, UnknownRankShape) or not shape.is_fully_defined():
            o.w = shadow_of(o.v, shape)
    trace.nodes.append(node)
    for k, o in zip(assigned, var_outs):      # the variables' values after the loop
        trace.var_current[k] = o
        trace.mutated.add(o.slot)
    trace.host_nodes += 1                 # the loop test reads a value on the host
    res = [_make(o, t._dtype) for o, t in zip(outs, tensors)]
    if recording:        # one op on the tapes, `While`, whose gradient runs the loop backwards
        from .while_gradients import recorded_loop
        def flat_test(flat_vals):
            return cond(*nest.pack_sequence_as(lv, flat_vals))

        def flat_body(flat_vals):
            out = _pack(lv, body(*nest.pack_sequence_as(lv, flat_vals)))
            return [convert_to_tensor(x) if not isinstance(x, Tensor) else x
                    for x in nest.flatten(out)]

        # A body that assigns variables would assign them again if the gradient re-ran it:
        # its gradient is computed by the program only (first order).
        # (a dynamic_size TensorArray's growing rows are no obstacle: the row operations that
        # change them read their sizes when the program runs, tensor_array.py)
        from ..tensor_array import _GrowingRows
        relaxed = any(isinstance(sh, UnknownRankShape) or not sh.is_fully_defined()
                      for sh in invariants if not isinstance(sh, _GrowingRows))
        recorded_loop(trace, node.loop, init + var_init, c_nodes, c_ref, b_nodes,
                      b_refs + var_results, hidden, s_in, s_out, tensors, res,
                      (flat_test, flat_body), relaxed,
                      dict(zip(assigned, var_init)) if assigned else None,
                      list(invariants) + [TensorShape(list(getattr(
                          r.v if type(r) is Traced else r, "shape", ()))) for r in var_init]
                      if any(isinstance(sh, _GrowingRows) for sh in invariants) else None)
    packed = nest.pack_sequence_as(lv, res)
    return packed[0] if single else type(loop_vars)(packed) if isinstance(
        loop_vars, tuple) else packed


def _fits(shape, invariant) -> bool:
    """Whether a body result of static ``shape`` keeps the loop variable's ``invariant``."""
    if isinstance(invariant, UnknownRankShape):
        return True
    if isinstance(shape, UnknownRankShape) or len(shape) != len(invariant):
        return False
    return all(a is None or a == b for a, b in zip(invariant, shape))


def _name_of(t) -> str:
    return t._graph_name() or "Const:0"


def _block_prefix(trace, kind: str):
    """TF's name scope for a ``kind`` node (``cond``, ``while``) being made now, which names
    what its blocks make (``cond/Const``): numbered in the graph it belongs to (``cond_1``;
    inside a branch ``cond/cond``); None where minitf has no such graph (a dataset loop)."""
    if trace.block is not None:
        return f"{trace.block.prefix}/{trace.block.take(trace.nodes, kind)}"
    if trace.nodes is not trace._main_nodes or trace.in_graph_loop:
        return None
    from .graph_ops import names_so_far
    return tracing.unique_name({n.lower(): 1 for n in names_so_far(trace)}, kind)


def _variables(trace, keys) -> tuple:
    """The variables of ``keys`` (ids), for the graph listing (None for one made by the
    trace, which it never read)."""
    return tuple(trace.var_reads.get(k, (None,))[0] for k in keys)


def _assigned_in_block(trace, vars_before) -> list:
    """Keys of the variables assigned since ``vars_before`` was taken (a variable first read
    in the block gets an entry too: its first value, which is no assignment)."""
    return [k for k, v in trace.var_current.items()
            if v is not vars_before.get(k, trace.var_reads.get(k, (None, None))[1])]


def _tests_traced(cond, lv, flat) -> bool:
    """Whether the first test reads a traced value although no loop variable is traced (a
    bound passed in, as in ``for i in tf.range(n)``): such a loop is staged too."""
    vals = [convert_to_tensor(x) if not isinstance(x, Tensor) else x for x in flat]
    return type(_as_ref(cond(*nest.pack_sequence_as(lv, vals)))) is Traced
