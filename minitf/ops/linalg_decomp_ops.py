"""Determinants, triangular solves and the matrix decompositions (Cholesky, QR, SVD, eigh),
batched over leading axes, with TF's gradients (TF's conventions where a matrix is read only in
part: ``cholesky`` and ``eigh`` read the lower triangle, ``triangular_solve`` the triangle it is
told to; the gradients say so: eigh's is lower-triangular, cholesky's symmetric, a triangular
solve's lies in the triangle read).

Forward values come from the backend's LAPACK (NumPy or CuPy). QR's signs agree with TF's (both
use Householder reflections); singular and eigen vectors are unique only up to sign (and up to a
rotation for repeated values), and LAPACK's signs may differ from TF's: compare sign-free
quantities (projectors, reconstructions, values), as TF's documentation advises.

>>> import minitf as tf
>>> a = tf.constant([[4., 2.], [2., 3.]])
>>> float(tf.linalg.det(a))
8.0
>>> tf.linalg.cholesky(tf.constant([[4., 2.], [2., 5.]])).numpy().tolist()
[[2.0, 0.0], [1.0, 2.0]]
"""
from __future__ import annotations

import collections

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..errors import invalid_argument
from . import array_ops as A
from . import math_ops as M
from .linalg_ops import inv, matmul, matrix_transpose
from ._registry import TAPES, Tensor, _make, match2, not_allowed, record, tensor

_DECOMP_TYPES = "double, float, half, complex64, complex128"

LogMatrixDeterminant = collections.namedtuple("LogMatrixDeterminant",
                                              ["sign", "log_abs_determinant"])
Qr = collections.namedtuple("Qr", ["q", "r"])


def _matrix_arg(op: str, x, square: bool = True, allowed: str = _DECOMP_TYPES) -> Tensor:
    x = tensor(x)
    if not x._dtype.is_floating:
        raise not_allowed(op, x._dtype, allowed)
    nd = x._value.ndim
    if nd < 2:
        raise invalid_argument(f"Input tensor 0 must have rank >= 2, got {nd}", op)
    if square and x._value.shape[-1] != x._value.shape[-2]:
        raise invalid_argument("Input matrix must be square.", op)
    return x


def _f(v):
    """LAPACK has no float16: half matrices are factored in float32 (rounded back after)."""
    return v.astype(np.float32) if v.dtype == np.float16 else v


def _made(v, dt) -> Tensor:
    return _make(B.asarray(v).astype(dt._np, copy=False), dt)


# ---- masks and diagonals, as minitf ops (the gradients below are made of them) --------------

def _eye_like(x: Tensor) -> Tensor:
    n = x._value.shape[-1]
    return A.eye(n, dtype=x._dtype)


def band_part(input, num_lower, num_upper, name=None) -> Tensor:
    """``input`` with everything outside a band around the diagonal set to 0: ``num_lower``
    subdiagonals and ``num_upper`` superdiagonals are kept (-1 keeps the whole triangle), so
    ``band_part(x, -1, 0)`` is the lower triangle and ``band_part(x, 0, 0)`` the diagonal.
    Batched over leading axes; the gradient passes through the band only.

    >>> import minitf as tf
    >>> tf.linalg.band_part(tf.ones([3, 3]), -1, 0).numpy()
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]], dtype=float32)"""
    x = tensor(input)
    if x._value.ndim < 2:
        raise invalid_argument(f"input must be at least 2-dim, received shape: "
                               f"{list(x._value.shape)}", "MatrixBandPart")
    lo, hi = int(num_lower), int(num_upper)
    m, n = x._value.shape[-2:]
    i = np.arange(m)[:, None]
    j = np.arange(n)[None, :]
    keep = ((lo < 0) | (i - j <= lo)) & ((hi < 0) | (j - i <= hi))
    return M.where(_make(B.like(x._value, keep), dtypes.bool), x, A.zeros_like(x))


def diag_part(input, name=None, k=0) -> Tensor:
    """The main diagonal of the last two axes (batched): shape [..., min(M, N)].

    >>> import minitf as tf
    >>> tf.linalg.diag_part([[1., 2.], [3., 4.]]).numpy()
    array([1., 4.], dtype=float32)"""
    if k != 0:
        raise NotImplementedError("minitf's diag_part supports k=0 only")
    from .special_math_ops import einsum
    x = tensor(input)
    if x._value.ndim < 2:
        raise invalid_argument(f"input must be at least 2-dim, received shape: "
                               f"{list(x._value.shape)}", "MatrixDiagPartV3")
    m, n = x._value.shape[-2:]
    if m != n:
        x = x[..., :min(m, n), :min(m, n)]
    return einsum("...ii->...i", x)


