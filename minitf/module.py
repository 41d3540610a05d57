"""``tf.Module`` and ``tf.name_scope``: containers that find their Variables by walking attributes.

A Module is a plain Python object whose ``variables``, ``trainable_variables`` and
``submodules`` are found, each time they are asked for, by walking its attributes: there is no
registration step, so a Variable stored in an attribute, a list, a tuple or a dict (at any depth)
belongs to the module, and so do those of every Module stored the same way.

>>> import minitf as tf
>>> class Linear(tf.Module):
...     def __init__(self, name=None):
...         super().__init__(name=name)
...         self.w = tf.Variable(5.0, name="w")
...         self.b = tf.Variable(0.0, name="b")
...     def __call__(self, x):
...         return self.w * x + self.b
>>> model = Linear()
>>> model.name, [v.name for v in model.trainable_variables]
('linear', ['b:0', 'w:0'])

The walk, as TensorFlow's: a module's attributes in sorted name order, each flattened as
``tf.nest`` flattens (dict values in sorted key order); the module's own Variables come first,
then each submodule it found, walked the same way (depth first); an object met twice (a Variable
shared by two submodules) is listed once.

``tf.name_scope(name)`` prefixes the names of Variables created inside it (``"a/b/v:0"``);
``Module.name_scope`` is the scope a module was created under plus its name, and
``Module.with_name_scope`` runs a method inside it. Variables created in ``__init__`` are *not*
prefixed (as in TensorFlow), only those created inside the scope.
"""
from __future__ import annotations

import functools
import re

from . import nest
from .variable import NAME_SCOPES as _SCOPES
from .variable import Variable, current_name_scope

__all__ = ["Module", "name_scope"]

_VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class name_scope:
    """A context manager that opens a name scope for the Variables created inside it.

    ``tf.name_scope("a")`` inside scope ``"outer/"`` enters ``"outer/a/"`` and returns that
    string from ``with ... as``; a name ending in ``/`` is taken as the whole scope (that is how
    a Module re-enters its own); ``""`` returns to the top scope. A name that is not a string is a
    ValueError. Eager TensorFlow does not make names unique: entering ``"a"`` twice gives
    ``"a/"`` both times.

    >>> import minitf as tf
    >>> with tf.name_scope("outer") as scope:
    ...     with tf.name_scope("inner"):
    ...         v = tf.Variable(1.0, name="v")
    >>> scope, v.name
    ('outer/', 'outer/inner/v:0')
    """

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        self._name = name
        self._entered: list = []

    @property
    def name(self) -> str:
        """The name this scope was created with (``Module.name_scope.name`` is the full path)."""
        return self._name

    def _full_name(self) -> str:
        if not self._name or self._name.endswith("/"):
            return self._name
        return f"{current_name_scope()}{self._name}/"

    def __enter__(self) -> str:
        full = self._full_name()
        if getattr(_SCOPES, "stack", None) is None:
            _SCOPES.stack = []
        _SCOPES.stack.append(full)
        self._entered.append(_SCOPES.stack)   # leave the list joined, even from elsewhere
        return full

    def __exit__(self, *exc) -> None:
        self._entered.pop().pop()


