"""tf.reshape's kernel errors, worded as TF words them in eager mode (its texts, recorded from
TF 2.21, are the expected strings)."""
import pytest

import minitf as tf

# TF names the device the kernel ran on: the GPU's when the session places tensors there
# (MINITF_BACKEND=cupy), as TF on a GPU machine does
_DEVICE = "GPU" if tf.get_backend() == "cupy" else "CPU"
_CPU = ("{{function_node __wrapped__Reshape_device_/job:localhost/replica:0/task:0/device:"
        f"{_DEVICE}:0}}}} ")


@pytest.mark.parametrize("shape,new,text", [
    ([2, 3, 5], [7, -1], "Input to reshape is a tensor with 30 values, but the requested shape "
                         "requires a multiple of 7"),
    ([2, 3, 5], [7, 4], "Input to reshape is a tensor with 30 values, but the requested shape "
                        "has 28"),
    ([2, 3, 5], [0, -1], "Input to reshape is a tensor with 30 values, but the requested shape "
                         "has 0"),
    ([2, 3, 5], [-1, -1], "Only one input size may be -1, not both 0 and 1"),
    ([6], [-2, 3], "Size 0 must be non-negative, not -2"),
])
def test_list_shape_errors(shape, new, text):
    # A Python list shape takes TF's slow path: no " name: " suffix.
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        tf.reshape(tf.zeros(shape), new, name="r")
    assert str(e.value) == _CPU + text + " [Op:Reshape]"


def test_tensor_shape_error_names_the_op():
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        tf.reshape(tf.zeros([2, 3, 5]), tf.constant([7, -1]))
    assert str(e.value) == (_CPU + "Input to reshape is a tensor with 30 values, but the "
                            "requested shape requires a multiple of 7 [Op:Reshape] name: ")


def test_valid_reshapes_still_work():
    assert tf.reshape(tf.zeros([2, 3, 5]), [5, -1]).shape == (5, 6)
    assert tf.reshape(tf.zeros([0, 3]), [-1, 3]).shape == (0, 3)