def diag(diagonal, name=None, k=0) -> Tensor:
    """A (batch of) square matrices with ``diagonal`` [..., N] on the diagonal, zeros elsewhere.

    >>> import minitf as tf
    >>> tf.linalg.diag([1., 2.]).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)"""
    if k != 0:
        raise NotImplementedError("minitf's diag supports k=0 only")
    d = tensor(diagonal)
    if d._value.ndim < 1:
        raise invalid_argument("input must be at least 1-dim, received shape: []",
                               "MatrixDiagV3")
    return A.expand_dims(d, -1) * A.eye(d._value.shape[-1], dtype=d._dtype)


def _half_diag_lower(m: Tensor) -> Tensor:
    """The lower triangle of ``m`` with its diagonal halved (TF: set_diag then band_part)."""
    n = m._value.shape[-1]
    e = A.eye(n, dtype=m._dtype)
    return band_part(m - 0.5 * m * e, -1, 0)


def _safe_reciprocal(x: Tensor) -> Tensor:
    """x / (x² + 1e-20): TF's broadening, so that equal eigen- or singular values give 0 rather
    than inf in the gradients (the gradient there is not defined)."""
    return x * M.reciprocal(x * x + 1e-20)


def _gap_matrix(e: Tensor) -> Tensor:
    """f[i, j] = 1 / (e[j] - e[i]) off the diagonal, 0 on it."""
    f = _safe_reciprocal(A.expand_dims(e, -2) - A.expand_dims(e, -1))
    return f - f * A.eye(e._value.shape[-1], dtype=e._dtype)


# ---- determinants ------------------------------------------------------------------------------

def det(input, name=None) -> Tensor:
    """The determinant of each square matrix in the last two axes (an empty matrix has 1).
    Gradient: g · det(A) · A⁻ᵀ (a singular matrix has none: its inverse fails, as in TF).

    >>> import minitf as tf
    >>> float(tf.linalg.det([[1., 2.], [3., 4.]]))
    -2.0"""
    a = _matrix_arg("MatrixDeterminant", input, allowed="half, float, double, complex64, "
                    "complex128")
    with np.errstate(all="ignore"):     # NumPy's linalg warns from its own frames (nan input)
        d = np.linalg.det(_f(a._value))
    z = _made(d, a._dtype)
    if TAPES.recording:
        record("MatrixDeterminant", (a,), z,
               (lambda g: A.reshape(g * z, list(z._value.shape) + [1, 1]) *
                inv(a, adjoint=True),))
    return z


def slogdet(input, name=None) -> LogMatrixDeterminant:
    """(sign, log|det|) of each square matrix: the log stays finite where the determinant
    itself would overflow. A singular matrix gives sign 0 and -inf. Gradient of the log:
    g · A⁻ᵀ; the sign has a zero gradient.

    >>> import minitf as tf
    >>> s, l = tf.linalg.slogdet([[1., 2.], [3., 4.]])
    >>> float(s), round(float(l), 6)
    (-1.0, 0.693147)"""
    a = _matrix_arg("LogMatrixDeterminant", input)
    with np.errstate(all="ignore"):
        sv, lv = np.linalg.slogdet(_f(a._value))
    sign, logabs = _made(sv, a._dtype), _made(lv, a._dtype)
    if TAPES.recording:
        record("LogMatrixDeterminant", (a,), (sign, logabs),
               (lambda up: A.reshape(up[1], list(logabs._value.shape) + [1, 1]) *
                inv(a, adjoint=True),))
    return LogMatrixDeterminant(sign, logabs)


# ---- Cholesky and triangular solves ------------------------------------------------------------

def _cholesky_values(v):
    """LAPACK's factor of the symmetric matrix whose lower triangle ``v`` holds; a matrix that
    is not positive definite gives NaN in its lower triangle (TF returns NaN, no error)."""
    low = np.tril(v)
    sym = low + np.swapaxes(np.tril(v, -1), -1, -2)
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        flat = sym.reshape((-1,) + sym.shape[-2:])
        out = np.empty_like(flat)
        for k, mat in enumerate(flat):
            try:
                out[k] = np.linalg.cholesky(mat)
            except np.linalg.LinAlgError:
                out[k] = np.tril(np.full_like(mat, np.nan))
        return out.reshape(sym.shape)


