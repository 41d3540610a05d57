"""tf.device with devices that do not exist, compared with TensorFlow on the same machine:
soft placement (the default) runs on an existing device; off, it is InvalidArgumentError with
the same opening text. Both frameworks see the same devices only when neither has a GPU, so
the GPU specs are compared only then."""
import pytest

import minitf
from minitf import _backend

SPECS = ["/CPU:0", "CPU:1", "TPU:0", "cuda", "XLA_GPU:0", "/CPU:0/GPU:0", "/GPU:0", "GPU:1"]


def _outcome(tf, spec, soft):
    tf.config.set_soft_device_placement(soft)
    try:
        with tf.device(spec):
            return tf.constant([1.0, 2.0]).device, float(tf.reduce_sum(tf.constant([1.0]) * 2))
    except Exception as e:  # noqa: BLE001 - type and opening text are compared
        return type(e).__name__, str(e).split(" Supported device types")[0]
    finally:
        tf.config.set_soft_device_placement(True)


@pytest.mark.parametrize("soft", [True, False])
@pytest.mark.parametrize("spec", SPECS)
def test_device_outcome_matches_tensorflow(tf_real, spec, soft):
    if "GPU" in spec and (tf_real.config.list_physical_devices("GPU")
                          or _backend.cupy_available()):
        pytest.skip("a GPU is present: the frameworks' device lists differ")
    assert _outcome(minitf, spec, soft) == _outcome(tf_real, spec, soft)
