"""TF's rules for static shapes where running the same call on shadows does not give them.

A trace with unknown dimensions (``tracing.Traced.static_shape``) finds which dimensions of a
value depend on the unknown ones by computing each call a second time on *shadows*: arrays
whose unknown dimensions have another size. That answers most ops as TF's shape functions do,
because most ops' result sizes are formulas of their input sizes. Where TF's rule is not "run
it on other sizes and see what changes", this module applies TF's rule itself:

* A slice of an unknown dimension has an unknown length, whatever its bounds: ``x[:2]`` of a
  ``(None,)`` is ``(None,)`` (the shadow, being longer, would give 2 twice).
* Broadcasting merges: ``(None,) + (4,)`` is ``(4,)``, for the unknown size must be 4 (or 1)
  for the program to run; the shadow call fails on sizes 5 and 4. So do the rows of a matmul,
  the other axes of a concat, and the rows of a stack.

Each rule changes a shadow: it makes a dimension's shadow size differ from its value's
(unknown), or equal (known).

>>> import numpy as np
>>> from minitf.function import tracing
>>> tr = tracing.Trace()
>>> with tr.active():
...     v = tr.input(np.arange(4.0), shape=(None,))
...     print(v[:2].static_shape(), (v + np.ones(4)).static_shape())
(None,) (4,)
"""
from __future__ import annotations

import numpy as np

import operator
import os

from .. import _backend as B
from .. import _kernels

# A shadow that could not be computed: every dimension of the value is unknown. (This module
# sits below tracing.py, which uses it: traced arrays are ``B.SYMBOLIC`` here.)
UNKNOWN_DIMS = object()


def _is_array(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic)) or B.is_device_array(x)


def _is_traced(x) -> bool:
    return type(x) is B.SYMBOLIC


def _slots(obj, out: list) -> None:
    """The slots of the traced arrays in a call's arguments (nested in lists, tuples, dicts
    and slices), in order (tracing.py's nodes use it too)."""
    t = type(obj)
    if t is B.SYMBOLIC:
        out.append(obj.slot)
    elif t in (tuple, list):
        for o in obj:
            _slots(o, out)
    elif t is dict:
        for o in obj.values():
            _slots(o, out)
    elif t is slice:
        _slots((obj.start, obj.stop, obj.step), out)


def longer(w, axis: int):
    """``w`` one longer along ``axis``, its entries repeated cyclically (so the shadow keeps
    holding the same kind of values), or a zero where it was empty."""
    xp = B.xp_of(w) if not isinstance(w, np.generic) else np
    n = w.shape[axis]
    if n:
        return xp.take(w, xp.arange(n + 1) % n, axis=axis)
    return xp.zeros(w.shape[:axis] + (1,) + w.shape[axis + 1:], w.dtype)


def cut(w, axis: int, n: int):
    """``w`` with ``n`` entries along ``axis`` (cyclically repeated if it has fewer)."""
    if w.shape[axis] == n:
        return w
    if w.shape[axis] == 0:
        xp = B.xp_of(w)
        return xp.zeros(w.shape[:axis] + (n,) + w.shape[axis + 1:], w.dtype)
    xp = B.xp_of(w) if not isinstance(w, np.generic) else np
    return xp.take(w, xp.arange(n) % w.shape[axis], axis=axis)


def unknown_axes(t) -> list | None:
    """For a traced value with a usable shadow of the same rank: one bool per axis, True where
    the dimension is unknown. None when it has no such shadow (then no rule applies)."""
    if not _is_traced(t):
        return [False] * np.ndim(t)
    w = t.w
    if w is None:
        return [False] * t.v.ndim
    if w is UNKNOWN_DIMS or w.ndim != t.v.ndim:
        return None
    return [a != b for a, b in zip(t.v.shape, w.shape)]


# ---- slices ---------------------------------------------------------------------------------

def _basic(k) -> bool:
    return k is None or k is Ellipsis or type(k) is slice or (
        isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)))