def cholesky(input, name=None) -> Tensor:
    """The lower-triangular L with L·Lᵀ = input, for symmetric positive-definite matrices
    (batched). Only the lower triangle of ``input`` is read. A matrix that is not positive
    definite gives NaN, not an error (TF's CPU kernel). The gradient is TF's: symmetric,
    ½(G + Gᵀ) with G = L⁻ᵀ·Φ(Lᵀ·ḡ)·L⁻¹, Φ taking the lower triangle with a halved diagonal.

    >>> import minitf as tf
    >>> tf.linalg.cholesky([[4., 2.], [2., 5.]]).numpy().tolist()
    [[2.0, 0.0], [1.0, 2.0]]"""
    a = _matrix_arg("Cholesky", input)
    z = _made(_cholesky_values(_f(a._value)), a._dtype)
    if TAPES.recording:
        def grad(g):
            eye = A.eye(z._value.shape[-1], batch_shape=z._value.shape[:-2], dtype=z._dtype)
            l_inv = triangular_solve(z, eye, lower=True)
            middle = _half_diag_lower(matmul(z, g, transpose_a=True))
            ga = matmul(matmul(l_inv, middle, transpose_a=True), l_inv)
            return (ga + matrix_transpose(ga)) * 0.5
        record("Cholesky", (a,), z, (grad,))
    return z


def _substitute(av, bv, lower: bool):
    """Solve av @ x = bv for triangular av (already masked), row by row as TF's kernel does:
    a zero on the diagonal gives inf/nan, not an error."""
    n = av.shape[-1]
    # the result lives where either operand does (a traced one inside tf.function)
    x = B.zeros(bv.shape, bv.dtype, like_array=bv if B.checkable(bv) and B.checkable(av) else
                (av if not B.checkable(av) else bv))
    for i in (range(n) if lower else range(n - 1, -1, -1)):
        s = bv[..., i, :] - np.einsum("...j,...jk->...k", av[..., i, :], x)
        x[..., i, :] = s / av[..., i, i][..., None]
    return x


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None) -> Tensor:
    """X with matrix @ X = rhs for a triangular ``matrix`` (only its lower triangle is read,
    or its upper one with ``lower=False``; ``adjoint=True`` solves with its transpose). Batch
    axes broadcast. A zero on the diagonal gives inf/nan, not an error. Gradients:
    ∂rhs = triangular_solve(matrix, ḡ, adjoint=not adjoint); ∂matrix = -∂rhs·Xᵀ (or -X·∂rhsᵀ
    with adjoint), kept to the triangle read.

    >>> import minitf as tf
    >>> tf.linalg.triangular_solve([[2., 0.], [1., 4.]], [[2.], [3.]]).numpy().tolist()
    [[1.0], [0.5]]"""
    a, b = match2("MatrixTriangularSolve", matrix, rhs)
    op = "MatrixTriangularSolve"
    if not a._dtype.is_floating:
        raise not_allowed(op, a._dtype, "bfloat16, double, float, half, complex64, complex128")
    av, bv = a._value, b._value
    for i, v in enumerate((av, bv)):
        if v.ndim < 2:
            raise invalid_argument(f"In[{i}] ndims must be >= 2: {v.ndim}", op)
    if av.shape[-1] != av.shape[-2]:
        raise invalid_argument(f"Input matrix must be square: {list(av.shape)}", op)
    if av.shape[-1] != bv.shape[-2]:
        sa, sb = (",".join(map(str, s)) for s in (av.shape, bv.shape))
        raise invalid_argument(f"In[0] mismatch In[1] shape: {av.shape[-1]} vs. "
                               f"{bv.shape[-2]}: [{sa}] [{sb}] {int(lower)} {int(adjoint)}", op)
    try:
        batch = np.broadcast_shapes(av.shape[:-2], bv.shape[:-2])
    except ValueError:
        raise invalid_argument(f"Incompatible batch dimensions: {list(av.shape)} vs. "
                               f"{list(bv.shape)}", op) from None
    tri = np.tril(_f(av)) if lower else np.triu(_f(av))
    low = lower
    if adjoint:
        tri, low = np.swapaxes(tri, -1, -2), not lower
    tri = np.broadcast_to(tri, batch + tri.shape[-2:])
    rhs_v = np.broadcast_to(_f(bv), batch + bv.shape[-2:])
    x = _made(_substitute(tri, rhs_v, low), a._dtype)
    if TAPES.recording:
        def grad_b(g):
            return triangular_solve(a, g, lower=lower, adjoint=not adjoint)

        def grad_a(g):
            gb = grad_b(g)
            ga = -matmul(x, gb, transpose_b=True) if adjoint else -matmul(gb, x,
                                                                          transpose_b=True)
            return band_part(ga, -1, 0) if lower else band_part(ga, 0, -1)
        record(op, (a, b), x, (grad_a, grad_b))
    return x


# ---- QR, SVD, eigh ------------------------------------------------------------------------------

