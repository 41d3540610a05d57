"""Special functions: ``log_sigmoid``, ``xlogy``, ``xdivy``, ``lgamma``, ``digamma`` and
``polygamma``, with TF's values at the special points and TF's gradients.

* ``xlogy(x, y)`` is ``x·log(y)`` but exactly 0 wherever ``x == 0`` (even for y = 0 or nan);
  ``xdivy`` likewise for ``x / y``. Their gradients are 0 there too.
* ``lgamma`` is log|Γ(x)|: inf at the poles 0, -1, -2, ...; its gradient is ``digamma``, whose
  gradient is ``polygamma(1, x)``. ``digamma`` is nan at the poles; ``polygamma(n, x)`` is nan
  for a negative or non-integer order ``n`` and has no gradient for ``n`` (None, as TF).

On the CPU lgamma is the C library's (``math.lgamma``) and digamma/polygamma are computed here in
float64 (recurrence up to x > 9, then the asymptotic series; the reflection formula for
digamma below 0); on a GPU, CuPy's ``cupyx.scipy.special`` kernels.

>>> import minitf as tf
>>> tf.math.xlogy([0.0, 2.0], [0.0, 1.0]).numpy()
array([0., 0.], dtype=float32)
"""
from __future__ import annotations

import math

import numpy as np

from .. import _backend as B
from . import math_ops as M
from ._registry import (TAPES, Tensor, _make, call2, floating, match2, not_allowed, record)

_XLOGY_TYPES = "half, bfloat16, float, double, complex64, complex128"
_GAMMA_TYPES = "bfloat16, half, float, double"


def log_sigmoid(x, name=None) -> Tensor:
    """log(sigmoid(x)), computed as ``-softplus(-x)`` (as TF does), so it is finite and exact
    for large |x|: ``log_sigmoid(-1000.)`` is -1000, not -inf. Gradient: sigmoid(-x).

    >>> import minitf as tf
    >>> tf.math.log_sigmoid([-1000.0, 0.0]).numpy().tolist()
    [-1000.0, -0.6931471824645996]"""
    return M.negative(M.softplus(M.negative(x)))


def _binary(op: str, x, y):
    x, y = match2(op, x, y)
    if not x._dtype.is_floating and not x._dtype.is_complex:
        raise not_allowed(op, x._dtype, _XLOGY_TYPES)
    return x, y



def _zero_where_x_is_zero(xv, v):
    return np.where(xv == 0, xv.dtype.type(0), v)


def xlogy(x, y, name=None) -> Tensor:
    """``x * log(y)``, but 0 wherever ``x == 0`` (also for y = 0 or nan), with broadcasting.
    Gradients: ``xlogy(x != 0, y)`` for x and ``xdivy(x, y)`` for y, so both are 0 where x is.

    >>> import minitf as tf
    >>> tf.math.xlogy([0.0, 1.0], [0.0, 0.0]).numpy()
    array([  0., -inf], dtype=float32)"""
    x, y = _binary("Xlogy", x, y)
    v = call2("Xlogy", lambda a, b: _zero_where_x_is_zero(a, a * np.log(b)), x, y)
    z = _make(v, x._dtype)
    if TAPES.recording:
        # complex too: TF's gradient multiplies by the derivative without conjugating it
        # (unlike its other complex gradients), and so does minitf, to give TF's numbers
        record("Xlogy", (x, y), z, (lambda g: g * xlogy(_nonzero(x), y),
                                    lambda g: g * xdivy(x, y)))
    return z


