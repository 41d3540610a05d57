"""The C library's ``logf``, ``sincosf``, ``log`` and ``sincos``, as TensorFlow's CPU kernels see them.

TF's normal and truncated-normal kernels turn Philox words into normals with the Box–Muller
transform, calling the C math library for the logarithm and the sine/cosine. To draw the
same float32 numbers bit for bit, the rounding of those calls must be reproduced too: NumPy's
float32 ``log``/``sin`` differ from glibc's in about one value in ten, and rounding a float64
result to float32 still differs in about one in a hundred (glibc's float functions are
accurate to ~0.8 ulp, not correctly rounded).

So the float32 pair is glibc's algorithm (glibc >= 2.28; the one Linux TF wheels call),
evaluated in vectorised float64 arithmetic with the same table, polynomial and order of
operations as the C code:

* ``logf(x)``: ``x = 2**k * z`` with ``z`` near 1; a 16-entry table gives ``c ~ z`` (by the top
  four mantissa bits, offset so each interval is centred), ``log(x) = k ln2 + log(c) +
  log1p(z/c - 1)``, the last by a degree-4 polynomial.
* ``sincosf(x)``: below 0.75, a degree-7 odd polynomial for sine and a degree-8 even one for
  cosine; up to 120, one multiply-subtract reduction by pi/2 (quadrant ``n``), then the same
  polynomials, swapped for odd quadrants and negated by quadrant.

Over all 2**23 inputs each of them can receive from the Box–Muller transform (``u = m / 2**23``
for the logarithm, ``float(2 pi u)`` for the angle) the results equal glibc 2.36's, bit for bit,
with the FMA variants the C library picks on this x86-64 machine; ``tests/test_philox.py``
repeats the comparison on a sample whenever the C library can be loaded.

The float64 pair goes through Python's ``math`` module, which calls the platform's ``log``,
``sin`` and ``cos`` directly (glibc's ``sincos`` computes each half with the same routine as
``sin`` and ``cos``): exact on the machine TF runs on, one Python call per value.

>>> import numpy as np
>>> from minitf.ops import _libm
>>> float(_libm.logf(np.float32([1.0]))[0]), float(_libm.sincosf(np.float32([0.0]))[1][0])
(0.0, 1.0)
"""
from __future__ import annotations

import math

import numpy as np

# logf: (1/c, log c) for the 16 intervals, then ln 2 and the log1p polynomial's coefficients of
# r**4, r**3, r**2 (the r term is 1). Published constants of glibc's logf (2017, A. Szabolcs Nagy's
# design); values, not code.
_LOGF_INVC = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0", "0x1p+0",
    "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOGF_LOGC = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5", "0x0p+0",
    "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4", "0x1.526e57720db08p-3",
    "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_LOGF_A0, _LOGF_A1, _LOGF_A2 = (float.fromhex(h) for h in (
    "-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2"))
_LOGF_OFF = 0x3F330000          # the table's intervals start at this float's bits (~0.6992)

# sincosf: 2/pi scaled by 2**24 (the quadrant lands in bits 24..31), pi/2, the cosine
# polynomial (c0..c4, degree 0..8) and the sine polynomial (s1..s3, degree 3..7).
_HPI_INV = float.fromhex("0x1.45F306DC9C883p+23")
_HPI = float.fromhex("0x1.921FB54442D18p0")
_C = [float.fromhex(h) for h in ("0x1p0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5",
                                 "-0x1.6c087e89a359dp-10", "0x1.99343027bf8c3p-16")]
_S = [float.fromhex(h) for h in ("-0x1.555545995a603p-3", "0x1.1107605230bc4p-7",
                                 "-0x1.994eb3774cf24p-13")]


def _madd(a, b, c):
    """``a * b + c`` with two roundings. glibc's FMA build fuses these; on every input the
    Box–Muller transform can pass (all 2**23 of each) the float32 results are the same either
    way, checked exhaustively against the C library, so the cheaper unfused form is used."""
    return a * b + c