def _tri_solve_right(x: Tensor, r: Tensor) -> Tensor:
    """x · R⁻ᵀ for upper-triangular R (TF's helper in its QR gradient)."""
    return matrix_transpose(triangular_solve(r, matrix_transpose(x), lower=False))


def _qr_grad_tall(q, r, dq, dr):
    qdq = matmul(q, dq, transpose_a=True)
    rdr = matmul(r, dr, transpose_b=True)
    tril = band_part((qdq - matrix_transpose(qdq)) + (rdr - matrix_transpose(rdr)), -1, 0)
    grad_a = matmul(q, dr + _tri_solve_right(tril, r))
    grad_b = _tri_solve_right(dq - matmul(q, qdq), r)
    return grad_a + grad_b


def qr(input, full_matrices=False, name=None) -> Qr:
    """Q and R with input = Q·R, Q's columns orthonormal and R upper-triangular (batched):
    for an M×N input, Q is M×K and R K×N with K = min(M, N), or Q M×M and R M×N with
    ``full_matrices=True``. The gradient is TF's; as in TF it is not defined for
    ``full_matrices=True`` with M > N (NotImplementedError).

    >>> import minitf as tf
    >>> q, r = tf.linalg.qr(tf.constant([[3., 1.], [4., 2.]], tf.float64))
    >>> r.numpy().round(4).tolist()
    [[-5.0, -2.2], [0.0, 0.4]]"""
    a = _matrix_arg("Qr", input, square=False)
    qv, rv = np.linalg.qr(_f(a._value), mode="complete" if full_matrices else "reduced")
    q, r = _made(qv, a._dtype), _made(rv, a._dtype)
    if TAPES.recording:
        m, n = a._value.shape[-2:]

        def grad(up):
            dq, dr = up
            if m > n and full_matrices:
                raise NotImplementedError("QrGrad not implemented when nrows > ncols and "
                                          "full_matrices is true.")
            if m >= n:
                return _qr_grad_tall(q, r, dq, dr)
            y = a[..., :, m:]               # a = [x | y], r = [u | v]: reduce to the square case
            u = r[..., :, :m]
            dv = dr[..., :, m:]
            du = dr[..., :, :m]
            dy = matmul(q, dv)
            dx = _qr_grad_tall(q, u, dq + matmul(y, dv, transpose_b=True), du)
            return A.concat([dx, dy], axis=-1)
        record("Qr", (a,), (q, r), (grad,))
    return Qr(q, r)


def _svd_values(v, full_matrices: bool, compute_uv: bool):
    """NumPy's SVD, or NaN results of the right shapes where it does not converge (a NaN in
    the input: TF returns NaNs)."""
    try:
        return np.linalg.svd(v, full_matrices=full_matrices, compute_uv=compute_uv)
    except np.linalg.LinAlgError:
        m, n = v.shape[-2:]
        k, batch = min(m, n), v.shape[:-2]
        s = np.full(batch + (k,), np.nan, v.dtype)
        if not compute_uv:
            return s
        cu, cv = (m, n) if full_matrices else (k, k)
        return (np.full(batch + (m, cu), np.nan, v.dtype), s,
                np.full(batch + (cv, n), np.nan, v.dtype))


def svd(tensor_, full_matrices=False, compute_uv=True, name=None):
    """Singular values ``s`` (descending) and, with ``compute_uv``, the singular vectors:
    ``s, u, v = tf.linalg.svd(a)`` with a = u·diag(s)·vᵀ. Note TF's order (s first) and that
    ``v`` is returned, not vᵀ as NumPy's. ``full_matrices=False`` (the default) gives u M×K,
    v N×K with K = min(M, N). Gradients are TF's (they are 0, not inf, for repeated singular
    values; TF does not define them with ``full_matrices=True`` when |M - N| > 1).

    >>> import minitf as tf
    >>> s, u, v = tf.linalg.svd([[3., 0.], [0., -2.]])
    >>> s.numpy().tolist()
    [3.0, 2.0]"""
    a = _matrix_arg("Svd", tensor_, square=False)
    av = _f(a._value)
    if not compute_uv:
        s = _made(_svd_values(av, False, False), a._dtype)
        if TAPES.recording:
            def grad(g):   # the vectors recomputed by a recorded svd, so this differentiates
                _, u, v = svd(a)
                return matmul(matmul(u, diag(g)), v, transpose_b=True)
            record("Svd", (a,), s, (grad,))
        return s
    uv, sv, vhv = _svd_values(av, full_matrices, True)
    s, u, v = (_made(sv, a._dtype), _made(uv, a._dtype),
               _made(np.swapaxes(vhv, -1, -2), a._dtype))
    if TAPES.recording:
        record("Svd", (a,), (s, u, v), (lambda up: _svd_grad(a, s, u, v, up, full_matrices),))
    return s, u, v


