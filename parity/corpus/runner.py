"""Run one corpus case under real TensorFlow or under minitf, capturing what a user would see.

A case is a program written for TensorFlow (``import tensorflow as tf``, ``import keras``). Under
``"minitf"`` the same source runs unchanged: while it runs, a meta-path finder answers the
imports ``tensorflow``, ``tensorflow.keras`` and ``keras`` (and their submodules) with minitf's
modules, and the real packages' ``sys.modules`` entries are set aside and put back afterwards, so
a process may run cases under both frameworks in turn.

What is captured: everything the program writes to standard output and standard error, in the
order a terminal would show it. TensorFlow's ``tf.print`` writes to file descriptor 2 from C++
(not through ``sys.stderr``), so the capture works at the level of file descriptors: fds 1 and 2
both point at one temporary file for the run, and ``sys.stdout``/``sys.stderr`` write straight
to that descriptor, unbuffered, so Python's and C++'s writes interleave as they happened.
Warnings and log records are not part of the output (``warnings`` ignored, ``logging`` below
ERROR disabled): they are diagnostics, not what the program prints, and TensorFlow's include
kernel and retracing notices minitf has no reason to copy.

Every case starts from the same state: Keras's session cleared (layer-name counters), the seeds
of Python's ``random``, NumPy and the framework set to 0; afterwards the global settings a case
may change (eager ``tf.function``, float type, mixed-precision policy) are put back.
"""
from __future__ import annotations

import builtins
import contextlib
import ctypes
import importlib
import importlib.abc
import importlib.util
import logging
import os
import random
import sys
import tempfile
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

FRAMEWORKS = ("tensorflow", "minitf")

# Imported name prefix -> minitf's module for it; the longest prefix is tried first.
# tf.keras is minitf's view minitf._tf_keras (TF's spellings of the loss and metric functions);
# `import keras` is the package minitf.keras itself (Keras's own spellings).
_ALIASES = (("tensorflow.keras", "minitf._tf_keras"), ("tensorflow", "minitf"),
            ("keras", "minitf.keras"))


@dataclass(frozen=True)
class Outcome:
    """What one run of a case showed: its printed output (stdout and stderr interleaved, as a
    terminal shows them) and, if the program raised, the exception's type name (``None`` if it
    ran to the end). ``message`` is the exception's text, kept for the report, not compared.
    """
    stdout: str
    error: str | None
    message: str | None = None


def _alias_target(name: str) -> str | None:
    for alias, real in _ALIASES:
        if name == alias or name.startswith(alias + "."):
            return real + name[len(alias):]
    return None


def _is_alias(name: str) -> bool:
    return _alias_target(name) is not None


class _AliasLoader(importlib.abc.Loader):
    """Hands back an existing minitf module (or namespace object) for an aliased name."""

    # What the import system may stamp on a module it is handed (``__package__`` too, when the
    # module's own is None, as for a namespace object made at run time)
    _STAMPED = ("__spec__", "__loader__", "__name__", "__package__", "__path__", "__file__",
                "__cached__")

    def __init__(self, module: object) -> None:
        self.module = module
        own = getattr(module, "__dict__", {})
        self.saved = {k: own[k] for k in self._STAMPED if k in own}

    def create_module(self, spec):  # noqa: D401 - importlib protocol
        return self.module

    def exec_module(self, module) -> None:
        # The import system stamped the alias's spec on the module: put minitf's own back (and
        # take away what it added), so minitf's modules are unchanged after the case; a
        # __package__ left at "tensorflow" broke minitf's relative imports in later cases.
        for k in self._STAMPED:
            with contextlib.suppress(AttributeError, TypeError):
                if k in self.saved:
                    setattr(module, k, self.saved[k])
                elif k in getattr(module, "__dict__", {}):
                    delattr(module, k)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers ``tensorflow[.x]``, ``tensorflow.keras[.x]`` and ``keras[.x]`` with minitf's."""

    def find_spec(self, fullname, path=None, target=None):
        real = _alias_target(fullname)
        if real is None:
            return None
        module = sys.modules.get(real) if fullname == "keras" else None
        parent, _, child = real.rpartition(".")
        # TF's module tree is what minitf exposes as attributes (tf.nn, tf.keras.layers): prefer
        # the attribute, so importing the alias never rebinds an attribute of minitf.
        if module is None and parent and parent in sys.modules and \
                hasattr(sys.modules[parent], child):
            module = getattr(sys.modules[parent], child)
        if not isinstance(module, types.ModuleType):
            try:
                module = importlib.import_module(real)
            except ModuleNotFoundError:
                return None     # the ordinary "No module named ..." follows
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


