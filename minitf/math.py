"""``tf.math``: elementwise math, comparisons and reductions."""
from .ops.math_ops import (abs, add, add_n, ceil, cos, divide, divide_no_nan, equal, erf, erfc, exp,  # noqa: F401
                           expm1, floor, floordiv, floormod, greater, greater_equal, is_finite,
                           is_inf, is_nan, less, less_equal, log, log1p, logical_and, logical_not,
                           logical_or, logical_xor, maximum, minimum, multiply, negative,
                           not_equal, pow, reciprocal, round, rsqrt, sigmoid, sign, sin, softplus,
                           sqrt, square, squared_difference, subtract, tan, tanh, truediv)
from .ops.math_ops import floormod as mod  # noqa: F401
from .ops.math_ops import angle  # noqa: F401
from .ops.complex_ops import conj, imag_part as imag, real_part as real  # noqa: F401
from .ops.nn_ops import softmax, log_softmax  # noqa: F401
from .ops.reduction_ops import (argmax, argmin, cumprod, cumsum, reduce_all, reduce_any,  # noqa: F401
                                reduce_logsumexp, reduce_max, reduce_mean, reduce_min,
                                reduce_prod, reduce_std, reduce_sum, reduce_variance)
from .ops.linalg_ops import l2_normalize  # noqa: F401
from .ops.trig_ops import (acos, acosh, asin, asinh, atan, atan2, atanh, cosh,  # noqa: F401
                           sinh)
from .ops.special_ops import (digamma, lgamma, log_sigmoid, polygamma, xdivy,  # noqa: F401
                              xlogy)
from .ops.sort_ops import top_k  # noqa: F401
from .ops.segment_ops import (segment_max, segment_mean, segment_min, segment_prod,  # noqa: F401
                              segment_sum, unsorted_segment_max, unsorted_segment_mean,
                              unsorted_segment_min, unsorted_segment_prod,
                              unsorted_segment_sqrt_n, unsorted_segment_sum)
