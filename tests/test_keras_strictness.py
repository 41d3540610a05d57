"""What Keras 3 removed stays removed: each expectation below is what TF 2.21 / Keras 3.15 does."""
import warnings

import pytest

import minitf as tf


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop"])
def test_keras2_lr_is_refused_with_a_value_error(cls):
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized: \{'lr': 0.1\}"):
        getattr(tf.keras.optimizers, cls)(lr=0.1)


def test_decay_is_dropped_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt = tf.keras.optimizers.SGD(0.1, decay=0.01)
    assert any("`decay` is no longer supported" in str(w.message) for w in caught)
    assert opt.learning_rate.numpy() == pytest.approx(0.1)


def test_add_metric_was_removed():
    with pytest.raises(NotImplementedError, match="add_metric"):
        tf.keras.layers.Dense(2).add_metric(tf.constant(1.0), name="m")


def test_reset_states_was_removed():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    with pytest.raises(AttributeError):
        model.reset_states()
