"""The tracing protocol: how ``tf.function`` tells whether two calls may share one trace.

For every argument of a call, TF computes a *trace type*: tensors by dtype and shape, Python
numbers and strings by value, other objects by identity (held weakly). A call reuses an earlier
trace when its trace types match that trace's. An object can choose its own trace type by
defining ``__tf_tracing_type__(context)`` (the ``SupportsTracingProtocol``) and returning a
``TraceType``: then objects whose trace types are equal share a trace, however many instances
there are. The guide's example gives each fruit class one trace type, so new ``Apple()``
objects do not retrace a function that an earlier ``Apple()`` traced.

A ``TraceType`` must define ``__eq__`` and ``__hash__`` (the trace cache is keyed on them),
``is_subtype_of(other)`` and ``most_specific_common_supertype(others)`` (how TF relates trace
types; minitf looks traces up by equality, which agrees with these for types whose subtype
relation is equality, as the guide's) and ``placeholder_value(placeholder_context)``, the value
the trace is made with (minitf traces with the argument itself).

>>> import minitf as tf
>>> class ByClass(tf.types.experimental.TraceType):
...     def __init__(self, obj): self.cls = type(obj)
...     def is_subtype_of(self, other): return self == other
...     def most_specific_common_supertype(self, others):
...         return self if all(self == o for o in others) else None
...     def placeholder_value(self, placeholder_context=None): return None
...     def __eq__(self, other): return type(other) is ByClass and other.cls is self.cls
...     def __hash__(self): return hash(self.cls)
>>> class Config:
...     scale = 2.0
...     def __tf_tracing_type__(self, context): return ByClass(self)
>>> @tf.function
... def f(c, x):
...     return x * c.scale
>>> float(f(Config(), tf.constant(1.0))), float(f(Config(), tf.constant(2.0)))
(2.0, 4.0)
>>> f.experimental_get_tracing_count()          # a new Config() object: no new trace
1
"""
from __future__ import annotations

import abc
from typing import Any, Optional, Protocol, Sequence, runtime_checkable


class TracingContext:
    """What ``__tf_tracing_type__`` is given: the context of the trace-type computation (TF
    uses it to share identity-based types within one call; minitf passes an empty one)."""


class TraceType(abc.ABC):
    """The abstract trace type of a ``tf.function`` argument (``tf.types.experimental.
    TraceType``). Subclasses define equality and hashing, the subtype relation and the value
    a trace is made with; instantiating one that leaves any of these abstract is a TypeError.

    >>> import minitf as tf
    >>> class Incomplete(tf.types.experimental.TraceType):
    ...     pass
    >>> Incomplete()
    Traceback (most recent call last):
    ...
    TypeError: Can't instantiate abstract class Incomplete with abstract methods __eq__, __hash__, is_subtype_of, most_specific_common_supertype, placeholder_value
    """

    @abc.abstractmethod
    def is_subtype_of(self, other: "TraceType") -> bool:
        """Whether a trace made for ``other`` also serves a call of this type."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others: Sequence["TraceType"]) -> Optional["TraceType"]:
        """The most specific type that this type and all ``others`` are subtypes of, or
        None when there is none."""

    @abc.abstractmethod
    def placeholder_value(self, placeholder_context) -> Any:
        """The value the function is traced with for an argument of this type."""

    @abc.abstractmethod
    def __eq__(self, other) -> bool:
        """Equal trace types share one trace."""

    @abc.abstractmethod
    def __hash__(self) -> int:
        """Consistent with ``__eq__``: the trace cache is a dict keyed on trace types."""

    def to_tensors(self, value) -> list:
        """The tensors of ``value`` the trace takes as inputs (none for a Python object)."""
        return []

    def from_tensors(self, tensors) -> Any:
        """``value`` rebuilt from its tensors; a type with no tensors gives its placeholder."""
        return self.placeholder_value(None)

    def flatten(self) -> list:
        """The trace types of the tensors ``to_tensors`` gives (none by default)."""
        return []

    def cast(self, value, cast_context) -> Any:
        """``value`` converted to this type (unchanged by default)."""
        return value


@runtime_checkable
class SupportsTracingProtocol(Protocol):
    """An object that chooses its own ``TraceType``: ``__tf_tracing_type__(context)``."""

    @abc.abstractmethod
    def __tf_tracing_type__(self, context: TracingContext) -> TraceType:
        """The trace type ``tf.function`` uses for this object."""


def trace_type_of(obj) -> TraceType | None:
    """``obj``'s own trace type when it follows the protocol, else None (tf.function's rule
    for it then applies)."""
    method = getattr(type(obj), "__tf_tracing_type__", None)
    if method is None:
        return None
    return method(obj, TracingContext())


__all__ = ["SupportsTracingProtocol", "TraceType", "TracingContext", "trace_type_of"]
