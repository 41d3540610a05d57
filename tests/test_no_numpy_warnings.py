"""TF's kernels turn inf - inf, 0 * inf and overflow into nan/inf silently; minitf's ops must
not let NumPy's RuntimeWarnings ("invalid value encountered in reduce") reach the user.

Every differentiable op of the op table runs forward and backward on inputs full of special
values (±inf, nan, 0, ±1e30, 1e-30), eagerly and once under tf.function; any RuntimeWarning
that escapes minitf's package filter fails the test. The filters stay as the user set them:
the check appends an "always" filter behind minitf's own, so a warning attributed to NumPy's
frames (which the package filter cannot cover) is recorded.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitf as tf
from minitf.checks.op_specs import SPECS

SPECIAL = np.array([np.inf, -np.inf, np.nan, 0.0, -1.0, 1e30, -1e30, 1e-30, 2.0])


def _inputs(spec, dtype):
    shapes = spec.shapes if spec.shapes not in (None, "broadcast") else [(9,)] * spec.arity
    return [tf.Variable(tf.constant(np.resize(np.roll(SPECIAL, i), int(np.prod(s))).reshape(s),
                                    dtype=dtype)) for i, s in enumerate(shapes)]


def _escaped(run) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("always", append=True)
        try:
            run()
        except Exception:       # some ops refuse such inputs (linalg on nan): only warnings count
            pass
    return sorted({f"{w.filename}:{w.lineno}: {w.message}" for w in caught
                   if issubclass(w.category, RuntimeWarning)})


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_special_values_raise_no_numpy_warning(spec):
    args = _inputs(spec, tf.float32)

    def run():
        with tf.GradientTape() as tape:
            y = spec.fn(tf, *args)
        tape.gradient(y, args)

    assert _escaped(run) == []


def test_the_reported_cases_stay_silent():
    inf = float("inf")
    x = tf.constant([inf, -inf, 1.0])
    f = tf.function(lambda v: tf.reduce_sum(v) + tf.reduce_mean(v) / tf.reduce_sum(v - v))

    def run():
        assert np.isnan(tf.reduce_sum(x).numpy())       # inf + -inf
        assert np.isnan(tf.reduce_mean(x).numpy())
        assert np.isnan(tf.math.cumsum(x).numpy()[1])
        assert tf.reduce_prod(tf.constant([1e30, 1e30])).numpy() == inf
        assert np.isnan(f(x).numpy())                    # replayed traced program
        assert tf.math.lgamma(tf.constant([1e306], tf.float64)).numpy()[0] == inf

    assert _escaped(run) == []


def test_the_users_own_numpy_warnings_are_untouched():
    # minitf silences only its own frames: the user's NumPy code still warns as before
    import minitf  # noqa: F401
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.sum(np.array([np.inf, -np.inf]))
    assert any(issubclass(w.category, RuntimeWarning) for w in caught)
