"""The curated cross-checks (the rows of `python -m minitf parity`) against TensorFlow: live
where TensorFlow is installed, otherwise against the recorded results in
parity/goldens/tensorflow.npz — so the same checks run on machines without TensorFlow (the GPU
machine: `MINITF_BACKEND=cupy pytest parity/test_goldens.py` checks the CuPy backend against
TensorFlow's numbers). Re-record with `python -m minitf parity --record` where TF is installed."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import minitf
from minitf.parity_check import Goldens, cases, compare, reference

CASES = cases()


@pytest.fixture(scope="session")
def ref():
    return reference()[1]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.name}-{c.dtype}" for c in CASES])
def test_case_matches_tensorflow(ref, case):
    da, dr, ok = compare(case.compute(minitf), ref(case), case.dtype)
    assert ok, f"{case.name} {case.dtype}: max abs {da:.3e}, max rel {dr:.3e}"


def test_goldens_cover_every_case_and_match_the_installed_tensorflow():
    goldens = Goldens()
    assert all(c in goldens for c in CASES), "re-record: python -m minitf parity --record"
    if importlib.util.find_spec("tensorflow") is None:
        return   # nothing to compare the recording with here; the cases above used it
    import tensorflow as tf
    assert goldens.version == tf.__version__, (
        f"goldens were recorded with TF {goldens.version}; re-record with "
        f"python -m minitf parity --record")
    for case in CASES[::7]:     # a spread of cases: the recording is TF's current output
        live, rec = case.compute(tf), goldens.result(case)
        for a, b in zip(live, rec):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(np.asarray(a, np.float64), b, rtol=1e-12, atol=0,
                                           equal_nan=True)
