"""Stateful random ops (``tf.random.uniform``, ``normal``, ``truncated_normal``, ``shuffle``),
drawing TensorFlow's numbers.

Each op gets two seeds from the global and op seeds (``random_seed.get_seed``) and owns a
Philox stream started from them (``philox_random``), TF's per-kernel ``GuardedPhiloxRandom``.
A call of an op with ``n`` outputs reads the stream from its current counter and then moves it
on by ``256 * n`` blocks (TF's conservative reservation), so the next call continues with
fresh numbers; values are laid out as TF's CPU kernels lay them out
(``random_distributions``). Eagerly, the stream lives in the kernel cache under the op's name
and attributes (dtypes and seeds), so ``tf.random.uniform([2], seed=1)`` twice gives two
different draws, and ``tf.random.set_seed`` clears the cache. In a ``tf.function`` each traced
op owns its stream, which advances on every call of the function.

The result matches TF's CPU kernels bit for bit (float32 normals included: the logarithm and
sine/cosine are glibc's, see ``_libm``); ``parity/test_random_parity.py`` checks it.

>>> import minitf as tf
>>> tf.random.set_seed(7); a = tf.random.normal([3])
>>> tf.random.set_seed(7); b = tf.random.normal([3])
>>> bool(tf.reduce_all(a == b))
True
>>> tf.random.set_seed(0)
>>> tf.random.uniform([3], seed=1).numpy()
array([0.5397302 , 0.1049397 , 0.20118177], dtype=float32)
"""
from __future__ import annotations

import secrets

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument, kernel_invalid_argument
from . import random_seed
from ._registry import Tensor, _make, convert_to_tensor
from .philox_random import PhiloxRandom
from .random_distributions import categorical_select, categorical_uniforms, fill
from .random_seed import _state, get_seed  # noqa: F401  (``_state`` read by tf.data)

RESERVED_PER_OUTPUT = 256       # blocks a stateful op reserves per output value


def set_seed(seed: int | None) -> None:
    """Set the global random seed, as ``tf.random.set_seed``: afterwards every random op's
    seeds derive from it (``random_seed``), so a program draws the same numbers on each run.

    >>> import minitf as tf
    >>> tf.random.set_seed(1); x = tf.random.uniform([2])
    >>> tf.random.set_seed(1); bool(tf.reduce_all(x == tf.random.uniform([2])))
    True
    """
    random_seed.set_seed(seed)


def get_global_generator_seed():
    """The global seed last set (None when unset)."""
    return random_seed.global_seed()


class _Kernel:
    """One op's Philox stream (TF's ``GuardedPhiloxRandom``); seeds (0, 0) mean "from the OS"."""

    __slots__ = ("gen",)

    def __init__(self, seed: int, seed2: int):
        if seed == 0 and seed2 == 0:
            seed, seed2 = secrets.randbits(64), secrets.randbits(64)
        self.gen = PhiloxRandom.from_seeds(seed, seed2)

    def reserve(self, blocks: int) -> PhiloxRandom:
        """The stream at its counter now; the counter moves on by ``blocks``."""
        here = self.gen.copy()
        self.gen.skip(blocks)
        return here


def _kernel(op: str, attrs: tuple, seed, seed2) -> _Kernel:
    """The stream of an op created now: a new one in a trace (the traced op owns it), the cached
    one eagerly (same op, attributes and seeds continue one stream)."""
    seed, seed2 = (0, 0) if seed is None else (seed, seed2)
    if random_seed.in_trace():
        return _Kernel(seed, seed2)
    cache = random_seed.kernel_cache()
    key = (op, attrs, seed, seed2)
    k = cache.get(key)
    if k is None:
        k = cache[key] = _Kernel(seed, seed2)
    return k


def _draw(kernel: _Kernel, dist: str, shape, dt, lo=None, hi=None) -> Tensor:
    """A tensor of ``shape`` drawn from ``kernel`` now, and anew on each replay of a trace.
    ``shape`` is a tuple, or a traced shape tensor (``tf.shape(x)`` inside a function): then
    the draw is one recorded operation of that shape's value at each replay."""
    if isinstance(shape, _Symbolic):
        def draw_of(shape_value):
            dims = tuple(int(d) for d in np.asarray(B.to_host(shape_value)).reshape(-1))
            return _fill(kernel, dist, dims, dt, lo, hi)
        return _make(B.record_call(draw_of, shape.value), dt)
    if B.TRACING and B.TRACER.discarding():
        # a value only looked at now (a loop part recorded on its first values, a branch not
        # taken): it uses up no draw, the program's runs draw from the stream's start
        drawn = []

        def fill_once():
            if drawn:
                return _fill(kernel, dist, shape, dt, lo, hi)
            drawn.append(True)
            spare = object.__new__(_Kernel)
            spare.gen = kernel.gen.copy()
            return _fill(spare, dist, shape, dt, lo, hi)
        return _make(B.stateful(fill_once), dt)
    return _make(B.stateful(lambda: _fill(kernel, dist, shape, dt, lo, hi)), dt)


