"""``tf.autograph``: converting Python control flow on tensors into graph control flow.

``tf.function`` converts the function it wraps before tracing it (``autograph=True``, the
default), as TensorFlow does: an ``if`` whose condition is a tensor becomes ``tf.cond``, a
``while`` on a tensor condition or a ``for`` over ``tf.range`` or a tensor becomes
``tf.while_loop``, with ``break``, ``continue`` and ``return`` inside them. Conditions on Python
values keep Python's semantics: the branch is chosen while tracing.

>>> import minitf as tf
>>> @tf.function
... def collatz(n):
...     steps = 0
...     while n > 1:
...         if n % 2 == 0:
...             n = n // 2
...         else:
...             n = 3 * n + 1
...         steps += 1
...     return steps
>>> int(collatz(tf.constant(6))), int(collatz(tf.constant(27)))
(8, 111)

``to_code`` shows what the conversion made (valid Python; ``ag__`` is
``minitf.autograph.operators``):

>>> def f(x):
...     if x > 0:
...         x = x * x
...     return x
>>> print(tf.autograph.to_code(f))   # doctest: +ELLIPSIS
def f(x):
<BLANKLINE>
    def if_body_1():
        nonlocal x
        x = x * x
<BLANKLINE>
    def else_body_1():
        nonlocal x
        pass
...
    ag__.if_stmt(x > 0, if_body_1, else_body_1, get_state_1, set_state_1, ('x',))
    return x
<BLANKLINE>
"""
from __future__ import annotations

import functools
from typing import Callable

from . import conversion, operators  # noqa: F401
from .conversion import ConversionError


def _unwrap(entity):
    # a tf.function: its Python function is what is converted
    return getattr(entity, "python_function", entity)


def to_graph(entity: Callable, recursive: bool = True,
             experimental_optional_features=None) -> Callable:
    """The converted version of a Python function (TF's ``tf.autograph.to_graph``): it runs
    graph control flow (``tf.cond``, ``tf.while_loop``) where its conditions are traced
    tensors, and Python's elsewhere. Raises ``ConversionError`` without source code.

    >>> import minitf as tf
    >>> def absolute(x):
    ...     if x < 0:
    ...         x = -x
    ...     return x
    >>> g = tf.autograph.to_graph(absolute)
    >>> float(tf.function(g, autograph=False)(tf.constant(-2.0)))
    2.0
    """
    entity = _unwrap(entity)
    import types
    if isinstance(entity, types.MethodType):
        return types.MethodType(to_graph(entity.__func__), entity.__self__)
    if not isinstance(entity, types.FunctionType):
        raise ConversionError(f"tf.autograph.to_graph converts Python functions, got "
                              f"{entity!r}")
    return conversion.convert(entity)


def to_code(entity: Callable, recursive: bool = True,
            experimental_optional_features=None) -> str:
    """The source code of the converted function, as a string (TF's
    ``tf.autograph.to_code``). minitf's text is its own: the branches and loop bodies are
    nested functions, the statements calls of ``ag__`` (``minitf.autograph.operators``).

    >>> import minitf as tf
    >>> def count(n):
    ...     s = 0
    ...     for i in tf.range(n):
    ...         s += i
    ...     return s
    >>> code = tf.autograph.to_code(count)
    >>> "ag__.for_stmt(ag__.iterate(tf.range, (n,)), None, loop_body_1" in code
    True
    """
    entity = _unwrap(entity)
    entity = getattr(entity, "__func__", entity)
    _, source = conversion.converted_source(entity)
    return source + "\n"


def do_not_convert(func: Callable | None = None):
    """Run ``func`` as it is, unconverted, even when a tf.function or a converted function
    calls it (TF's ``tf.autograph.experimental.do_not_convert``). A tensor condition inside it
    is then ``OperatorNotAllowedInGraphError`` while tracing.

    >>> import minitf as tf
    >>> @tf.autograph.experimental.do_not_convert
    ... def plain(x):
    ...     return x + 1
    >>> float(tf.function(plain)(tf.constant(1.0)))
    2.0
    """
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    setattr(wrapper, conversion._DISABLED, True)
    return wrapper


class experimental:  # noqa: N801  (a namespace, as tf.autograph.experimental)
    """``tf.autograph.experimental``: ``do_not_convert``."""

    do_not_convert = staticmethod(do_not_convert)


__all__ = ["to_graph", "to_code", "experimental", "ConversionError"]