def _svd_grad(a, s, u, v, up, full_matrices):
    gs, gu, gv = up
    m, n = a._value.shape[-2:]
    transposed = m > n
    if transposed:              # differentiate aᵀ = v·s·uᵀ, then transpose back
        m, n = n, m
        u, v, gu, gv = v, u, gv, gu
    if full_matrices and abs(m - n) > 1:
        raise NotImplementedError("svd gradient is not implemented for abs(m - n) > 1 when "
                                  "full_matrices is True")
    s_mat = diag(s)
    f = _gap_matrix(M.square(s))
    s_inv = diag(_safe_reciprocal(s))
    v1, gv1 = v[..., :, :m], gv[..., :, :m]
    f_u = f * matmul(u, gu, transpose_a=True)
    f_v = f * matmul(v1, gv1, transpose_a=True)
    inner = (diag(gs) + matmul(f_u + matrix_transpose(f_u), s_mat) +
             matmul(s_mat, f_v + matrix_transpose(f_v)))
    ga = matmul(u, matmul(inner, v1, transpose_b=True))
    if m != n:
        gv1t = matrix_transpose(gv1)
        rest = gv1t - matmul(matmul(gv1t, v1), v1, transpose_b=True)
        if full_matrices:
            v2, gv2 = v[..., :, m:n], gv[..., :, m:n]
            rest = rest - matmul(matmul(v1, gv2, transpose_a=True), v2, transpose_b=True)
        ga = ga + matmul(matmul(u, s_inv), rest)
    return matrix_transpose(ga) if transposed else ga


def _eigh_values(op: str, v):
    if B.checkable(v) and not np.all(np.isfinite(v)):
        raise invalid_argument("Self-adjoint eigen decomposition was not successful. The "
                               "input might not be valid.", op)
    try:
        return np.linalg.eigh(v, UPLO="L")
    except np.linalg.LinAlgError:
        raise invalid_argument("Self-adjoint eigen decomposition was not successful. The "
                               "input might not be valid.", op) from None


def _eigh_grad(e: Tensor, v: Tensor, ge: Tensor, gv: Tensor | None) -> Tensor:
    mid = diag(ge)
    if gv is not None:
        mid = mid + _gap_matrix(e) * matmul(v, gv, transpose_a=True)
    ga = matmul(v, matmul(mid, v, transpose_b=True))
    # Only the lower triangle was read: symmetrise, keep it, halve its diagonal (TF's form).
    return _half_diag_lower(ga + matrix_transpose(ga))


def eigh(tensor_, name=None):
    """Eigenvalues (ascending) and eigenvectors (the columns of ``v``) of symmetric matrices,
    batched: ``e, v = tf.linalg.eigh(a)`` with a·v = v·diag(e). Only the lower triangle of
    ``a`` is read, and the gradient is TF's: lower-triangular, with the diagonal halved
    (0 rather than inf for repeated eigenvalues). Non-finite input is TF's
    InvalidArgumentError. Eigenvectors are unique only up to sign.

    >>> import minitf as tf
    >>> e, v = tf.linalg.eigh([[2., 1.], [1., 2.]])
    >>> e.numpy().round(5).tolist()
    [1.0, 3.0]"""
    a = _matrix_arg("SelfAdjointEigV2", tensor_)
    ev, vv = _eigh_values("SelfAdjointEigV2", _f(a._value))
    e, v = _made(ev, a._dtype), _made(vv, a._dtype)
    if TAPES.recording:
        record("SelfAdjointEigV2", (a,), (e, v), (lambda up: _eigh_grad(e, v, up[0], up[1]),))
    return e, v


def eigvalsh(tensor_, name=None) -> Tensor:
    """The eigenvalues (ascending) of symmetric matrices; as ``eigh(a)[0]``, with the same
    lower-triangular gradient.

    >>> import minitf as tf
    >>> tf.linalg.eigvalsh([[2., 1.], [1., 2.]]).numpy().round(5).tolist()
    [1.0, 3.0]"""
    a = _matrix_arg("SelfAdjointEigV2", tensor_)
    ev, _ = _eigh_values("SelfAdjointEigV2", _f(a._value))
    e = _made(ev, a._dtype)
    if TAPES.recording:
        def grad(g):       # the vectors from a recorded eigh, so this differentiates again
            return _eigh_grad(e, eigh(a)[1], g, None)
        record("SelfAdjointEigV2", (a,), e, (grad,))
    return e