@contextlib.contextmanager
def _framework(framework: str) -> Iterator[types.ModuleType]:
    """Make ``import tensorflow`` (and keras) mean ``framework`` inside the block."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, got {framework!r}")
    if framework == "tensorflow":
        stray = [k for k in sys.modules if _is_alias(k)
                 and getattr(sys.modules[k], "__name__", "").startswith("minitf")]
        for k in stray:     # an alias left by an interrupted minitf run
            del sys.modules[k]
        yield importlib.import_module("tensorflow")
        return
    saved = {k: m for k, m in sys.modules.items() if _is_alias(k)}
    for k in saved:
        del sys.modules[k]
    # minitf's own modules' import attributes, put back after the case whatever the import
    # system stamped on them while they answered an alias
    stamped = _AliasLoader._STAMPED
    own = {k: (m, {a: m.__dict__[a] for a in stamped if a in m.__dict__})
           for k, m in list(sys.modules.items())
           if k.split(".")[0] == "minitf" and isinstance(m, types.ModuleType)}
    finder = _AliasFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield importlib.import_module("tensorflow")
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if _is_alias(k)]:
            del sys.modules[k]
        sys.modules.update(saved)
        for module, attrs in own.values():
            for a in stamped:
                if a in attrs:
                    module.__dict__[a] = attrs[a]
                else:
                    module.__dict__.pop(a, None)


class _FdWriter:
    """A text stream writing straight to a file descriptor (no buffer, so order is kept)."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, s: str) -> int:
        os.write(self.fd, s.encode(self.encoding, self.errors))
        return len(s)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.fd


def _flush_c_stdio() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def _captured(sink: list) -> Iterator[None]:
    """Send fds 1 and 2 (and sys.stdout/stderr) to one file; append its text to ``sink``."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    _flush_c_stdio()
    saved_fds = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 1)
        os.dup2(tmp.fileno(), 2)
        sys.stdout = sys.stderr = _FdWriter(1)
        try:
            yield
        finally:
            _flush_c_stdio()
            sys.stdout, sys.stderr = saved_streams
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
            tmp.seek(0)
            sink.append(tmp.read().decode("utf-8", "replace"))


def _reset(tf: types.ModuleType) -> None:
    """The state every case starts from (and leaves behind)."""
    keras = tf.keras
    with contextlib.suppress(Exception):
        keras.backend.clear_session()
    with contextlib.suppress(Exception):
        keras.backend.set_floatx("float32")
    with contextlib.suppress(Exception):
        keras.mixed_precision.set_global_policy("float32")
    with contextlib.suppress(Exception):
        tf.config.run_functions_eagerly(False)
    random.seed(0)
    import numpy as np
    np.random.seed(0)
    tf.random.set_seed(0)


def run_case(path: str | os.PathLike, framework: str) -> Outcome:
    """Run the program at ``path`` under ``framework`` ("tensorflow" or "minitf") in a fresh
    namespace (``__name__ == "__main__"``) and return what it printed and how it ended."""
    path = Path(path)
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": builtins}
    sink: list[str] = []
    error = message = None
    cwd = os.getcwd()
    with _framework(framework) as tf:
        _reset(tf)
        logging.disable(logging.WARNING)
        try:
            # A case that writes files does so in a scratch directory, removed afterwards.
            with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                os.chdir(scratch)
                try:
                    with _captured(sink):
                        try:
                            exec(code, namespace)
                        except Exception as e:  # noqa: BLE001 - the outcome records it
                            error, message = type(e).__name__, str(e)
                finally:
                    os.chdir(cwd)
        finally:
            logging.disable(logging.NOTSET)
            _reset(tf)
    return Outcome(sink[0] if sink else "", error, message)
