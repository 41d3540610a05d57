"""``tf.random.Generator``: a Philox state you own, drawn as TensorFlow draws from it.

A Generator's state is three int64 numbers: the 128-bit Philox counter (low, high) and the
64-bit key. ``Generator.from_seed(s)`` cuts the Python int ``s`` into 64-bit pieces, low piece
first, giving ``[s mod 2**64, (s >> 64) mod 2**64, (s >> 128) mod 2**64]`` (counter first, key
last; a negative int has all-ones pieces above its value). Each draw of ``n`` values reads the
state and then moves the counter on by ``256 * n``; the values are those of the stateless
kernels (``random_distributions``) started at the old key and counter, with no scrambling.

>>> import minitf as tf
>>> g = tf.random.Generator.from_seed(1)
>>> g.uniform([2]).numpy()
array([0.78749514, 0.3906511 ], dtype=float32)
>>> g.state.numpy()
array([513,   0,   0])
"""
from __future__ import annotations

import secrets

import numpy as np

from .. import _backend as B
from .. import dtypes
from ._registry import Tensor, _make, convert_to_tensor
from .philox_random import PhiloxRandom
from .random_distributions import fill

_U64 = (1 << 64) - 1
RESERVED_PER_OUTPUT = 256
PHILOX = 1


def _alg(alg) -> int:
    name = getattr(alg, "name", alg)
    if name in (None, 1, 3, "philox", "PHILOX", "auto_select", "AUTO_SELECT"):
        return PHILOX
    raise NotImplementedError(f"minitf's Generator draws with Philox only; alg={alg!r} is not "
                              f"supported")


def _to_int64(u: int) -> int:
    """A uint64 piece as the int64 with the same bits (TF's state dtype)."""
    u &= _U64
    return u - (1 << 64) if u >= 1 << 63 else u


