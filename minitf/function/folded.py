"""Constants made inside a trace: the nodes TF's graph has for them.

minitf computes an op on constants while tracing and keeps only the value (``tracing.Trace.
log_folded``); TF's graph has the op's nodes. ``note`` is told (by ``Trace.made``) of each such
value and the frames that made it, and writes down those nodes as a *plan*: a list of
``(op type, name, inputs)``, the last one making the value. A name is a plain name numbered
as TF numbers (``"Const"``, ``"Fill"``), ``("scope", inner)`` inside the plan's name scope
(``inner`` None: the scope's own name, as ``range`` is), or ``("reader", k, suffix)``: after
the plan's ``k``-th node (``Fill/value``). An input is a node of the plan (its index) or
``("folded", id)``: a constant made before. ``graph_ops.operations`` lists the plan.

What TF makes (checked against TF 2.21 in ``parity/test_graph_def_parity.py``):

* ``tf.constant(v)`` and ``tf.convert_to_tensor(v)`` called by the user: one ``Const``.
  (A Python value an op converts is a Const named after the op that reads it, ``Greater/y``:
  ``graph_ops``.)
* ``tf.zeros(shape)`` / ``tf.ones(shape)``: a ``Const`` named ``zeros`` when it has fewer than
  1000 elements; else, and for a shape given as a tensor, a ``Fill`` named ``zeros`` reading
  ``zeros/shape_as_tensor`` (or the tensor) and the value ``zeros/Const``.
* ``tf.fill(dims, value)``: a ``Fill`` reading ``Fill/dims`` and ``Fill/value`` (or tensors).
* ``tf.range(start, limit, delta)``: a ``Range`` named ``range`` reading ``range/start``,
  ``range/limit``, ``range/delta`` (or tensors), each cast (``range/Cast``, ``range/Cast_1``)
  when its dtype is not the result's.
* ``tf.zeros_like`` / ``tf.ones_like``: a ``Const`` named ``zeros_like`` / ``ones_like``.
* an op function of ``op_names.py`` (``tf.add(c, 1.0)``, ``tf.cast``): its node, reading the
  constants given and Consts of the Python values (``Add/y``).

>>> import minitf as tf
>>> @tf.function
... def f(x):
...     r = tf.range(3.0)
...     print(r)
...     return x + r
>>> graph = f.get_concrete_function(tf.TensorSpec([3])).graph
Tensor("range:0", shape=(3,), dtype=float32)
>>> [(op.name, op.type) for op in graph.get_operations()][1:6]   # doctest: +NORMALIZE_WHITESPACE
[('range/start', 'Const'), ('range/limit', 'Const'), ('range/delta', 'Const'),
 ('range/Cast', 'Cast'), ('range/Cast_1', 'Cast')]
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .op_names import IDENTITY, in_ops


def note(trace, value, frame, f, spec) -> None:
    """``value`` was made from constants in ``frame`` (the code that called ``_make``); ``f``
    and ``spec``: the outermost op function of ``op_names.py`` running there and its entry, or
    None. Writes down the nodes TF makes for it (``trace.folded_plans``)."""
    if f is not None:
        plan = _table_plan(trace, value, f, spec)
    else:
        maker = _makers().get(frame.f_code)
        plan = maker(trace, value, frame) if maker is not None else None
    if plan is not None:
        trace.folded_plans[id(value)] = plan


def node_name(trace, value, frame, f, spec):
    """The name (before numbering) of the node TF makes for ``value``, a constant made in a
    branch or a loop body (``Const``, ``zeros``, ``range``, ``Add``), or None where TF makes
    none of its own (a Python operand an op converts: ``mul/y``)."""
    if f is not None:
        plan = _table_plan(trace, value, f, spec)
    else:
        maker = _makers().get(frame.f_code)
        plan = maker(trace, value, frame) if maker is not None else None
    if plan is None:
        return None
    scope, nodes = plan
    name = nodes[-1][1]
    return name if type(name) is str else scope


# ---- an op function of op_names.py --------------------------------------------------------

def _table_plan(trace, value, f, spec):
    from ..tensor import Tensor
    if spec is IDENTITY or len(spec) < 3:
        return None
    name, type_, params = spec[:3]
    local = f.f_locals
    token = trace._op_token
    ins, consts = [], []
    for tf_name, var in params:
        v = local.get(var) if var else None
        many = tf_name.endswith("*")
        tf_name = tf_name.rstrip("*")
        if many and type(v) is not list and type(v) is not tuple:
            return None
        for k, v in enumerate(v if many else (v,)):
            input_name = f"{tf_name}_{k}" if many else tf_name
            a = v._value if isinstance(v, Tensor) else None
            if a is value or B.is_symbolic(a):
                return None         # the op returns its input as it is, or a traced value
            if a is not None and trace._folded_in.get(id(a)) != token and \
                    id(a) in trace._folded_ids:
                ins.append(("folded", id(a)))       # a constant made before the call
            else:                                   # a Python value it converted: a Const
                consts.append(("Const", ("reader", None, "/" + input_name), ()))
                ins.append(len(consts) - 1)
    if len(spec) > 3 and spec[3] is not None:       # TF's order of the inputs
        ins = [ins[k] for k in spec[3]]
    _drop_own(trace, value, token)
    last = len(consts)
    consts = [(t, ("reader", last, n[2]), i) for t, n, i in consts]
    return None, consts + [(type_, name, tuple(ins))]


def _drop_own(trace, value, token) -> None:
    """Forget the constants the op made itself before ``value`` (its converted operands):
    they are its Consts (``Add/y``), not nodes apart."""
    folded = trace.folded
    while len(folded) > 1 and folded[-1][2] is value and \
            trace._folded_in.get(id(folded[-2][2])) == token:
        _drop(trace, folded[-2][2])


def _drop(trace, arr) -> None:
    """Take the constant ``arr`` out of the listing (it is part of another's nodes)."""
    for k in range(len(trace.folded) - 1, -1, -1):
        if trace.folded[k][2] is arr:
            del trace.folded[k]
            break
    else:
        return
    for table in (trace.folded_names, trace._folded_in, trace.folded_plans):
        table.pop(id(arr), None)
    trace._folded_ids.discard(id(arr))


def not_listed(trace, value) -> None:
    """Take the constant ``value``, which minitf made for its own bookkeeping, out of the
    listing: TF has a node of another name for it (the ``while/loop_counter`` a While lists
    itself), or none."""
    _drop(trace, value)


# ---- constants made by functions that are no op of the table ------------------------------

def _const(name):
    return None, [("Const", name, ())]


def _converted(trace, value, frame):
    """``convert_to_tensor``: a ``Const`` when the user (or ``tf.constant``) asked for it; a
    Python operand an op converts is named after its reader instead (graph_ops.py)."""
    caller = frame.f_back
    if caller is None or caller.f_code is _constant_code() or not in_ops(caller.f_code):
        return _const(frame.f_locals.get("name") or "Const")
    return None


def _constant(trace, value, frame):
    """``tf.constant`` with a shape or dtype: one Const; the value it converted first is
    part of it."""
    from ..tensor import Tensor, is_tensor
    local = frame.f_locals
    t = local.get("t")
    if not is_tensor(local.get("value")) and isinstance(t, Tensor) and t._value is not value:
        _drop(trace, t._value)
    return _const(local.get("name") or "Const")


def _given(trace, v):
    """The input a tensor ``v`` given to the op is: ``("folded", id)``, or None."""
    from ..tensor import Tensor
    if isinstance(v, Tensor) and id(v._value) in trace._folded_ids:
        return ("folded", id(v._value))
    return None


def _filled(kind):
    def plan(trace, value, frame):
        """``tf.zeros`` / ``tf.ones``: a Const when small, else a Fill (TF keeps a big
        constant out of the serialized graph)."""
        from ..tensor import is_tensor
        local = frame.f_locals
        shape = local.get("shape")
        scope = local.get("name") or kind
        if not is_tensor(shape):
            if value.size < 1000:
                return _const(scope)
            dims = [("Const", ("scope", "shape_as_tensor"), ())]
            dims_in = 0
        else:
            dims, dims_in = [], _given(trace, shape)
            if dims_in is None:
                return None
        k = len(dims)
        return scope, dims + [("Const", ("scope", "Const"), ()),
                              ("Fill", ("scope", None), (dims_in, k))]
    return plan


def _fill(trace, value, frame):
    """``tf.fill(dims, value)``: a Fill reading ``Fill/dims`` and ``Fill/value`` (Consts of
    Python values) or the tensors given."""
    from ..tensor import Tensor, is_tensor
    local = frame.f_locals
    nodes, ins = [], []
    for input_name, v in (("dims", local.get("dims")), ("value", local.get("value"))):
        if is_tensor(v):
            given = _given(trace, v)
            if given is None:
                return None
            ins.append(given)
        else:
            nodes.append(("Const", ("reader", None, "/" + input_name), ()))
            ins.append(len(nodes) - 1)
    made = local.get("v")           # the value it converted itself: its Fill/value
    if not is_tensor(local.get("value")) and isinstance(made, Tensor):
        _drop(trace, made._value)
    last = len(nodes)
    nodes = [(t, ("reader", last, n[2]), i) for t, n, i in nodes]
    return None, nodes + [("Fill", local.get("name") or "Fill", tuple(ins))]


def _range(trace, value, frame):
    """``tf.range``: in a name scope ``range``, a Const per Python bound (``range/start``),
    a ``Cast`` of each bound whose dtype is not the result's, and the ``Range`` named as the
    scope."""
    from ..tensor import is_tensor
    local = frame.f_locals
    dtype = local.get("dtype")
    nodes, ins = [], []
    for input_name in ("start", "limit", "delta"):
        v = local.get(input_name)
        if is_tensor(v):
            given = _given(trace, v)
            if given is None:
                return None
            ins.append((given, v.dtype.as_numpy_dtype))
        else:
            nodes.append(("Const", ("scope", input_name), ()))
            ins.append((len(nodes) - 1, _python_dtype(v, dtype)))
    read = []
    for ref, dt in ins:
        if np.dtype(dt) != value.dtype:     # TF casts each bound to the result's dtype
            nodes.append(("Cast", ("scope", "Cast"), (ref,)))
            ref = len(nodes) - 1
        read.append(ref)
    return local.get("name") or "range", nodes + [("Range", ("scope", None), tuple(read))]


def _python_dtype(v, dtype):
    """The dtype TF converts a Python bound to: ``dtype`` if given, else int32 (int64 when
    it does not fit), float32, or a NumPy scalar's own."""
    if dtype is not None:
        from ..dtypes import as_dtype
        return as_dtype(dtype).as_numpy_dtype
    if isinstance(v, (np.generic, np.ndarray)):
        return v.dtype
    if isinstance(v, bool) or not isinstance(v, int):
        return np.float32 if isinstance(v, float) else np.asarray(v).dtype
    return np.int32 if -2 ** 31 <= v < 2 ** 31 else np.int64


def _like(kind):
    def plan(trace, value, frame):
        """``tf.zeros_like`` / ``tf.ones_like`` of a constant: TF folds it to a Const."""
        return _const(frame.f_locals.get("name") or kind)
    return plan


def _shape(trace, value, frame):
    """``tf.shape`` of a known shape: TF folds it to a Const named ``Shape``."""
    return _const(frame.f_locals.get("name") or "Shape")


def _reduction(kind):
    def plan(trace, value, frame):
        """A reduction of a constant: TF's reduction reading it and its axes, a Const
        (``Sum/reduction_indices`` when axes are given, else ``Const``), or for all the axes
        of a scalar ``range(0, rank)``: a Const ``Rank``, ``range/start``, ``range/delta``
        and the ``Range`` named ``range``."""
        local = frame.f_locals
        x = _given(trace, local.get("input_tensor"))
        if x is None:
            return None
        if local.get("axis") is not None:
            return None, [("Const", ("reader", 1, "/reduction_indices"), ()),
                          (kind, local.get("name") or kind, (x, 0))]
        if np.ndim(local["input_tensor"]._value) > 0:
            return None, [("Const", "Const", ()), (kind, local.get("name") or kind, (x, 0))]
        return "range", [("Const", "Rank", ()), ("Const", ("scope", "start"), ()),
                         ("Const", ("scope", "delta"), ()),
                         ("Range", ("scope", None), (1, 0, 2)),
                         (kind, local.get("name") or kind, (x, 3))]
    return plan


def _min_or_max(trace, value, frame):
    return _reduction(frame.f_locals.get("op"))(trace, value, frame)


_MAKERS: dict | None = None


def _constant_code():
    from ..tensor import constant
    return constant.__code__


def _makers() -> dict:
    global _MAKERS
    if _MAKERS is None:
        from ..ops import array_ops as A
        from ..ops import reduction_ops as R
        from ..tensor import convert_to_tensor
        _MAKERS = {convert_to_tensor.__code__: _converted, _constant_code(): _constant,
                   A.zeros.__code__: _filled("zeros"), A.ones.__code__: _filled("ones"),
                   A.fill.__code__: _fill, A.range.__code__: _range,
                   A.zeros_like.__code__: _like("zeros_like"),
                   A.ones_like.__code__: _like("ones_like"), A.shape.__code__: _shape,
                   R.reduce_sum.__code__: _reduction("Sum"),
                   R.reduce_mean.__code__: _reduction("Mean"),
                   R.reduce_prod.__code__: _reduction("Prod"),
                   R.reduce_any.__code__: _reduction("Any"),
                   R.reduce_all.__code__: _reduction("All"), R._min_or_max.__code__: _min_or_max}
    return _MAKERS


__all__ = ["note"]