def sliced(x, key, out, shadow):
    """The shadow of ``x[key]`` (``shadow``: the call on ``x``'s shadow) under TF's rule for a
    strided slice: an axis sliced from an unknown dimension is unknown, whatever the bounds
    (TF cannot know how many entries ``x[:2]`` keeps of a dimension that may be shorter). An
    index (``x[0]``) drops its axis; ``None`` (``tf.newaxis``) adds a known 1."""
    unknown = unknown_axes(x)
    if unknown is None or not any(unknown) or not _is_array(shadow):
        return shadow
    key = key if type(key) is tuple else (key,)
    if not all(_basic(k) for k in key):
        return shadow
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    spread = []          # each key entry, with the Ellipsis (or the end) as full slices
    for k in key:
        spread += [slice(None)] * (len(unknown) - consumed) if k is Ellipsis else [k]
    if Ellipsis not in key:
        spread += [slice(None)] * (len(unknown) - consumed)
    axis_in = axis_out = 0
    for k in spread:
        if k is None:
            axis_out += 1
            continue
        if type(k) is slice:
            if unknown[axis_in] and shadow.shape[axis_out] == out.shape[axis_out]:
                shadow = longer(shadow, axis_out)
            axis_out += 1
        axis_in += 1
    return shadow


# ---- broadcasting merges --------------------------------------------------------------------

def _static(a):
    """(concrete shape, per-axis unknown flags) of an operand, or None if not usable."""
    if _is_traced(a):
        flags = unknown_axes(a)
        return None if flags is None else (a.v.shape, flags)
    if _is_array(a) or isinstance(a, (int, float, complex, bool)):
        return np.shape(a), [False] * np.ndim(a)
    return None


def _merge_axes(statics) -> list | None:
    """TF's broadcast of static shapes, as (concrete size, known) per axis of the result,
    right-aligned: a known size other than 1 decides an axis; None if the ranks are unknown."""
    rank = max(len(s) for s, _ in statics)
    axes = []
    for i in range(1, rank + 1):
        known = [s[-i] for s, u in statics if len(s) >= i and not u[-i] and s[-i] != 1]
        axes.append(known[0] if known else None)
    return axes[::-1]


def _conformed(a, axes):
    """The shadow of operand ``a`` with each axis that the merge knows (``axes``: the known
    size per result axis, right-aligned, or None) cut back to its value's size."""
    if not _is_traced(a) or a.w is None:
        return a.v if _is_traced(a) else a
    w = a.w
    offset = len(axes) - w.ndim
    for axis in range(w.ndim):
        if axes[offset + axis] is not None and w.shape[axis] != a.v.shape[axis]:
            w = cut(w, axis, a.v.shape[axis])
    return w


def merged(fn, args, kwargs):
    """The shadow of a call whose shadow call failed because broadcasting (or a matmul, a
    concat or a stack) met an unknown dimension and a known one: TF merges them, so the result
    has the known size there. The shadows are cut back to their values' sizes on those axes
    and the call is tried again; ``UNKNOWN_DIMS`` if it still fails (a size the call
    bakes in)."""
    try:
        shadow = _merged(fn, args, kwargs or {})
    except Exception:                       # noqa: BLE001 - not a merge: sizes baked in
        return UNKNOWN_DIMS
    return UNKNOWN_DIMS if shadow is None else shadow


def _merged(fn, args, kwargs):
    if isinstance(fn, np.ufunc) or fn is np.where:
        statics = [_static(a) for a in args]
        if None in statics or kwargs.keys() - {"dtype", "casting"}:
            return None
        axes = _merge_axes(statics)
        return fn(*[_conformed(a, axes) for a in args], **kwargs)
    if fn in (np.matmul, _kernels.matmul.__wrapped__) and len(args) == 2 and not kwargs:
        return _merged_matmul(*args)
    if fn in (np.concatenate, np.stack) and len(args) == 1 and type(args[0]) in (list, tuple):
        parts = args[0]
        statics = [_static(a) for a in parts]
        if None in statics or len({len(s) for s, _ in statics}) != 1:
            return None
        rank = len(statics[0][0])
        axis = kwargs.get("axis", 0)
        axis = axis + (rank + (fn is np.stack)) if axis < 0 else axis
        axes = []
        for i in range(rank):
            known = [s[i] for s, u in statics if not u[i]]
            joined = fn is np.concatenate and i == axis
            axes.append(known[0] if known and not joined else None)
        return fn([_conformed(a, axes) for a in parts], **kwargs)
    return None


