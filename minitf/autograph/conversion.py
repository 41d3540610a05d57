"""From a Python function to its converted twin: source, rewrite, compile, rebind.

The converted function is compiled from the rewritten source inside a small factory whose
local names stand for the original's free variables; the result is rebuilt with the
*original's* closure cells and globals, so it sees later changes to them as the original does.
Conversions are cached per code object.

Functions AutoGraph leaves alone, as TF does: those marked ``do_not_convert``, minitf's own
(and NumPy's, the standard library's, installed packages'), generators, builtins, and
functions whose source is not available (then a warning says so and the function runs as is).
"""
from __future__ import annotations

import ast
import functools
import inspect
import logging
import os
import sys
import sysconfig
import textwrap
import threading
import types
import weakref
from typing import Callable

from . import operators, transformer

_log = logging.getLogger("minitf")

_DISABLED = "_minitf_autograph_do_not_convert"
_CONVERTED = "_minitf_autograph_converted"

_code_cache: dict = {}                  # code object -> (converted code, source)
_fn_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.RLock()
_warned: set = set()


class ConversionError(Exception):
    """The function could not be converted (no source, or source AutoGraph cannot parse)."""


def _library_dirs() -> tuple:
    paths = sysconfig.get_paths()
    dirs = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # minitf itself
    return tuple(os.path.abspath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()
_SKIP_MODULES = ("minitf", "numpy", "cupy", "tensorflow", "keras", "builtins", "functools")


def is_user_function(f) -> bool:
    """Whether ``converted_call`` converts ``f``: a plain Python function written by the user
    (not a library's, not a generator, not marked ``do_not_convert``)."""
    if not isinstance(f, types.FunctionType) or getattr(f, _DISABLED, False) or \
            getattr(f, _CONVERTED, False):
        return False
    if f.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE):
        return False
    module = (getattr(f, "__module__", None) or "").split(".")[0]
    if module in _SKIP_MODULES:
        return False
    filename = os.path.abspath(f.__code__.co_filename)
    return not filename.startswith(_LIBRARY_DIRS)


def _function_def(f) -> tuple:
    """(the ``def`` node, its source, the first line) of ``f``'s source."""
    try:
        lines, first = inspect.getsourcelines(f)
    except (OSError, TypeError) as e:
        raise ConversionError(f"AutoGraph could not read the source of {f!r}: {e}") from None
    raw = "".join(lines)
    source = textwrap.dedent(raw)
    if f.__name__ == "<lambda>":
        return _lambda_def(f, raw, source, first)
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ConversionError(f"AutoGraph could not parse the source of {f!r}: {e}") from None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == f.__name__:
            return node, source, first
    raise ConversionError(f"AutoGraph found no `def {f.__name__}` in the source of {f!r} "
                          f"")


def _lambda_def(f, raw: str, source: str, first: int) -> tuple:
    """A lambda as ``def`` (its expression returned): found in the source lines of the
    statement that holds it, by the position of its body in the code object."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        try:                        # a lambda inside a call continued on the next lines
            tree = ast.parse("(" + source.strip().rstrip(",") + "\n)")
        except SyntaxError as e:
            raise ConversionError(f"AutoGraph could not parse the source of {f!r}: {e}") \
                from None
    indent = len(raw) - len(raw.lstrip()) - (len(source) - len(source.lstrip()))
    code = f.__code__
    names = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    spots = {(line, col) for line, _, col, _ in code.co_positions()
             if line is not None and col}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and
             [a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == names]
    if len(found) > 1:
        found = [n for n in found
                 if (n.body.lineno + first - 1, n.body.col_offset + indent) in spots]
    if len(found) != 1:
        raise ConversionError(f"AutoGraph could not tell which lambda of its source line "
                              f"{f!r} is")
    lam = found[0]
    ret = ast.copy_location(ast.Return(value=lam.body), lam.body)
    fdef = ast.copy_location(ast.FunctionDef(name="__ag_lambda", args=lam.args, body=[ret],
                                             decorator_list=[], returns=None), lam)
    if sys.version_info >= (3, 12):
        fdef.type_params = []
    return fdef, source, first


def _strip_for_factory(fdef) -> None:
    """Defaults, annotations and decorators are evaluated where the original was defined; the
    converted function takes the original's values instead (set after it is built)."""
    fdef.decorator_list = []
    fdef.returns = None
    a = fdef.args
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        arg.annotation = None
    a.defaults = [ast.Constant(None) for _ in a.defaults]
    a.kw_defaults = [None if d is None else ast.Constant(None) for d in a.kw_defaults]


