"""From Philox words to TensorFlow's random values: the distributions and their layout.

TF's CPU kernels fill a tensor in *groups*: each group is one distribution call, which takes
one 128-bit Philox block (four uint32 words) and returns a fixed number of values:

* uniform float32/float16: 4 values, one word each. A word's low 23 (float16: 10) mantissa
  bits are put under the exponent of 1.0, giving [1, 2), and 1 is subtracted: multiples of
  2**-23 in [0, 1).
* uniform float64: 2 values, 52 mantissa bits from two words (20 from the first, 32 from the
  second).
* normal: Box–Muller on pairs, ``u1 = max(uniform, 1e-7)``, ``v = 2 pi uniform``,
  ``sqrt(-2 log u1) * (sin v, cos v)``; float32 from two words per pair (4 values a group),
  float64 from four (2 values a group, the angle computed in double).
* integers in ``[lo, hi)``: ``lo + word % (hi - lo)`` with unsigned arithmetic (int64: a
  64-bit word from two, low first), 4 int32 or 2 int64 values a group; "full range" integers
  are the words themselves.
* truncated normal: values of magnitude 2 or more are dropped, so a group needs a variable
  number of words. Group ``g`` therefore starts at block ``g * 256`` (float64: ``g * 128``),
  reading words one at a time, Box–Muller pair after pair, keeping each value below 2 in
  order until the group's 4 (float64: 2) values are found.

Group ``g`` of a fixed-size distribution uses block ``g``; a tensor of ``n`` values takes the
first ``n`` of the concatenated groups (the last group's extra values are dropped). Every
group is independent, so each step here is one vectorised operation over all groups.

>>> from minitf.ops.philox_random import PhiloxRandom
>>> from minitf.ops import random_distributions as rd
>>> import numpy as np
>>> words = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c]   # Philox's first block for key 0, counter 0
>>> expected = np.float32([(w & 0x7fffff) / 2 ** 23 for w in words])
>>> bool((rd.fill(PhiloxRandom((0, 0)), "uniform", 3, np.float32) == expected).all())
True
"""
from __future__ import annotations

import math

import numpy as np

from . import _libm
from .philox_random import PhiloxRandom

_TWO_PI = 2.0 * math.pi          # the C code's ``2.0f * M_PI``: a double
_EPS32, _EPS64 = np.float32(1.0e-7), 1.0e-7
_TRUNCATE = 2.0
SKIP_PER_TRUNCATED_GROUP = 256   # blocks reserved per output group of a variable-count fill


def uint32_to_float(w):
    """float32 in [0, 1): the word's low 23 bits as the mantissa of a number in [1, 2), less 1."""
    xp = _xp(w)
    return ((w & xp.uint32(0x7FFFFF)) | xp.uint32(0x3F800000)).view(xp.float32) - xp.float32(1)


def uint16_to_half(w):
    """float16 in [0, 1): the word's low 10 bits as a mantissa under 1.0's exponent, less 1."""
    xp = _xp(w)
    bits = ((w & xp.uint32(0x3FF)) | xp.uint32(0x3C00)).astype(xp.uint16)
    return bits.view(xp.float16) - xp.float16(1)


def uint64_to_double(w0, w1):
    """float64 in [0, 1): 20 mantissa bits from ``w0`` over 32 from ``w1``, under 1.0's
    exponent, less 1."""
    xp = _xp(w0)
    bits = ((w0 & xp.uint32(0xFFFFF)).astype(xp.uint64) << xp.uint64(32)) | w1.astype(xp.uint64)
    return (bits | xp.uint64(0x3FF0000000000000)).view(xp.float64) - 1.0


def box_muller_float(x0, x1) -> tuple:
    """Two float32 normals from two words each (TF's ``BoxMullerFloat``)."""
    xp = _xp(x0)
    u1 = xp.maximum(uint32_to_float(x0), _EPS32)
    v1 = (_TWO_PI * uint32_to_float(x1).astype(xp.float64)).astype(xp.float32)
    u2 = xp.sqrt(xp.float32(-2.0) * _libm.logf(u1))
    s, c = _libm.sincosf(v1)
    return s * u2, c * u2


def box_muller_double(x0, x1, x2, x3) -> tuple:
    """Two float64 normals from four words each (TF's ``BoxMullerDouble``). The logarithm,
    sine and cosine are the platform's (computed on the host)."""
    from .. import _backend as B
    xp = _xp(x0)
    u1 = B.to_host(xp.maximum(uint64_to_double(x0, x1), _EPS64))
    v1 = B.to_host(_TWO_PI * uint64_to_double(x2, x3))
    u2 = np.sqrt(-2.0 * _libm.log(u1))
    s, c = _libm.sincos(v1)
    s, c = s.reshape(v1.shape) * u2, c.reshape(v1.shape) * u2
    return xp.asarray(s), xp.asarray(c)


def group_size(dist: str, dtype) -> int:
    """Values per group (per distribution call) for ``dist`` in ``dtype``."""
    wide = np.dtype(dtype).itemsize == 8
    return 2 if wide else 4