def _merged_matmul(a, b):
    sa, sb = _static(a), _static(b)
    if sa is None or sb is None or len(sa[0]) < 2 or len(sb[0]) < 2:
        return None
    # the contracted axes merge (a's columns with b's rows), the batch axes broadcast
    (shape_a, ua), (shape_b, ub) = sa, sb
    inner = shape_a[-1] if not ua[-1] else shape_b[-2] if not ub[-2] else None
    batch = _merge_axes([(shape_a[:-2], ua[:-2]), (shape_b[:-2], ub[:-2])]) \
        if len(shape_a) > 2 or len(shape_b) > 2 else []
    axes_a = batch[len(batch) - (len(shape_a) - 2):] + [None, inner]
    axes_b = batch[len(batch) - (len(shape_b) - 2):] + [inner, None]
    return np.matmul(_conformed(a, axes_a), _conformed(b, axes_b))


__all__ = ["sliced", "merged", "longer", "cut", "unknown_axes"]


# ---- op functions whose result shape TF computes by its own rule -----------------------------
#
# Some ops bake a size of their input into an array call (``tf.expand_dims`` reshapes to the
# input's shape with a 1 inserted), so the shadow call fails; others take a shape as a tensor
# (``tf.zeros(tf.shape(x))``), computed on the host from the call being traced. For these the
# op function's own rule gives the result's static shape (``OP_RULES``), applied when the op
# function the user called makes its result (``op_result``, from ``Trace.made``).
#
# A shape tensor computed from unknown dimensions (``tf.shape(x)``, and what is computed from
# it: ``tf.shape(x)[0] * 2``, ``tf.stack([b, 3])``) is a traced value whose *value* has a shadow
# (the shadow's shape), and whose value the host may read (``host_known``): it is fixed for
# the trace, which is specialised to the call's concrete shapes. TF's rule reads such a tensor
# as a partly known shape (its ``constant_value_as_shape``): ``partial_value``.

UNKNOWN_RANK = "unknown rank"
KNOWN = "known"        # a rule's answer: every dimension of the result is known

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_AUTOGRAPH = _PACKAGE + "autograph" + os.sep
_OPS_FILES = (_PACKAGE + "ops", _PACKAGE + "tensor.py")
_IN_OPS: dict = {}          # code object -> whether it belongs to minitf/ops or tensor.py


def _op_frame(frame):
    """The outermost op function running around ``frame`` (the op code that made a value):
    the function the user (or Keras) called."""
    found = None
    while frame is not None:
        code = frame.f_code
        inside = _IN_OPS.get(code)
        if inside is None:
            inside = _IN_OPS[code] = code.co_filename.startswith(_OPS_FILES)
        if not inside:
            break
        found = frame
        frame = frame.f_back
    return found


def host_known(trace) -> set:
    """The slots of ``trace`` whose values the host may read (shape values)."""
    known = getattr(trace, "host_known", None)
    if known is None:
        known = trace.host_known = set()
    return known


def _traced(obj):
    """The traced array ``obj`` (a tensor, a variable's value) holds, or None."""
    v = getattr(obj, "_value", None)
    return v if _is_traced(v) else None


def _static_of(obj) -> list | str:
    """The static shape of an op's tensor argument, as a list (None: unknown), or
    UNKNOWN_RANK."""
    t = _traced(obj)
    if t is None:
        return list(np.shape(getattr(obj, "_value", obj)))
    shape = t.static_shape()
    return UNKNOWN_RANK if shape.rank is None else list(shape)


