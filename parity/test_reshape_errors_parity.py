"""tf.reshape's error types and texts compared with TensorFlow's."""
import pytest

import minitf

CASES = [([2, 3, 5], [7, -1]), ([2, 3, 5], [7, 4]), ([2, 3, 5], [-1, -1]), ([2, 3, 5], [0, -1]),
         ([6], [-2, 3]), ([0, 3], [-1, -1]), ([0], [5, 0]), ([4], [0, -1]), ([4], [3, -1])]


def _outcome(tf, shape, new, as_tensor, name):
    try:
        s = tf.constant(new) if as_tensor else new
        return tuple(tf.reshape(tf.zeros(shape), s, name=name).shape)
    except Exception as e:  # noqa: BLE001 - the type and text are compared
        return type(e).__name__, str(e)


@pytest.mark.parametrize("shape,new", CASES)
@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize("name", [None, "r"])
def test_reshape_outcome_matches_tensorflow(tf_real, shape, new, as_tensor, name):
    assert _outcome(minitf, shape, new, as_tensor, name) == \
        _outcome(tf_real, shape, new, as_tensor, name)
