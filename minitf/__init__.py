"""minitf: a small reverse-mode autodiff engine with TensorFlow 2's eager API.

``import minitf as tf`` and use it as TensorFlow:

>>> import minitf as tf
>>> x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     g = (x1 + 5) * x2 ** 2
>>> [float(d) for d in tape.gradient(g, [x1, x2])]
[9.0, 42.0]
"""
from __future__ import annotations

import builtins as _builtins
import warnings as _warnings

# TF's kernels return inf/nan silently (log(0), 0·inf); NumPy would warn from inside minitf's
# ops. This filter matches only warnings raised from minitf's own modules, and costs nothing
# per op, unlike a NumPy errstate context around each call.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minitf(\.|$)")

from . import dtypes, errors, nest  # noqa: F401
from ._backend import device, get_backend, set_backend  # noqa: F401
from .dtypes import (DType, as_dtype, bool, double, float16, float32, float64, half,  # noqa: F401
                     int8, int16, int32, int64, string, uint8)
from .dtypes import complex64, complex128  # noqa: F401,E402
from .tensor import (Tensor, TensorShape, TensorSpec, constant, convert_to_tensor,  # noqa: F401
                     is_tensor)
from .tape import GradientTape, UnconnectedGradients  # noqa: F401
from .ops import overloads as _overloads  # noqa: F401  (attaches Tensor operators)
from .ops.math_ops import (abs, add, add_n, cast, ceil, clip_by_global_norm,  # noqa: F401
                           clip_by_norm, clip_by_value, cos, divide,
                           equal, exp, floor, floordiv, greater, greater_equal, identity,
                           is_nan, less, less_equal, log, logical_and, logical_not, logical_or,
                           maximum, minimum, multiply, negative, not_equal, pow, realdiv,
                           round, sigmoid, sign, sin, sqrt, square, stop_gradient, subtract, tan,
                           tanh, truediv, where)
from .ops.reduction_ops import (argmax, argmin, cumsum, reduce_all, reduce_any,  # noqa: F401
                                reduce_logsumexp, reduce_max, reduce_mean, reduce_min,
                                reduce_prod, reduce_sum)
from .ops.array_ops import (boolean_mask, broadcast_to, concat, expand_dims, eye,  # noqa: F401
                            fill, gather, linspace, one_hot, ones, ones_like, pad, range, rank,
                            reshape, reverse, shape, size, split, squeeze, stack, tile,
                            transpose, unstack, zeros, zeros_like)
from .ops.linalg_ops import matmul, norm, tensordot  # noqa: F401
from .ops.special_math_ops import einsum  # noqa: F401
from .ops.sort_ops import argsort, searchsorted, sort, unique  # noqa: F401
from .ops.complex_ops import complex  # noqa: F401,A004  (tf.complex: builds complex tensors)
from .ops.gather_nd_ops import (gather_nd, scatter_nd, tensor_scatter_nd_add,  # noqa: F401
                                tensor_scatter_nd_sub, tensor_scatter_nd_update)
from .tensor_array import TensorArray  # noqa: F401
from .ops.indexed_slices import IndexedSlices  # noqa: F401
from .variable import Variable  # noqa: F401
from .module import Module, name_scope  # noqa: F401
from .custom_gradient import custom_gradient  # noqa: F401
from .init_ops import (constant_initializer, ones_initializer,  # noqa: F401
                       random_normal_initializer, random_uniform_initializer, zeros_initializer)
from . import linalg, math, nn, random  # noqa: F401
from . import signal  # noqa: F401  (tf.signal: fft, ifft of complex tensors)
from . import autodiff  # noqa: F401  (tf.autodiff.ForwardAccumulator)
from . import keras  # noqa: F401,E402
# tf.keras is Keras's TF-compatible namespace: the package, with the loss and metric functions
# under TF's names (keras/api_namespaces.py); importable as minitf._tf_keras too.
import sys as _sys  # noqa: E402
keras = _tf_keras = keras._TF_KERAS
_sys.modules[__name__ + "._tf_keras"] = _tf_keras
from . import data, io, strings  # noqa: F401,E402
from . import summary  # noqa: F401,E402  (tf.summary: TensorBoard event files)
from . import profiler  # noqa: F401,E402  (tf.profiler: start/stop only, nothing recorded)
from . import train  # noqa: F401,E402  (tf.train: checkpoints in TensorFlow's format)
from . import image  # noqa: F401,E402
from . import config  # noqa: F401,E402
from ._blas import apply_policy as _apply_blas_policy  # noqa: E402
_apply_blas_policy()   # BLAS threads: one fewer than the cores (see minitf/_blas.py for why)

__version__ = "0.1.0"
newaxis = None


def executing_eagerly() -> _builtins.bool:
    """minitf always executes eagerly."""
    return True


from .logging_ops import print  # noqa: F401,E402,A001
from .function.polymorphic_function import function  # noqa: F401,E402
from .function.init_scope import init_scope  # noqa: F401,E402
from .ops.script_ops import py_function  # noqa: F401,E402
from . import types  # noqa: F401,E402  (tf.types.experimental: the tracing protocol)
from .ops.control_flow_ops import cond, while_loop  # noqa: F401,E402
from . import autograph  # noqa: F401,E402  (tf.autograph: to_code, to_graph, do_not_convert)


def _html_display(kind, obj):
    # notebook display (tensor.register_html_display); explain_display loads on first use
    from .explain_display import html
    return html(kind, obj)


from .tensor import register_html_display as _register_html_display  # noqa: E402
_register_html_display(_html_display)
