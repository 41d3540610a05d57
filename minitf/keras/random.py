"""``keras.random``: Keras 3's seeded random functions, drawn as Keras on TensorFlow draws them.

Keras 3 never uses TF's stateful random ops. Every draw is a *stateless* op
(``tf.random.stateless_*``, see ``minitf/ops/stateless_random_ops.py``) whose seed pair comes
from the ``seed`` argument (``draw_seed``):

* an int ``s``: the pair ``[s, 0]``, so the same call gives the same values every time;
* a ``SeedGenerator``: its state ``[s, n]``, after which the state becomes ``[s, n + 1]``;
* None: Keras's global ``SeedGenerator`` (made on first use, from ``random.randint``), whose
  state is replaced by ``(state + 1) * 5387 % 933199`` element-wise after each draw.

The TF backend then reduces the int64 pair with ``floormod(pair, 2**31 - 2)`` to int32.
A ``SeedGenerator(seed=None)`` (and an initializer without a seed) takes its seed from
Python's ``random.randint(1, 10**9)``, so ``keras.utils.set_random_seed`` (which seeds
``random``) makes layers' initial weights repeatable, and equal to Keras's.

>>> import minitf as tf
>>> tf.keras.random.uniform([3], seed=1).numpy()
array([0.8784882 , 0.45998025, 0.60029125], dtype=float32)
"""
from __future__ import annotations

import random as python_random

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..ops import math_ops as M
from ..ops import stateless_random_ops as S
from ..tensor import _make, convert_to_tensor

_MOD = 2 ** 31 - 2              # the TF backend's floormod for int64 seeds (int32.max - 1)
_global = {"generator": None}


def make_default_seed() -> int:
    """A fresh seed from Python's ``random`` module, as Keras draws one for an unseeded
    initializer or SeedGenerator."""
    return python_random.randint(1, int(1e9))