def partial_value(obj) -> list | str | None:
    """TF's reading of a shape argument as a partly known shape: its integers, None for an
    entry computed from an unknown dimension (a host-known value that differs from its
    shadow), UNKNOWN_RANK where even the length is unknown. None if it holds a value the host
    cannot read (then the op read none)."""
    t = type(obj)
    if t in (list, tuple):
        out = []
        for o in obj:
            p = partial_value(o)
            if p is None or p == UNKNOWN_RANK:
                return p
            out += p
        return out
    v = getattr(obj, "_value", obj)
    if _is_traced(v):
        w = v.w
        if v.slot not in host_known(v.trace):
            return None
        values = np.asarray(B.to_host(v.v)).reshape(-1).tolist()
        if w is None:
            return values
        if w is UNKNOWN_DIMS:
            return [None] * len(values)
        shadows = np.asarray(B.to_host(w)).reshape(-1).tolist()
        if len(shadows) != len(values):
            return UNKNOWN_RANK
        return [a if a == b else None for a, b in zip(values, shadows)]
    if hasattr(obj, "as_list") and not hasattr(obj, "_value"):      # a TensorShape
        obj = obj.as_list()
    try:
        return [None if d is None else int(d) for d in np.asarray(B.to_host(v)).reshape(-1)]
    except (TypeError, ValueError):
        return None


def _unknown_in(*args) -> bool:
    return any(p is None or p == UNKNOWN_RANK or None in p for p in args)


def fabricated(value, shape):
    """A shadow for ``value`` whose static shape is ``shape`` (a list with None, or
    UNKNOWN_RANK): ``value`` one longer along each unknown axis. None if ``value`` cannot have
    that shape (a value the op made on its way to its result)."""
    if not _fits(value, shape):
        return None             # not the op's result: a value it made on its way
    xp = B.xp_of(value) if not isinstance(value, np.generic) else np
    if shape == UNKNOWN_RANK:
        return xp.stack([xp.asarray(value)] * 2)
    w = xp.asarray(value)
    for axis, d in enumerate(shape):
        if d is None:
            w = longer(w, axis)
    return w


def _shadow_for(value, shape):
    """``fabricated``, or KNOWN for a shape with no unknown dimension that ``value`` has."""
    if shape != UNKNOWN_RANK and None not in shape:
        return KNOWN if _fits(value, shape) else None
    return fabricated(value, shape)


def _by_user(f) -> bool:
    """Whether the op function running in frame ``f`` was called by the user's code: minitf's
    own code passes sizes it read from the concrete shapes of the call being traced (a Keras
    layer's batch size), which TF's rule would take for known ones."""
    name = f.f_back.f_code.co_filename if f.f_back is not None else ""
    return not name.startswith(_PACKAGE) or name.startswith(_AUTOGRAPH)


def _fits(value, shape) -> bool:
    """Whether the made ``value`` can be the op's result of static ``shape`` (an op function
    makes other values on its way, which the rule does not describe)."""
    if shape == UNKNOWN_RANK:
        return True
    return len(shape) == np.ndim(value) and all(
        d is None or d == n for d, n in zip(shape, np.shape(value)))


