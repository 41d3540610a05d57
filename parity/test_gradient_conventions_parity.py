"""Every row of docs/gradient-conventions.md is what TensorFlow computes."""
from __future__ import annotations

import pytest

from minitf.checks.gradient_conventions import CASES, compute, matches


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_row_holds_in_tensorflow(tf_real, case):
    got = compute(tf_real, case)
    for g, e in zip(got, case[4]):
        assert matches(g, e), (case[1], got, case[4])
