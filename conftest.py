"""Shared pytest set-up: hypothesis profiles (CI runs the 'ci' profile)."""
import os

from hypothesis import HealthCheck, settings

# CI: derandomised, so a run is reproducible and a failure reappears on every machine (the
# examples are fixed per test, chosen once by hypothesis's generator, not by the clock); 20
# examples per test, over multi-element arrays with non-zero upstream gradients
# (tests/strategies.py). dev: randomised and longer, to search for new failing inputs.
settings.register_profile("ci", max_examples=20, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402

# TF32 (TF's GPU default) rounds float32 matmul/convolution operands to 10-bit mantissas, so
# GPU results would differ from NumPy's and TF's CPU goldens by ~1e-3. The suite compares
# strict float32 on the GPU: the backend's compute type is set strict here (the user-facing
# flag in tf.config keeps TF's default, so its doctests still show it); tests/
# test_tensor_float_32.py turns TF32 on where it checks TF32 itself.
from minitf import _backend as _minitf_backend  # noqa: E402

_minitf_backend.set_tensor_float_32(False)


@pytest.fixture(autouse=True)
def _no_tape_left_recording():
    """Every test must leave no tape recording (a leaked tape would record the next tests).
    Tapes are per thread: this checks the thread the tests run in (a thread a test starts takes
    its tapes with it when it ends)."""
    yield
    from minitf import tape
    leaked = list(tape.TAPES.recording)
    tape.TAPES.recording.clear()
    assert not leaked, f"a test left {len(leaked)} tape(s) recording"


def pytest_collection_finish(session):
    """pytest's importlib import mode, importing the doctest modules of the package
    ``minitf/function/``, sets the attribute ``minitf.function`` to that package, which hides
    ``tf.function`` (minitf/__init__.py binds the same name to the function). Bind it back
    before the tests run. (A plain ``import minitf.function.x`` does not do this.)"""
    import sys
    tf = sys.modules.get("minitf")
    if tf is not None and not callable(getattr(tf, "function", None)):
        from minitf.function.polymorphic_function import function
        tf.function = function
