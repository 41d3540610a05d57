"""``tf.init_scope``: run a block as if no ``tf.function`` were being traced.

TensorFlow builds a function's graph while it traces the body; code that must happen once, for
real, and not become part of that graph (creating or initialising state, counting calls on the
Python side) is "lifted out" with ``with tf.init_scope():``. Inside the block:

* ops run eagerly, outside the graph being built (TF: the outermost context, which is eager
  in TF 2), so a ``Variable.assign_add`` there changes the variable now, once, and is not
  replayed by later calls of the traced function;
* gradient tapes are paused: nothing computed in the block is recorded on a tape.

Outside any ``tf.function`` the block simply runs, with the tapes paused. A tensor made by the
trace (a symbolic one) cannot be used inside the block: it has no value there (TF raises for
it too).

In minitf a trace is the running thread's ``tracing.Trace``; the scope sets it aside for the
block (so every question the core asks through the seam is answered "not tracing") and puts it
back afterwards, together with the thread's recording tapes.

>>> import minitf as tf
>>> v = tf.Variable(0)
>>> @tf.function
... def f():
...     with tf.init_scope():
...         v.assign_add(1)           # runs once, while tracing, not on every call
...     return v + 0
>>> [int(f()) for _ in range(3)]
[1, 1, 1]
"""
from __future__ import annotations

import contextlib
from typing import Iterator

from .. import record as _record
from . import tracing


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """A context manager that lifts its block out of any ``tf.function`` being traced (it runs
    eagerly, now) and pauses gradient tapes, as TF's ``tf.init_scope``.

    >>> import minitf as tf
    >>> x = tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     with tf.init_scope():
    ...         y = x * x                 # not recorded: the tape is paused
    >>> print(tape.gradient(y, x))
    None
    """
    thread = tracing._THREAD
    outer, thread.trace = thread.trace, None
    try:
        with _record.suspended_tapes():
            yield
    finally:
        thread.trace = outer


__all__ = ["init_scope"]