def _axis(a) -> int | None:
    try:
        return int(np.asarray(B.to_host(getattr(a, "_value", a))).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None


def _expand_dims(local, value):
    """``tf.expand_dims``: a known 1 inserted (TF's ExpandDims)."""
    t, axis = _traced(local.get("input")), _axis(local.get("axis"))
    if t is None or t.w is None or axis is None:
        return None
    if t.w is UNKNOWN_DIMS:
        shape = [None] * t.v.ndim
        shape.insert(axis if axis >= 0 else t.v.ndim + 1 + axis, 1)
        return fabricated(value, shape)
    if np.shape(value) != np.expand_dims(np.empty(t.v.shape, np.int8), axis).shape:
        return None
    return B.xp_of(t.w).expand_dims(t.w, axis)


def _squeeze(local, value):
    """``tf.squeeze``: the axes named go (TF takes an unknown one to be 1); with no axis, every
    dimension of 1 goes, so an unknown dimension leaves even the rank unknown."""
    x = local.get("input")
    t = _traced(x)
    if t is None or t.w is None:
        return None
    static = _static_of(x)
    axis = local.get("axis")
    if axis is None or static == UNKNOWN_RANK:
        if static == UNKNOWN_RANK or None in static:
            return fabricated(value, UNKNOWN_RANK)
        return None
    axes = {a % len(static) for a in (axis if isinstance(axis, (list, tuple)) else [axis])}
    return _shadow_for(value, [d for i, d in enumerate(static) if i not in axes])


def _reshape(local, value, user=True):
    """``tf.reshape`` by TF's rule: the requested shape as far as it is known (-1 and entries
    computed from unknown dimensions unknown); one unknown entry is inferred when the input's
    size is known."""
    if not user:
        return _rebaked(local, value)
    x, requested = local.get("tensor_"), partial_value(local.get("shape"))
    if requested is None or requested == UNKNOWN_RANK:
        return None if requested is None else fabricated(value, UNKNOWN_RANK)
    static = _static_of(x)
    out = [None if d is None or d < 0 else d for d in requested]
    if static != UNKNOWN_RANK and None not in static and out.count(None) == 1:
        known = int(np.prod([d for d in out if d is not None]))
        size = int(np.prod(static))
        if known and size % known == 0:
            out[out.index(None)] = size // known
    if None not in out:             # all known (TF then infers an unknown input size)
        return _shadow_for(value, out)
    t = _traced(x)
    if t is not None and _is_array(t.w) and out.count(None) == 1 and \
            _fits(value, out):
        # the shadow reshaped, where the sizes allow it: shadows of one value keep one size
        known = int(np.prod([d for d in out if d is not None]))
        if known and t.w.size % known == 0 and t.w.size // known != value.shape[
                out.index(None)]:
            return t.w.reshape([-1 if d is None else d for d in out])
    return fabricated(value, out)


def _rebaked(local, value):
    """``tf.reshape`` called by minitf's own code (a Keras layer), which passes the sizes of
    the call being traced where TF's code passes ``tf.shape(x)``'s: a requested size equal to
    an unknown dimension of the input at the same position is taken to be that dimension
    (the shadow is reshaped with the shadow's size there: the batch of ``Flatten``)."""
    t = _traced(local.get("tensor_"))
    if t is None or not _is_array(t.w) or t.w.ndim != t.v.ndim:
        return None
    try:
        requested = [int(d) for d in np.asarray(B.to_host(
            getattr(local.get("shape"), "_value", local.get("shape")))).reshape(-1)] \
            if not isinstance(local.get("shape"), (list, tuple)) else \
            [int(getattr(d, "_value", d)) for d in local.get("shape")]
        for i, d in enumerate(requested[:t.v.ndim]):
            if d == t.v.shape[i] and t.w.shape[i] != d:
                requested[i] = t.w.shape[i]
        shadow = t.w.reshape(requested)
    except (TypeError, ValueError):
        return None
    return shadow if shadow.ndim == np.ndim(value) else None


def _shaped_by(name):
    """An op whose result has the shape given by its argument ``name`` (``tf.zeros(shape)``,
    ``tf.fill(dims, v)``, the random draws)."""
    def rule(local, value):
        shape = partial_value(local.get(name))
        if shape is None or not _unknown_in(shape):
            return None
        return fabricated(value, shape)
    return rule


def _range(local, value):
    """``tf.range``: its length is unknown when a bound is."""
    parts = [partial_value(local.get(k)) for k in ("start", "limit", "delta")]
    if not any(p is not None and p != UNKNOWN_RANK and None in p for p in parts):
        return None
    return fabricated(value, [None])


def _eye(local, value):
    rows, cols = partial_value(local.get("num_rows")), partial_value(local.get("num_columns"))
    batch = local.get("batch_shape")
    batch = [] if batch is None else partial_value(batch)
    if rows is None or batch is None or batch == UNKNOWN_RANK:
        return None
    cols = rows if local.get("num_columns") is None else cols
    if cols is None or not _unknown_in(rows, cols, batch):
        return None
    return fabricated(value, batch + rows + cols)


def _one_hot(local, value):
    """``tf.one_hot``: a new axis of ``depth`` (unknown when the depth is)."""
    depth = partial_value(local.get("depth"))
    static = _static_of(local.get("indices"))
    if depth is None or static == UNKNOWN_RANK or depth[0] is not None:
        return None
    axis = local.get("axis")
    axis = -1 if axis is None else int(axis)
    static.insert(len(static) if axis == -1 else axis, None)
    return fabricated(value, static)


