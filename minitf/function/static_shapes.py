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

from .. import _backend as B
from . import tracing


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
    if type(t) is not tracing.Traced:
        return [False] * np.ndim(t)
    w = t.w
    if w is None:
        return [False] * t.v.ndim
    if w is tracing._UNKNOWN_DIMS or w.ndim != t.v.ndim:
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
    if unknown is None or not any(unknown) or not tracing._is_array(shadow):
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
    if type(a) is tracing.Traced:
        flags = unknown_axes(a)
        return None if flags is None else (a.v.shape, flags)
    if tracing._is_array(a) or isinstance(a, (int, float, complex, bool)):
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
    if type(a) is not tracing.Traced or a.w is None:
        return tracing._shadow(a)
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
    and the call is tried again; ``tracing._UNKNOWN_DIMS`` if it still fails (a size the call
    bakes in)."""
    try:
        shadow = _merged(fn, args, kwargs or {})
    except Exception:                       # noqa: BLE001 - not a merge: sizes baked in
        return tracing._UNKNOWN_DIMS
    return tracing._UNKNOWN_DIMS if shadow is None else shadow


def _merged(fn, args, kwargs):
    if isinstance(fn, np.ufunc) or fn is np.where:
        statics = [_static(a) for a in args]
        if None in statics or kwargs.keys() - {"dtype", "casting"}:
            return None
        axes = _merge_axes(statics)
        return fn(*[_conformed(a, axes) for a in args], **kwargs)
    if fn is np.matmul and len(args) == 2 and not kwargs:
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
