"""The parity suite needs TensorFlow (installed by `make test` through the `parity` extra)."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# TensorFlow's CPU kernels follow the processor: on CPUs with AVX512_VNNI, AVX512_BF16 or AMX
# (Intel Ice Lake and later) TF turns its oneDNN kernels on by default, elsewhere it runs its
# reference (Eigen) kernels. The two disagree on bad input: oneDNN's softmax of a scalar is an
# AbortedError, its einsum and matmul word their errors otherwise, its dilated and grouped
# convolutions differentiate where the reference kernels refuse, and tf.nn.conv1d of a rank-2
# input aborts the whole process (a failed CHECK) instead of raising. So that the suite means
# the same on every CPU, it compares against the reference kernels unless the caller chose
# (the goldens in minitf/goldens and parity/corpus are recorded the same way);
# `make parity-isa` also runs the numeric files with oneDNN on, at several instruction sets.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@pytest.fixture(scope="session")
def tf_real():
    tf = pytest.importorskip("tensorflow", reason="tensorflow not installed: "
                             "pip install 'minitf[parity]'")
    tf.get_logger().setLevel("ERROR")
    return tf


# Where TF's oneDNN kernels behave otherwise than its reference kernels on bad or degenerate
# input (seen with TF 2.21 on an Intel Xeon with AVX-512 and AMX): with TF_ENABLE_ONEDNN_OPTS=1
# these are skipped before they run (some would end the process), each with its reason.
# minitf follows the reference kernels, which TF runs on every CPU without those features.
ONEDNN_DIFFERS = {
    "test_conv_parity.py::test_bad_input_raises_tf_type":
        "oneDNN's conv1d of a rank-2 input aborts the process (failed CHECK in tensor_format.h); "
        "its avg_pool2d accepts NCHW on the CPU",
    "test_conv_parity.py::test_shapes_and_integer_values_match_tf[conv2d_filter_larger]":
        "oneDNN's convolution with a filter larger than the input raises no error",
    "test_conv_parity.py::test_shapes_and_integer_values_match_tf[max_pool_window_larger]":
        "oneDNN's max pooling with a window larger than the input: floating point exception",
    "test_errors_parity.py::test_same_exception_type[matmul dtype]":
        "oneDNN's MatMul words its dtype error otherwise",
    "test_errors_parity.py::test_same_exception_type[matmul rank]":
        "oneDNN's MatMul words its rank error otherwise",
    "test_bad_input_parity.py":
        "TF's kernels fed bad input by every op family: under oneDNN they raise other errors "
        "(softmax of a scalar: AbortedError; einsum's wording), give other values at NaN and "
        "Inf, and under ONEDNN_MAX_CPU_ISA=SSE41 one of them ends the process (SIGSEGV)",
    "test_op_arguments_parity.py::test_tensorflow_raises_what_the_table_says[softmax scalar]":
        "oneDNN's Softmax of a scalar is an AbortedError",
}


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS") != "1" or os.environ.get("MINITF_NO_ONEDNN_SKIPS"):
        # (MINITF_NO_ONEDNN_SKIPS=1 runs them anyway, to see whether they still differ)
        return
    for item in items:
        name = item.nodeid.split("/")[-1]
        reason = ONEDNN_DIFFERS.get(name) or ONEDNN_DIFFERS.get(name.split("[")[0]) or \
            ONEDNN_DIFFERS.get(name.split("::")[0])
        if reason:
            item.add_marker(pytest.mark.skip(reason="TF's oneDNN kernels differ: " + reason))
