"""Dataset.shuffle's algorithm and seeds, checked by hand-worked arithmetic (issue 17).

The exact orders against TF itself are in parity/test_data_shuffle_parity.py; here the parts
are pinned separately: the word stream (Philox words, four per block, low word first), the
buffer rule (offset = word % count; the oldest element fills the gap; new input goes to the
back), and which seeds each epoch's stream gets.
"""
from __future__ import annotations

import pytest

import minitf as tf
from minitf.data import dataset as dataset_module
from minitf.data.random_seed_generator import WordStream
from minitf.ops.philox_random import PhiloxRandom

DEFAULT_GRAPH_SEED = 87654321      # TF's seed when only an op seed is given
MAXINT32 = 2 ** 31 - 1


@pytest.fixture(autouse=True)
def _no_global_seed():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


def test_word_stream_starts_with_philox_zero_vector():
    # Random123's known answer for key 0, counter 0: seeds (0, 0) give exactly that block.
    s = WordStream(0, 0)
    assert [s.next() for _ in range(4)] == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]


def test_word_stream_reads_blocks_in_order_across_chunks():
    s = WordStream(12345, 2 ** 40 + 9)
    words = [s.next() for _ in range(4 * 300)]         # past the 256-block chunk boundary
    blocks = PhiloxRandom.from_seeds(12345, 2 ** 40 + 9).blocks(300)
    assert words == blocks.reshape(-1).tolist()


class _FakeWords:
    """Stands in for the Philox stream with chosen words, recording the seeds it was given."""
    words: list = []
    seeds: list = []

    def __init__(self, seed, seed2):
        _FakeWords.seeds.append((seed, seed2))
        self._it = iter(_FakeWords.words)

    def next(self):
        return next(self._it)


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(dataset_module, "WordStream", _FakeWords)
    _FakeWords.seeds = []
    return _FakeWords


def test_buffer_rule_by_hand(fake):
    # range(5), buffer 3, words 4, 1, 0, 2, 7:
    #   [0 1 2] 4%3=1 -> 1, oldest (0) fills its slot, 3 joins -> [0 2 3]
    #   [0 2 3] 1%3=1 -> 2, -> [0 3 4];  [0 3 4] 0%3=0 -> 0 -> [3 4]
    #   [3 4]   2%2=0 -> 3 -> [4];       [4] 7%1=0 -> 4
    fake.words = [4, 1, 0, 2, 7]
    got = [int(x) for x in tf.data.Dataset.range(5).shuffle(3, seed=1)]
    assert got == [1, 2, 0, 3, 4]


def test_whole_buffer_by_hand(fake):
    # range(4) in a buffer of 10: [0 1 2 3] 6%4=2 -> 2 -> [1 0 3]; 5%3=2 -> 3 -> [0 1];
    # 1%2=1 -> 1 -> [0]; 9%1=0 -> 0
    fake.words = [6, 5, 1, 9]
    assert [int(x) for x in tf.data.Dataset.range(4).shuffle(10, seed=1)] == [2, 3, 1, 0]


def test_fixed_seeds_each_epoch(fake):
    fake.words = [0] * 100
    d = tf.data.Dataset.range(3).shuffle(2, seed=7, reshuffle_each_iteration=False)
    for _ in range(3):
        list(d)
    assert fake.seeds == [(DEFAULT_GRAPH_SEED, 7)] * 3


def test_reshuffle_seeds_are_the_next_two_words(fake):
    fake.words = [0] * 100
    d = tf.data.Dataset.range(3).shuffle(2, seed=7)
    for _ in range(3):
        list(d)
    w = WordStream(DEFAULT_GRAPH_SEED, 7)
    words = [w.next() for _ in range(6)]
    assert fake.seeds == [(words[0], words[1]), (words[2], words[3]), (words[4], words[5])]


@pytest.mark.parametrize("global_seed, op_seed, want", [
    (None, 0, (DEFAULT_GRAPH_SEED, 0)),
    (None, 2 ** 40 + 3, (DEFAULT_GRAPH_SEED, (2 ** 40 + 3) % MAXINT32)),
    (42, 3, (42, 3)),
    (0, 0, (0, MAXINT32)),          # (0, 0) would mean "random" to the kernel
])
def test_seed_rules(fake, global_seed, op_seed, want):
    fake.words = [0] * 10
    tf.random.set_seed(global_seed)
    list(tf.data.Dataset.range(2).shuffle(2, seed=op_seed, reshuffle_each_iteration=False))
    assert fake.seeds == [want]


def test_inferring_a_spec_uses_no_epoch_seeds(fake):
    # map types its function on a first element; that is not an epoch, so the shuffle below
    # it must hand its first real pass the stream's first two words
    fake.words = [0] * 100
    d = tf.data.Dataset.range(3).shuffle(2, seed=7).map(lambda x: x + 1)
    d.element_spec
    list(d)
    w = WordStream(DEFAULT_GRAPH_SEED, 7)
    first = (w.next(), w.next())
    assert fake.seeds == [first, first]          # the probe's, then the real pass's


def test_unseeded_shuffles_differ():
    # Fresh OS seeds each time, as TF's kernel draws them: two unseeded 30-element shuffles
    # agree with probability 1/30! (about 4e-33), so equality would mean a fixed seed.
    a = [int(x) for x in tf.data.Dataset.range(30).shuffle(30)]
    b = [int(x) for x in tf.data.Dataset.range(30).shuffle(30)]
    assert sorted(a) == list(range(30)) and a != b


def test_buffer_size_must_be_positive():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.data.Dataset.range(3).shuffle(0)
    # a buffer of one holds only the next element: the order is unchanged
    assert [int(x) for x in tf.data.Dataset.range(4).shuffle(1, seed=2)] == [0, 1, 2, 3]
