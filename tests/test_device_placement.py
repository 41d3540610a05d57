"""tf.device's parsing and TF's soft device placement: a device that does not exist here runs
on the CPU (TF's default), or is TF's InvalidArgumentError when soft placement is off."""
import pytest

import minitf as tf
from minitf import _backend

GPU = "cupy" if _backend.cupy_available() else "numpy"   # where a GPU request lands here
DEFAULT = tf.get_backend()   # the session's own placement (MINITF_BACKEND=cupy: the GPU)


@pytest.mark.parametrize("spec,parsed", [
    ("GPU:0", ("GPU", 0)), ("/gpu:1", ("GPU", 1)), ("/device:GPU:0", ("GPU", 0)),
    ("/job:localhost/replica:0/task:0/device:CPU:0", ("CPU", 0)), ("cpu", ("CPU", None)),
    ("TPU:*", ("TPU", None)), ("", (None, None)), ("/job:localhost", (None, None)),
])
def test_parse_device(spec, parsed):
    assert _backend.parse_device(spec) == parsed


@pytest.mark.parametrize("spec,message", [
    ("cuda", "Unknown attribute 'cuda' is encountered while parsing the device spec: 'cuda'."),
    ("XLA_GPU:0", "Unknown attribute 'XLA_GPU'"),
    ("/CPU:0/GPU:0", "Multiple device types are not allowed"),
])
def test_bad_specs_are_value_errors(spec, message):
    with pytest.raises(ValueError, match=message):
        with tf.device(spec):
            pass


@pytest.mark.parametrize("spec,backend", [
    ("/CPU:0", "numpy"), ("CPU:1", "numpy"), ("TPU:0", "numpy"), ("/GPU:0", GPU),
    ("GPU:3", GPU), ("", DEFAULT)])
def test_soft_placement_falls_back_to_the_cpu(spec, backend):
    with tf.device(spec):
        assert tf.get_backend() == backend
        a = tf.Variable([[1.0, 2.0, 3.0]])
        k = a * tf.constant([[2.0, 2.0, 2.0]])
    assert k.numpy().tolist() == [[2.0, 4.0, 6.0]]
    assert tf.get_backend() == DEFAULT


def test_hard_placement_raises_for_a_missing_device():
    tf.config.set_soft_device_placement(False)
    try:
        assert tf.config.get_soft_device_placement() is False
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"^Could not satisfy device specification "
                                 r"'/job:localhost/replica:0/task:0/device:CPU:1'\. "
                                 r"enable_soft_placement=0\."):
            with tf.device("CPU:1"):
                pass
        with tf.device("/CPU:0"):           # an existing device is fine
            assert tf.get_backend() == "numpy"
    finally:
        tf.config.set_soft_device_placement(True)
    assert tf.config.get_soft_device_placement() is True
