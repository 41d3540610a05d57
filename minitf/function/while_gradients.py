"""Reverse mode through a traced ``tf.while_loop`` (and the loops AutoGraph makes).

When a tape records inside a tf.function, a loop whose trip count is only known when the
program runs cannot be unrolled into the tape. minitf records it as one op, ``While``, on the
tapes, as TF records its While op, and derives its gradient from one symbolic iteration:

1. The body is traced once, as a block of the program, with a hidden tape that watches the
   loop variables and every tensor the outer tapes watch (captured tensors, variables read in
   the body). That tape's records are one iteration's recorded ops.
2. When the outer tape asks for the loop's gradient (still while tracing), the hidden tape is
   asked for the gradient of one iteration's outputs with respect to its inputs and captures,
   with placeholder upstream gradients: that backward pass is recorded as a block too.
3. The gradient node runs, on every replay: the loop again from its initial values, keeping
   each iteration's loop variables (the forward's values are not kept by the forward program),
   then, from the last iteration to the first, the body's forward (recomputed) and the
   iteration's backward block, carrying the loop variables' gradient and summing the captures'.

The cost is a second forward pass; the results are those of the loop unrolled.

When a tape records the backward pass itself (nested tapes: a second or higher derivative),
the gradient is written with minitf ops instead (``_Loop.op_gradients``): a traced loop over
``k = n-1 ... 0`` that recomputes iteration k's loop variables with an inner loop and
differentiates one run of the body there with a tape. Those loops are traced loops again, so
every order works, at the cost of n(n+1)/2 body runs per order. The body's Python runs again
while tracing (AutoGraph restores the names it assigns; its tf.print is not recorded again). A
body that assigns variables runs again from the variables' values before the loop, and what
those runs assign is thrown away.

>>> import minitf as tf
>>> @tf.function
... def second(x, n):
...     with tf.GradientTape() as outer:
...         outer.watch(x)
...         with tf.GradientTape() as inner:
...             inner.watch(x)
...             y = x
...             for _ in tf.range(n):       # y = x**(n+1)
...                 y = y * x
...         g = inner.gradient(y, x)
...     return outer.gradient(g, x)        # (n+1) n x**(n-1)
>>> float(second(tf.constant(2.0), tf.constant(3)))      # 4 * 3 * 2**2
48.0

>>> import minitf as tf
>>> @tf.function
... def grad_of_power(x, n):
...     with tf.GradientTape() as tape:
...         tape.watch(x)
...         y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x),
...                           [tf.constant(0), tf.ones_like(x)])[1]
...     return tape.gradient(y, x)            # d/dx x**n = n x**(n-1)
>>> float(grad_of_power(tf.constant(2.0), tf.constant(3))), float(grad_of_power(
...     tf.constant(2.0), tf.constant(5)))
(12.0, 80.0)
"""
from __future__ import annotations

import contextlib

from .. import _backend as B
from .. import tape as _tape
from ..tensor import _make
from . import tracing
from .codegen import _emit_node, _Writer
from .tracing import Traced
from .tracing import record_block as _record_block

_SECOND_ORDER = ("minitf cannot differentiate the gradient of this tf.while_loop traced "
                 "inside tf.function (its body could not be run again as ops); compute it "
                 "eagerly, or unroll the loop in Python.")


def _slots_used(nodes, results) -> list:
    """Slots the nodes and results read that the nodes do not make, in first-use order."""
    made, used = set(), []
    for n in nodes:
        used += [s for s in n.inputs() if s not in made]
        o = n.outs
        made.update(() if o is None else (o if type(o) is tuple else (o,)))
    refs: list = []
    tracing._slots(list(results), refs)
    used += [s for s in refs if s not in made]
    return list(dict.fromkeys(used))


def _needed_nodes(nodes, results) -> list:
    """The nodes that compute ``results`` (effects such as tf.print are left out: the
    gradient's recomputation must not print again)."""
    refs: list = []
    tracing._slots(list(results), refs)
    needed = set(refs)
    keep = []
    for n in reversed(nodes):
        o = n.outs
        outs = () if o is None else (o if type(o) is tuple else (o,))
        # a write in place into a needed value (a slice's gradient: zeros, then setitem)
        if any(s in needed for s in outs) or (n.mutates and (outs or any(
                type(m) is Traced and m.slot in needed for m in n.mutates))):
            keep.append(n)
            needed.update(n.inputs())
    keep.reverse()
    return keep


