"""``tf.py_function``: a Python function as an op, run eagerly every time the op runs.

TF wraps ``func`` in an op (``EagerPyFunc``) whose kernel calls back into Python with eager
tensors. Outside ``tf.function`` that is just a call; inside one, the Python body does *not*
become part of the graph: it runs, eagerly, on every call of the traced function, with that
call's values. ``Tout`` gives the result's dtype (a list of dtypes: a list of results); a
result of another dtype is an ``InvalidArgumentError``. It is also usable as a decorator,
``@tf.py_function(Tout=tf.float32)``.

In minitf the op is one operation of the traced program (asked through the seam), which calls
the Python function with the call's arrays as tensors. minitf's trace is a real call, so the
body runs once as the trace is made (that is the first call's run) and again on each later call.

>>> import minitf as tf
>>> @tf.py_function(Tout=tf.float32)
... def py_plus(x, y):
...     return x + y
>>> @tf.function
... def f(x, y):
...     return py_plus(x, y) * 2.0
>>> [float(f(tf.constant(1.0), tf.constant(a))) for a in (2.0, 5.0)]
[6.0, 12.0]
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from ..tensor import Tensor, _make, convert_to_tensor


def _run(func: Callable, tout: list, single: bool, inputs: list, arrays) -> Any:
    """``func`` on eager tensors of ``arrays``; the results' arrays, checked against Tout."""
    args = [_make(a, t._dtype) for a, t in zip(arrays, inputs)]
    out = func(*args)
    outs = [out] if single else list(out if isinstance(out, (list, tuple)) else [out])
    if len(outs) != len(tout):
        raise invalid_argument(f"The Python function returned {len(outs)} values, but Tout "
                               f"lists {len(tout)}", "EagerPyFunc")
    values = []
    for o, dt in zip(outs, tout):
        try:
            t = convert_to_tensor(o, dt)
        except (TypeError, ValueError) as e:
            raise invalid_argument(f"{type(e).__name__}: {e}", "EagerPyFunc") from None
        if t._dtype is not dt:
            raise invalid_argument(
                f"ValueError: Tensor conversion requested dtype {dt.name} for Tensor with "
                f"dtype {t._dtype.name}: {t!r}", "EagerPyFunc")
        values.append(t._value)
    return values[0] if single else tuple(values)


def py_function(func: Callable | None = None, inp: Any = None, Tout: Any = None,  # noqa: N803
                name: str | None = None) -> Any:
    """Run ``func(*inp)`` as an op: eagerly, on every execution, also inside ``tf.function``.
    With no ``inp`` it is a decorator (``@tf.py_function(Tout=...)``)."""
    if func is None or inp is None and Tout is not None and callable(func):
        if func is None:
            return lambda f: _decorated(f, Tout)
        return _decorated(func, Tout)
    single = not isinstance(Tout, (list, tuple))
    tout = [dtypes.as_dtype(Tout)] if single else [dtypes.as_dtype(t) for t in Tout]
    inputs = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in (inp or [])]
    arrays = [t._value for t in inputs]
    run = functools.partial(_run, func, tout, single, inputs)
    if B.TRACING and any(type(a) is B.SYMBOLIC for a in arrays):
        # an operation of the traced program: it calls back into Python on every replay
        out = B.TRACER.record(lambda *arrs: B.TRACER.eager(lambda: run(arrs)), arrays)
    else:
        out = B.TRACER.stateful(lambda: B.TRACER.eager(lambda: run(arrays))) if B.TRACING \
            else run(arrays)
    if single:
        return _make(out, tout[0])
    return [_make(o, dt) for o, dt in zip(out, tout)]


def _decorated(func: Callable, tout) -> Callable:
    @functools.wraps(func)
    def wrapper(*args):
        return py_function(func, list(args), tout)
    return wrapper


__all__ = ["py_function"]
