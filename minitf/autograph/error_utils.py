"""Errors raised while a converted function is traced, re-raised as TF shows them: "in user code:".

When a ``tf.function`` body (converted by AutoGraph) raises during tracing, TensorFlow does not
let the exception surface with a traceback full of its own internals. It raises a new exception
of the same type whose message starts ``in user code:`` and lists the frames that lead from the
user's function to the error, innermost last, each as ``File "...", line N, in name`` followed by
the source line; a frame of converted code ends with ``  *``, and the first frame AutoGraph
entered without converting it (library code, called from converted code) with ``  **``. The
frames of the framework itself are left out. The original message follows, indented, after its
type name. Nested ``tf.function`` calls keep the innermost listing and add the outer function's
frame.

TF rebuilds only exceptions it can construct from a message: the standard types below and
exceptions whose ``__init__`` is ``Exception``'s; minitf leaves others (its ``tf.errors``
classes included) as they were raised, and so errors marked ``_ag_pass_through`` (TF passes
the out-of-scope error of a leaked tensor through unchanged).

>>> import minitf as tf
>>> @tf.function
... def f(x):
...     raise ValueError("bad input")
>>> try:
...     f(1.0)
... except ValueError as e:
...     print(str(e).splitlines()[0], "|", str(e).splitlines()[-1].strip())
in user code: | ValueError: bad input
"""
from __future__ import annotations

import linecache
import os
import types

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_OPERATORS = os.path.join(_PACKAGE_DIR, "autograph", "operators.py")

# The types TF re-creates from a message alone (and any type whose __init__ is Exception's).
_REBUILT = (AssertionError, AttributeError, NameError, NotImplementedError, RuntimeError,
            StopIteration, TypeError, UnboundLocalError, ValueError)


class _Frame:
    __slots__ = ("filename", "lineno", "name", "code", "mark")

    def __init__(self, filename, lineno, name, code, mark=""):
        self.filename, self.lineno, self.name, self.code, self.mark = (
            filename, lineno, name, code, mark)


def _converted_codes() -> dict:
    """code object -> the user function's name, for every converted function and the
    functions nested in it (a converted ``if``'s branches)."""
    from .conversion import _code_cache, _lock
    with _lock:
        tops = [code for code, _ in _code_cache.values()]
    out: dict = {}
    for top in tops:
        todo = [top]
        while todo:
            c = todo.pop()
            out[c] = top.co_name
            todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return out


def _translated_stack(tb) -> list:
    """The frames from the innermost outwards: every frame up to the innermost converted one,
    then only the converted frames further out (each converted function that called inwards;
    TF adds one frame per AutoGraph call boundary)."""
    converted = _converted_codes()
    frames: list = []
    walk = []
    while tb is not None:
        walk.append(tb)
        tb = tb.tb_next
    for entry in reversed(walk[1:]):         # walk[0] is tf.function's own frame
        code = entry.tb_frame.f_code
        lineno = entry.tb_lineno
        name = converted.get(code)
        reached = bool(frames) and frames[-1].mark == "  *"
        if name is not None:
            if reached and (frames[-1].filename, frames[-1].lineno, frames[-1].name) == (
                    code.co_filename, lineno, name):
                continue                     # a converted branch inside the same line
            line = linecache.getline(code.co_filename, lineno)
            frames.append(_Frame(code.co_filename, lineno, name, line, "  *"))
            continue
        if reached:
            continue
        if code.co_filename == _OPERATORS:
            # AutoGraph's converted_call: the function it called ran unconverted
            if frames and not frames[-1].mark:
                frames[-1].mark = "  **"
            continue
        frames.append(_Frame(code.co_filename, lineno, code.co_name,
                             linecache.getline(code.co_filename, lineno)))
    return frames


def _message(frames: list, cause: str) -> str:
    lines = ["in user code:", ""]
    for fr in reversed(frames):
        if fr.filename.startswith(_PACKAGE_DIR) or fr.filename.startswith("<frozen"):
            continue                        # the framework's own frames (TF filters its own)
        lines.append(f'    File "{fr.filename}", line {fr.lineno}, in {fr.name}{fr.mark}')
        code = fr.code.strip() if fr.code else ""
        lines.append(f"        {code or '<source unavailable>'}")
    lines.append("")
    lines.extend("    " + line for line in cause.split("\n"))
    lines.append("")
    return "\n".join(lines)


def user_code_error(error: BaseException) -> BaseException | None:
    """The exception TF raises for ``error`` raised inside a converted function being traced
    (its traceback starting at the tracing frame), or None to re-raise ``error`` itself."""
    kind = type(error)
    if getattr(error, "_ag_pass_through", False):
        return None                        # an error TF raises as is (a leaked tensor's)
    if not (kind in _REBUILT or kind.__init__ is Exception.__init__):
        return None
    frames = _translated_stack(error.__traceback__)
    if not frames or frames[-1].mark != "  *":
        return None                        # not raised under converted code
    # From a nested tf.function: already rewritten; its traceback still holds the inner
    # frames, so only the original message is carried over.
    cause = getattr(error, "_ag_cause", None) or f"{kind.__name__}: {error}"
    try:
        new = kind(_message(frames, cause))
    except Exception:                       # noqa: BLE001 - a constructor that needs more
        return None
    new._ag_cause = cause
    new.__suppress_context__ = True
    return new.with_traceback(error.__traceback__)


__all__ = ["user_code_error"]