def _function(name: str, nodes, results):
    """A Python function of the slots ``nodes`` read, returning ``results``. Returns
    (function, its parameter slots)."""
    nodes = _needed_nodes(nodes, results)
    params = _slots_used(nodes, results)
    w = _Writer()
    lines = [f"def {name}({''.join(f's{s}, ' for s in params)}):"]
    for n in nodes:
        _emit_node(w, n, lines, "    ")
    lines.append("    return (" + "".join(w.ref(r) + ", " for r in results) + ")")
    exec(compile("\n".join(lines), f"<minitf {name}>", "exec"), w.globals)
    return w.globals[name], params


class _Loop:
    """What the gradient needs of one traced loop."""

    def __init__(self, trace, loop_slots, init_refs, c_nodes, c_ref, b_nodes, b_refs,
                 hidden, s_in, s_out, captures, step=None):
        self.trace, self.loop_slots, self.init_refs = trace, loop_slots, init_refs
        self.c_nodes, self.c_ref, self.b_nodes, self.b_refs = c_nodes, c_ref, b_nodes, b_refs
        self.hidden, self.s_in, self.s_out, self.captures = hidden, s_in, s_out, captures
        self.step = step            # (test(flat), body(flat) -> flat) over the flat loop vars
        self.init_tensors = None
        self.grad_fn = None
        self.grad_inputs = None
        self.relaxed = False
        self.var_start = None
        self.invariants = None      # the loop variables' shape invariants, when some grow
        self.placeholder_values = False     # while a dry trace records the gradient

    def floating(self) -> list:
        return [k for k, t in enumerate(self.s_in) if t._dtype._grad]

    def build(self):
        """Trace the backward pass of one iteration (once) and make the gradient function."""
        trace, fl = self.trace, self.floating()
        g_slots = [trace._new(self.s_out[k]._value.v if type(self.s_out[k]._value) is Traced
                              else self.s_out[k]._value) for k in fl]
        seeds = [_make(g, self.s_out[k]._dtype) for g, k in zip(g_slots, fl)]
        sources = [self.s_in[k] for k in fl] + self.captures

        def backward():
            return _tape.imperative_grad(list(self.hidden._records),
                                         [self.s_out[k] for k in fl], seeds, sources,
                                         _tape.UnconnectedGradients.ZERO)

        with _tape.suspended_tapes():
            grads, v_nodes = _record_block(trace, backward, dry=True)
        grad_refs = [g._value for g in grads]
        cond_fn, cond_params = _function("loop_cond", self.c_nodes, [self.c_ref])
        body_fn, body_params = _function("loop_body", self.b_nodes, self.b_refs)
        step_fn, step_params = _function("loop_step", self.b_nodes + v_nodes, grad_refs)
        loop = list(self.loop_slots)
        g_set = [g.slot for g in g_slots]
        local = set(loop) | set(g_set)
        outer = list(dict.fromkeys(s for s in cond_params + body_params + step_params
                                   if s not in local))
        n_loop, n_fl, n_cap = len(loop), len(fl), len(self.captures)
        # A capture made inside the body (the read of a variable the body assigns) is no
        # input of the gradient; its trace-time value gives the shape of a zero gradient.
        cap_index = [outer.index(c._value.slot) if type(c._value) is Traced and
                     c._value.slot in outer else None for c in self.captures]

        def cap_values(rest):
            return [rest[i] if i is not None else
                    c._value.v if type(c._value) is Traced else c._value
                    for i, c in zip(cap_index, self.captures)]

        def while_grad(*arrays):
            init, rest = arrays[:n_loop], arrays[n_loop:]
            if self.placeholder_values:
                # a trace that runs no loop (dry): its loops' results are their initial
                # values, which this gradient's loop would not match; zeros of the right shapes
                return tuple(B.xp_of(init[k]).zeros_like(init[k]) for k in fl) + tuple(
                    B.xp_of(c).zeros_like(c) for c in cap_values(rest))
            env = dict(zip(outer, rest[:len(outer)]))
            ups = rest[len(outer):]
            state = list(init)
            states = []
            while True:
                env.update(zip(loop, state))
                if not bool(cond_fn(*[env[s] for s in cond_params])[0]):
                    break
                states.append(state)
                state = list(body_fn(*[env[s] for s in body_params]))
            gs = list(ups)
            acc = [None] * n_cap
            for st in reversed(states):
                env.update(zip(loop, st))
                env.update(zip(g_set, gs))
                out = step_fn(*[env[s] for s in step_params])
                gs = list(out[:n_fl])
                for j, d in enumerate(out[n_fl:]):
                    acc[j] = d if acc[j] is None else acc[j] + d
            acc = [B.xp_of(c).zeros_like(c) if a is None else a
                   for a, c in zip(acc, cap_values(rest))]
            return tuple(gs) + tuple(acc)

        self.grad_fn = while_grad
        self.grad_inputs = [trace.all[s] for s in outer]

    def op_gradients(self, ups) -> list:
        """The same gradients as ``gradients``, written as minitf ops (two traced while loops)
        so that a tape recording now records them: a second derivative through the loop.

        The backward loop runs ``k = n-1 ... 0``; step k recomputes the loop variables of
        iteration k from the initial values (an inner loop of k body runs: no per-iteration
        storage, at the price of n(n+1)/2 body runs), then differentiates one body run there
        with a tape, given the carried gradient of the loop variables, and adds the captures'
        gradients."""
        trace = self.trace
        saved = dict(trace.var_current)
        if self.var_start:
            # A body that assigns variables is run again from the variables' values before
            # the loop; what the gradient's loops assign is thrown away afterwards.
            trace.var_current.update(self.var_start)
        try:
            with _without_effects(trace):
                return self._op_gradients(ups)
        finally:
            trace.var_current = saved

    def _op_gradients(self, ups) -> list:
        from ..ops import array_ops as A
        from ..ops.control_flow_ops import while_loop
        from ..tensor import TensorShape, convert_to_tensor
        test, body = self.step
        init = list(self.init_tensors)
        fl, caps = self.floating(), list(self.captures)
        nfl = len(fl)
        zero = convert_to_tensor(0)

        inv = self.invariants
        # a dynamic_size TensorArray's buffer grows: these loops carry it (and its gradient)
        # with the forward loop's invariants
        fwd_inv = None if inv is None else [TensorShape([])] + list(inv)

        def run_to(k):          # the loop variables after k iterations (k <= trip count)
            if self.var_start:  # and the variables the body assigns, from before the loop
                self.trace.var_current.update(self.var_start)
            out = while_loop(lambda j, *s: j < k, lambda j, *s: [j + 1] + body(list(s)),
                             [zero] + init, shape_invariants=fwd_inv)
            return list(out[1:])

        n = while_loop(lambda j, *s: test(list(s)), lambda j, *s: [j + 1] + body(list(s)),
                       [zero] + init, shape_invariants=fwd_inv)[0]

        def back(k, *carry):
            gs, acc = list(carry[:nfl]), list(carry[nfl:])
            k = k - 1
            st = run_to(k)
            with _tape.GradientTape(persistent=True) as t:
                for i in fl:
                    t.watch(st[i])
                for c in caps:
                    t.watch(c)
                out = body(st)
            if inv is not None:     # growing rows: the trace's values may disagree
                gs = [_rows_like(g, out[i]) for g, i in zip(gs, fl)]
            grads = t.gradient([out[i] for i in fl], [st[i] for i in fl] + caps,
                               output_gradients=gs,
                               unconnected_gradients=_tape.UnconnectedGradients.ZERO)
            return [k] + list(grads[:nfl]) + [a + g for a, g in zip(acc, grads[nfl:])]

        back_inv = None if inv is None else [TensorShape([])] + [inv[i] for i in fl] + [
            c._static_shape() for c in caps]
        res = while_loop(lambda k, *c: k > 0, back,
                         [n] + list(ups) + [A.zeros_like(c) for c in caps],
                         shape_invariants=back_inv)
        return list(res[1:])

    def gradients(self, ups) -> list:
        """The gradients of the initial loop variables (floating ones) and of the captures,
        as Tensors of the trace, given the upstream gradients of the loop's results."""
        if self.grad_fn is None:
            self.build()
        trace = tracing.current()
        if trace is not self.trace:
            raise RuntimeError("the gradient of a traced tf.while_loop was asked for outside "
                               "its tf.function trace")
        args = tuple(self.init_refs) + tuple(self.grad_inputs) + tuple(u._value for u in ups)
        self.placeholder_values = trace.dry
        try:
            outs = trace.call(self.grad_fn, args, {})
        finally:
            self.placeholder_values = False
        trace.host_nodes += 1                   # a host loop: no CUDA graph
        outs = outs if type(outs) is tuple else (outs,)
        dts = [self.s_in[k]._dtype for k in self.floating()] + \
            [c._dtype for c in self.captures]
        return [_make(o, d) for o, d in zip(outs, dts)]


