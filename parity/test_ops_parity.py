"""Every op of minitf/checks/op_specs.py against TensorFlow, on identical hypothesis-drawn inputs, in
float32 and float64, values and gradients; then each spec's deliberate kinks and ties.
Tolerances: minitf/checks/parity_check.py's one rule, `tolerance(dtype, spec)` (float64 1e-12; float32
rtol 1e-5 / atol 1e-6, or a spec's own derived float32 atol)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minitf
from minitf.checks.op_specs import SPECS
from minitf.checks.parity_check import diff, run_spec, tolerance, within
from tests.strategies import op_inputs, weights_like


def _assert_same(got, want, dtype, what, spec=None):
    rtol, atol = tolerance(dtype, spec)
    for k, (a, b) in enumerate(zip(got, want)):
        da, dr, kind = diff(a, b)
        assert kind is None and within(a, b, rtol, atol), (
            f"{what}[{k}] {dtype}: max abs {da:.3e}, max rel {dr:.3e} {kind or ''}\n"
            f"minitf={a}\ntf={b}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@given(data=st.data())
def test_value_and_gradient_match_tensorflow(tf_real, spec, dtype, data):
    arrays = data.draw(op_inputs(spec))
    shape = run_spec(minitf, spec, arrays, 1.0, dtype)[0].shape
    w = data.draw(weights_like(shape))
    mv, mg = run_spec(minitf, spec, arrays, w, dtype)
    tv, tg = run_spec(tf_real, spec, arrays, w, dtype)
    assert mv.dtype == tv.dtype
    _assert_same([mv] + mg, [tv] + tg, dtype, spec.name, spec)


KINKS = [(s, k) for s in SPECS for k in s.kinks]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("spec, kink", KINKS, ids=[f"{s.name}-{i}" for i, (s, _) in
                                                   enumerate(KINKS)])
def test_kinks_match_tensorflow(tf_real, spec, kink, dtype):
    arrays = [np.array(a, dtype=np.float64) for a in kink]
    w = np.ones(run_spec(minitf, spec, arrays, 1.0, dtype)[0].shape)
    mv, mg = run_spec(minitf, spec, arrays, w, dtype)
    tv, tg = run_spec(tf_real, spec, arrays, w, dtype)
    _assert_same([mv] + mg, [tv] + tg, dtype, f"{spec.name} kink", spec)