def _fill(kernel: _Kernel, dist: str, shape: tuple, dt, lo, hi):
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    gen = kernel.reserve(n * RESERVED_PER_OUTPUT)
    return fill(gen, dist, n, dt._np, B.current_xp(), lo, hi).reshape(shape)


class _Symbolic:
    """A shape given as a tensor whose value is only known when a traced function runs."""

    def __init__(self, value):
        self.value = value


def _real_only(dt, op: str, attr: str = "dtype") -> None:
    """TF's samplers draw real numbers only: a complex (or other) dtype is its attribute error."""
    if not dt.is_floating:
        raise invalid_argument(f"Value for attr '{attr}' of {dt.kernel_name} is not in the list "
                               f"of allowed values: half, bfloat16, float, double", op)


def kernel_error(text: str, op: str, name: str | None = "") -> Exception:
    """A random kernel's InvalidArgumentError, worded as TF's eager kernels word it."""
    dev = B.CPU_DEVICE if B.current_xp() is np else B.GPU_DEVICE
    return kernel_invalid_argument(text, op, dev, name)


def _shape(shape, op: str):
    """The shape of a draw: integers, none negative (InvalidArgumentError, as TF: it converts
    the shape without a dtype, so ``[2.0]`` reaches the kernel as floats). A traced shape
    tensor stays symbolic (``_Symbolic``): its value is read when the function runs."""
    if isinstance(shape, Tensor) and B.is_symbolic(shape._value):
        return _Symbolic(shape._value)
    from .array_ops import _dims
    return tuple(_dims(op, shape, "T", float_type_error=isinstance(shape, float),
                       numpy_floats=False))


def _shape_type(shape) -> str:
    """The dtype of the shape tensor (an attribute of the kernel, so part of its cache key)."""
    dt = getattr(shape, "dtype", None)
    return "int64" if dt is not None and dtypes.as_dtype(dt) == dtypes.int64 else "int32"


