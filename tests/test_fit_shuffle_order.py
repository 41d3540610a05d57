"""fit(shuffle=True)'s sample order, as Keras 3 on TensorFlow draws it (issue 17): one
RandomShuffle Fisher-Yates pass from a fresh Philox stream seeded (global seed, 0), the same
permutation every epoch; no global seed, a fresh random order each epoch."""
from __future__ import annotations

import numpy as np

import minitf as tf
from minitf.keras.trainer import _fisher_yates, _KerasEpochOrder


def test_fisher_yates_by_hand_from_the_philox_zero_block():
    # seeds (0, 0): key 0, counter 0, whose block is Random123's known answer
    # 0x6627e8d5 % 5 = 1 -> swap 0,1: [1 0 2 3 4];  0xe169c58d % 4 = 1 -> swap 1,2: [1 2 0 3 4]
    # 0xbc57ac4c % 3 = 1 -> swap 2,3: [1 2 3 0 4];  0x9b00dbd8 % 2 = 0 -> no swap
    assert _fisher_yates(5, (0, 0)).tolist() == [1, 2, 3, 0, 4]
    assert _fisher_yates(1, (0, 0)).tolist() == [0]


def test_seeded_order_is_the_same_every_epoch_and_uses_op_seed_zero():
    tf.random.set_seed(5)
    try:
        order = _KerasEpochOrder()
        first = order.permutation(20)
        assert order.permutation(20).tolist() == first.tolist()
        assert first.tolist() == _fisher_yates(20, (5, 0)).tolist()
        assert sorted(first.tolist()) == list(range(20))
    finally:
        tf.random.set_seed(None)


def test_unseeded_order_changes_each_epoch():
    tf.random.set_seed(None)
    order = _KerasEpochOrder()
    # two random permutations of 30 agree with probability 1/30! (about 4e-33)
    assert order.permutation(30).tolist() != order.permutation(30).tolist()


def test_fit_feeds_batches_in_that_order():
    keras = tf.keras
    seen = []

    class Recorder(keras.Model):
        def train_step(self, data):
            seen.append([int(v) for v in np.asarray(data[0]).reshape(-1)])
            return {}

    inp = keras.Input((1,))
    model = Recorder(inp, keras.layers.Dense(1)(inp))
    model.compile(loss="mse", run_eagerly=True)
    keras.utils.set_random_seed(1)
    try:
        x = np.arange(10, dtype="float32")[:, None]
        model.fit(x, x, batch_size=4, epochs=2, shuffle=True, verbose=0)
    finally:
        tf.random.set_seed(None)
    perm = _fisher_yates(10, (1, 0)).tolist()
    assert seen == [perm[:4], perm[4:8], perm[8:]] * 2
