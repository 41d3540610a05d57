"""The random streams behind ``Dataset.shuffle``, drawn as TensorFlow's CPU kernel draws them.

TF's ``ShuffleDataset`` does not use the random ops' machinery; its iterator owns a Philox
stream read one 32-bit word at a time (each 128-bit block gives four words, lowest first), and
picks a buffer position as ``word % elements_in_buffer``. Where the iterator's seeds come from:

* the Python layer turns the ``seed`` argument into ``(seed, seed2)`` by the usual global/op
  seed rules (``tf.random.set_seed``); no seed anywhere gives ``(0, 0)``, which the kernel reads
  as "pick fresh random seeds" (so only then is the order not reproducible);
* with ``reshuffle_each_iteration=False`` every iterator (every epoch) starts from those
  seeds, so each pass repeats the same order;
* with ``reshuffle_each_iteration=True`` the dataset keeps a second Philox stream seeded with
  them; each new iterator takes its own ``(seed, seed2)`` as the next two words of that stream,
  so the passes differ yet the whole sequence of passes is reproducible.

>>> from minitf.data.random_seed_generator import WordStream
>>> s = WordStream(0, 0)
>>> [hex(s.next()) for _ in range(2)]       # the first two words of Philox's zero block
['0x6627e8d5', '0xe169c58d']
"""
from __future__ import annotations

import secrets

from ..ops import random_seed
from ..ops.philox_random import PhiloxRandom

_CHUNK = 256      # blocks computed per vectorised Philox call (1024 words)


class WordStream:
    """TF's ``SingleSampleAdapter<PhiloxRandom>``: the uint32 words of a Philox stream seeded
    ``(seed, seed2)`` (key from ``seed``, upper counter half from ``seed2``), one per call."""

    __slots__ = ("_philox", "_words", "_pos")

    def __init__(self, seed: int, seed2: int):
        self._philox = PhiloxRandom.from_seeds(seed, seed2)
        self._words: list = []
        self._pos = 0

    def copy(self) -> "WordStream":
        """An independent stream at the same position."""
        out = WordStream.__new__(WordStream)
        out._philox, out._words, out._pos = self._philox.copy(), self._words, self._pos
        return out

    def next(self) -> int:
        """The next word, as a Python int in ``[0, 2**32)``."""
        if self._pos == len(self._words):
            # Blocks are independent functions of the counter, so computing many at once
            # yields exactly the words a one-block-at-a-time reader would see.
            self._words = self._philox.blocks(_CHUNK).reshape(-1).tolist()
            self._philox.skip(_CHUNK)
            self._pos = 0
        self._pos += 1
        return self._words[self._pos - 1]


def dataset_seeds(seed) -> tuple:
    """``(seed, seed2)`` for a dataset op created now with op seed ``seed`` (or None), as TF's
    ``tf.data`` seed helper gives them: the global/op seed rules, with a missing seed as 0; when
    no seed is set at all, the kernel's fresh random seeds are drawn here."""
    s1, s2 = random_seed.get_seed(seed)
    if s1 is None and s2 is None:
        # (0, 0) means "nondeterministic" to the kernel, which draws 64-bit seeds from the OS.
        return secrets.randbits(64), secrets.randbits(64)
    return int(s1 or 0), int(s2 or 0)


class SeedGenerator:
    """The per-dataset source of iterator seeds (TF's ``FixedSeedGenerator`` when ``reshuffle``
    is False, ``RandomSeedGenerator`` when True)."""

    __slots__ = ("_seeds", "_stream")

    def __init__(self, seeds: tuple, reshuffle: bool):
        self._seeds = seeds
        self._stream = WordStream(*seeds) if reshuffle else None

    def generate(self) -> tuple:
        """The seeds of the next iterator."""
        if self._stream is None:
            return self._seeds
        return self._stream.next(), self._stream.next()

    def peek(self) -> tuple:
        """What ``generate`` would return now, leaving the stream where it is."""
        if self._stream is None:
            return self._seeds
        saved = self._stream.copy()
        try:
            return self._stream.next(), self._stream.next()
        finally:
            self._stream = saved
