"""The one ``get(identifier)`` rule behind ``keras.losses.get``, ``keras.metrics.get``,
``keras.optimizers.get``, ``keras.activations.get``, ``keras.initializers.get``,
``keras.regularizers.get`` and ``keras.constraints.get``.

Keras accepts the same kinds of identifier everywhere: None, an instance, a registered name, a
config dict ``{"class_name": ..., "config": {...}}``, a class, or a plain callable. Each module
passes its name table and base class; what differs (None means "linear" for activations, a
callable is not an optimizer) is an argument, not a copy. An identifier that cannot be
interpreted is a ValueError with Keras's text, ``Could not interpret loss identifier: foo``.

>>> from minitf.keras._lookup import get
>>> class NonNeg: pass
>>> type(get("constraint", "non_neg", by_name={"non_neg": NonNeg}, base=NonNeg)).__name__
'NonNeg'
>>> get("constraint", "nope", by_name={}, base=None)
Traceback (most recent call last):
...
ValueError: Could not interpret constraint identifier: nope
"""
from __future__ import annotations

from typing import Any, Callable


def get(kind: str, identifier: Any, *, by_name: dict, base: type | None, none: Any = None,
        lower: bool = False, callables: bool = True, wrap: Callable | None = None) -> Any:
    """Resolve a Keras identifier of ``kind`` (used in the error text).

    ``by_name`` maps names to classes (instantiated with no arguments) or to functions (returned
    as they are); ``none`` is what None means; ``lower`` matches names case-insensitively (as
    optimizers do); ``callables=False`` refuses plain callables; ``wrap`` turns a plain callable
    into the kind's object (None: returned unchanged, as Keras's ``get`` does).
    """
    if identifier is None:
        return none
    if base is not None and isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        found = by_name.get(identifier.lower() if lower else identifier)
        if found is None:
            raise _cannot(kind, identifier)
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        registered = identifier.get("registered_name")
        if isinstance(registered, str) and registered != identifier.get("class_name"):
            # A user class stored as "package>Name" (keras.saving.register_keras_serializable
            # or custom_objects): found by that key, as Keras's deserialisation does.
            from .serialization import deserialize_keras_object
            return deserialize_keras_object(identifier)
        name = identifier.get("class_name")
        found = by_name.get(name.lower() if lower and isinstance(name, str) else name) \
            if isinstance(name, str) else None
        if found is None and base is not None:     # a class's own name: any subclass of base
            found = _subclass_named(base, name)
        if not isinstance(found, type):
            raise _cannot(kind, identifier)
        config = identifier.get("config") or {}
        return found.from_config(config) if hasattr(found, "from_config") else found(**config)
    if isinstance(identifier, type) and base is not None and issubclass(identifier, base):
        return identifier()
    if callables and callable(identifier) and not isinstance(identifier, type):
        return wrap(identifier) if wrap is not None else identifier
    raise _cannot(kind, identifier)


def _subclass_named(base: type, name: Any) -> type | None:
    todo = [base]
    while todo:
        cls = todo.pop()
        if cls.__name__ == name:
            return cls
        todo.extend(cls.__subclasses__())
    return None


def _cannot(kind: str, identifier: Any) -> ValueError:
    return ValueError(f"Could not interpret {kind} identifier: {identifier}")