def _same_rows(g, target):
    """``g`` when it has ``target``'s shape, else zeros of that shape. Only a trace's values
    can differ: a loop traced in a block is not run while tracing (its results there are its
    initial values), so a gradient carried for a growing buffer and the buffer recomputed by
    such a loop can disagree in rows. When the program runs they agree, and this is ``g``."""
    if g.shape == target.shape:
        return g
    return B.xp_of(g).zeros(target.shape, g.dtype)


def _rows_like(g, target):
    """The carried gradient ``g`` as the seed of ``target`` (``_same_rows``), recorded; its
    gradient passes through the same way (for a tape recording the backward loop)."""
    z = _make(B.record_call(_same_rows, g._value, target._value), g._dtype)
    if _tape.TAPES.recording:
        _tape.record("Identity", (g,), z, (lambda h: _rows_like(h, g),))
    return z


def _no_effect(fn, args) -> None:
    """``Trace.call_effect`` while the gradient re-runs a loop body: its tf.print (and other
    effects) ran with the forward loop, as in TF, not again in the gradient."""


@contextlib.contextmanager
def _without_effects(trace):
    if "call_effect" in vars(trace):         # already silenced by an enclosing gradient
        yield
        return
    trace.call_effect = _no_effect
    try:
        yield
    finally:
        del trace.call_effect


