"""Philox4x32-10 and TF's conversions, checked against published answers and first principles.

Expected values come from Random123's known-answer vectors for philox4x32-10, from the bit
layouts TF documents for its conversions (mantissa bits under 1.0's exponent, less 1), from
TF's seed rules (``random_seed.get_seed``), and from the C library itself for the float32
logarithm and sine/cosine. Nothing here imports TensorFlow; ``parity/test_random_parity.py``
compares with it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import platform
import random

import numpy as np
import pytest

import minitf as tf
from minitf.ops import _libm, random_seed
from minitf.ops import random_distributions as rd
from minitf.ops.philox_random import PhiloxRandom, philox4x32_10
from minitf.ops.stateless_random_ops import key_counter_of_pair

# Random123 (D. E. Shaw Research), kat_vectors: philox4x32 10 rounds, (counter, key) -> output.
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_philox_known_answers(ctr, key, expected):
    words = philox4x32_10(*(np.array([c], np.uint32) for c in ctr), key)
    assert tuple(int(w[0]) for w in words) == expected
    # the same block through the stream object (counter words low first)
    assert tuple(int(w) for w in PhiloxRandom.from_words(key, ctr).blocks(1)[0]) == expected


def test_philox_is_vectorised_per_counter():
    # block i of a stream is philox(counter + i): the KAT counters in one call give the KATs
    ctrs = np.array([k[0] for k in KAT], np.uint32)
    for i, (_, key, expected) in enumerate(KAT):
        out = philox4x32_10(*(ctrs[:, j].copy() for j in range(4)), key)
        assert tuple(int(w[i]) for w in out) == expected


def test_counter_addition_carries_across_words():
    # 128-bit counter arithmetic: (2**64 - 1) + 1 = 2**64, i.e. words (0, 0, 1, 0)
    key = (0x12345678, 0x9ABCDEF0)
    gen = PhiloxRandom(key, 2 ** 64 - 1)
    second = gen.blocks(2)[1]
    direct = PhiloxRandom.from_words(key, (0, 0, 1, 0)).blocks(1)[0]
    assert second.tolist() == direct.tolist()
    gen.skip(1)
    assert gen.counter_words() == (0, 0, 1, 0)
    top = PhiloxRandom(key, 2 ** 128 - 1)       # the counter wraps at 2**128, as in C++
    top.skip(1)
    assert top.counter == 0


def test_stateful_seeds_become_key_and_upper_counter():
    gen = PhiloxRandom.from_seeds(0x1122334455667788, 0x99AABBCC)
    assert gen.key == (0x55667788, 0x11223344)
    assert gen.counter_words() == (0, 0, 0x99AABBCC, 0)


def test_uint32_to_float_takes_23_mantissa_bits():
    w = np.array([0, 1, 0x7FFFFF, 0x800000, 0xFFFFFFFF], np.uint32)
    expected = np.float32([0, 2 ** -23, 1 - 2 ** -23, 0, 1 - 2 ** -23])
    assert rd.uint32_to_float(w).tolist() == expected.tolist()


def test_uint64_to_double_takes_20_plus_32_bits():
    hi = np.array([0, 0, 0xFFFFF, 0xFFF00000], np.uint32)
    lo = np.array([0, 1, 0xFFFFFFFF, 0], np.uint32)
    expected = [0.0, 2.0 ** -52, 1 - 2.0 ** -52, 0.0]
    assert rd.uint64_to_double(hi, lo).tolist() == expected


def test_uint16_to_half_takes_10_bits():
    w = np.array([0, 1, 0x3FF, 0xFFFF0400], np.uint32)
    assert rd.uint16_to_half(w).tolist() == [0.0, 2.0 ** -10, 1 - 2.0 ** -10, 0.0]


def test_uniform_fill_layout():
    # 5 float32 values: the 4 words of block 0, then the first word of block 1
    gen = PhiloxRandom((7, 8), 5 << 64)
    words = gen.blocks(2).reshape(-1)
    got = rd.fill(gen, "uniform", 5, np.float32)
    assert got.tolist() == rd.uint32_to_float(words[:5]).tolist()
    # float64: 2 values per block, (word 0, word 1) and (word 2, word 3)
    got64 = rd.fill(gen, "uniform", 3, np.float64)
    assert got64.tolist() == rd.uint64_to_double(words[[0, 2, 4]], words[[1, 3, 5]]).tolist()


def test_integer_fill_is_lo_plus_word_mod_range():
    gen = PhiloxRandom((1, 2), 0)
    words = gen.blocks(2).reshape(-1).astype(np.int64)
    got = rd.fill(gen, "uniform_int", 7, np.int32, lo=-5, hi=1000)
    assert got.tolist() == [int(w % 1005) - 5 for w in words[:7]]
    wide = rd.fill(gen, "uniform_int", 3, np.int64, lo=-(2 ** 40), hi=2 ** 41)
    u64 = [int(words[2 * i]) | (int(words[2 * i + 1]) << 32) for i in range(3)]
    assert wide.tolist() == [u % (3 * 2 ** 40) - 2 ** 40 for u in u64]


def test_normal_fill_is_box_muller_on_word_pairs():
    gen = PhiloxRandom((3, 4), 0)
    w = gen.blocks(1)[0]
    got = rd.fill(gen, "normal", 4, np.float32)
    for pair in range(2):
        u1 = max(((int(w[2 * pair]) & 0x7FFFFF) / 2 ** 23), 1e-7)
        v = 2 * math.pi * ((int(w[2 * pair + 1]) & 0x7FFFFF) / 2 ** 23)
        r = math.sqrt(-2 * math.log(u1))
        # TF rounds in float32 on the way. r <= sqrt(-2 ln 1e-7) = 5.68; the angle rounded to
        # float32 is off by <= 2**-22 (v < 8); sinf/cosf add <= 0.56 ulp (<= 6e-8), logf and
        # sqrt leave r within ~2e-7 relative; the product rounds by <= 2.4e-7. So
        # |error| <= 5.68 (2.4e-7 + 6e-8) + 5.68 * 2e-7 + 2.4e-7 = 3.1e-6.
        assert got[2 * pair] == pytest.approx(r * math.sin(v), abs=3.1e-6)
        assert got[2 * pair + 1] == pytest.approx(r * math.cos(v), abs=3.1e-6)


def test_truncated_normal_groups_are_independent_and_bounded():
    gen = PhiloxRandom((11, 12), 99 << 64)
    eight = rd.fill(gen, "truncated_normal", 4003, np.float32)
    assert np.abs(eight).max() < 2
    # group g reads from block 256 g: the first groups do not depend on how many follow
    assert rd.fill(gen, "truncated_normal", 4, np.float32).tolist() == eight[:4].tolist()
    later = PhiloxRandom(gen.key, gen.counter + 256)
    assert rd.fill(later, "truncated_normal", 4, np.float32).tolist() == eight[4:8].tolist()
    wide = rd.fill(gen, "truncated_normal", 6, np.float64)
    later64 = PhiloxRandom(gen.key, gen.counter + 128)
    assert rd.fill(later64, "truncated_normal", 2, np.float64).tolist() == wide[2:4].tolist()


def _libm_or_skip():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("reproduces glibc's float32 log and sincos: needs glibc to compare with")
    name = ctypes.util.find_library("m") or "libm.so.6"
    libm = ctypes.CDLL(name)
    libm.logf.restype = libm.sinf.restype = libm.cosf.restype = ctypes.c_float
    libm.logf.argtypes = libm.sinf.argtypes = libm.cosf.argtypes = [ctypes.c_float]
    return libm


def test_logf_equals_the_c_library():
    libm = _libm_or_skip()
    rng = np.random.default_rng(0)
    # The Box-Muller inputs: m / 2**23 for m < 2**23, clamped at 1e-7 (the float32 constant).
    m = np.concatenate([rng.integers(0, 2 ** 23, 20000), [0, 1, 2, 3, 2 ** 22, 2 ** 23 - 1]])
    u = np.maximum((m / 2 ** 23).astype(np.float32), np.float32(1e-7))
    ours = _libm.logf(u)
    theirs = np.array([libm.logf(float(x)) for x in u], np.float32)
    assert ours.view(np.uint32).tolist() == theirs.view(np.uint32).tolist()


def test_sincosf_equals_the_c_library():
    libm = _libm_or_skip()
    rng = np.random.default_rng(1)
    m = np.concatenate([rng.integers(0, 2 ** 23, 20000), np.arange(8)])
    v = (2 * math.pi * (m / 2 ** 23)).astype(np.float32)
    # quadrant edges and the small-argument branches too
    v = np.concatenate([v, np.float32([2 ** -13, 2 ** -12, 0.7499999, 0.75, math.pi / 4,
                                       math.pi / 2, math.pi, 3 * math.pi / 2, 6.2831850])])
    s, c = _libm.sincosf(v)
    s_ref = np.array([libm.sinf(float(x)) for x in v], np.float32)
    c_ref = np.array([libm.cosf(float(x)) for x in v], np.float32)
    assert s.view(np.uint32).tolist() == s_ref.view(np.uint32).tolist()
    assert c.view(np.uint32).tolist() == c_ref.view(np.uint32).tolist()


def test_double_box_muller_uses_the_platform_functions():
    x = np.array([0.5, 1e-7, 0.999])
    assert _libm.log(x).tolist() == [math.log(v) for v in x]
    s, c = _libm.sincos(x)
    assert s.tolist() == [math.sin(v) for v in x] and c.tolist() == [math.cos(v) for v in x]


def test_stateless_seed_scramble():
    # the key and counter are Philox(counter = seed words, key = (0x3ec8f720, 0x02461e29))
    s0, s1 = 5, -3
    u0, u1 = s0 % 2 ** 64, s1 % 2 ** 64
    mix = PhiloxRandom.from_words((0x3EC8F720, 0x02461E29),
                                  (u0, u0 >> 32, u1, u1 >> 32)).blocks(1)[0]
    gen = key_counter_of_pair(s0, s1)
    assert gen.key == (int(mix[0]), int(mix[1]))
    assert gen.counter_words() == (0, 0, int(mix[2]), int(mix[3]))
    got = tf.random.stateless_uniform([3], seed=[s0, s1]).numpy()
    assert got.tolist() == rd.uint32_to_float(gen.blocks(1)[0][:3]).tolist()


def test_get_seed_rules():
    try:
        tf.random.set_seed(None)
        assert random_seed.get_seed(None) == (None, None)
        assert random_seed.get_seed(5) == (87654321, 5)
        assert random_seed.get_seed(2 ** 31 + 3) == (87654321, 4)       # modulo 2**31 - 1
        tf.random.set_seed(0)
        assert random_seed.get_seed(0) == (0, 2 ** 31 - 1)              # (0, 0) is avoided
        tf.random.set_seed(42)
        ops = random.Random(42)           # TF's context draws eager op seeds from this
        assert [random_seed.get_seed(None) for _ in range(3)] == \
            [(42, ops.randint(0, 2 ** 31 - 1)) for _ in range(3)]
    finally:
        tf.random.set_seed(None)


def test_stateful_op_reserves_256_blocks_per_output():
    tf.random.set_seed(None)
    try:
        a = tf.random.uniform([3], seed=9).numpy()
        b = tf.random.uniform([3], seed=9).numpy()
        gen = PhiloxRandom.from_seeds(87654321, 9)
        assert a.tolist() == rd.uint32_to_float(gen.blocks(1)[0][:3]).tolist()
        gen.skip(3 * 256)
        assert b.tolist() == rd.uint32_to_float(gen.blocks(1)[0][:3]).tolist()
        # set_seed clears the kernel cache: the stream restarts
        tf.random.set_seed(None)
        assert tf.random.uniform([3], seed=9).numpy().tolist() == a.tolist()
    finally:
        tf.random.set_seed(None)


def test_shuffle_is_fisher_yates_on_words():
    tf.random.set_seed(None)
    try:
        got = tf.random.shuffle(tf.range(6), seed=4).numpy().tolist()
        words = PhiloxRandom.from_seeds(87654321, 4).blocks(2).reshape(-1)[:5]
        perm = list(range(6))
        for i, w in enumerate(words.tolist()):
            j = i + w % (6 - i)
            perm[i], perm[j] = perm[j], perm[i]
        assert got == perm
    finally:
        tf.random.set_seed(None)


def _draws():
    r, out = tf.random, {}
    for dt in ("float16", "float32", "float64"):
        for d in ("stateless_uniform", "stateless_normal", "stateless_truncated_normal"):
            out[d + dt] = getattr(r, d)([1003], seed=[3, 4], dtype=dt).numpy()
    out["int32"] = r.stateless_uniform([101], [5, 6], -7, 1000, dtype="int32").numpy()
    out["int64"] = r.stateless_uniform([101], [5, 6], -2 ** 40, 7, dtype="int64").numpy()
    tf.random.set_seed(5)
    out["stateful"] = r.normal([77], seed=2).numpy()
    out["stateful2"] = r.truncated_normal([77], seed=2).numpy()
    out["shuffle"] = r.shuffle(tf.range(50), seed=1).numpy()
    out["generator"] = r.Generator.from_seed(9).normal([33]).numpy()
    out["glorot"] = tf.keras.initializers.GlorotNormal(seed=1)((20, 30)).numpy()
    tf.random.set_seed(None)
    return out


def test_cupy_backend_draws_the_numpy_backend_numbers():
    """The same integer algorithm and the same float64 emulation run on the GPU: every draw
    equals the NumPy backend's bit for bit (which parity/test_random_parity.py ties to TF)."""
    from minitf import _backend
    if not _backend.cupy_available():
        pytest.skip("cupy or a CUDA device is not available: this test compares CuPy draws "
                    "with the NumPy backend's (on NumPy alone it would compare NumPy with itself)")
    want = _draws()
    before = _backend._current[-1]
    tf.set_backend("cupy")
    try:
        got = _draws()
    finally:
        _backend._current[-1] = before
    for k in want:
        assert got[k].dtype == want[k].dtype and got[k].tobytes() == want[k].tobytes(), k


def test_draw_with_a_traced_shape_runs_and_changes_per_call():
    # tf.random.normal(tf.shape(x)) in a function traced for any batch size: the shape is
    # read when the function runs, and each call draws new values
    tf.random.set_seed(2)
    try:
        f = tf.function(lambda x: tf.random.normal(tf.shape(x), seed=4),
                        input_signature=[tf.TensorSpec([None, 3])])
        a, b, c = (f(tf.zeros([n, 3])).numpy() for n in (2, 2, 5))
        assert a.shape == b.shape == (2, 3) and c.shape == (5, 3)
        assert not np.array_equal(a, b)
    finally:
        tf.random.set_seed(None)