def _broadcast_to(local, value, user=True):
    """``tf.broadcast_to`` a shape computed from unknown dimensions: that shape, where the
    input's shadow broadcasts to the shape's shadow."""
    shape = local.get("shape")
    requested = partial_value(shape)
    if requested is None or requested == UNKNOWN_RANK or not user:
        return None
    if None not in requested:           # TF: the shape asked for, the input's merged into it
        return _shadow_for(value, requested)
    x = local.get("input")
    t = _traced(x)
    try:
        w = t.w if t is not None and _is_array(t.w) else getattr(x, "_value", x)
        target = _traced(shape)
        target = tuple(int(d) for d in np.asarray(B.to_host(target.w)).reshape(-1)) \
            if target is not None else None
        if target is not None:
            out = B.xp_of(w).broadcast_to(w, target)
            if _fits(value, requested) and \
                    _unknown_static(value, out) == [d is None for d in requested]:
                return out
    except (TypeError, ValueError, AttributeError):
        pass
    return fabricated(value, requested)


def _unknown_static(value, shadow) -> list:
    return [a != b for a, b in zip(np.shape(value), shadow.shape)]


def _tile(local, value):
    """``tf.tile``: each size times its multiple, unknown where either is."""
    multiples = partial_value(local.get("multiples"))
    if multiples is None or multiples == UNKNOWN_RANK or None not in multiples:
        return None
    static = _static_of(local.get("input"))
    if static == UNKNOWN_RANK:
        return None
    return fabricated(value, [None if d is None or m is None else d * m
                              for d, m in zip(static, multiples)])


def _shape(local, value):
    """``tf.shape(x)`` of a value with unknown dimensions: a host-known value whose shadow is
    its shadow's shape (TF's Shape op; its value is a constant of the specialised program)."""
    t = _traced(local.get("input"))
    if t is None or t.w is None:
        return None
    if list(np.asarray(value)) != list(t.v.shape):
        return None
    if t.w is UNKNOWN_DIMS:
        return np.asarray(value) + 1
    return np.array(t.w.shape, np.asarray(value).dtype)


def _size(local, value):
    t = _traced(local.get("input"))
    if t is None or t.w is None:
        return None
    size = np.asarray(value).item() + 1 if t.w is UNKNOWN_DIMS else t.w.size
    return np.array(size, np.asarray(value).dtype)


_VALUE_RULES = (_shape, _size)      # their shadow is a value (a shape), not a shape
_USER_RULES = (_reshape, _broadcast_to)     # that trust sizes only from the user's code
OP_RULES: dict | None = None


def _rules() -> dict:
    from ..ops import array_ops as A
    from ..ops import random_ops as R
    from ..ops import stateless_random_ops as S
    rules = {A.expand_dims: _expand_dims, A.squeeze: _squeeze, A.reshape: _reshape,
             A.zeros: _shaped_by("shape"), A.ones: _shaped_by("shape"),
             A.fill: _shaped_by("dims"), A.range: _range, A.eye: _eye, A.one_hot: _one_hot,
             A.broadcast_to: _broadcast_to, A.tile: _tile, A.shape: _shape, A.size: _size,
             R.normal: _shaped_by("shape"), R.uniform: _shaped_by("shape"),
             R.truncated_normal: _shaped_by("shape"),
             S.stateless_random_normal: _shaped_by("shape"),
             S.stateless_random_uniform: _shaped_by("shape")}
    return {fn.__code__: rule for fn, rule in rules.items()}


def _draw_codes() -> set:
    from ..ops import random_ops as R
    return {c for c in R._draw.__code__.co_consts if hasattr(c, "co_name")}


_NO_SHADOW_CALL: set | None = None


def no_shadow_call(fn) -> bool:
    """Whether ``fn`` must not run on shadows: a random draw whose shape is a traced value
    (each run moves its stream on). Its shadow comes from its op's rule instead."""
    global _NO_SHADOW_CALL
    if _NO_SHADOW_CALL is None:
        _NO_SHADOW_CALL = _draw_codes()
    return getattr(fn, "__code__", None) in _NO_SHADOW_CALL


