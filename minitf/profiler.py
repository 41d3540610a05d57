"""``tf.profiler``: the profiler's start/stop protocol, without a profiler behind it.

TF's profiler records every op's device time and writes it under
``<logdir>/plugins/profile/<run>/`` for TensorBoard's profile dashboard. minitf records nothing
(its programs are NumPy/CuPy calls; use Python's own profilers, or the CUDA tools on the GPU).
``start`` and ``stop`` keep TF's rules -- one profiler at a time, ``stop`` needs a running one --
so programs written for TF run unchanged; they log that nothing is recorded.

>>> import tempfile, minitf as tf
>>> tf.profiler.experimental.start(tempfile.mkdtemp())
>>> tf.profiler.experimental.stop()
"""
from __future__ import annotations

import contextlib
import logging
import threading
from typing import NamedTuple

from .errors import AlreadyExistsError, UnavailableError

_log = logging.getLogger("minitf.profiler")
_LOCK = threading.Lock()
_running: list = []          # the logdir of the running profiler, if one runs


class ProfilerOptions(NamedTuple):
    """TF's profiler options (accepted and ignored: nothing is recorded)."""
    host_tracer_level: int = 2
    python_tracer_level: int = 0
    device_tracer_level: int = 1
    delay_ms: int | None = None


def start(logdir: str, options: ProfilerOptions | None = None) -> None:
    """Start "profiling" into ``logdir``: AlreadyExistsError if a profiler runs already."""
    with _LOCK:
        if _running:
            raise AlreadyExistsError(None, None, "Another profiler is running.")
        _running.append(logdir)
    _log.warning("tf.profiler: minitf has no profiler; nothing is recorded in %s", logdir)


def stop(save: bool = True) -> None:
    """Stop the running profiler: UnavailableError if none runs."""
    with _LOCK:
        if not _running:
            raise UnavailableError(None, None, "Cannot export profiling results. No profiler "
                                   "is running.")
        _running.clear()


@contextlib.contextmanager
def Profile(logdir: str, options: ProfilerOptions | None = None):  # noqa: N802 - TF's name
    """``with tf.profiler.experimental.Profile(logdir):``: ``start`` on entry, ``stop`` on
    exit."""
    start(logdir, options)
    try:
        yield
    finally:
        stop()


class Trace:
    """``with tf.profiler.experimental.Trace(name, step_num=...):`` marks a region for the
    profiler; here it only runs the block."""

    def __init__(self, name: str, **kwargs) -> None:
        self.name = name

    def __enter__(self) -> "Trace":
        return self

    def __exit__(self, *exc) -> None:
        return None


class experimental:  # noqa: N801 - TF's namespace name
    """``tf.profiler.experimental``: start, stop, Profile, Trace, ProfilerOptions."""
    start = staticmethod(start)
    stop = staticmethod(stop)
    Profile = staticmethod(Profile)
    Trace = Trace
    ProfilerOptions = ProfilerOptions
