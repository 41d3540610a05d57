"""A concrete function's type: its parameters, what each accepts, and its output type.

TensorFlow describes every ``ConcreteFunction`` by a ``FunctionType``: one parameter per
Python parameter of the traced function (``*args`` become ``args_0``, ``args_1``, ...; each
``**kwargs`` entry a keyword-only parameter), each with a *constraint*: a ``TensorSpec`` for a
tensor argument, ``Literal[2]`` for a Python value the trace baked in, ``Weakref[...]`` for any
other Python object (matched by identity), ``Tuple[...]`` / ``List[...]`` / ``Dict[...]`` for
nests of these.

Calling a concrete function binds the call two ways, as TF does:

1. *structured*: the call is bound to the parameters by Python's rules (every parameter,
   Python-valued ones included, is required unless the function gave it a default); each
   argument must fit its constraint (a tensor of a compatible shape and dtype, the same
   Python value).
2. *flat*, if the first way fails: only the tensor parameters, in order (the Python values
   are taken from the trace). This is why ``square = pow.get_concrete_function(spec, 2)``
   is called as ``square(x)``.

If both fail, the TypeError says why each failed.

>>> import minitf as tf
>>> @tf.function
... def pow(a, b):
...     return a ** b
>>> square = pow.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)
>>> print(square(tf.constant(3.0)))
tf.Tensor(9.0, shape=(), dtype=float32)
>>> print(square.pretty_printed_signature(verbose=False))
(a: TensorSpec(shape=<unknown>, dtype=tf.float32, name=None), b: Literal[2]) -> TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any

from .. import errors, nest
from ..tensor import Tensor, TensorSpec, convert_to_tensor, is_variable

_KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: "POSITIONAL_ONLY",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "POSITIONAL_OR_KEYWORD",
    inspect.Parameter.KEYWORD_ONLY: "KEYWORD_ONLY",
}


class _Weakref:
    """The constraint of a Python object argument: that very object (held weakly, as TF does,
    where the object allows it)."""

    def __init__(self, obj):
        try:
            self.ref = weakref.ref(obj)
        except TypeError:
            self.ref = lambda obj=obj: obj
        self.type_name = type(obj).__name__

    def __repr__(self) -> str:
        # TF's text has this unbalanced ")" too
        obj = self.ref()
        to = "dead" if obj is None else f"to '{self.type_name}' at 0x{id(obj):x}"
        return f"Weakref[<weakref at 0x{id(self.ref):x}; {to}>])"


def constraint_of(value) -> Any:
    """What a traced argument accepts later: its TensorSpec, or the Python value itself
    (compared by value for numbers, strings and None, by identity for other objects)."""
    if isinstance(value, TensorSpec):
        return value
    if isinstance(value, (tuple, list)):
        return type(value)(constraint_of(v) for v in value)
    if isinstance(value, dict):
        return {k: constraint_of(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return value
    return _Weakref(value)


def constraint_text(c) -> str:
    """A constraint as TF prints it: ``TensorSpec(...)``, ``Literal[2]``, ``Tuple[...]``."""
    if isinstance(c, TensorSpec):
        return repr(c)
    if isinstance(c, _Weakref):
        return repr(c)
    if isinstance(c, tuple):
        return "Tuple[" + ", ".join(constraint_text(v) for v in c) + "]"
    if isinstance(c, list):
        return "List[" + ", ".join(constraint_text(v) for v in c) + "]"
    if isinstance(c, dict):
        return "Dict[" + ", ".join(f"[{k!r}, {constraint_text(c[k])}]" for k in sorted(c)) + "]"
    return f"Literal[{c!r}]"


class _CastError(Exception):
    """An argument does not fit its parameter's constraint (the text TF's message quotes)."""


def _cast(value, c):
    """``value`` as parameter constraint ``c`` accepts it (a tensor for a TensorSpec), or
    _CastError."""
    if isinstance(c, TensorSpec):
        if isinstance(value, TensorSpec):
            raise _CastError(f"Can not cast {value!r} to {c!r}")
        try:
            t = value._read_for_op() if is_variable(value) and hasattr(value, "assign") else (
                value if isinstance(value, Tensor) else convert_to_tensor(value, c.dtype))
        except (TypeError, ValueError):
            raise _CastError(f"Can not cast {value!r} to {c!r}") from None
        if not c.is_compatible_with(t):
            raise _CastError(f"Can not cast {TensorSpec(t.shape, t.dtype)!r} to {c!r}")
        return t
    if isinstance(c, _Weakref):
        if value is not c.ref():
            raise _CastError(f"Can not cast {value!r} to {c!r}")
        return value
    if isinstance(c, (tuple, list, dict)):
        if type(value) is not type(c) or len(value) != len(c) or (
                isinstance(c, dict) and set(value) != set(c)):
            raise _CastError(f"Can not cast {value!r} to {constraint_text(c)}")
        if isinstance(c, dict):
            return {k: _cast(value[k], c[k]) for k in value}
        return type(c)(_cast(v, w) for v, w in zip(value, c))
    if type(value) is not type(c) or value != c:
        raise _CastError(f"Can not cast {value!r} to {constraint_text(c)}")
    return value


class FunctionType:
    """The parameters of a traced call (name, kind, constraint) and how that call laid them
    out (which went positionally, which by keyword), so a later call can be put back into the
    same form. Build with ``FunctionType.of``."""

    def __init__(self, name: str, params: list, positional: list, keyword: list):
        self.name = name
        self.params = params              # [(name, inspect kind, constraint, default or _NONE)]
        self.positional = positional      # parameter names the traced call passed by position
        self.keyword = keyword            # ... and by keyword (the trace's kwargs keys)
        self.output: Any = None           # the output structure of specs (set after tracing)
        self.captures: list = []          # the Variables the trace reads or writes

    @classmethod
    def of(cls, python_function, name: str, args, kwargs) -> "FunctionType | None":
        """The type of a trace of ``python_function`` called with ``args``/``kwargs``
        (TensorSpecs for tensors); None where Python cannot bind them to its signature."""
        try:
            sig = inspect.signature(python_function)
            bound = sig.bind(*args, **kwargs)
        except (TypeError, ValueError):
            return None
        params, positional, keyword = [], [], []
        n_pos = len(args)
        pos_index = 0
        for p in sig.parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                for i, v in enumerate(bound.arguments.get(p.name, ())):
                    pname = f"{p.name}_{i}"
                    params.append((pname, p.POSITIONAL_ONLY, constraint_of(v), _NONE))
                    positional.append(pname)
                pos_index = n_pos
                continue
            if p.kind is p.VAR_KEYWORD:
                for k, v in bound.arguments.get(p.name, {}).items():
                    params.append((k, p.KEYWORD_ONLY, constraint_of(v), _NONE))
                    keyword.append(k)
                continue
            if p.name in bound.arguments:
                v = bound.arguments[p.name]
                if p.kind is not p.KEYWORD_ONLY and pos_index < n_pos:
                    positional.append(p.name)
                    pos_index += 1
                else:
                    keyword.append(p.name)
                params.append((p.name, p.kind, constraint_of(v), _NONE))
            else:                         # the trace used the function's default
                params.append((p.name, p.kind, constraint_of(p.default), p.default))
        return cls(name, params, positional, keyword)

    # ---- binding ----------------------------------------------------------------------------
    def _signature(self) -> inspect.Signature:
        return inspect.Signature([
            inspect.Parameter(n, k, **({} if d is _NONE else {"default": d}))
            for n, k, _, d in self.params])

    def bind(self, args, kwargs) -> tuple:
        """The call as the trace's ``(args, kwargs)``: structured, else flat (see the module
        docstring); a TypeError naming both failures otherwise."""
        try:
            return self._bind_structured(args, kwargs)
        except (_CastError, TypeError) as e:
            first = e
        try:
            return self._bind_flat(args, kwargs)
        except _CastError as e:
            second = e
        raise TypeError(
            f"Binding inputs to tf.function failed due to `{first}`. Received args: {args!r} "
            f"and kwargs: {kwargs!r} for signature: {self.signature_text()}.\n"
            f"Fallback to flat signature also failed due to: {second}.") from None

    def _layout(self, values: dict) -> tuple:
        return (tuple(values[n] for n in self.positional),
                {n: values[n] for n in self.keyword})

    def _bind_structured(self, args, kwargs) -> tuple:
        bound = self._signature().bind(*args, **kwargs)   # Python's TypeError texts, as TF's
        bound.apply_defaults()
        values = {n: _cast(bound.arguments[n], c) for n, _, c, _ in self.params}
        return self._layout(values)

    def _flat_params(self) -> list:
        """(flat name, parameter name, path into its constraint) of each TensorSpec."""
        out = []
        for n, _, c, _ in self.params:
            paths = [p for p, leaf in _paths(c) if isinstance(leaf, TensorSpec)]
            for i, p in enumerate(paths):
                out.append((n if i == 0 else f"{n}_{i}", n, p))
        return out

    def flat_summary(self) -> str:
        return f"{self.name}({', '.join(f for f, _, _ in self._flat_params())})"

    def _bind_flat(self, args, kwargs) -> tuple:
        flat = self._flat_params()
        names = [f for f, _, _ in flat]
        summary = self.flat_summary()
        if len(args) > len(flat):
            raise _CastError(f"{summary} takes {len(flat)} positional arguments, got "
                             f"{len(args)}")
        given = list(args) + [kwargs.get(n, _NONE) for n in names[len(args):]]
        missing = [n for n, v in zip(names, given) if v is _NONE]
        if missing:
            raise _CastError(f"{summary} missing required arguments: {', '.join(missing)}")
        unexpected = sorted(set(kwargs) - set(names[len(args):]))
        if unexpected:
            raise _CastError(f"{summary} got unexpected keyword arguments: "
                             f"{', '.join(unexpected)}")
        for i, v in enumerate(given):
            if not isinstance(v, Tensor):
                raise _CastError(f"{summary}: expected argument #{i}(zero-based) to be a "
                                 f"Tensor; got {type(v).__name__} ({v})")
        for i, ((_, pname, path), v) in enumerate(zip(flat, given)):
            spec = _get_path(self._constraint(pname), path)
            if v.dtype != spec.dtype:
                # past binding, as TF's: the traced program's own check of its inputs (shapes
                # are not checked: the ops say what does not fit)
                raise errors.InvalidArgumentError(
                    None, None, f"cannot compute __inference_{self.name} as input #{i}"
                    f"(zero-based) was expected to be a {_c_name(spec.dtype)} tensor but is a "
                    f"{_c_name(v.dtype)} tensor [Op:__inference_{self.name}]")
        values = {n: _unwrap(c) for n, _, c, _ in self.params}
        for (_, pname, path), v in zip(flat, given):
            values[pname] = _set_path(values[pname], path, v)
        return self._layout(values)

    def _constraint(self, name: str):
        return next(c for n, _, c, _ in self.params if n == name)

    # ---- printing ---------------------------------------------------------------------------
    def output_text(self) -> str:
        return constraint_text(self.output)

    def signature_text(self) -> str:
        """``(a: TensorSpec(...), b: Literal[2]) -> TensorSpec(...)``, as TF prints it."""
        parts, star = [], False
        for n, k, c, _ in self.params:
            if k is inspect.Parameter.KEYWORD_ONLY and not star:
                parts.append("*")
                star = True
            parts.append(f"{n}: {constraint_text(c)}")
        return f"({', '.join(parts)}) -> {self.output_text()}"

    def __str__(self) -> str:
        return self.signature_text()

    def __repr__(self) -> str:
        return self.pretty()

    def pretty(self, verbose: bool = True) -> str:
        """TF's listing: input parameters (name, kind, constraint), output type, captures."""
        if not verbose:
            return self.signature_text()
        lines = ["Input Parameters:"]
        lines += [f"  {n} ({_KIND_NAMES[k]}): {constraint_text(c)}" for n, k, c, _ in self.params]
        lines += ["Output Type:", f"  {self.output_text()}", "Captures:"]
        if self.captures:
            lines += [f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)"
                      for v in self.captures]
        else:
            lines.append("  None")
        return "\n".join(lines)


