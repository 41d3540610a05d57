"""Random tensors, reproducible with seeds the way TF's are.

``tf.random.set_seed(s)`` restarts the global sequence: the same program after the same
``set_seed`` draws the same values. An op-level ``seed=`` gives each op its own stream, which
also restarts at ``set_seed``. (The numbers are NumPy's, not TF's: TF's random kernels cannot be
reproduced exactly, so parity tests copy values across instead.)

>>> import minitf as tf
>>> tf.random.set_seed(7); a = tf.random.normal([3])
>>> tf.random.set_seed(7); b = tf.random.normal([3])
>>> bool(tf.reduce_all(a == b))
True
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from ._registry import Tensor, _make

_DEFAULT_GLOBAL_SEED = 87654321
_state = {"seed": None, "rng": np.random.default_rng(), "op_streams": {}}


def set_seed(seed: int | None) -> None:
    """Set the global seed; sequences of random ops repeat after each call with the same seed."""
    _state["seed"] = seed
    _state["rng"] = np.random.default_rng(seed)
    _state["op_streams"] = {}


def get_global_generator_seed():
    return _state["seed"]


def snapshot():
    """The random generators' states, for ``restore``: a tf.function trace that is thrown away
    (a dry trace, or TF's second trace of a function that creates variables) must not use up
    draws, or a traced loop would see different numbers than the same loop run eagerly."""
    streams = dict(_state["op_streams"])
    return (_state["rng"], _state["rng"].bit_generator.state, streams,
            {k: g.bit_generator.state for k, g in streams.items()})


def restore(snap) -> None:
    rng, state, streams, states = snap
    rng.bit_generator.state = state
    _state["rng"] = rng
    for k, g in streams.items():
        g.bit_generator.state = states[k]
    _state["op_streams"] = streams


def _rng(seed) -> np.random.Generator:
    if seed is None:
        return _state["rng"]
    streams = _state["op_streams"]
    g = streams.get(seed)
    if g is None:
        gseed = _DEFAULT_GLOBAL_SEED if _state["seed"] is None else _state["seed"]
        g = streams[seed] = np.random.default_rng([int(gseed), int(seed)])
    return g


def _shape(shape, op: str) -> tuple:
    """The shape of a draw: integers, none negative (InvalidArgumentError, as TF: it converts
    the shape without a dtype, so ``[2.0]`` reaches the kernel as floats)."""
    from .array_ops import _dims
    return tuple(_dims(op, shape, "T", float_type_error=isinstance(shape, float),
                       numpy_floats=False))


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Samples from a normal distribution with ``mean`` and ``stddev``, of ``shape``, drawn
    from the global seed (``tf.random.set_seed``) and the op ``seed``, as TF does."""
    dt = dtypes.as_dtype(dtype)
    s, sd, m = _shape(shape, "RandomStandardNormal"), float(stddev), float(mean)

    def draw():
        return B.to_current((_rng(seed).standard_normal(s) * sd + m).astype(dt._np))
    return _make(B.stateful(draw), dt)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Samples uniform in [minval, maxval) of ``shape``; floating ``maxval`` defaults to 1,
    integers need an explicit ``maxval``."""
    dt = dtypes.as_dtype(dtype)
    s = _shape(shape, "RandomUniformInt" if dt.is_integer else "RandomUniform")
    if dt.is_integer:
        if maxval is None:
            raise ValueError("Must specify maxval for integer dtype")
        lo, hi_i = int(minval), int(maxval)
        if lo >= hi_i:          # NumPy's ValueError; TF's kernel refuses an empty range
            raise invalid_argument(f"Need minval < maxval, got {lo} >= {hi_i}",
                                   "RandomUniformInt")
        return _make(B.stateful(lambda: B.to_current(
            _rng(seed).integers(lo, hi_i, s).astype(dt._np))), dt)
    hi = 1.0 if maxval is None else float(maxval)
    lo = float(minval)
    # Drawn anew on every replay of a tf.function trace (B.stateful).
    return _make(B.stateful(lambda: B.to_current(
        _rng(seed).uniform(lo, hi, s).astype(dt._np))), dt)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                     name=None) -> Tensor:
    """Normal values, redrawn until they lie within two standard deviations of the mean."""
    dt = dtypes.as_dtype(dtype)
    s, sd, m = _shape(shape, "TruncatedNormal"), float(stddev), float(mean)

    def draw():
        rng = _rng(seed)
        v = rng.standard_normal(s)
        bad = np.abs(v) > 2
        while bad.any():
            v[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(v) > 2
        return B.to_current((v * sd + m).astype(dt._np))
    return _make(B.stateful(draw), dt)


def shuffle(value, seed=None, name=None) -> Tensor:
    """``value`` with its first dimension randomly permuted; a scalar has none, and is
    returned as it is (as TF does)."""
    from ._registry import tensor
    x = tensor(value)
    if x._value.ndim == 0:
        return _make(x._value, x._dtype)
    return _make(B.like(x._value, _rng(seed).permutation(B.to_host(x._value))), x._dtype)