def converted_source(f) -> tuple:
    """(the converted ``def`` as an AST, its source text) for a Python function."""
    fdef, _, first = _function_def(f)
    _strip_for_factory(fdef)
    transformer.convert_function_def(fdef)
    ast.fix_missing_locations(fdef)
    ast.increment_lineno(fdef, first - 1)
    return fdef, ast.unparse(fdef)


def _compile(f):
    code = f.__code__
    with _lock:
        hit = _code_cache.get(code)
        if hit is not None:
            return hit
    fdef, source = converted_source(f)
    freevars = list(code.co_freevars)
    placeholders = [ast.Assign(targets=[ast.Name(id=n, ctx=ast.Store())],
                               value=ast.Constant(None))
                    for n in freevars + ["ag__"] if n != "__class__"]
    if fdef.name not in freevars:
        # The function's own name is a global of the original (a recursive call): declared
        # global here, or the factory's local of that name would become a free variable of
        # the converted code, with no value in the rebuilt closure.
        placeholders.insert(0, ast.Global(names=[fdef.name]))
    if "__class__" in freevars:
        # zero-argument super() needs the __class__ cell: define the function in a class body
        holder = ast.ClassDef(name="__ag_holder", bases=[], keywords=[], body=[fdef],
                              decorator_list=[])
        if sys.version_info >= (3, 12):
            holder.type_params = []
        ret = ast.Return(value=ast.Attribute(value=ast.Name(id="__ag_holder", ctx=ast.Load()),
                                             attr=fdef.name, ctx=ast.Load()))
        inner = [holder, ret]
    else:
        inner = [fdef, ast.Return(value=ast.Name(id=fdef.name, ctx=ast.Load()))]
    factory = ast.FunctionDef(name="__ag_factory", args=ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), body=placeholders + inner, decorator_list=[], returns=None)
    if sys.version_info >= (3, 12):
        factory.type_params = []
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    filename = code.co_filename
    namespace: dict = {}
    exec(compile(module, filename, "exec"), namespace)
    made = namespace["__ag_factory"]()
    hit = (made.__code__, source)
    with _lock:
        _code_cache[code] = hit
    return hit


def convert(f: Callable) -> Callable:
    """The converted version of the Python function ``f`` (cached). Raises ConversionError
    when its source cannot be read or parsed."""
    with _lock:
        done = _fn_cache.get(f)
    if done is not None:
        return done
    new_code, _ = _compile(f)
    cells = dict(zip(f.__code__.co_freevars, f.__closure__ or ()))
    ag_cell = types.CellType(operators)
    closure = tuple(ag_cell if n == "ag__" else cells.get(n, types.CellType())
                    for n in new_code.co_freevars)
    g = types.FunctionType(new_code, f.__globals__, f.__name__, f.__defaults__, closure)
    g.__kwdefaults__ = f.__kwdefaults__
    g.__dict__.update(f.__dict__)
    g.__doc__, g.__module__, g.__qualname__ = f.__doc__, f.__module__, f.__qualname__
    setattr(g, _CONVERTED, True)
    with _lock:
        _fn_cache[f] = g
    return g


def convert_entity(entity: Callable, warn: bool = True) -> Callable:
    """``entity`` converted for tf.function: functions, bound methods and ``functools.partial``
    of them. What cannot be converted runs as is, after a warning (as TF does)."""
    if getattr(entity, _DISABLED, False):
        return entity
    if isinstance(entity, functools.partial):
        inner = convert_entity(entity.func, warn)
        if inner is entity.func:
            return entity
        return functools.partial(inner, *entity.args, **entity.keywords)
    if isinstance(entity, types.MethodType):
        inner = convert_entity(entity.__func__, warn)
        return entity if inner is entity.__func__ else types.MethodType(inner, entity.__self__)
    if not isinstance(entity, types.FunctionType) or getattr(entity, _CONVERTED, False) or \
            entity.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE):
        return entity
    try:
        return convert(entity)
    except ConversionError as e:
        key = entity.__code__
        if warn and key not in _warned:
            _warned.add(key)
            _log.warning("AutoGraph could not transform %s and will run it as-is: %s",
                         entity.__qualname__, e)
        return entity


def maybe_convert(f: Callable) -> Callable:
    """What ``converted_call`` calls: ``f`` converted if it is user code, else ``f``."""
    if isinstance(f, types.MethodType):
        if is_user_function(f.__func__):
            return convert_entity(f, warn=False)
        return f
    if is_user_function(f):
        return convert_entity(f, warn=False)
    return f

