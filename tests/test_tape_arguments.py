"""GradientTape.gradient's arguments: what it refuses, with the exception types of TensorFlow
2.21 (checked live in parity/test_tape_arguments_parity.py).

* A target or source that is not a tensor is refused, targets before sources: a TypeError for
  what TF cannot read a dtype from (a string such as "loss", bytes, None, an arbitrary object,
  a number such as 2.5 or 0), an AttributeError for what it can (a NumPy value, a DType, a
  number that is a code of TF's DataType enum such as 3). Before, minitf returned None.
* ``output_gradients`` gives one seed per target, of the target's shape or a shape that
  broadcasts to it (a scalar seeds every element). Other shapes are an InvalidArgumentError
  naming both shapes; before, minitf broadcast the target to the seed's shape and summed.
  TF hands the seed to the target's op gradient unchecked, so what it does with another shape
  depends on the op: mostly an InvalidArgumentError, for some ops a gradient of the wrong shape
  (``x + 1`` with a (2, 3) seed for a (3,) target gives a (2, 3) "gradient"). minitf raises
  for every op: the same type where TF raises, an error instead of a wrong shape elsewhere.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf


def _tape_and_target():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    return tape, x, y


@pytest.mark.parametrize("target", ["abc", ["a", "b"], "", b"loss", 1j, pytest.param(object(), id="object"), 2.5, 0,
                                    1000, False], ids=repr)
def test_a_target_without_a_dtype_is_a_type_error(target):
    tape, x, _ = _tape_and_target()
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`"):
        tape.gradient(target, x)


def test_a_string_among_tensors_is_a_type_error_for_targets_and_sources():
    tape, x, y = _tape_and_target()
    with pytest.raises(TypeError, match="'b'"):
        tape.gradient([y, "b"], x)
    with pytest.raises(TypeError, match="'abc'"):
        tape.gradient(y, "abc")
    with pytest.raises(TypeError, match="'abc'"):
        tape.gradient(y, [x, "abc"])


@pytest.mark.parametrize("value", [3, 1.0, True, np.float32(2.5), np.ones(3, np.float32),
                                   tf.float32, "float32"], ids=repr)
def test_what_tf_reads_a_dtype_from_is_an_attribute_error(value):
    tape, x, y = _tape_and_target()
    with pytest.raises(AttributeError, match="has no attribute"):
        tape.gradient(value, x)
    with pytest.raises(AttributeError, match="has no attribute"):
        tape.gradient(y, value)
    with pytest.raises(AttributeError, match="has no attribute"):
        tape.gradient([y, value], x)


def test_targets_are_checked_before_sources_and_type_errors_first():
    tape, x, y = _tape_and_target()
    with pytest.raises(AttributeError):
        tape.gradient(3, "b")                 # the target's error, not the source's
    with pytest.raises(TypeError):
        tape.gradient("a", 3)
    with pytest.raises(TypeError, match="'a'"):
        tape.gradient([1.0, "a"], x)          # the string, although the number comes first


def test_a_refused_argument_leaves_a_non_persistent_tape_usable():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
    with pytest.raises(TypeError):
        tape.gradient("y", x)
    assert float(tape.gradient(y, x)) == 4.0


def test_tensors_of_any_dtype_and_empty_structures_are_still_accepted():
    tape, x, y = _tape_and_target()
    assert tape.gradient(tf.constant("abc"), x) is None       # a string tensor: unconnected
    assert tape.gradient(tf.constant([1, 2]), x) is None      # an integer tensor likewise
    assert tape.gradient([], x) is None
    assert tape.gradient(y, []) == []
    assert tape.gradient({}, {}) == {}


# ---- output_gradients ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2,), (2, 3), (3, 1), (1, 3), (4,)])
def test_output_gradients_of_another_shape_are_an_invalid_argument_error(shape):
    tape, x, y = _tape_and_target()
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tape.gradient(y, x, output_gradients=tf.ones(shape))
    text = str(info.value)
    assert str(list(shape)) in text and "[3]" in text      # both shapes are named


def test_output_gradients_for_a_scalar_target_must_have_one_element():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        total = tf.reduce_sum(x * x)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[3\]"):
        tape.gradient(total, x, output_gradients=tf.constant([1.0, 1.0, 1.0]))
    g = tape.gradient(total, x, output_gradients=tf.constant(5.0))    # d/dx (5·Σx²) = 10x
    assert g.numpy().tolist() == [10.0, 20.0, 30.0]


def test_output_gradients_that_broadcast_to_the_target_seed_every_element():
    tape, x, y = _tape_and_target()
    # d/dx Σ s·x² = 2·s·x, with the seed s broadcast to the target
    for seed in (tf.constant(2.0), tf.constant([2.0])):
        assert tape.gradient(y, x, output_gradients=seed).numpy().tolist() == [4.0, 8.0, 12.0]


def test_output_gradients_are_not_broadcast_against_the_target():
    # Before: a (1, 3) seed for a (3, 1) target was broadcast to (3, 3) and summed back to
    # [222, 222, 222], a gradient nobody asked for.
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reshape(x, [3, 1]) * 2.0
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[1, 3\].*\[3, 1\]"):
        tape.gradient(y, x, output_gradients=tf.constant([[1.0, 10.0, 100.0]]))


def test_output_gradients_of_an_unconnected_target_are_not_checked():
    # TF never reads the seed of a target that does not depend on the sources.
    tape, x, y = _tape_and_target()
    g = tape.gradient([y, tf.constant(1.0)], x, output_gradients=[tf.ones(3), tf.ones(5)])
    assert g.numpy().tolist() == [2.0, 4.0, 6.0]


def test_a_none_among_output_gradients_is_a_value_error():
    tape, x, y = _tape_and_target()
    with pytest.raises(ValueError, match="None"):
        tape.gradient([y, y], x, output_gradients=[None, tf.ones(3)])
    assert tape.gradient(y, x, output_gradients=None).numpy().tolist() == [2.0, 4.0, 6.0]


def test_output_gradients_must_give_one_seed_per_target():
    # TF silently seeds missing targets with ones and ignores extra seeds; minitf refuses both
    # (a deliberate difference: a miscounted list is a silent wrong gradient).
    tape, x, y = _tape_and_target()
    with pytest.raises(ValueError, match="2 targets"):
        tape.gradient([y, y], x, output_gradients=[tf.ones(3)])
    with pytest.raises(ValueError, match="1 target"):
        tape.gradient(y, x, output_gradients=[tf.ones(3), tf.ones(3)])