def _scaled(rnd: Tensor, scale, shift) -> Tensor:
    """``rnd * scale + shift`` with TF's ops (so gradients reach ``scale`` and ``shift``)."""
    from . import math_ops as M
    return M.add(M.multiply(rnd, scale), shift)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Samples from a normal distribution with ``mean`` and ``stddev``, of ``shape``.

    TF draws standard normals (Box–Muller on Philox words) and returns
    ``draw * stddev + mean`` computed in ``dtype``; the stream is seeded from the global seed
    (``tf.random.set_seed``) and the op ``seed``.

    >>> import minitf as tf
    >>> tf.random.set_seed(0)
    >>> tf.random.normal([2], seed=3).numpy()
    array([-1.4095545, -0.5366828], dtype=float32)
    """
    dt = dtypes.as_dtype(dtype)
    s = _shape(shape, "RandomStandardNormal")
    mean_t = convert_to_tensor(mean, dtype=dt)        # TF converts these before the op checks
    stddev_t = convert_to_tensor(stddev, dtype=dt)    # its dtype: a TypeError comes first
    seed1, seed2 = get_seed(seed)
    _real_only(dt, "RandomStandardNormal")
    k = _kernel("RandomStandardNormal", (_shape_type(shape), dt.name), seed1, seed2)
    return _scaled(_draw(k, "normal", s, dt), stddev_t, mean_t)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Samples uniform in [minval, maxval) of ``shape``.

    Floats: TF draws multiples of 2**-23 (float64: 2**-52) in [0, 1) and returns
    ``draw * (maxval - minval) + minval`` (just the draw for the default range, ``draw *
    maxval`` when only ``maxval`` is given); ``maxval`` defaults to 1. Integers (int32, int64)
    need ``maxval`` and are ``minval + word % (maxval - minval)``.

    >>> import minitf as tf
    >>> tf.random.set_seed(0)
    >>> tf.random.uniform([4], 0, 10, dtype=tf.int32, seed=2).numpy()
    array([1, 9, 6, 4], dtype=int32)
    """
    dt = dtypes.as_dtype(dtype)
    if dt not in (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise ValueError(f"Argument `dtype` got invalid value {dt}. Accepted dtypes are "
                         f"(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, "
                         f"tf.int64).")
    if dt.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dt!r}")
    elif maxval is None:
        maxval = 1
    s = _shape(shape, "RandomUniformInt" if dt.is_integer else "RandomUniform")
    minval_is_zero = isinstance(minval, int) and minval == 0
    maxval_is_one = isinstance(maxval, int) and maxval == 1
    if not minval_is_zero or not maxval_is_one or dt.is_integer:
        minval = convert_to_tensor(minval, dtype=dt)
        maxval = convert_to_tensor(maxval, dtype=dt)
    seed1, seed2 = get_seed(seed)
    if dt.is_integer:
        for nm, t in (("minval", minval), ("maxval", maxval)):
            if t.shape.rank != 0:
                raise kernel_error(f"{nm} must be 0-D, got shape {list(t.shape)}",
                                   "RandomUniformInt")
        lo, hi = int(minval.numpy()), int(maxval.numpy())
        n = 1 if isinstance(s, _Symbolic) else (int(np.prod(s, dtype=np.int64)) if s else 1)
        if n > 0 and lo >= hi:
            raise kernel_error(f"Need minval < maxval, got {lo} >= {hi}", "RandomUniformInt")
        k = _kernel("RandomUniformInt", (_shape_type(shape), dt.name), seed1, seed2)
        return _draw(k, "uniform_int", s, dt, lo, hi)
    k = _kernel("RandomUniform", (_shape_type(shape), dt.name), seed1, seed2)
    rnd = _draw(k, "uniform", s, dt)
    if minval_is_zero:
        if maxval_is_one:
            return rnd
        from . import math_ops as M
        return M.multiply(rnd, maxval)
    from . import math_ops as M
    return _scaled(rnd, M.subtract(maxval, minval), minval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                     name=None) -> Tensor:
    """Normal values of magnitude below two standard deviations, ``draw * stddev + mean``.

    TF's kernel keeps Box–Muller normals below 2 in magnitude, in the order drawn; each group
    of 4 values (float64: 2) reads its own reserved run of Philox blocks.

    >>> import minitf as tf
    >>> tf.random.set_seed(0)
    >>> bool(tf.reduce_max(tf.abs(tf.random.truncated_normal([1000]))) < 2)
    True
    """
    dt = dtypes.as_dtype(dtype)
    s = _shape(shape, "TruncatedNormal")
    mean_t = convert_to_tensor(mean, dtype=dt)
    stddev_t = convert_to_tensor(stddev, dtype=dt)
    seed1, seed2 = get_seed(seed)
    _real_only(dt, "TruncatedNormal")
    k = _kernel("TruncatedNormal", (_shape_type(shape), dt.name), seed1, seed2)
    return _scaled(_draw(k, "truncated_normal", s, dt), stddev_t, mean_t)