def logf(x):
    """glibc's ``logf`` of positive normal float32 values (the Box–Muller inputs, >= 1e-7)."""
    xp = np if isinstance(x, np.ndarray) else _xp(x)
    ix = x.view(xp.uint32)
    tmp = ix - xp.uint32(_LOGF_OFF)
    i = ((tmp >> xp.uint32(19)) & xp.uint32(15)).astype(xp.intp)
    k = tmp.view(xp.int32) >> 23                           # arithmetic shift: the exponent
    iz = ix - (tmp & xp.uint32(0xFF800000))
    z = iz.view(xp.float32).astype(xp.float64)
    invc, logc = xp.asarray(_LOGF_INVC)[i], xp.asarray(_LOGF_LOGC)[i]
    r = _madd(z, invc, -1.0)
    y0 = _madd(k.astype(xp.float64), _LN2, logc)
    r2 = r * r
    y = _madd(_LOGF_A1, r, _LOGF_A2)
    y = _madd(_LOGF_A0, r2, y)
    y = _madd(y, r2, y0 + r)
    out = y.astype(xp.float32)
    out[ix == xp.uint32(0x3F800000)] = 0.0                 # log(1) is +0 exactly
    return out


def sincosf(x):
    """glibc's ``sincosf`` of float32 values with ``|x| < 120`` (Box–Muller angles lie in
    [0, 2 pi)): ``(sin(x), cos(x))`` as float32 arrays."""
    xp = np if isinstance(x, np.ndarray) else _xp(x)
    top = (x.view(xp.uint32) >> xp.uint32(20)) & xp.uint32(0x7FF)
    if bool((top >= xp.uint32(0x42F)).any()):              # |x| >= 120: not needed here
        raise ValueError("sincosf: only |x| < 120 is reproduced")
    xd = x.astype(xp.float64)
    small = top < xp.uint32(0x3F4)                         # |x| < 0.75: no reduction
    # one-step reduction: n = round(x * 2/pi) via the scaled integer, x - n*pi/2 fused
    r = xd * _HPI_INV
    n = (r.astype(xp.int32) + xp.int32(0x800000)) >> 24
    n = xp.where(small, xp.int32(0), n)
    xr = xp.where(small, xd, _madd(-n.astype(xp.float64), _HPI, xd))
    sign = xp.where((n & 3) == 0, 1.0, xp.where((n & 3) == 3, 1.0, -1.0))
    neg_cos = (n & 2) != 0                                 # the 2nd table: cosine negated
    c_sgn = xp.where(neg_cos, -1.0, 1.0)
    xs = xr * sign
    x2 = xr * xr
    x4 = x2 * x2
    x3 = x2 * xs
    c2 = _madd(x2, _C[4] * c_sgn, _C[3] * c_sgn)
    s1 = _madd(x2, _S[2], _S[1])
    c1 = _madd(x2, _C[1] * c_sgn, _C[0] * c_sgn)
    x5 = x3 * x2
    x6 = x4 * x2
    s = _madd(x3, _S[0], xs)
    c = _madd(x4, _C[2] * c_sgn, c1)
    sv = _madd(x5, s1, s).astype(xp.float32)
    cv = _madd(x6, c2, c).astype(xp.float32)
    odd = (n & 1) != 0                                     # odd quadrants swap the two
    sin_out, cos_out = xp.where(odd, cv, sv), xp.where(odd, sv, cv)
    tiny = top < xp.uint32(0x398)                          # |x| < 2**-12: sin x = x, cos x = 1
    sin_out = xp.where(tiny, x, sin_out)
    cos_out = xp.where(tiny, xp.float32(1.0), cos_out)
    return sin_out, cos_out


def log(x: np.ndarray) -> np.ndarray:
    """The platform's double ``log`` of each value (Python's ``math.log``)."""
    host = np.asarray(x, np.float64).ravel()
    return np.fromiter(map(math.log, host.tolist()), np.float64, host.size).reshape(host.shape)


def sincos(x: np.ndarray) -> tuple:
    """The platform's double ``sin`` and ``cos`` of each value."""
    host = np.asarray(x, np.float64).ravel().tolist()
    n = len(host)
    return (np.fromiter(map(math.sin, host), np.float64, n),
            np.fromiter(map(math.cos, host), np.float64, n))


def _xp(a):
    from .. import _backend as B
    return B.xp_of(a)
