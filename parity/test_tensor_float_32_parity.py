"""tf.config.experimental's TensorFloat-32 switch answers as TensorFlow's does, for the same
sequence of calls (including the argument conversions and the TypeError)."""
import numpy as np

import minitf

_ARGS = [None, True, 0, 2.5, np.bool_(False), np.int64(3), "x", [], [1], False, 1]


def _observe(exp):
    seen = [exp.tensor_float_32_execution_enabled()]
    for value in _ARGS:
        try:
            returned = exp.enable_tensor_float_32_execution(value)
            seen.append((returned, exp.tensor_float_32_execution_enabled()))
        except Exception as e:  # noqa: BLE001 (the type is what is compared)
            seen.append(type(e).__name__)
    exp.enable_tensor_float_32_execution(True)
    return seen


def test_tensor_float_32_switch_matches_tensorflow(tf_real):
    assert _observe(minitf.config.experimental) == _observe(tf_real.config.experimental)