class _NoneType:
    def __repr__(self) -> str:
        return "<no value>"


_NONE = _NoneType()


def _unwrap(c):
    """A constraint's Python value (the object a Weakref names; specs stay specs)."""
    if isinstance(c, _Weakref):
        return c.ref()
    if isinstance(c, (tuple, list)):
        return type(c)(_unwrap(v) for v in c)
    if isinstance(c, dict):
        return {k: _unwrap(v) for k, v in c.items()}
    return c


def _paths(c, prefix=()):
    if isinstance(c, (tuple, list)):
        for i, v in enumerate(c):
            yield from _paths(v, prefix + (i,))
    elif isinstance(c, dict):
        for k in sorted(c):
            yield from _paths(c[k], prefix + (k,))
    else:
        yield prefix, c


def _get_path(value, path):
    for p in path:
        value = value[p]
    return value


def _c_name(dtype) -> str:
    """A dtype as TF's runtime names it in messages (its C type for float32/float64)."""
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


def _set_path(value, path, leaf):
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _set_path(value[head], rest, leaf)}
    items = list(value)
    items[head] = _set_path(items[head], rest, leaf)
    return type(value)(items)


def output_constraint(structure, specs: list):
    """The output type: ``structure`` (the function's returned nest) with its leaves replaced
    by ``specs`` (a TensorSpec for a tensor, None for None)."""
    return nest.pack_sequence_as(structure, list(specs))
