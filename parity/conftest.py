"""The parity suite needs TensorFlow (installed by `make test` through the `parity` extra)."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def tf_real():
    tf = pytest.importorskip("tensorflow", reason="tensorflow not installed: "
                             "pip install 'minitf[parity]'")
    tf.get_logger().setLevel("ERROR")
    return tf