def _state_of_seed(seed) -> list:
    """TF's ``create_rng_state`` for Philox: three 64-bit pieces of the seed, low first; a
    shorter tensor seed is padded with zeros on the left."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        seed, pieces = int(seed), []
        for _ in range(3):
            pieces.append(seed & _U64)
            seed >>= 64
        return [_to_int64(p) for p in pieces]
    vals = [int(v) for v in np.asarray(getattr(seed, "numpy", lambda: seed)()).reshape(-1)][:3]
    return [0] * (3 - len(vals)) + [_to_int64(v) for v in vals]


class Generator:
    """A random-number generator holding its own Philox state (TF's ``tf.random.Generator``).

    Unlike ``tf.random.set_seed``, nothing global is involved: two generators made from the same
    seed draw the same sequence, and each draw moves only its own state on.

    >>> import minitf as tf
    >>> a = tf.random.Generator.from_seed(7); b = tf.random.Generator.from_seed(7)
    >>> bool(tf.reduce_all(a.normal([3]) == b.normal([3])))
    True
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            self._state = copy_from._state.copy()
            self._alg = copy_from._alg
        else:
            if state is None:
                raise ValueError("Must provide either `state` or `copy_from`")
            self._alg = _alg(alg)
            vals = [int(v) for v in np.asarray(getattr(state, "numpy", lambda: state)())
                    .reshape(-1)]
            if len(vals) != 3:
                raise ValueError(f"The size of `state` must be 3 for the Philox algorithm; "
                                 f"got {len(vals)}")
            self._state = np.array([_to_int64(v) for v in vals], dtype=np.int64)

    @classmethod
    def from_seed(cls, seed, alg=None) -> "Generator":
        """A generator whose state is TF's ``create_rng_state(seed)``."""
        return cls(state=_state_of_seed(seed), alg=alg)

    @classmethod
    def from_state(cls, state, alg) -> "Generator":
        """A generator with the given 3-number state."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> "Generator":
        """A generator seeded from the operating system's randomness."""
        return cls(state=[_to_int64(secrets.randbits(64)) for _ in range(3)], alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg) -> "Generator":
        """A generator with Philox ``key`` (one int) and ``counter`` (two ints)."""
        counter = [int(c) for c in np.asarray(counter).reshape(-1)]
        return cls(state=counter + [int(key)], alg=alg)

    @property
    def state(self) -> Tensor:
        """The state ``[counter low, counter high, key]`` (int64), as it is now."""
        return _make(self._state.copy(), dtypes.int64)

    @property
    def algorithm(self) -> int:
        """The algorithm's number (1: Philox)."""
        return self._alg

    @property
    def key(self) -> Tensor:
        """The key part of the state."""
        return _make(self._state[-1:].copy()[0], dtypes.int64)

    def reset(self, state) -> None:
        """Replace the state."""
        self._state = Generator(state=state, alg=self._alg)._state

    def reset_from_seed(self, seed) -> None:
        """Replace the state with ``create_rng_state(seed)``."""
        self._state = np.array(_state_of_seed(seed), dtype=np.int64)

    def reset_from_key_counter(self, key, counter) -> None:
        """Replace the state with ``key`` and ``counter``."""
        self._state = Generator.from_key_counter(key, counter, self._alg)._state

    def _read_and_skip(self, blocks: int) -> PhiloxRandom:
        lo, hi, key = (int(v) & _U64 for v in self._state.tolist())
        gen = PhiloxRandom((key & 0xFFFFFFFF, key >> 32), lo | (hi << 64))
        moved = (gen.counter + blocks) & ((1 << 128) - 1)
        self._state = np.array([_to_int64(moved), _to_int64(moved >> 64), _to_int64(key)],
                               dtype=np.int64)
        return gen

    def skip(self, delta) -> Tensor:
        """Move the counter on as ``delta`` draws would (``256 * delta``); returns the old
        state."""
        old = self.state
        self._read_and_skip(int(delta) * RESERVED_PER_OUTPUT)
        return old

    def _draw(self, dist: str, shape, dt, lo=None, hi=None) -> Tensor:
        from .array_ops import _dims
        s = tuple(_dims("StatelessRandomUniformV2", shape, "Tshape",
                        float_type_error=isinstance(shape, float), numpy_floats=False))
        n = int(np.prod(s, dtype=np.int64)) if s else 1

        def draw():
            gen = self._read_and_skip(n * RESERVED_PER_OUTPUT)
            return fill(gen, dist, n, dt._np, B.current_xp(), lo, hi).reshape(s)
        return _make(B.stateful(draw), dt)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None) -> Tensor:
        """Normal values ``draw * stddev + mean``."""
        from . import math_ops as M
        dt = dtypes.as_dtype(dtype)
        mean_t, stddev_t = convert_to_tensor(mean, dtype=dt), convert_to_tensor(stddev, dtype=dt)
        return M.add(M.multiply(self._draw("normal", shape, dt), stddev_t), mean_t)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                         name=None) -> Tensor:
        """Normal values within two standard deviations, ``draw * stddev + mean``."""
        from . import math_ops as M
        dt = dtypes.as_dtype(dtype)
        mean_t, stddev_t = convert_to_tensor(mean, dtype=dt), convert_to_tensor(stddev, dtype=dt)
        return M.add(M.multiply(self._draw("truncated_normal", shape, dt), stddev_t), mean_t)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None) -> Tensor:
        """Uniform values in [minval, maxval) (floats: ``draw * (maxval - minval) + minval``;
        integers: ``minval + word % (maxval - minval)``; both None: the full integer range)."""
        from . import math_ops as M
        dt = dtypes.as_dtype(dtype)
        if dt.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(f"For integer dtype {dt!r}, minval and maxval must be both "
                                 f"`None` or both non-`None`; got minval={minval} and "
                                 f"maxval={maxval}")
            if minval is None:
                return self.uniform_full_int(shape, dt)
        elif maxval is None:
            maxval = 1
        lo_t, hi_t = convert_to_tensor(minval, dtype=dt), convert_to_tensor(maxval, dtype=dt)
        if dt.is_integer:
            return self._draw("uniform_int", shape, dt, int(lo_t.numpy()), int(hi_t.numpy()))
        rnd = self._draw("uniform", shape, dt)
        return M.add(M.multiply(rnd, M.subtract(hi_t, lo_t)), lo_t)

    def uniform_full_int(self, shape, dtype=dtypes.int64, name=None) -> Tensor:
        """Integers over the dtype's whole range (the Philox words themselves). TF's default
        dtype is uint64, which minitf does not have: int64 here (the same bits)."""
        return self._draw("uniform_full_int", shape, dtypes.as_dtype(dtype))

    def make_seeds(self, count: int = 1) -> Tensor:
        """``count`` seed pairs for the stateless ops, as a ``[2, count]`` int64 tensor: full-
        range int64 draws over zeros."""
        keys = self._draw("uniform_full_int", [count], dtypes.int64)
        from .array_ops import stack, zeros_like
        return stack([keys, zeros_like(keys)])

    def split(self, count: int = 1) -> list:
        """``count`` new generators, each with state ``[0, 0, key]`` for a fresh full-range
        int64 key drawn from this one."""
        keys = self._draw("uniform_full_int", [count], dtypes.int64).numpy().tolist()
        return [Generator(state=[0, 0, k], alg=self._alg) for k in keys]


_global: dict = {"generator": None}


def get_global_generator() -> Generator:
    """The global generator (made from the operating system's randomness on first use)."""
    if _global["generator"] is None:
        _global["generator"] = Generator.from_non_deterministic_state()
    return _global["generator"]


def set_global_generator(generator: Generator) -> None:
    """Replace the global generator."""
    _global["generator"] = generator


def create_rng_state(seed, alg) -> Tensor:
    """The Philox state TF makes from ``seed``: three int64 pieces, low first.

    >>> import minitf as tf
    >>> tf.random.create_rng_state(1234, "philox").numpy()
    array([1234,    0,    0])
    """
    _alg(alg)
    return _make(np.array(_state_of_seed(seed), dtype=np.int64), dtypes.int64)
