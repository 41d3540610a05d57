"""Merge layers and GlobalAveragePooling1D on masked inputs, Keras 3's rules, values by hand."""
from __future__ import annotations

import numpy as np

import minitf as tf

L = tf.keras.layers


def _masked(values, mask):
    t = tf.constant(np.array(values, np.float32)[None, :, None])     # (1, steps, 1)
    t._keras_mask = tf.constant([mask])
    return t


A = _masked([5., -1., 2.], [True, False, True])
B = _masked([1., 7., -3.], [False, True, True])
C = tf.constant(np.array([[[4.], [4.], [4.]]], np.float32))           # no mask


def _out(layer, xs):
    y = layer(xs)
    m = getattr(y, "_keras_mask", None)
    return y.numpy().ravel().tolist(), None if m is None else m.numpy().ravel().tolist()


def test_maximum_and_minimum_never_pick_a_masked_entry():
    # step 0: B masked -> 5 ; step 1: A masked -> 7 ; step 2: both valid
    assert _out(L.Maximum(), [A, B]) == ([5., 7., 2.], [True, True, True])
    assert _out(L.Minimum(), [A, B]) == ([5., 7., -3.], [True, True, True])
    # an unmasked input: A's masked step takes C's value, and the output has no mask
    assert _out(L.Maximum(), [A, C]) == ([5., 4., 4.], None)


def test_multiply_counts_masked_entries_as_one():
    assert _out(L.Multiply(), [A, B]) == ([5., 7., -6.], [True, True, True])
    assert _out(L.Multiply(), [A, C]) == ([20., 4., 8.], None)


def test_add_and_concatenate_masks():
    assert _out(L.Add(), [A, B]) == ([6., 6., -1.], [True, True, True])
    assert _out(L.Add(), [A, C])[1] is None
    # Concatenate on the feature axis: per step, any of the inputs' masks (C counts as True)
    assert _out(L.Concatenate(), [A, C])[1] == [True, True, True]
    assert _out(L.Concatenate(axis=1), [A, B])[1] == [True, False, True, False, True, True]


def test_global_average_pooling_averages_the_unmasked_steps():
    x = _masked([1., np.nan, 3.], [True, False, True])
    y = L.GlobalAveragePooling1D()(x)
    assert y.numpy().ravel().tolist() == [2.0]          # (1 + 3) / 2; the nan is not read
    assert getattr(y, "_keras_mask", None) is None