def _constant(value):
    """The node a value computed on the host becomes when it has unknown dimensions."""
    return value


def _shape_node(value):
    """The node a shape value computed while tracing becomes (TF's ``Shape``): its value."""
    return value


_shape_node.__name__ = "shape"


def op_result(trace, value, frame):
    """Apply the rule of the op function that made ``value`` (``frame``: the code that called
    ``_make``), if it has one: a traced value gets the rule's shadow; a value computed on the
    host that the rule finds unknown dimensions in (or a shape value) becomes a host-known
    traced constant with that shadow, returned for the tensor to hold. None otherwise."""
    global OP_RULES
    f = _op_frame(frame)
    if f is None:
        return None
    if OP_RULES is None:
        OP_RULES = _rules()
    rule = OP_RULES.get(f.f_code)
    if rule is None:
        if _is_traced(value):
            _fallback(f, value)
        return None
    traced = _is_traced(value)
    concrete = value.v if traced else value
    try:
        if rule in _USER_RULES:
            shadow = rule(f.f_locals, concrete, _by_user(f))
        else:
            shadow = rule(f.f_locals, concrete)
    except Exception:                   # noqa: BLE001 - an argument the rule cannot read
        return None
    if shadow is None:
        if traced:
            _fallback(f, value)
        return None
    if traced:
        if rule not in _VALUE_RULES:
            value.w = None if shadow is KNOWN else shadow
        return None
    if shadow is KNOWN:
        return None
    # a node of the program that gives the value (a call without traced arguments)
    res = trace.call(_shape_node if rule in _VALUE_RULES else _constant, (concrete,), {})
    res.w = shadow
    host_known(trace).add(res.slot)
    _partial(trace).add(res.slot)       # TF reads it as a partly known shape at most
    if rule is _shape:
        trace.shape_values.add(res.slot)
    return res




# Op functions that compute with sizes read from their input's concrete shape (windows,
# patches, GEMM reshapes), pure: run again on their input's shadow when the shadow call of
# their array operations failed, they give the shadow of their result.
_RERUN_MODULES = ("conv_ops", "pooling_ops")
_RERUN_EXTRA = ("tensordot", "einsum")


def _rerunnable(f) -> bool:
    module = f.f_globals.get("__name__", "").rsplit(".", 1)[-1]
    return module in _RERUN_MODULES or f.f_code.co_name in _RERUN_EXTRA


def _fallback(f, value) -> None:
    """A traced value made by an op function without a rule, whose shadow is missing (None)
    or could not be computed: a pure op of ``_RERUN_MODULES`` is run again on its arguments'
    shadows (``_rerun``); a value with no shadow made by an op that has an input with unknown
    dimensions (a random draw of the input's concrete shape, in ``tf.nn.dropout``) is
    given them where its sizes are those of the input's unknown dimensions, position by
    position, as TF's op reads the draw's shape from ``tf.shape`` of the input."""
    w = value.w
    if w is UNKNOWN_DIMS and _rerunnable(f):
        shadow = _rerun(f)
        if shadow is not None and np.ndim(shadow) == value.v.ndim:
            value.w = shadow
        return
    if w is not None or not value.v.ndim:
        return
    t = _shadowed_input(f)
    if t is not None:
        shape = [None if i < t.v.ndim and n == t.v.shape[i] and t.w.shape[i] != n else n
                 for i, n in enumerate(value.v.shape)]
        if None in shape:
            value.w = fabricated(value.v, shape)


def _shadowed_input(f):
    """The first argument with unknown dimensions (a traced array whose shadow has its rank)
    of the op function of frame ``f``, or else of minitf's code that called it (a Keras
    layer's ``call``, its random module's dropout), up to the user's code."""
    while f is not None and f.f_code.co_filename.startswith(_PACKAGE):
        code = f.f_code
        local = f.f_locals
        for name in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
            t = _traced(local.get(name))
            if t is not None and _is_array(t.w) and t.w.ndim == t.v.ndim and \
                    t.w.shape != t.v.shape:
                return t
        if f.f_code.co_filename.startswith(_AUTOGRAPH):
            break
        f = f.f_back
    return None