class SeedGenerator:
    """A seed state for repeatable random ops that still differ call after call.

    Its state is the pair ``[seed, counter]`` (int64); each draw reads it and adds 1 to the
    counter, so passing the generator as ``seed=`` gives new values on every call and the same
    sequence whenever it starts from the same seed. Layers with randomness (Dropout,
    GaussianNoise, recurrent cells) own one.

    >>> import minitf as tf
    >>> g = tf.keras.random.SeedGenerator(42)
    >>> a = tf.keras.random.normal([2], seed=g); b = tf.keras.random.normal([2], seed=g)
    >>> bool(tf.reduce_all(a == b)), g.state.numpy().tolist()
    (False, [42, 2])
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or "seed_generator"
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self._value = np.array([seed, 0], dtype=np.int64)
        # a tf.function trace that is thrown away must leave the state as it found it
        from ..ops import random_seed
        random_seed.register_source(self)

    def get_state(self) -> np.ndarray:
        """A copy of the ``[seed, counter]`` state (for saving and restoring it)."""
        return self._value.copy()

    def set_state(self, value) -> None:
        """Set the ``[seed, counter]`` state."""
        self._value = np.array(value, dtype=np.int64).reshape(2)

    @property
    def state(self):
        """The current ``[seed, counter]`` pair, as an int64 tensor."""
        return _make(self._value.copy(), dtypes.int64)

    def next(self, ordered: bool = True) -> np.ndarray:
        """The state before this call (an int64 pair); the state moves on (ordered: counter
        + 1; otherwise Keras's global-generator scramble)."""
        value = self._value.copy()
        if ordered:
            self._value = value + np.array([0, 1], dtype=np.int64)
        else:
            self._value = (value + 1) * 5387 % 933199
        return value

    def get_config(self) -> dict:
        """``{"seed": the seed given, "name": ...}``, as Keras stores it."""
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        """``cls(**config)``."""
        return cls(**config)


def global_seed_generator() -> SeedGenerator:
    """Keras's global generator, used when ``seed`` is None (made on first use; reset by
    ``keras.utils.set_random_seed`` and ``keras.backend.clear_session``)."""
    gen = _global["generator"]
    if gen is None:
        gen = _global["generator"] = SeedGenerator()
    return gen


def reset_global_seed_generator() -> None:
    """Forget the global generator (a new one is made, from ``random``, on next use)."""
    _global["generator"] = None


def draw_seed(seed) -> np.ndarray:
    """The int64 seed pair a draw with ``seed`` uses (advancing a generator's state)."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return np.array([seed, 0], dtype=np.int64)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError("Argument `seed` must be either an integer or an instance of "
                     f"`SeedGenerator`. Received: seed={seed} (of type {type(seed)})")


def _pair(seed) -> tuple:
    """The int32 pair the TF backend passes to the stateless op."""
    return tuple(int(v) % _MOD for v in draw_seed(seed).tolist())


def _dtype(dtype):
    from . import backend
    return dtypes.as_dtype(dtype or backend.floatx())


def _raw(dist: str, shape, seed, dt, lo=None, hi=None):
    """A draw's standard values as a tensor: drawn now, and again (with the seed state then)
    on each replay of a traced function, as Keras's variable-held seed state is read then."""
    shape = tuple(int(d) for d in shape)

    def draw():
        return S.draw_array(dist, shape, _pair(seed), dt, lo, hi)
    if isinstance(seed, int) and not isinstance(seed, bool):
        return _make(draw(), dt)
    return _make(B.stateful(draw), dt)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values: ``tf.random.stateless_normal`` with the seed pair of ``seed``.

    >>> import minitf as tf
    >>> tf.keras.random.normal([2], seed=3).numpy()
    array([-0.6715848,  1.6760504], dtype=float32)
    """
    dt = _dtype(dtype)
    rnd = _raw("normal", shape, seed, dt)
    return M.add(M.multiply(rnd, convert_to_tensor(stddev, dtype=dt)),
                 convert_to_tensor(mean, dtype=dt))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values below two standard deviations (``tf.random.stateless_truncated_normal``).

    >>> import minitf as tf
    >>> bool(tf.reduce_max(tf.abs(tf.keras.random.truncated_normal([50], seed=1))) < 2)
    True
    """
    dt = _dtype(dtype)
    rnd = _raw("truncated_normal", shape, seed, dt)
    return M.add(M.multiply(rnd, convert_to_tensor(stddev, dtype=dt)),
                 convert_to_tensor(mean, dtype=dt))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform values in [minval, maxval): ``draw * (maxval - minval) + minval`` in ``dtype``
    (the bounds cast to ``dtype`` first).

    >>> import minitf as tf
    >>> tf.keras.random.uniform([2], -1.0, 1.0, seed=2).numpy()
    array([0.60195804, 0.4094336 ], dtype=float32)
    """
    dt = _dtype(dtype)
    if not dt.is_floating:
        raise ValueError("`keras.random.uniform` requires a floating point `dtype`. Received: "
                         f"dtype={dt.name} ")
    # The TF backend passes tf.cast(bound, dtype): a Python float becomes float32 first.
    lo, hi = M.cast(convert_to_tensor(minval), dt), M.cast(convert_to_tensor(maxval), dt)
    rnd = _raw("uniform", shape, seed, dt)
    return M.add(M.multiply(rnd, M.subtract(hi, lo)), lo)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in [minval, maxval) (``tf.random.stateless_uniform`` with an int dtype).

    >>> import minitf as tf
    >>> tf.keras.random.randint([4], 0, 10, seed=1).numpy()
    array([9, 4, 0, 6], dtype=int32)
    """
    dt = dtypes.as_dtype(dtype)
    draw_dt = dt if dt in (dtypes.int32, dtypes.int64) else dtypes.int64
    rnd = _raw("uniform_int", shape, seed, draw_dt, int(minval), int(maxval))
    return rnd if draw_dt == dt else M.cast(rnd, dt)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each value with probability ``rate``, scaling the others by ``1 / (1 - rate)``:
    ``tf.nn.experimental.stateless_dropout`` (keep where a stateless uniform draw is
    ``>= rate``).

    >>> import minitf as tf
    >>> tf.keras.random.dropout(tf.ones([4]), 0.5, seed=1).numpy()
    array([2., 0., 2., 0.], dtype=float32)
    """
    from ..ops import array_ops as A
    from ..ops._registry import tensor
    x = tensor(inputs)
    if rate == 1.0:
        return A.zeros_like(x)
    if rate == 0.0:
        return x
    if noise_shape is None:
        shape = tuple(x.shape)
    else:
        shape = tuple(int(d if d is not None else x.shape[i]) for i, d in enumerate(noise_shape))
    scaled = M.multiply(x, convert_to_tensor(1 / (1 - rate), dtype=x.dtype))
    keep = M.greater_equal(_raw("uniform", shape, seed, x.dtype),
                           convert_to_tensor(rate, dtype=x.dtype))
    return M.where(keep, scaled, A.zeros_like(scaled))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from each row of the 2-D ``logits``: the TF backend's
    ``tf.random.stateless_categorical`` under the seed pair of ``seed``, cast to ``dtype``.

    >>> import minitf as tf
    >>> tf.keras.random.categorical([[0.0, 1.0, 2.0]], 4, seed=1).numpy()
    array([[0, 2, 0, 2]], dtype=int32)
    """
    from ..ops import random_distributions as rd
    x = convert_to_tensor(logits)
    if len(x.shape) != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                         f"Received: logits={logits}")
    n = int(num_samples)

    from ..ops.random_ops import multinomial_select
    batch = int(x.shape[0])

    def draw():
        gen = S.key_counter_of_pair(*_pair(seed))
        return B.to_current(rd.categorical_uniforms(gen, batch, n))
    u = draw() if isinstance(seed, int) and not isinstance(seed, bool) else B.stateful(draw)
    out = _make(multinomial_select(x._value, u, np.int64), dtypes.int64)
    return M.cast(out, dtypes.as_dtype(dtype))


def shuffle(x, axis=0, seed=None):
    """``x`` permuted along ``axis`` by the order of stateless uniforms drawn under ``seed``
    (the TF backend's argsort of ``stateless_uniform([x.shape[axis]])``; ties keep index
    order, as TF's top-k does).

    >>> import minitf as tf
    >>> tf.keras.random.shuffle(tf.range(6), seed=1).numpy()
    array([4, 3, 5, 1, 2, 0], dtype=int32)
    """
    from ..ops import array_ops as A
    from ..ops._registry import tensor
    from ..ops.sort_ops import argsort
    t = tensor(x)
    u = _raw("uniform", (int(t.shape[axis]),), seed, dtypes.float32)
    return A.gather(t, argsort(u, stable=True), axis=axis)
