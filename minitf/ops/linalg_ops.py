"""Matrix products and norms.

matmul's gradient is two more matmuls (g·bᵀ and aᵀ·g, with the transposes the flags call for);
batch dimensions that were broadcast are summed back by the tape.

>>> import minitf as tf
>>> a = tf.constant([[1., 2.], [3., 4.]])
>>> print(a @ a)
tf.Tensor(
[[ 7. 10.]
 [15. 22.]], shape=(2, 2), dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _kernels as K
from .. import dtypes
from ..errors import NotFoundError, invalid_argument
from . import array_ops as A
from . import math_ops as M
from . import reduction_ops as R
from ._registry import TAPES, Tensor, _make, match2, numeric, numeric2, record, tensor
from .complex_ops import complex as _complex, conj, conj_of, imag_part, real_part


def _t(v, flag):
    return np.swapaxes(v, -1, -2) if flag else v


def _matmul_rank_message(sa: tuple, sb: tuple) -> tuple:
    """TF's text and kernel name for a matmul operand of rank < 2: two matrices go to MatMul,
    anything of higher rank to BatchMatMulV2, and each words it differently."""
    dims = lambda s: "[" + ",".join(map(str, s)) + "]"     # noqa: E731
    if max(len(sa), len(sb)) <= 2:
        if len(sa) == len(sb):
            return f"In[0] and In[1] ndims must be == 2: {len(sa)}", "MatMul"
        return f"In[0] and In[1] has different ndims: {dims(sa)} vs. {dims(sb)}", "MatMul"
    i, s = (0, sa) if len(sa) < 2 else (1, sb)
    return f"In[{i}] ndims must be >= 2: {len(s)}", "BatchMatMulV2"


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None) -> Tensor:
    """Matrix product of the last two axes, broadcasting the batch axes. ``adjoint_a`` /
    ``adjoint_b`` transpose and conjugate (the same as transposing for real dtypes).

    >>> import minitf as tf
    >>> a = tf.constant([[1 + 1j, 2j]])
    >>> tf.matmul(a, a, adjoint_b=True).numpy()
    array([[6.+0.j]])"""
    a, b = numeric2("MatMul", a, b, True)
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    av, bv = a._value, b._value
    if min(av.ndim, bv.ndim) < 2:
        raise invalid_argument(*_matmul_rank_message(av.shape, bv.shape))
    x, y = _t(av, ta), _t(bv, tb)
    if x.shape[-1] != y.shape[-2]:
        raise invalid_argument(
            f"Matrix size-incompatible: In[0]: [{','.join(map(str, av.shape))}], "
            f"In[1]: [{','.join(map(str, bv.shape))}]", "MatMul")
    if (ta or tb) and a._dtype.is_complex:
        # Complex: the flags become explicit (differentiable) transposes and conjugations,
        # so that one gradient rule, the flagless one, serves all of them.
        a = matrix_transpose(a, conjugate=adjoint_a) if ta else a
        b = matrix_transpose(b, conjugate=adjoint_b) if tb else b
        return matmul(a, b)
    try:
        try:
            z = _make(np.matmul(x, y) if type(x) is np.ndarray else K.mm(x, y), a._dtype)
        except TypeError:
            x, y = B.unify(x, y)           # mixed devices: the host input joins the GPU one
            z = _make(np.matmul(x, y), a._dtype)
    except ValueError:
        raise invalid_argument(f"In[0] and In[1] must have compatible batch dimensions: "
                               f"{list(av.shape)} vs. {list(bv.shape)}", "BatchMatMulV2") from None
    if TAPES.recording:
        if not ta and not tb:
            vjps = (lambda g: matmul(g, conj_of(b), transpose_b=True),
                    lambda g: matmul(conj_of(a), g, transpose_a=True))
        elif not ta and tb:
            vjps = (lambda g: matmul(g, b), lambda g: matmul(g, a, transpose_a=True))
        elif ta and not tb:
            vjps = (lambda g: matmul(b, g, transpose_b=True), lambda g: matmul(a, g))
        else:
            vjps = (lambda g: matmul(b, g, transpose_a=True, transpose_b=True),
                    lambda g: matmul(g, a, transpose_a=True, transpose_b=True))
        record("MatMul", (a, b), z, vjps)
    return z


def solve(matrix, rhs, adjoint=False, name=None) -> Tensor:
    """X with matrix @ X = rhs (batched); ``adjoint`` solves with the conjugate transpose.
    Gradient: ∂rhs = solve(matrixᴴ, g), ∂matrix = -∂rhs @ Xᴴ (ᴴ: the transpose, conjugated
    for complex dtypes)."""
    a, b = match2("MatrixSolve", matrix, rhs)
    if a._dtype is dtypes.float16:
        raise NotFoundError(None, "MatrixSolve", "Could not find device for node: MatrixSolve["
                            "T=half]: no CPU kernel for float16 (tf.linalg.inv has one)")
    if not a._dtype.is_floating and not a._dtype.is_complex:
        raise invalid_argument(f"Value for attr 'T' of {a._dtype.name} is not in the list of "
                               f"allowed values: double, float, half, complex64, complex128",
                               "MatrixSolve")
    av = np.swapaxes(a._value, -1, -2) if adjoint else a._value
    if adjoint and a._dtype.is_complex:
        av = np.conjugate(av)
    if av.ndim < 2 or av.shape[-1] != av.shape[-2]:
        raise invalid_argument(f"Input matrix must be square, got {list(av.shape)}",
                               "MatrixSolve")
    if b._value.ndim < 2 or b._value.shape[-2] != av.shape[-1]:
        raise invalid_argument(f"Input matrix and right-hand side must have the same number "
                               f"of rows: {list(av.shape)} vs. {list(b._value.shape)}",
                               "MatrixSolve")
    if av.shape[:-2] != b._value.shape[:-2]:    # TF's kernel does not broadcast; NumPy would
        raise invalid_argument(f"All input tensors must have the same rank and batch "
                               f"dimensions: {list(av.shape)} vs. {list(b._value.shape)}",
                               "MatrixSolve")
    try:
        x = _make(np.linalg.solve(av, b._value), a._dtype)
    except np.linalg.LinAlgError:
        raise invalid_argument("Input matrix is not invertible.", "MatrixSolve") from None
    if TAPES.recording:
        def grad_rhs(g):
            return solve(a, g, adjoint=not adjoint)

        def grad_matrix(g):
            gb = grad_rhs(g)
            ga = -matmul(gb, x, adjoint_b=True)
            return matrix_transpose(ga, conjugate=True) if adjoint else ga
        record("MatrixSolve", (a, b), x, (grad_matrix, grad_rhs))
    return x


def inv(input, adjoint=False, name=None) -> Tensor:
    """The matrix inverse, as solve(input, I) (so its gradient is solve's). float16 is
    inverted in float32 and rounded back (NumPy's LAPACK has no float16)."""
    a = tensor(input)
    if a._value.ndim < 2:
        raise invalid_argument(f"Input must have rank >= 2, got {list(a._value.shape)}",
                               "MatrixInverse")
    if a._dtype is dtypes.float16:
        return M.cast(inv(M.cast(a, dtypes.float32), adjoint), dtypes.float16)
    eye = A.eye(a._value.shape[-1], batch_shape=a._value.shape[:-2], dtype=a.dtype)
    return solve(a, eye, adjoint=adjoint)


def global_norm(t_list, name=None) -> Tensor:
    """sqrt(sum of squared entries of every tensor), as TF computes it (via l2_loss·2)."""
    from .nn_ops import l2_loss
    from .math_ops import add_n
    ts = [tensor(t.values if getattr(t, "_is_indexed_slices", False) else t)   # TF: the rows
          for t in t_list if t is not None]
    return M.sqrt(add_n([l2_loss(t) * 2 for t in ts]))


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Swap the last two axes (batch axes stay); ``conjugate=True`` also conjugates, as
    ``tf.linalg.adjoint`` does."""
    x = tensor(a)
    nd = x._value.ndim
    if nd < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` "
                         f"= {x!r} with shape: {x.shape}")
    perm = list(range(nd - 2)) + [nd - 1, nd - 2]
    return A.transpose(x, perm, conjugate=conjugate)


def adjoint(matrix, name=None) -> Tensor:
    """The conjugate transpose of the last two axes (``tf.linalg.adjoint``); for real dtypes
    the plain transpose.

    >>> import minitf as tf
    >>> tf.linalg.adjoint(tf.constant([[1 + 2j, 3j]])).numpy()
    array([[1.-2.j],
           [0.-3.j]])"""
    return matrix_transpose(matrix, conjugate=True)


def tensordot(a, b, axes, name=None) -> Tensor:
    """Sum over the given axes of ``a`` and ``b``: transposes, reshapes and one matmul.

    ``axes`` is an int n (the last n axes of ``a`` with the first n of ``b``; n may not exceed
    either rank: ValueError, as TF) or a pair of axis lists, each axis in [-rank, rank). Out of
    range, TF's Python code fails with IndexError (or, for some negative axes, contracts the
    wrong axis); minitf always raises IndexError naming the axis and rank."""
    a, b = numeric2("MatMul", a, b, True)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        for t in (a, b):
            if n > t._value.ndim:
                raise ValueError(f"`axes` must not be larger than the number of dimensions of "
                                 f"tensor {t!r}.  Received {n}, vs tensor dimensions "
                                 f"{t._value.ndim}.")
        ax_a = list(range(a._value.ndim - n, a._value.ndim))
        ax_b = list(range(n))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    ax_a = [_contracted(i, a._value.ndim, "a") for i in ax_a]
    ax_b = [_contracted(i, b._value.ndim, "b") for i in ax_b]
    free_a = [i for i in range(a._value.ndim) if i not in ax_a]
    free_b = [i for i in range(b._value.ndim) if i not in ax_b]
    sa, sb = a._value.shape, b._value.shape
    if [sa[i] for i in ax_a] != [sb[i] for i in ax_b]:
        raise invalid_argument(f"Matrix size-incompatible: contracting {[sa[i] for i in ax_a]} "
                               f"with {[sb[i] for i in ax_b]}", "MatMul")
    k = int(np.prod([sa[i] for i in ax_a]))
    a2 = A.reshape(A.transpose(a, free_a + ax_a), (-1, k))
    b2 = A.reshape(A.transpose(b, ax_b + free_b), (k, -1))
    return A.reshape(matmul(a2, b2), [sa[i] for i in free_a] + [sb[i] for i in free_b])


def _contracted(axis, ndim: int, which: str) -> int:
    if not -ndim <= axis < ndim:
        raise IndexError(f"tensordot: axis {axis} of `{which}` is out of range for a tensor of "
                         f"rank {ndim}")
    return axis % ndim


def norm(tensor_, ord="euclidean", axis=None, keepdims=None, name=None) -> Tensor:
    """Vector norms (euclidean/2, 1, inf) and the Frobenius matrix norm, as compositions of
    differentiable ops (so the gradient at 0 is nan, as in TF). ``axis``: None, an int, or
    two distinct ints (ValueError otherwise, as TF), each in [-rank, rank)."""
    x = tensor(tensor_)
    if not (x._dtype.is_numeric or x._dtype.is_complex):    # TF's wrapper checks first
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x._dtype!r} (norm).")
    if isinstance(axis, (list, tuple)) and (len(axis) not in (1, 2) or
                                            len(set(axis)) != len(axis)):
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, "
                         f"got {tuple(axis)}")
    # TF reduces keeping the dimensions, then squeezes them unless ``keepdims`` (its graph has
    # a Squeeze, ``norm/Squeeze``, the name a traced result shows)
    if ord in ("euclidean", "fro", 2, 2.0):
        # complex: x·conj(x) = |x|², and the result stays complex (zero imaginary part), as TF
        out = M.sqrt(R.reduce_sum(x * conj_of(x), axis, keepdims=True))
    elif ord in (1, 1.0):
        out = R.reduce_sum(M.abs(x), axis, keepdims=True)
    elif ord == np.inf:
        out = R.reduce_max(M.abs(x), axis, keepdims=True)
    elif isinstance(ord, (int, float)) and ord > 0:
        out = M.pow(R.reduce_sum(M.pow(M.abs(x), float(ord)), axis, keepdims=True), 1.0 / ord)
    else:
        raise ValueError(f"'ord' must be a supported vector norm, got ord={ord!r}")
    return out if keepdims else A.squeeze(out, axis)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None) -> Tensor:
    """``x / sqrt(max(sum(x**2, axis), epsilon))``: unit L2 norm along ``axis`` (all axes
    when None), never dividing by zero. Complex tensors are scaled by their modulus: each
    part is divided by the norm of the whole, as TF builds it."""
    x = numeric("Square", x, complex_ok=True)
    if x._dtype.is_complex:
        re, im = real_part(x), imag_part(x)
        sq = R.reduce_sum(M.square(re) + M.square(im), axis, keepdims=True)
        inv = M.rsqrt(M.maximum(sq, tensor(epsilon, sq.dtype)))
        return _complex(re * inv, im * inv)
    sq = R.reduce_sum(M.square(x), axis, keepdims=True)
    return x * M.rsqrt(M.maximum(sq, tensor(epsilon, x.dtype)))


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None) -> Tensor:
    """Matrix times vector: ``a`` [..., M, N] times ``b`` [..., N] gives [..., M]
    (``transpose_a``/``adjoint_a`` use ``a``'s transpose)."""
    return A.squeeze(matmul(a, A.expand_dims(b, -1), transpose_a=transpose_a,
                            adjoint_a=adjoint_a), -1)


def trace(x, name=None) -> Tensor:
    """The sum of the main diagonal of the last two axes (batched). Needs rank >= 2
    (InvalidArgumentError) and numbers: strings are a TypeError (TF's diagonal pads with 0,
    which is no string), bools fail in the sum."""
    x = tensor(x)
    if x._dtype.is_string:
        raise TypeError("Cannot convert 0 to EagerTensor of dtype string (trace of strings)")
    if x._value.ndim < 2:
        raise invalid_argument(f"input must be at least 2-dim, received shape: "
                               f"{list(x._value.shape)}", "MatrixDiagPartV3")
    n = min(x._value.shape[-2:])
    eye = A.eye(x._value.shape[-2], x._value.shape[-1], dtype=x.dtype)
    return R.reduce_sum(x * eye, axis=[-2, -1]) if n else R.reduce_sum(x, axis=[-2, -1])


