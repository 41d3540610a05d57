"""The tutorials' autodiff examples give the same numbers (and the same Nones) as TensorFlow."""
from __future__ import annotations

import pytest

import minitf
from minitf.checks.parity_check import TOL, diff, flatten_result, within
from minitf.checks.tutorial_cases import CASES


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_tutorial_case(tf_real, case):
    got, want = flatten_result(case(minitf)), flatten_result(case(tf_real))
    assert len(got) == len(want)
    rtol, atol = TOL["float32"]
    for a, b in zip(got, want):
        assert (a is None) == (b is None)
        da, dr, kind = diff(a, b)
        assert kind is None and within(a, b, rtol, atol), (da, dr, a, b)


@pytest.mark.parametrize("framework", ["minitf", "tensorflow"])
def test_known_values(request, framework):
    """A few results whose exact values the tutorials print, checked on minitf (no TensorFlow
    needed) and on TensorFlow (so the constants below are TensorFlow's, not minitf's)."""
    from minitf.checks import tutorial_cases as T
    tf = minitf if framework == "minitf" else request.getfixturevalue("tf_real")
    assert [float(g) for g in T.g_two_vars(tf)] == [9.0, 42.0]
    assert float(T.list_target(tf)) == 11.0
    assert float(T.dict_target(tf)) == 3.75
    assert [float(g) for g in T.textbook_f(tf)] == [36.0, 10.0]
    h = T.nested_second_derivatives(tf)
    assert h[0][0] is None and [float(h[0][1]), float(h[1][0]), float(h[1][1])] == [6, 6, 14]
    assert float(T.descent_with_assign_sub(tf)) == pytest.approx(-1 / 3, abs=1e-6)
    sp = T.my_softplus_case(tf)
    assert (float(sp[0][0]), float(sp[0][1])) == (1000.0, 1.0)
