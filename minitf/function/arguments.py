"""A tf.function call's arguments and results: which leaves are tensors, how they enter a
trace (as named program inputs) and how returned values leave it.

Shared by ``polymorphic_function`` (tracing and replay) and ``gradients`` (the differentiable
call), so neither imports the other's internals.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import _backend as B
from .. import nest
from ..tensor import SymbolicTensor, Tensor, _next_id, convert_to_tensor, is_variable
from . import tracing
from .tracing import Trace


def _is_variable(x) -> bool:
    return is_variable(x) and hasattr(x, "assign")


def _is_tensor_like(x) -> bool:
    return type(x) is Tensor or isinstance(x, Tensor) or (
        isinstance(x, np.ndarray) and x.dtype.kind not in "OUS") or B.is_device_array(x)


_PY_OUTPUTS = (bool, int, float, complex, str, bytes, np.generic, np.ndarray)


def _output_tensor(o, python_function):
    """A returned leaf as tf.function hands it back: TF converts Python numbers, strings and
    NumPy values to constant tensors (``tf.function(lambda x: x**3)(2)`` is an int32 tensor,
    not the int 8), keeps None, and refuses other objects with a TypeError."""
    if o is None or isinstance(o, Tensor):
        return o
    if isinstance(o, _PY_OUTPUTS):
        return convert_to_tensor(o)
    raise TypeError(
        "To be compatible with tf.function, Python functions must return zero or more Tensors "
        f"or ExtensionTypes or None values; in compilation of {python_function!r}, found "
        f"return value of type {type(o).__name__}, which is not a Tensor or ExtensionType.")


def _parameter_names(python_function, args, kwargs) -> list:
    """A name for each leaf of ``(args, kwargs)``, as TF names its placeholders (and so what
    ``print(x)`` shows while tracing): the Python parameter's name; ``x``, ``x_1``, ... for the
    leaves of a nested argument; ``args_0``, ``args_1`` for ``*args``."""
    import inspect
    try:
        params = list(inspect.signature(python_function).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    star = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), "args")

    def label(base, value):
        count = itertools.count()
        return nest.map_structure(lambda _: tracing.numbered(base, next(count)), value)

    names = tuple(label(positional[i].name if i < len(positional) else
                        f"{star}_{i - len(positional)}", a) for i, a in enumerate(args))
    return nest.flatten((names, {k: label(k, v) for k, v in kwargs.items()}))


def traced_arguments(tr: Trace, leaves, args, kwargs, python_function=None, shapes=None):
    """The call's tensor arguments as program inputs of ``tr``, named after
    ``python_function``'s parameters; ``shapes``: per leaf, the static shape where the
    signature leaves dimensions unknown (else None). Returns (input Traced arrays, args,
    kwargs, the traced input tensors)."""
    inputs, new_leaves, tensors = [], [], []
    names = _parameter_names(python_function, args, kwargs) if python_function else []
    for i, x in enumerate(leaves):
        if _is_tensor_like(x) and not _is_variable(x):
            t = x if isinstance(x, Tensor) else convert_to_tensor(x)
            # A dry trace (of a call under a tape) sees the call's values too: a size or an
            # index read from an input (a TensorArray's, a loop's) must be the real one.
            # get_concrete_function's inputs are stand-ins already (_zeros_for).
            traced = tr.input(t._value, shapes[i] if shapes else None)
            if i < len(names):
                tr.names[traced.slot] = names[i]
            inputs.append(traced)
            # made before the trace runs, yet a tensor of its graph: TF's SymbolicTensor
            tt = object.__new__(SymbolicTensor)
            tt._value, tt._dtype, tt._id = traced, t._dtype, _next_id()
            tensors.append(tt)
            new_leaves.append(tt)
        else:
            new_leaves.append(x)
    t_args, t_kwargs = nest.pack_sequence_as((tuple(args), dict(kwargs)), new_leaves)
    return inputs, t_args, t_kwargs, tensors
