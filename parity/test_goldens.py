"""The curated cross-checks (the rows of `python -m minitf parity`) against TensorFlow: live
where TensorFlow is installed, otherwise against the recorded results in
minitf/goldens/tensorflow.npz — so the same checks run on machines without TensorFlow (the GPU
machine: `MINITF_BACKEND=cupy pytest parity/test_goldens.py` checks the CuPy backend against
TensorFlow's numbers). Re-record with `python -m minitf parity --record` where TF is installed."""
from __future__ import annotations

import importlib.util

import pytest

import minitf
from minitf.checks.parity_check import Goldens, cases, check, compare, reference

CASES = cases()


@pytest.fixture(scope="session")
def ref():
    return reference()[1]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.name}-{c.dtype}" for c in CASES])
def test_case_matches_tensorflow(ref, case):
    da, dr, ok, tol = check(case, case.compute(minitf), ref)
    assert ok, f"{case.name} {case.dtype}: max abs {da:.3e}, max rel {dr:.3e}, tolerance {tol}"


def test_goldens_cover_every_case_and_match_the_installed_tensorflow():
    goldens = Goldens()
    assert all(c in goldens for c in CASES), "re-record: python -m minitf parity --record"
    if importlib.util.find_spec("tensorflow") is None:
        return   # nothing to compare the recording with here; the cases above used it
    import tensorflow as tf
    assert goldens.version == tf.__version__, (
        f"goldens were recorded with TF {goldens.version}; re-record with "
        f"python -m minitf parity --record")
    # A spread of cases: the recording is TF's current output. It was recorded on one CPU, and
    # TF's float32 kernels pick their instructions per CPU (and oneDNN may be off), so the live
    # results are held to the same bound as minitf's: the case's own tolerance (float64 1e-12).
    for case in CASES[::7]:
        live, rec = case.compute(tf), goldens.result(case)
        assert [a is None for a in live] == [b is None for b in rec], case.key
        exact = goldens.result(case.exact) if case.exact is not None else None
        tol = case.bound(rec, exact)
        da, dr, ok = compare(live, rec, tol)
        assert ok, (f"{case.key}: installed TF differs from the recording by max abs {da:.3e}, "
                    f"max rel {dr:.3e} (tolerance {tol})")
