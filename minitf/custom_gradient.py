"""``tf.custom_gradient``: a function whose gradient you write yourself.

The decorated function returns ``(y, grad_fn)``. Its forward runs normally; then one op is
recorded from its positional tensor arguments (and any Variables it read) to fresh copies of its
outputs, whose VJP is ``grad_fn``. Because ``grad_fn`` is written with minitf ops, an outer tape
records it, so second derivatives through a custom gradient work.

The classic use is a numerically stable gradient:

>>> import minitf as tf
>>> @tf.custom_gradient
... def my_softplus(z):
...     def grad(upstream):
...         return upstream * (1 - 1 / (1 + tf.exp(z)))
...     return tf.math.log1p(tf.exp(-tf.abs(z))) + tf.maximum(0., z), grad
>>> x = tf.Variable(1000.)
>>> with tf.GradientTape() as tape:
...     y = my_softplus(x)
>>> float(y), float(tape.gradient(y, x))
(1000.0, 1.0)
"""
from __future__ import annotations

import functools
import inspect

from . import nest
from . import record as _record
from .forward_accumulator import carry_tangents
from .tensor import Tensor, _make, convert_to_tensor
from .variable import Variable


def _accepts_variables(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def custom_gradient(f=None):
    """Decorate ``f(*args) -> (y, grad_fn)`` so that tapes use ``grad_fn`` as its gradient."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        seen: list = []
        _record.TAPES.access_watchers.append(seen)
        try:
            result, grad_fn = f(*args, **kwargs)
        finally:
            _record.TAPES.access_watchers.remove(seen)
        arg_vars = [a for a in args if isinstance(a, Variable)]
        variables = []
        for v in seen:
            if not any(v is a for a in arg_vars) and not any(v is w for w in variables):
                variables.append(v)
        wants_vars = _accepts_variables(grad_fn)
        if variables and not wants_vars:
            raise TypeError("@custom_gradient grad_fn must accept keyword argument 'variables', "
                            f"since function uses variables: {variables}")
        inputs = [a._snapshot() if isinstance(a, Variable) else a
                  for a in args if isinstance(a, (Tensor, Variable))]
        flat = [convert_to_tensor(o) for o in nest.flatten(result)]
        outs = tuple(_make(o._value, o._dtype) for o in flat)
        if _record.TAPES.recording:
            carry_tangents(flat, outs)   # forward mode: the forward's own tangents come first
            all_inputs = tuple(inputs) + tuple(v._snapshot() for v in variables)

            def all_grads(up, needed):    # grad_fn gives every gradient at once: a joint VJP
                ups = up if isinstance(up, tuple) else (up,)
                return tuple(_call_grad_fn(grad_fn, ups, inputs, variables, wants_vars))
            _record.record(f"CustomGradient:{getattr(f, '__name__', 'f')}", all_inputs,
                           outs, joint=all_grads)
        return nest.pack_sequence_as(result, list(outs))

    return wrapped


def _call_grad_fn(grad_fn, ups, inputs, variables, wants_vars) -> list:
    if variables:
        res = grad_fn(*ups, variables=variables)
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise ValueError("A @custom_gradient grad_fn for a function that uses variables must "
                             "return (input_gradients, variable_gradients).")
        in_grads, var_grads = res
        var_grads = list(var_grads) if isinstance(var_grads, (list, tuple)) else [var_grads]
        if len(var_grads) != len(variables):
            raise ValueError("Must return gradient for each variable from @custom_gradient "
                             f"grad_fn: {len(variables)} variables, {len(var_grads)} gradients.")
    else:
        in_grads, var_grads = grad_fn(*ups), []
    in_grads = list(in_grads) if isinstance(in_grads, (list, tuple)) else [in_grads]
    if len(in_grads) != len(inputs):
        raise ValueError(f"custom_gradient function expected to return {len(inputs)} gradients, "
                         f"but returned {len(in_grads)} instead.")
    out = []
    for i, (g, x) in enumerate(zip(in_grads + var_grads, list(inputs) + list(variables))):
        if g is None:
            out.append(None)
            continue
        if not isinstance(g, Tensor):
            g = convert_to_tensor(g, x.dtype)
        if g.shape != x.shape:
            raise ValueError(f"custom_gradient grad_fn returned a gradient of shape {g.shape} "
                             f"for input {i} of shape {x.shape}; they must be equal.")
        out.append(g)
    return out