def _rerun(f):
    """The result of the op function running in frame ``f`` run again, eagerly, with each
    tensor argument that has a shadow replaced by its shadow; None if it fails."""
    fn = f.f_globals.get(f.f_code.co_name)
    if getattr(fn, "__code__", None) is not f.f_code:
        return None
    code = f.f_code
    local = f.f_locals
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    shadows, known = {}, {}
    for name in names:
        t = _traced(local.get(name))
        if t is not None and t.w is not None:
            if not _is_array(t.w):
                return None
            shadows[name] = (t.w, local[name].dtype)
        elif t is not None:     # a traced value of known shape (a constant lifted on the GPU)
            known[name] = (t.v, local[name].dtype)
    if not shadows:
        return None
    shadows.update(known)

    def run():
        from ..tensor import _make
        args = {n: local.get(n) for n in names}
        args.update({n: _make(w, dt) for n, (w, dt) in shadows.items()})
        return fn(**args)._value
    try:
        return B.TRACER.eager(run)
    except Exception:                       # noqa: BLE001 - the shadows do not fit it
        return None


def _partial(trace) -> set:
    """The host-known slots TF could not evaluate as a whole (computed from a shape with
    unknown dimensions other than by taking it apart and putting it together): TF reads
    them as partly known shapes only."""
    partial = getattr(trace, "host_partial", None)
    if partial is None:
        partial = trace.host_partial = set()
        trace.shape_values = set()
    return partial


def _int_cast(fn, args, kwargs) -> bool:
    return getattr(fn, "name", None) == "astype" and len(args) > 1 and \
        np.dtype(args[1]).kind in "iu" and args[0].v.dtype.kind in "iu"


def host_result(trace, fn, args, kwargs, res, shadow):
    """The shadow of ``res = fn(*args, **kwargs)`` when its traced arguments are host-known
    (shape values): ``res`` is one too. TF evaluates such a value only when its inputs are
    known as a whole; a shape taken apart (a slice, ``tf.shape(x)[1]``: one entry of a Shape
    op), put together (``tf.stack``, ``tf.concat``) or cast to another integer type keeps
    what is known of each entry; any other op of a partly known shape (``tf.shape(x) * 2``,
    ``tf.reduce_prod(tf.shape(x)[1:])``) is unknown in every entry."""
    found = []
    _slots((args, kwargs), found)
    known = trace.host_known
    if not all(s in known for s in found):
        return shadow
    known.add(res.slot)
    partial = _partial(trace)
    if not any(s in partial for s in found):
        return shadow               # computed from values TF knows: TF knows it
    partial.add(res.slot)
    if fn is operator.getitem and res.v.ndim == 0 and args[0].slot in trace.shape_values \
            and _is_array(shadow) and shadow == res.v:
        partial.discard(res.slot)
        return shadow               # a known entry of a Shape op: TF knows it
    if fn is operator.getitem and res.v.ndim:
        return shadow
    if (fn in (np.stack, np.concatenate) or _int_cast(fn, args, kwargs)) and res.v.ndim:
        return shadow
    # anything else, and any single number TF cannot evaluate (TF knows a scalar or not)
    if _is_array(shadow) and np.shape(shadow) == np.shape(res.v) and \
            res.v.dtype.kind in "iu":
        return res.v + 1            # every entry unknown
    return shadow


def aliased(trace, value, res) -> None:
    """``res`` is ``tf.identity(value)``: host-known if ``value`` is; TF does not evaluate
    through an Identity, so a partly known shape is unknown in every entry."""
    if value.slot not in getattr(trace, "host_known", ()):
        return
    trace.host_known.add(res.slot)
    if value.slot in _partial(trace):
        trace.host_partial.add(res.slot)
        if _is_array(value.w) and value.v.dtype.kind in "iu" and \
                np.shape(value.w) == np.shape(value.v):
            res.w = value.v + 1