def shuffle(value, seed=None, name=None) -> Tensor:
    """``value`` with its first dimension randomly permuted, as TF's ``RandomShuffle``.

    TF runs a Fisher–Yates pass: for ``i`` from 0 to ``size - 2`` it swaps row ``i`` with row
    ``i + word_i % (size - i)``, taking one Philox word per step (``size - 1`` words, reserved
    in blocks of four). A scalar, or a first dimension of 0 or 1, comes back unchanged and
    draws nothing.

    >>> import minitf as tf
    >>> tf.random.set_seed(0)
    >>> tf.random.shuffle(tf.range(5), seed=1).numpy()
    array([2, 3, 0, 1, 4], dtype=int32)
    """
    from ._registry import tensor
    x = tensor(value)
    seed1, seed2 = get_seed(seed)
    k = _kernel("RandomShuffle", (x.dtype.name,), seed1, seed2)
    arr = x._value
    if arr.ndim == 0 or arr.size <= 1 or arr.shape[0] <= 1:
        return _make(arr, x._dtype)
    size = arr.shape[0]

    def permutation():
        gen = k.reserve((size - 1 + 3) // 4)
        words = B.to_host(gen.blocks(-(-(size - 1) // 4)).reshape(-1)[:size - 1])
        steps = (words.astype(np.uint64) % np.arange(size, 1, -1, dtype=np.uint64))
        perm = np.arange(size)
        for i, j in enumerate((steps + np.arange(size - 1, dtype=np.uint64)).tolist()):
            perm[i], perm[j] = perm[j], perm[i]
        return B.like(arr, perm)
    perm = B.stateful(permutation)
    from .array_ops import gather
    return gather(x, _make(perm, dtypes.int64))


def snapshot():
    """The eager random state (op-seed generator, cached streams), for ``restore``: a
    ``tf.function`` trace that is thrown away (a dry trace) must use up no draws."""
    st = _state
    op_rng = st["op_rng"].getstate() if st["op_rng"] is not None else None
    kernels = {key: k.gen.copy() for key, k in st["kernels"].items()}
    others = [(src, src.get_state()) for src in random_seed.sources()]
    return op_rng, dict(st["kernels"]), kernels, st["rng"].bit_generator.state, others


def restore(snap) -> None:
    """Put back the state ``snapshot`` returned."""
    op_rng, cache, gens, rng_state, others = snap
    for src, state in others:
        src.set_state(state)
    if op_rng is not None and _state["op_rng"] is not None:
        _state["op_rng"].setstate(op_rng)
    for key, k in cache.items():
        k.gen = gens[key]
    _state["kernels"].clear()
    _state["kernels"].update(cache)
    _state["rng"].bit_generator.state = rng_state


def _rng(seed=None) -> np.random.Generator:
    """The NumPy generator re-seeded by ``set_seed`` (minitf's own host-side shuffles)."""
    return random_seed.host_rng()


def _multinomial(op: str, logits, num_samples, dtype, stream) -> Tensor:
    """The Multinomial kernels' checks and draw; ``stream(reserve)`` gives the Philox stream
    (moved on by ``reserve`` blocks when it is stateful)."""
    from ._registry import tensor
    dt = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    if dt not in (dtypes.int32, dtypes.int64):
        raise ValueError(f"Argument `dtype` got invalid value {dt}. Accepted dtypes are "
                         f"(tf.int32, tf.int64).")
    x = tensor(logits)
    if x.shape.rank != 2:
        raise kernel_error(f"logits should be a matrix, got shape {list(x.shape)}", op)
    n = int(num_samples)
    if n < 0:
        raise kernel_error(f"num_samples should be non-negative, got {n}", op)
    batch, classes = x._value.shape
    if classes <= 0:
        raise kernel_error(f"num_classes should be positive, got {classes}", op)
    if batch * n == 0:
        return _make(B.current_xp().zeros((batch, n), dt._np), dt)
    # TF reserves 256 blocks per value of batch * ceil4(num_samples) * 2 (two words a double)
    reserve = batch * ((n + 3) // 4 * 4) * 2 * RESERVED_PER_OUTPUT

    return _make(multinomial_select(x._value, B.stateful(lambda: B.to_current(
        categorical_uniforms(stream(reserve), batch, n))), dt._np), dt)


def multinomial_select(logits, u, np_dtype):
    """The samples for logits and uniforms ``u`` (arrays; symbolic ones in a trace, where the
    choice is recorded as one operation that reruns on the replay's values)."""
    def select(lg, uu):
        return B.to_current(categorical_select(B.to_host(lg), B.to_host(uu)).astype(np_dtype))
    return B.record_call(select, logits, u)


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    """Draws class indices from the categorical distributions whose unnormalised log
    probabilities are the rows of ``logits`` ([batch, classes]); [batch, num_samples] int64.

    TF's CPU kernel builds each row's cumulative sums of ``exp(logit - max)`` in double and
    finds each uniform ``u * total`` in them. minitf follows it draw for draw when TF runs the
    batch in one shard (small batches: TF may split larger ones across threads, and the rows'
    streams then depend on its thread pool).

    >>> import minitf as tf
    >>> tf.random.set_seed(0)
    >>> tf.random.categorical([[0.0, 1.0, 2.0]], 5, seed=1).numpy()
    array([[1, 2, 2, 2, 2]])
    """
    seed1, seed2 = get_seed(seed)
    from ._registry import tensor
    x = tensor(logits)
    k = _kernel("Multinomial", (x.dtype.name, (dtypes.as_dtype(dtype) if dtype else
                                                 dtypes.int64).name), seed1, seed2)
    return _multinomial("Multinomial", x, num_samples, dtype, k.reserve)
