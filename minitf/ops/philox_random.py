"""Philox4x32-10: the counter-based generator behind every TensorFlow random op.

Philox (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) maps a 128-bit
counter and a 64-bit key to 128 random bits, as four uint32 words, with ten rounds. Each round
multiplies counter words 0 and 2 by two fixed odd constants, keeps the high and low halves of
the 64-bit products, and mixes the high halves with the other two words and the key; between
rounds the key is bumped by two Weyl constants (the golden ratio's and sqrt(3)-1's bits).
Nothing is sequential: block ``i`` is ``philox(counter + i, key)``, so a whole tensor's words
come from one vectorised computation, on NumPy or CuPy (uint64 products of uint32 words).

TensorFlow's conventions, which this module follows:

* a stateful op seeded ``(seed, seed2)`` starts from key ``(seed & 0xffffffff, seed >> 32)``
  and counter ``(0, 0, seed2 & 0xffffffff, seed2 >> 32)`` (words, low first);
* ``skip(n)`` adds ``n`` to the counter as one 128-bit number (carries ripple upwards);
* a draw takes the block at the counter, then moves the counter on by one.

>>> from minitf.ops.philox_random import PhiloxRandom
>>> [hex(w) for w in PhiloxRandom((0, 0), 0).blocks(1)[0]]     # Random123's zero test vector
['0x6627e8d5', '0xe169c58d', '0xbc57ac4c', '0x9b00dbd8']
"""
from __future__ import annotations

import numpy as np

_M0, _M1 = 0xD2511F53, 0xCD9E8D57        # round multipliers
_W0, _W1 = 0x9E3779B9, 0xBB67AE85        # key increments (Weyl sequence)
_U32, _U64, _U128 = (1 << 32) - 1, (1 << 64) - 1, (1 << 128) - 1


def philox4x32_10(c0, c1, c2, c3, key: tuple):
    """Ten Philox rounds on counter word arrays ``c0..c3`` (uint32, any shape, NumPy or CuPy)
    with the 64-bit ``key`` given as two Python ints: four uint32 arrays of output words."""
    xp = _xp(c0)
    m0, m1, mask, sh = xp.uint64(_M0), xp.uint64(_M1), xp.uint64(_U32), xp.uint64(32)
    k0, k1 = int(key[0]) & _U32, int(key[1]) & _U32
    for rnd in range(10):
        p0 = c0.astype(xp.uint64) * m0
        p1 = c2.astype(xp.uint64) * m1
        hi0, lo0 = (p0 >> sh).astype(xp.uint32), (p0 & mask).astype(xp.uint32)
        hi1, lo1 = (p1 >> sh).astype(xp.uint32), (p1 & mask).astype(xp.uint32)
        c0, c1, c2, c3 = (hi1 ^ c1 ^ xp.uint32(k0), lo1, hi0 ^ c3 ^ xp.uint32(k1), lo0)
        if rnd < 9:
            k0, k1 = (k0 + _W0) & _U32, (k1 + _W1) & _U32
    return c0, c1, c2, c3


class PhiloxRandom:
    """A Philox stream: a 64-bit key and a 128-bit counter (Python ints), TF's
    ``random::PhiloxRandom``. ``blocks(n)`` are the next ``n`` 128-bit outputs without moving
    on; ``skip(n)`` moves on."""

    __slots__ = ("key", "counter")

    def __init__(self, key: tuple, counter: int = 0):
        self.key = (int(key[0]) & _U32, int(key[1]) & _U32)
        self.counter = int(counter) & _U128

    @classmethod
    def from_seeds(cls, seed: int, seed2: int) -> "PhiloxRandom":
        """The stream of a stateful op seeded ``(seed, seed2)``: the first seed is the key,
        the second the counter's upper 64 bits (both taken as uint64, as C++ casts them)."""
        seed, seed2 = int(seed) & _U64, int(seed2) & _U64
        return cls((seed & _U32, seed >> 32), seed2 << 64)

    @classmethod
    def from_words(cls, key: tuple, counter_words) -> "PhiloxRandom":
        """From a key pair and four counter words (low word first)."""
        c = 0
        for i, w in enumerate(counter_words):
            c |= (int(w) & _U32) << (32 * i)
        return cls(key, c)

    def copy(self) -> "PhiloxRandom":
        return PhiloxRandom(self.key, self.counter)

    def skip(self, n: int) -> None:
        """Move the counter on by ``n`` blocks (128-bit add, wrapping as C++'s does)."""
        self.counter = (self.counter + int(n)) & _U128

    def counter_words(self) -> tuple:
        return tuple((self.counter >> (32 * i)) & _U32 for i in range(4))

    def blocks_at(self, offsets, xp=np):
        """The blocks at ``counter + offsets`` (uint64 array of offsets): shape
        ``offsets.shape + (4,)``, uint32."""
        lo, hi = self.counter & _U64, self.counter >> 64
        offsets = xp.asarray(offsets, dtype=xp.uint64)
        s = offsets + xp.uint64(lo)
        carry = (s < xp.uint64(lo)).astype(xp.uint64)     # the low 64 bits wrapped
        h = carry + xp.uint64(hi)                         # wraps at 2**64 like the C++ carry
        mask, sh = xp.uint64(_U32), xp.uint64(32)
        words = philox4x32_10((s & mask).astype(xp.uint32), (s >> sh).astype(xp.uint32),
                              (h & mask).astype(xp.uint32), (h >> sh).astype(xp.uint32),
                              self.key)
        return xp.stack(words, axis=-1)

    def blocks(self, n: int, xp=np):
        """The next ``n`` blocks, ``(n, 4)`` uint32 (the counter does not move)."""
        return self.blocks_at(xp.arange(int(n), dtype=xp.uint64), xp)


def _xp(a):
    if isinstance(a, np.ndarray):
        return np
    from .. import _backend as B
    return B.xp_of(a)
