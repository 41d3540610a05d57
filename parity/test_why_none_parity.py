"""The why_none scenarios against TensorFlow: the same code (``tests/test_why_none.py``'s
``SCENARIOS``) gives a None gradient in TF, so each diagnosis explains a None TF users meet;
TF also counts ``w.numpy()`` inside the tape as a read, and refuses a second gradient() on a
non-persistent tape with RuntimeError, as minitf does."""
from __future__ import annotations

import pytest

import minitf
from tests.test_why_none import SCENARIOS, numpy_round_trip


@pytest.mark.parametrize("name", SCENARIOS)
def test_tensorflow_gradient_is_none_too(tf_real, name):
    build, _ = SCENARIOS[name]
    tape, target, source = build(tf_real)
    assert tape.gradient(target, source) is None
    tape, target, source = build(minitf)
    assert tape.gradient(target, source) is None


def test_numpy_inside_the_tape_is_a_read_in_tensorflow(tf_real):
    tape, _, w = numpy_round_trip(tf_real)
    assert [v.name for v in tape.watched_variables()] == [w.name]
    tape, _, w = numpy_round_trip(minitf)
    assert [v.name for v in tape.watched_variables()] == [w.name]


def test_second_gradient_of_a_non_persistent_tape_raises_runtime_error(tf_real):
    for tf in (tf_real, minitf):
        x = tf.Variable(2.0)
        with tf.GradientTape() as tape:
            y = x * x
        assert float(tape.gradient(y, x)) == 4.0
        with pytest.raises(RuntimeError):
            tape.gradient(y, x)