def xdivy(x, y, name=None) -> Tensor:
    """``x / y``, but 0 wherever ``x == 0`` (also for y = 0), with broadcasting. Gradients:
    ``xdivy(x != 0, y)`` for x and ``xdivy(-x, y²)`` for y.

    >>> import minitf as tf
    >>> tf.math.xdivy([0.0, 1.0], [0.0, 0.0]).numpy()
    array([ 0., inf], dtype=float32)"""
    x, y = _binary("Xdivy", x, y)
    v = call2("Xdivy", lambda a, b: _zero_where_x_is_zero(a, a / b), x, y)
    z = _make(v, x._dtype)
    if TAPES.recording:
        record("Xdivy", (x, y), z, (lambda g: g * xdivy(_nonzero(x), y),    # as Xlogy
                                    lambda g: g * xdivy(M.negative(x), M.square(y))))
    return z


def _nonzero(x: Tensor) -> Tensor:
    return M.cast(M.not_equal(x, 0), x._dtype)


# ---- the gamma family: kernels on arrays ---------------------------------------------------
# Euler-Maclaurin / asymptotic coefficients B_2j / (2j)! for j = 1..12 (Bernoulli numbers).
_B2J = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
        43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730]
_B2J_FACT = [b / math.factorial(2 * (j + 1)) for j, b in enumerate(_B2J)]


def _pole(v):
    return (v <= 0) & (v == np.floor(v))


def _lgamma1(x: float) -> float:
    try:
        return math.lgamma(x)
    except OverflowError:          # beyond ~2.6e305 log Γ exceeds the largest double
        return math.inf


def _lgamma_host(v: np.ndarray) -> np.ndarray:
    pole = _pole(v) & np.isfinite(v)
    safe = np.where(pole, 1.0, v).astype(np.float64)
    with np.errstate(all="ignore"):     # np.vectorize reports overflow from numpy's frames
        out = np.vectorize(_lgamma1, otypes=[np.float64])(safe) if safe.size else safe
    return np.where(pole, np.inf, out).astype(v.dtype)


def _digamma_host(v: np.ndarray) -> np.ndarray:
    x = v.astype(np.float64)
    neg = x < 0
    # reflection: ψ(x) = ψ(1 - x) - π / tan(πx) for x < 0 (its poles are the integers)
    w = np.where(neg, 1 - x, x)
    acc = np.zeros_like(w)
    small = w < 10
    while small.any():             # ψ(w) = ψ(w + 1) - 1/w until every w is at least 10
        acc -= np.where(small, 1 / np.where(small, w, 1), 0)
        w = np.where(small, w + 1, w)
        small = w < 10
    inv2 = 1 / (w * w)
    series = np.zeros_like(w)
    for j in range(7, 0, -1):       # Σ_j B_2j / (2j w^2j), by Horner's rule in 1/w²
        series = (series + _B2J[j - 1] / (2 * j)) * inv2
    with np.errstate(all="ignore"):
        psi = np.log(w) - 0.5 / w - series + acc
        psi = np.where(neg, psi - np.pi / np.tan(np.pi * x), psi)
    psi = np.where(_pole(x) | (x == -np.inf), np.nan, psi)
    return psi.astype(v.dtype)