def record_body(trace, body_fn, state_tensors, names=(None, ())):
    """Record the loop body as a block with a hidden tape watching the loop variables and what
    the outer tapes watch; ``names``: the body graph's name scope and loop variables' slots
    (``tracing.record_block``). Returns (body output, its nodes, the hidden tape)."""
    outer = list(_tape.TAPES.recording)
    hidden = _tape.GradientTape(persistent=True)
    with _tape.suspended_tapes():
        with hidden:
            for t in outer:
                hidden._watched |= t._watched
            for t in state_tensors:
                if t._dtype._grad:
                    hidden.watch(t)
            out, nodes = _record_block(trace, body_fn, dry=True, prefix=names[0],
                                       loop_vars=names[1])
    # Variables first read inside the body are watched by the outer tapes, as if read there.
    for var in hidden.watched_variables():
        for t in outer:
            if t._watch_accessed_variables:
                t._watch_variable(var, "trainable Variable read inside the tape")
    return out, nodes, hidden


def captures_of(hidden, s_in) -> list:
    """Floating tensors from outside the body that its recorded ops read and an outer tape
    watches (after the body: variables read in it are watched by now)."""
    made = {y._id for r in hidden._records for y in r.outputs}
    inside = {t._id for t in s_in}
    watched: set = set()
    for t in _tape.TAPES.recording:
        watched |= t._watched
    out: dict = {}
    for r in hidden._records:
        for x in r.inputs:
            if x._id not in made and x._id not in inside and x._dtype._grad and \
                    x._id in watched:
                out.setdefault(x._id, x)
    return list(out.values())


def record_loop(loop: _Loop, init_tensors, results) -> None:
    """Record the traced loop on the outer tapes as one op, ``While``."""
    fl = loop.floating()
    inputs = tuple(init_tensors[k] for k in fl) + tuple(loop.captures)
    outputs = tuple(results[k] for k in fl)
    if not outputs or not inputs:
        return
    loop.init_tensors = init_tensors

    def grads(up, needed):       # the loop's backward pass gives every gradient: a joint VJP
        ups = up if isinstance(up, tuple) else (up,)
        if loop.relaxed:
            raise NotImplementedError(
                "minitf cannot differentiate a tf.while_loop inside tf.function whose loop "
                "variables change shape (shape_invariants with None dimensions): its gradient "
                "is traced for one iteration's shapes. Differentiate it eagerly, or keep the "
                "shapes fixed (preallocate and write with tf.tensor_scatter_nd_update).")
        if _tape.TAPES.recording and loop.step is not None:
            # A tape records this backward pass (nested tapes): write it with ops.
            return tuple(loop.op_gradients(ups))
        gs = loop.gradients(ups)
        _tape.record("WhileGrad", tuple(ups) + inputs, tuple(gs),
                     tuple(_refuse for _ in ups + inputs))
        return tuple(gs)

    _tape.record("While", inputs, outputs if len(outputs) != 1 else outputs[0], joint=grads)


def _refuse(up):
    raise NotImplementedError(_SECOND_ORDER)


def recorded_loop(trace, loop_slots, init_refs, c_nodes, c_ref, b_nodes, b_refs, hidden,
                  s_in, s_out, init_tensors, results, step=None, relaxed=False,
                  var_start=None, invariants=None) -> None:
    """After a traced loop whose body ``record_body`` recorded: record it on the tapes.
    ``step`` is (test, body) over the flat list of loop variables, for ``op_gradients``;
    ``relaxed``: a loop variable's shape may change (shape_invariants), which the gradient's
    one traced iteration cannot follow: asking for it is refused."""
    loop = _Loop(trace, loop_slots, init_refs, c_nodes, c_ref, b_nodes, b_refs, hidden, s_in,
                 s_out, captures_of(hidden, s_in), step)
    loop.relaxed = relaxed
    loop.var_start = var_start      # variables the body assigns -> their values before the loop
    loop.invariants = invariants    # shape invariants of init_tensors, where some rows grow
    record_loop(loop, init_tensors, results)
