"""keras.activations.relu's options and hard_sigmoid at their edges, as Keras 3 defines them:
x is kept only where x > threshold (0 at the threshold itself), max_value clips to
[0, max_value], negative_slope adds slope·(x − threshold) below the threshold, zeros are +0.0;
hard_sigmoid is relu6(x + 3) / 6."""
import numpy as np

import minitf as tf

A = tf.keras.activations


def test_relu_is_zero_at_its_threshold_and_clips_to_max_value():
    x = tf.constant([0.0, 0.5, 1.0, 7.0])
    np.testing.assert_array_equal(A.relu(x, threshold=0.5).numpy(), [0.0, 0.0, 1.0, 7.0])
    np.testing.assert_array_equal(A.relu(x, threshold=1.0, max_value=6.0).numpy(),
                                  [0.0, 0.0, 0.0, 6.0])


def test_relu_zeros_are_positive():
    y = A.relu(tf.constant([-2.0, -0.5]), max_value=6.0).numpy()
    assert not np.signbit(y).any()


def test_relu_negative_slope_below_the_threshold():
    y = A.relu(tf.constant([-1.0, 0.5, 2.0], tf.float64), negative_slope=0.5, threshold=1.0)
    np.testing.assert_array_equal(y.numpy(), [-1.0, -0.25, 2.0])


def test_hard_sigmoid_rounds_as_relu6_then_divide():
    y = A.hard_sigmoid(tf.constant([-1.0])).numpy()
    assert y[0] == np.float32(2.0) / np.float32(6.0)          # 0.33333334, not 1/3 - tiny
    x = tf.constant([-3.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = A.hard_sigmoid(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0])   # relu6's kinks
