"""TF's seed rules: how ``tf.random.set_seed`` and an op's ``seed=`` become an op's two seeds.

Every stateful random op carries two integer attributes, ``seed`` and ``seed2``, which start
its Philox stream (see ``philox_random``). TF derives them (``random_seed.get_seed``):

* global seed set, op seed given: ``(global % (2**31 - 1), op % (2**31 - 1))``;
* global seed set, no op seed: the op seed is invented. Eagerly, from a Python
  ``random.Random(global_seed)`` owned by the context: ``randint(0, 2**31 - 1)`` per op call,
  so consecutive calls differ but a program repeats after the same ``set_seed``. Inside a
  ``tf.function`` trace, from a counter of the function's graph: 0, 1, 2, ... in creation
  order, with the graph's seed being the global seed when the trace began;
* no global seed, op seed given: ``(87654321, op % (2**31 - 1))``;
* neither: ``(0, 0)``, which the kernels read as "seed from the OS" (not repeatable).

A derived ``(0, 0)`` (global and op seed both 0) is changed to ``(0, 2**31 - 1)``, so that
seeding with zeros stays repeatable.

Eager kernels are cached by op and attributes, so calling the same op again with the same
``(seed, seed2)`` continues the same stream instead of restarting it; ``set_seed`` clears the
cache (and restarts the invented op seeds).

>>> import minitf as tf
>>> from minitf.ops import random_seed
>>> tf.random.set_seed(0)
>>> random_seed.get_seed(5), random_seed.get_seed(None)
((0, 5), (0, 1654615998))
"""
from __future__ import annotations

import random as _pyrandom
import weakref

import numpy as np

from .. import _backend as B

DEFAULT_GRAPH_SEED = 87654321
MAXINT32 = 2 ** 31 - 1

# "seed": the global seed; "op_rng": the Python generator of eager op seeds; "kernels": the
# eager kernels' Philox streams by (op, attributes); "rng": a NumPy generator seeded alongside,
# for minitf's own host-side shuffles (fit's batch order, tf.data), which TF draws differently.
_state: dict = {"seed": None, "op_rng": None, "kernels": {}, "rng": np.random.default_rng()}


def _graph():
    """The running ``tf.function`` trace's random state (``{"seed", "count"}``), or None."""
    return B.TRACER.random_graph() if B.TRACING else None


def set_seed(seed) -> None:
    """Set the global seed (inside a ``tf.function`` trace: that function's graph seed)."""
    g = _graph()
    if g is not None:
        g["seed"] = seed
        return
    _state["seed"] = seed
    try:
        hash(seed)
        _state["op_rng"] = _pyrandom.Random(seed)
    except TypeError:                      # a NumPy array: TF converts it with int()
        _state["op_rng"] = _pyrandom.Random(int(np.array(seed)))
    _state["kernels"] = {}
    _state["rng"] = np.random.default_rng(None if seed is None else int(seed) % 2 ** 63)


def global_seed():
    """The global seed in effect where the caller runs (a trace's graph seed inside one)."""
    g = _graph()
    return g["seed"] if g is not None else _state["seed"]


def get_seed(op_seed) -> tuple:
    """``(seed, seed2)`` for an op created now with ``op_seed`` (TF's ``get_seed``); ``(None,
    None)`` when neither a global nor an op seed is set."""
    g = _graph()
    gseed = g["seed"] if g is not None else _state["seed"]
    if gseed is not None:
        if op_seed is None:
            if g is not None:
                op_seed = g["count"]
                g["count"] += 1
            else:
                op_seed = _state["op_rng"].randint(0, MAXINT32)
        seeds = (int(gseed) % MAXINT32, int(op_seed) % MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed) % MAXINT32)
    else:
        return None, None
    return (0, MAXINT32) if seeds == (0, 0) else seeds


def in_trace() -> bool:
    """True while this thread traces a ``tf.function`` (ops then belong to its graph)."""
    return _graph() is not None


def kernel_cache() -> dict:
    """The eager kernels' streams, keyed by (op name, attributes); cleared by ``set_seed``."""
    return _state["kernels"]


_sources: weakref.WeakSet = weakref.WeakSet()


def register_source(obj) -> None:
    """Track a higher layer's seed state (Keras's SeedGenerator: ``get_state()`` /
    ``set_state(s)``), so that a thrown-away ``tf.function`` trace can put it back."""
    _sources.add(obj)


def sources() -> list:
    """The live seed states registered with ``register_source``."""
    return list(_sources)


def host_rng() -> np.random.Generator:
    """The NumPy generator re-seeded by ``set_seed``, for minitf's own host-side shuffles."""
    return _state["rng"]
