"""``tf.linalg``: matrix products and norms."""
from .ops.array_ops import eye  # noqa: F401
from .ops.linalg_ops import (l2_normalize, matmul, matrix_transpose, matvec, norm,  # noqa: F401
                             tensordot, trace)
from .ops.linalg_ops import matrix_transpose as adjoint  # noqa: F401
