"""``tf.cond`` and ``tf.while_loop``: control flow on tensor values.

Eagerly they are Python's ``if`` and ``while``: the predicate is read and one branch runs, so
gradients flow through the branch taken, as in TF. Inside ``tf.function`` the predicate is not
known in the trace, so both branches (or the loop's condition and body) are traced once into
blocks of the program, and the replayed program decides on every call:

>>> import minitf as tf
>>> @tf.function
... def collatz_steps(n):
...     def body(n, steps):
...         n = tf.cond(n % 2 == 0, lambda: n // 2, lambda: 3 * n + 1)
...         return n, steps + 1
...     return tf.while_loop(lambda n, steps: n > 1, body, [n, 0])[1]
>>> int(collatz_steps(tf.constant(6))), int(collatz_steps(tf.constant(27)))
(8, 111)

Gradients through a traced ``tf.cond``: when a tape records inside the function, minitf computes
both branches and selects the outputs (``tf.where``), so the gradient of the branch not taken
is zero; a branch with side effects (``assign``, ``tf.print``) is then refused. A traced
``tf.while_loop`` is recorded on the tape as one op whose gradient runs the loop backwards
(``minitf/function/while_gradients.py``).

This module is the eager half; the traced half (blocks of the program) is tf.function's, in
``minitf/function/control_flow.py``, reached through the seam in ``_backend.py``
(``B.TRACER.cond`` / ``B.TRACER.while_loop``).
"""
from __future__ import annotations

from .. import _backend as B
from .. import nest
from ..tensor import Tensor, convert_to_tensor, is_variable
from . import random_seed


def _value_of(x):
    t = x if isinstance(x, Tensor) else convert_to_tensor(x)
    return t._value


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``; both must return the same structure."""
    if true_fn is None or false_fn is None or not callable(true_fn) or not callable(false_fn):
        raise TypeError("tf.cond requires callables true_fn and false_fn.")
    if B.TRACING and isinstance(pred, bool) and random_seed.in_trace():
        # a graph's cond takes a tensor (TF's check, also inside tf.function)
        raise TypeError("pred must not be a Python bool", pred)
    p = pred._value if isinstance(pred, Tensor) else (
        pred._read_for_op()._value if is_variable(pred) else pred)
    if B.TRACING and type(p) is B.SYMBOLIC:      # inside tf.function: both branches traced
        out = B.TRACER.cond(pred, p, true_fn, false_fn)
        if out is not NotImplemented:
            return out
    return true_fn() if bool(p) else false_fn()


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; returns the final
    ``loop_vars`` (same structure). Dtypes must not change between iterations, nor shapes
    unless ``shape_invariants`` relaxes them (inside tf.function; TF's ValueError otherwise).
    ``maximum_iterations`` stops the loop after that many iterations even if ``cond`` still
    holds; ``back_prop=False`` stops the gradient inside tf.function (eagerly TF ignores it).

    >>> import minitf as tf
    >>> tf.while_loop(lambda i, x: True, lambda i, x: (i + 1, x * 2.0), [0, 1.0],
    ...               maximum_iterations=3)
    [<tf.Tensor: shape=(), dtype=int32, numpy=3>, <tf.Tensor: shape=(), dtype=float32, numpy=8.0>]
    """
    if isinstance(parallel_iterations, (int, float)) and parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if B.TRACING:      # inside tf.function, with traced loop variables: a traced loop
        out = B.TRACER.while_loop(cond, body, loop_vars, maximum_iterations,
                                  shape_invariants=shape_invariants)
        if out is not NotImplemented:
            if not back_prop:
                # TF's graph loop then has no gradient (eagerly back_prop is ignored)
                from .math_ops import stop_gradient
                out = nest.map_structure(
                    lambda t: stop_gradient(t) if isinstance(t, Tensor) else t, out)
            return out
    single = not isinstance(loop_vars, (list, tuple))
    lv = [loop_vars] if single else list(loop_vars)
    flat = nest.flatten(lv)
    vals = [convert_to_tensor(x) if not isinstance(x, Tensor) else x for x in flat]
    state = nest.pack_sequence_as(lv, vals)
    i = 0
    # A traced condition cannot be read here: bool() of it raises TF's
    # OperatorNotAllowedInGraphError.
    while bool(_value_of(cond(*state))):
        if maximum_iterations is not None and i >= int(maximum_iterations):
            break
        state = list(_pack(lv, body(*state)))
        i += 1
    return state[0] if single else type(loop_vars)(state) if isinstance(
        loop_vars, tuple) else state


def _pack(lv, out):
    if len(lv) == 1 and not isinstance(out, (list, tuple)):
        return [out]
    return list(out)