def _values(dist: str, w, dtype, lo=None, hi=None):
    """The values of groups whose blocks are ``w`` (shape ``(g, 4)``), ``(g, group)``."""
    xp = _xp(w)
    dt = np.dtype(dtype)
    if dist == "uniform":
        if dt == np.float64:
            return uint64_to_double(w[:, 0::2], w[:, 1::2])
        if dt == np.float16:
            return uint16_to_half(w)
        return uint32_to_float(w)
    if dist == "normal":
        if dt == np.float64:
            a, b = box_muller_double(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
            return xp.stack([a, b], axis=1)
        a, b = box_muller_float(w[:, 0::2], w[:, 1::2])
        out = xp.stack([a, b], axis=2).reshape(w.shape[0], 4)
        return out.astype(dt) if dt != np.float32 else out
    if dist == "uniform_int":
        if dt.itemsize == 8:
            rng = (int(hi) - int(lo)) & ((1 << 64) - 1)
            bits = w[:, 0::2].astype(xp.uint64) | (w[:, 1::2].astype(xp.uint64) << xp.uint64(32))
            return ((bits % xp.uint64(rng)) + xp.uint64(int(lo) & ((1 << 64) - 1))).view(dt)
        rng = (int(hi) - int(lo)) & 0xFFFFFFFF
        return ((w % xp.uint32(rng)) + xp.uint32(int(lo) & 0xFFFFFFFF)).view(dt)
    if dist == "uniform_full_int":
        if dt.itemsize == 8:
            bits = w[:, 0::2].astype(xp.uint64) | (w[:, 1::2].astype(xp.uint64) << xp.uint64(32))
            return bits.view(dt)
        return w.view(dt)
    raise ValueError(f"unknown distribution {dist!r}")


def fill(gen: PhiloxRandom, dist: str, n: int, dtype, xp=np, lo=None, hi=None):
    """``n`` values of ``dist`` (``"uniform"``, ``"normal"``, ``"truncated_normal"``,
    ``"uniform_int"`` in ``[lo, hi)``, ``"uniform_full_int"``) in ``dtype``, drawn from
    ``gen``'s current counter on; ``gen`` itself does not move (callers reserve)."""
    n = int(n)
    dt = np.dtype(dtype)
    if n == 0:
        return xp.zeros((0,), dt)
    if dist == "truncated_normal":
        return _truncated(gen, n, dt, xp)
    per = group_size(dist, dt)
    groups = -(-n // per)
    vals = _values(dist, gen.blocks(groups, xp), dt, lo, hi)
    return vals.reshape(-1)[:n]


def _truncated(gen: PhiloxRandom, n: int, dt, xp):
    """TF's truncated normal: group ``g`` reads words from block ``g * 256`` (float64: 128) on,
    a Box–Muller pair at a time (two words; float64: four), keeping values with ``|x| < 2``."""
    wide = dt == np.float64
    per = 2 if wide else 4
    skip = SKIP_PER_TRUNCATED_GROUP * per // 4
    groups = -(-n // per)
    base = xp.arange(groups, dtype=xp.uint64) * xp.uint64(skip)
    out = xp.zeros((groups, per), xp.float64 if wide else xp.float32)
    count = xp.zeros(groups, xp.int64)
    active = xp.arange(groups)
    step = 4 if wide else 2                   # words per Box–Muller pair
    t = 0                                     # words read so far by each active group
    block = None
    while active.size:
        if t % 4 == 0:
            block = gen.blocks_at(base[active] + xp.uint64(t // 4), xp)
        j = t % 4
        if wide:
            pair = box_muller_double(block[:, 0], block[:, 1], block[:, 2], block[:, 3])
        else:
            pair = box_muller_float(block[:, j], block[:, j + 1])
        for f in pair:
            c = count[active]
            take = (xp.abs(f) < _TRUNCATE) & (c < per)
            rows = active[take]
            out[rows, c[take]] = f[take]
            count[rows] += 1
        t += step
        keep = count[active] < per
        active, block = active[keep], block[keep]
    res = out.reshape(-1)[:n]
    return res.astype(dt) if res.dtype != dt else res


def _xp(a):
    if isinstance(a, np.ndarray):
        return np
    from .. import _backend as B
    return B.xp_of(a)


def categorical_uniforms(gen: PhiloxRandom, batch: int, num_samples: int) -> np.ndarray:
    """The (batch, num_samples) float64 uniforms TF's CPU multinomial sampler uses: two words
    each (52 bits), rows reading one word stream in turn (TF's layout when its kernel runs the
    batch in one shard)."""
    need = 2 * num_samples * batch
    words = gen.blocks(-(-need // 4)).reshape(-1)[:need].reshape(batch, num_samples, 2)
    return uint64_to_double(words[..., 0], words[..., 1])


def categorical_select(logits: np.ndarray, u: np.ndarray) -> np.ndarray:
    """TF's multinomial choice for host ``logits`` (batch, classes) and uniforms ``u``: each
    row's running sum of ``exp(logit - max)`` over finite logits (in double) is its
    unnormalised CDF, and a sample is the number of CDF entries not above ``u * total``."""
    batch, classes = logits.shape
    out = np.empty(u.shape, np.int64)
    lg = logits.astype(np.float64)
    for b in range(batch):
        row = lg[b]
        finite = np.isfinite(row)
        top = row[finite].max() if finite.any() else float(np.finfo(logits.dtype).min)
        e = np.fromiter(map(math.exp, (row - top).tolist()), np.float64, classes)
        cdf = np.cumsum(np.where(finite, e, 0.0))
        out[b] = np.searchsorted(cdf, u[b] * cdf[-1], side="right")
    return out