def _zeta_host(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hurwitz ζ(s, q) = Σ_k (q + k)^-s for integer s > 1 (q may be negative, not a pole):
    the first terms summed while q + k <= 9 (at least 9 of them), the tail by Euler-Maclaurin."""
    with np.errstate(all="ignore"):
        # poles are answered at the end; summing up to them could take ~|q| terms
        k_max = np.where(np.isfinite(q) & ~_pole(q), np.maximum(9, np.floor(9 - q) + 1), 9)
        total = np.zeros_like(q)
        a = q.copy()
        for k in range(int(k_max.max()) if k_max.size else 0):
            total += np.where(k < k_max, np.power(a, -s), 0)
            a = np.where(k < k_max, a + 1, a)
        tail = np.power(a, 1 - s) / (s - 1) + 0.5 * np.power(a, -s)
        fac = s.copy()                     # s (s+1) ... (s+2j-2)
        term = np.power(a, -s - 1)
        for j, c in enumerate(_B2J_FACT):
            tail = tail + c * fac * term
            fac = fac * (s + 2 * j + 1) * (s + 2 * j + 2)
            term = term / (a * a)
        z = total + tail
    return np.where(_pole(q) | (q == -np.inf), np.inf, z)


def _factorial(k: float) -> float:
    return float(math.factorial(int(k))) if k < 171 else math.inf   # 171! overflows a double


_FAR_LEFT = -1e4


def _cot_derivative(n: int, c: np.ndarray) -> np.ndarray:
    """P_n(c) with d^n/dx^n cot(πx) = π^n P_n(cot πx): P_0(c) = c and, since
    d/dx cot(πx) = -π (1 + cot²(πx)), P_(k+1)(c) = -(1 + c²) P_k'(c)."""
    coef = [0.0, 1.0]                                   # c, lowest power first
    for _ in range(n):
        d = [i * a for i, a in enumerate(coef)][1:]     # P_k'
        nxt = [0.0] * (len(d) + 2)
        for i, a in enumerate(d):                       # -(1 + c²) P_k'
            nxt[i] -= a
            nxt[i + 2] -= a
        coef = nxt
    out = np.zeros_like(c)
    for a in reversed(coef):
        out = out * c + a
    return out


def _polygamma_reflected(m: np.ndarray, x: np.ndarray, signed_fact: np.ndarray) -> np.ndarray:
    """ψ^(n)(x) = (-1)^n ψ^(n)(1 - x) - π^(n+1) P_n(cot πx), the reflection formula, for x far
    left of zero (``signed_fact`` is (-1)^(n+1) n!, so ψ^(n)(y) = signed_fact ζ(n+1, y)).
    cot(πx) is taken at the exact fractional part x - round(x), because π·x itself would round
    away the digits that matter."""
    out = np.full_like(x, np.nan)
    frac = x - np.round(x)
    c = 1.0 / np.tan(np.pi * frac)
    for n in np.unique(m[x < _FAR_LEFT]):
        at = m == n
        right = signed_fact * _zeta_host(m + 1, np.where(at, 1.0 - x, 1.0))
        refl = (-1.0) ** n * right - np.pi ** (n + 1) * _cot_derivative(int(n), c)
        out = np.where(at, refl, out)
    return out


def _polygamma_host(n: np.ndarray, v: np.ndarray) -> np.ndarray:
    n64, x = np.broadcast_arrays(n.astype(np.float64), v.astype(np.float64))
    order_ok = (n64 >= 0) & (n64 == np.floor(n64))
    m = np.where(order_ok & (n64 >= 1), n64, 1.0)
    sign = np.where(np.mod(m, 2) == 1, 1.0, -1.0)          # (-1)^(n+1)
    fact = np.vectorize(_factorial, otypes=[np.float64])(m) if m.size else m
    # Far left of zero the direct sum would need about |x| terms (a hang at x = -1e12 + 0.5),
    # so those points go through the reflection formula instead
    far = np.isfinite(x) & (x < _FAR_LEFT) & ~_pole(x)
    with np.errstate(all="ignore"):
        high = sign * fact * _zeta_host(m + 1, np.where(far, 0.5, x))
        if far.any():
            high = np.where(far, _polygamma_reflected(m, x, sign * fact), high)
    # At a pole ζ(n+1, x) is +inf for even n+1 and nan for odd n+1 (TF's, from Cephes' zeta)
    high = np.where((_pole(x) | (x == -np.inf)) & (np.mod(m + 1, 2) == 1), np.nan, high)
    out = np.where(n64 == 0, _digamma_host(x), high)
    return np.where(order_ok, out, np.nan).astype(v.dtype)


def _special(name: str):
    import cupyx.scipy.special as sp  # noqa: PLC0415 - GPU only, part of cupy
    return getattr(sp, name)


# CuPy's kernels follow SciPy at the poles and at -inf, TF (Cephes) does not: log|Γ| is +inf
# there (CuPy: -inf at -inf), ψ is nan (CuPy: ±inf or -inf), and polygamma of an even order
# is nan (CuPy: -inf). The device results are patched to TF's values at those points.
@B._recorded()
def _lgamma(v):
    if B.is_device_array(v):
        return np.where(_pole(v) | np.isinf(v), v.dtype.type(np.inf), _special("gammaln")(v))
    return _lgamma_host(v)


@B._recorded()
def _digamma(v):
    if B.is_device_array(v):
        return np.where(_pole(v) | (v == -np.inf), v.dtype.type(np.nan), _special("digamma")(v))
    return _digamma_host(v)


@B._recorded()
def _polygamma(n, v):
    if B.is_device_array(v) or B.is_device_array(n):
        n, v = B.unify(n, v)
        if bool((v < _FAR_LEFT).any()):
            # CuPy's kernel sums about |x| terms there, inside one GPU thread (x = -1e12 + 0.5
            # never returns): such inputs are computed on the host, with the reflection
            return B.xp_of(v).asarray(_polygamma_host(B.to_host(n), B.to_host(v)))
        out = _special("polygamma")(n, v).astype(v.dtype)
        even_at_pole = (_pole(v) | (v == -np.inf)) & (np.mod(n, 2) == 0)
        return np.where(even_at_pole, v.dtype.type(np.nan), out)
    return _polygamma_host(np.asarray(n), np.asarray(v))


# ---- the ops -------------------------------------------------------------------------------

def _gamma_arg(op: str, x) -> Tensor:
    x = floating(op, x)
    if x._dtype.kernel_name not in _GAMMA_TYPES:
        raise not_allowed(op, x._dtype, _GAMMA_TYPES)
    return x


def lgamma(x, name=None) -> Tensor:
    """log|Γ(x)| elementwise: inf at the poles 0, -1, -2, ... (no error). The gradient is
    ``digamma(x)``.

    >>> import minitf as tf
    >>> tf.math.lgamma([1.0, 3.0, 0.0]).numpy()
    array([0.       , 0.6931472,       inf], dtype=float32)"""
    x = _gamma_arg("Lgamma", x)
    z = _make(B.asarray(_lgamma(x._value)), x._dtype)
    if TAPES.recording:
        record("Lgamma", (x,), z, (lambda g: g * digamma(x),))
    return z


def digamma(x, name=None) -> Tensor:
    """ψ(x) = Γ'(x)/Γ(x) elementwise: nan at the poles 0, -1, -2, ...; the gradient is
    ``polygamma(1, x)``.

    >>> import minitf as tf
    >>> round(float(tf.math.digamma(1.0)), 6)      # -γ, the Euler-Mascheroni constant
    -0.577216"""
    x = _gamma_arg("Digamma", x)
    z = _make(B.asarray(_digamma(x._value)), x._dtype)
    if TAPES.recording:
        record("Digamma", (x,), z, (lambda g: g * polygamma(M.ones_like_(x), x),))
    return z


def polygamma(a, x, name=None) -> Tensor:
    """The ``a``-th derivative of ``digamma`` at ``x`` (``a`` = 0 is digamma itself), with
    broadcasting: ``a`` and ``x`` share one dtype, float32 or float64. An order that is negative
    or not an integer gives nan; the poles give ±inf. The gradient for ``x`` is
    ``polygamma(a + 1, x)``; ``a`` has none.

    >>> import minitf as tf
    >>> round(float(tf.math.polygamma(1.0, 1.0)), 6)  # π²/6
    1.644934"""
    a, x = match2("Polygamma", a, x)
    if a._dtype.kernel_name not in ("float", "double"):
        raise not_allowed("Polygamma", a._dtype, "float, double")
    v = call2("Polygamma", lambda n, w: B.asarray(_polygamma(*np.broadcast_arrays(n, w))),
              a, x)
    z = _make(v, x._dtype)
    if TAPES.recording:
        record("Polygamma", (a, x), z, (None, lambda g: g * polygamma(a + 1, x)))
    return z