def _camel_to_snake(name: str) -> str:
    """``MyModule`` → ``my_module``, ``CamelHTTPThing`` → ``camel_http_thing``: an underscore
    goes before a capital that follows a lower-case letter or digit, and before the last capital
    of a run when a lower-case letter follows it."""
    out = []
    for i, ch in enumerate(name):
        prev = name[i - 1] if i else ""
        nxt = name[i + 1] if i + 1 < len(name) else ""
        if ch.isupper() and i and (prev.islower() or prev.isdigit() or
                                   (prev.isupper() and nxt.islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


# TF's deferred restoration: while a checkpoint restore waits for Variables not created yet
# (tf.train's checkpoint code puts its retry function here, and takes it out when nothing waits),
# a Module given a new Variable, Module or container attribute asks it to place the saved
# values that now find their object. Empty otherwise, so setting an attribute costs one test.
DEFERRED_RESTORE: list = []


def _is_variable(x) -> bool:
    return isinstance(x, Variable)


def _is_trainable_variable(x) -> bool:
    return isinstance(x, Variable) and x.trainable


def _is_module(x) -> bool:
    return isinstance(x, Module)


class Module:
    """A named container of Variables and other Modules, found by walking its attributes.

    ``name`` defaults to the class name in snake case and must be a valid Python identifier
    (otherwise ValueError; TypeError if it is not a string). Subclasses call
    ``super().__init__(name=name)`` first, then store Variables and submodules as attributes
    (directly, or in lists, tuples and dicts).

    >>> import minitf as tf
    >>> class Dense(tf.Module):
    ...     def __init__(self, n_in, n_out, name=None):
    ...         super().__init__(name=name)
    ...         self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
    ...         self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)
    >>> class Stack(tf.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = [Dense(3, 2, name="first"), Dense(2, 1, name="second")]
    >>> stack = Stack()
    >>> [m.name for m in stack.submodules]
    ['first', 'second']
    >>> [v.name for v in stack.variables], [v.name for v in stack.trainable_variables]
    (['b:0', 'w:0', 'b:0', 'w:0'], ['w:0', 'w:0'])
    """

    def __init__(self, name: str | None = None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not isinstance(name, str):    # TypeError, as in TensorFlow
            raise TypeError(f"Module name must be a string, got {type(name).__name__} "
                            f"{name!r}.")
        elif not _VALID_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid "
                             f"Python identifiers (e.g. a valid class name).")
        self._name = name
        with name_scope(name) as scope:   # remembered whole, so it can be re-entered exactly
            self._scope_name = scope

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        if DEFERRED_RESTORE and isinstance(value, (Variable, Module, list, tuple, dict)):
            DEFERRED_RESTORE[0]()

    @property
    def name(self) -> str:
        """The module's name (the class name in snake case unless one was given)."""
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A ``tf.name_scope`` for this module: the scope it was created under plus its name.
        Variables created inside it get that prefix (``with module.name_scope: ...``)."""
        return name_scope(self._scope_name)

    @property
    def variables(self) -> tuple:
        """Every Variable of this module and its submodules, once each, in walk order."""
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self) -> tuple:
        """The Variables with ``trainable=True``, in walk order: what a training loop updates."""
        return tuple(self._flatten(predicate=_is_trainable_variable))

    @property
    def non_trainable_variables(self) -> tuple:
        """The Variables with ``trainable=False``, in walk order."""
        return tuple(self._flatten(predicate=lambda x: _is_variable(x) and not x.trainable))

    @property
    def submodules(self) -> tuple:
        """Every Module reachable from this one (not itself), once each, in walk order."""
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive: bool = True, predicate=None):
        """Yield the objects ``predicate`` accepts, in TensorFlow's walk order (see the
        module's docstring); with ``recursive=False`` only this module's own attributes."""
        seen = {id(self)}
        return _walk(self, predicate or (lambda x: True), recursive, seen)

    @classmethod
    def with_name_scope(cls, method):
        """Decorate a method so that it runs inside ``self.name_scope``: Variables it creates
        are named ``"<module name>/<variable name>:0"``.

        >>> import minitf as tf
        >>> class Lazy(tf.Module):
        ...     @tf.Module.with_name_scope
        ...     def __call__(self, x):
        ...         if not hasattr(self, "w"):
        ...             self.w = tf.Variable(tf.ones([x.shape[1], 3]))
        ...         return tf.matmul(x, self.w)
        >>> lazy = Lazy()
        >>> _ = lazy(tf.ones([1, 2]))
        >>> lazy.w.name
        'lazy/Variable:0'
        """
        @functools.wraps(method)
        def in_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return in_scope


def _walk(module: Module, predicate, recursive: bool, seen: set):
    """One module's matches in attribute order, then each new submodule's, depth first.

    ``seen`` is shared by the whole walk, so an object reached twice is yielded once and a
    module that refers back to its parent does not loop."""
    found = []
    attrs = vars(module)
    for key in sorted(attrs):
        for leaf in nest.flatten(attrs[key]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if recursive and isinstance(leaf, Module):
                found.append(leaf)
    for sub in found:
        yield from _walk(sub, predicate, recursive, seen)
