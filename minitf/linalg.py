"""``tf.linalg``: matrix products and norms."""
from .ops.array_ops import eye  # noqa: F401
from .ops.linalg_ops import (global_norm, inv, l2_normalize, matmul,  # noqa: F401
                             matrix_transpose, matvec, norm, solve, tensordot, trace)
from .ops.linalg_ops import adjoint  # noqa: F401
from .ops.special_math_ops import einsum  # noqa: F401
from .ops.linalg_decomp_ops import (band_part, cholesky, det, diag, diag_part,  # noqa: F401
                                    eigh, eigvalsh, qr, slogdet, svd, triangular_solve)
