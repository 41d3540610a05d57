"""Stateless random ops (``tf.random.stateless_uniform``, ``stateless_normal``,
``stateless_truncated_normal``): the same ``seed`` pair always gives the same tensor.

TF turns the seed pair ``(s0, s1)`` (int32 or int64, sign-extended to 64 bits) into a Philox
key and counter by encrypting it once: the counter words ``(s0 lo, s0 hi, s1 lo, s1 hi)`` run
through Philox under the fixed key ``(0x3ec8f720, 0x02461e29)``; the output's first two words
are the key, its last two the counter's upper half (the lower half starts at 0). The values
are then laid out as the stateful kernels lay them out (``random_distributions``), from that
counter. Keras 3 draws every initializer and ``keras.random`` value this way.

>>> import minitf as tf
>>> tf.random.stateless_uniform([3], seed=[1, 2]).numpy()
array([0.8440604 , 0.19204533, 0.9962232 ], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import InvalidArgumentError, invalid_argument
from ._registry import Tensor, _make, convert_to_tensor
from .philox_random import PhiloxRandom
from .random_distributions import fill

_SCRAMBLE_KEY = (0x3EC8F720, 0x02461E29)
_U64 = (1 << 64) - 1


def key_counter(seed, op: str = "StatelessRandomGetKeyCounter") -> PhiloxRandom:
    """The Philox stream of a stateless op seeded with the shape-[2] integer ``seed``."""
    s = seed if isinstance(seed, Tensor) else convert_to_tensor(seed)
    if s.dtype not in (dtypes.int32, dtypes.int64):
        raise InvalidArgumentError(None, op, f"Value for attr 'Tseed' of "
                                   f"{s.dtype.kernel_name} is not in the list of allowed "
                                   f"values: int32, int64")
    if tuple(s.shape) != (2,):
        from .random_ops import kernel_error
        raise kernel_error(f"seed must have shape [2], not {list(s.shape)}",
                           "StatelessRandomGetKeyCounter", name=None)
    return key_counter_of_pair(*B.to_host(s._value).tolist())


def key_counter_of_pair(s0: int, s1: int) -> PhiloxRandom:
    """The Philox stream of the seed pair ``(s0, s1)`` (Python ints, taken modulo 2**64)."""
    s0, s1 = int(s0) & _U64, int(s1) & _U64
    mix = PhiloxRandom.from_words(_SCRAMBLE_KEY, (s0, s0 >> 32, s1, s1 >> 32)).blocks(1)[0]
    return PhiloxRandom((int(mix[0]), int(mix[1])), (int(mix[2]) | (int(mix[3]) << 32)) << 64)


def draw_array(dist: str, shape: tuple, pair: tuple, dt, lo=None, hi=None):
    """The standard values of ``dist`` for the seed ``pair``, as an array of ``shape`` on the
    current backend (what the stateless kernels compute before any scaling)."""
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    return fill(key_counter_of_pair(*pair), dist, n, dt._np, B.current_xp(), lo,
                hi).reshape(shape)


def _shape(shape, op: str) -> tuple:
    from .array_ops import _dims
    return tuple(_dims(op, shape, "T", float_type_error=isinstance(shape, float),
                       numpy_floats=False))


def _alg(alg) -> None:
    name = getattr(alg, "name", alg)
    name = name.lower() if isinstance(name, str) else {1: "philox", 3: "auto_select"}.get(name, name)
    if name not in (None, "auto_select", "philox"):
        raise NotImplementedError(f"minitf draws stateless random numbers with Philox only "
                                  f"(TF's CPU choice); alg={alg!r} is not supported")


def _draw(dist: str, shape, seed, dt, op: str, lo=None, hi=None) -> Tensor:
    s = _shape(shape, op)
    gen = key_counter(seed, op)
    n = int(np.prod(s, dtype=np.int64)) if s else 1
    return _make(fill(gen, dist, n, dt._np, B.current_xp(), lo, hi).reshape(s), dt)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None, alg="auto_select") -> Tensor:
    """Uniform values in [minval, maxval) determined by ``seed`` (shape [2]).

    Floats are ``draw * (maxval - minval) + minval`` in ``dtype`` (``maxval`` defaults to 1);
    integers (int32, int64, uint32, uint64) are ``minval + word % (maxval - minval)``, or the
    raw words (the full range) when both bounds are None.

    >>> import minitf as tf
    >>> tf.random.stateless_uniform([2], seed=[3, 4], minval=0, maxval=10, dtype=tf.int32).numpy()
    array([3, 7], dtype=int32)
    """
    from . import math_ops as M
    dt = dtypes.as_dtype(dtype)
    accepted = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64,
                getattr(dtypes, "uint32", None), getattr(dtypes, "uint64", None))
    if dt not in accepted:
        raise ValueError(f"Argument `dtype` got invalid value {dt}. Accepted dtypes are "
                         f"(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, "
                         f"tf.int64, tf.uint32, tf.uint64).")
    _alg(alg)
    if dt.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer `dtype` argument {dt}, argument `minval` and "
                             f"`maxval` must be both None or not None. Got `minval`={minval} "
                             f"and `maxval`={maxval}.")
        if minval is None:
            return _draw("uniform_full_int", shape, seed, dt,
                         "StatelessRandomUniformFullIntV2")
        lo_t, hi_t = convert_to_tensor(minval, dtype=dt), convert_to_tensor(maxval, dtype=dt)
        op = "StatelessRandomUniformIntV2"
        for nm, t in (("minval", lo_t), ("maxval", hi_t)):
            if t.shape.rank != 0:
                from .random_ops import kernel_error
                raise kernel_error(f"{nm} must be 0-D, got shape {list(t.shape)}", op)
        lo, hi = int(lo_t.numpy()), int(hi_t.numpy())
        s = _shape(shape, op)
        if (int(np.prod(s, dtype=np.int64)) if s else 1) > 0 and lo >= hi:
            from .random_ops import kernel_error
            raise kernel_error(f"Need minval < maxval, got {lo} >= {hi}", op)
        return _draw("uniform_int", s, seed, dt, op, lo, hi)
    if maxval is None:
        maxval = 1
    lo_t, hi_t = convert_to_tensor(minval, dtype=dt), convert_to_tensor(maxval, dtype=dt)
    rnd = _draw("uniform", shape, seed, dt, "StatelessRandomUniformV2")
    return M.add(M.multiply(rnd, M.subtract(hi_t, lo_t)), lo_t)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                            name=None, alg="auto_select") -> Tensor:
    """Normal values determined by ``seed``: ``draw * stddev + mean`` in ``dtype``.

    >>> import minitf as tf
    >>> tf.random.stateless_normal([2], seed=[1, 2]).numpy()
    array([0.5441101 , 0.20738031], dtype=float32)
    """
    from . import math_ops as M
    dt = dtypes.as_dtype(dtype)
    _alg(alg)
    mean_t, stddev_t = convert_to_tensor(mean, dtype=dt), convert_to_tensor(stddev, dtype=dt)
    if not dt.is_floating:
        raise invalid_argument(f"Value for attr 'dtype' of {dt.kernel_name} is not in the "
                               f"list of allowed values: half, bfloat16, float, double",
                               "StatelessRandomNormalV2")
    rnd = _draw("normal", shape, seed, dt, "StatelessRandomNormalV2")
    return M.add(M.multiply(rnd, stddev_t), mean_t)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None, alg="auto_select") -> Tensor:
    """Normal values below two standard deviations from the mean, determined by ``seed``.

    >>> import minitf as tf
    >>> v = tf.random.stateless_truncated_normal([100], seed=[5, 6])
    >>> bool(tf.reduce_max(tf.abs(v)) < 2)
    True
    """
    from . import math_ops as M
    dt = dtypes.as_dtype(dtype)
    _alg(alg)
    mean_t, stddev_t = convert_to_tensor(mean, dtype=dt), convert_to_tensor(stddev, dtype=dt)
    if not dt.is_floating:
        raise invalid_argument(f"Value for attr 'dtype' of {dt.kernel_name} is not in the "
                               f"list of allowed values: half, bfloat16, float, double",
                               "StatelessTruncatedNormalV2")
    rnd = _draw("truncated_normal", shape, seed, dt, "StatelessTruncatedNormalV2")
    return M.add(M.multiply(rnd, stddev_t), mean_t)


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None) -> Tensor:
    """Class indices drawn from the rows of ``logits``, determined by ``seed`` (TF's
    ``StatelessMultinomial``: the stateful kernel's sampler on the stream of ``seed``).

    >>> import minitf as tf
    >>> tf.random.stateless_categorical([[0.0, 1.0, 2.0]], 4, seed=[1, 2]).numpy()
    array([[2, 2, 1, 2]])
    """
    from .random_ops import _multinomial
    gen = key_counter(seed, "StatelessMultinomial")
    return _multinomial("StatelessMultinomial", logits, num_samples, dtype, lambda _: gen)
