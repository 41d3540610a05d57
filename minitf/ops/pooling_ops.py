"""Pooling: ``tf.nn.max_pool1d/2d/3d``, ``avg_pool1d/2d/3d``, ``max_pool``, ``avg_pool`` and
``pool``.

Max pooling routes each window's gradient to one element: the first maximum in the window's
row-major order, as TF's kernels do when several elements tie (a window of equal values sends
all of its gradient to its top-left element). The routing is a recorded op (TF's MaxPoolGrad)
whose own VJP gathers at the same positions (MaxPoolGradGrad), so second derivatives exist.
Average pooling with SAME padding divides each window by the number of elements it covers
inside the input, not by the window size: the padding is not averaged in.

>>> import minitf as tf
>>> x = tf.reshape(tf.range(9.), (1, 3, 3, 1))
>>> tf.nn.avg_pool2d(x, 2, 2, "SAME")[0, :, :, 0].numpy()   # corners: 1, 2 or 4 elements
array([[2. , 3.5],
       [6.5, 8. ]], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from ..errors import invalid_argument
from . import _windows as W
from ._registry import TAPES, Tensor, _make, not_allowed, record, tensor
from .conv_ops import (channels_first_on_cpu, padding_arg, shape_text, spatial_args, to_first,
                       to_last)

_MAX_TYPES = "half, bfloat16, float, double, int32, int64, uint8, int16, int8, uint16"
_AVG_TYPES = "half, bfloat16, float, double"


def _lowest(dtype):
    return -np.inf if dtype.is_floating else dtype._np.type(np.iinfo(dtype._np).min)


# ---- max pooling: value, gradient routing and its adjoint ------------------------------------

def _max_pool(x: Tensor, geo: W.Geometry, op: str) -> Tensor:
    p = W.patches(W.pad(x._value, geo, _lowest(x._dtype)), geo)
    y = _make(p.max(axis=-2) if p.size else p[..., 0, :], x._dtype)
    if TAPES.recording:
        idx = np.argmax(p, axis=-2)          # first maximum in the window's row-major order
        record(op, (x,), y, (lambda g: _max_pool_grad(g, idx, geo, op),))
    return y


def _one_hot_taps(idx, k: int, dtype):
    taps = B.like(idx, np.arange(k).reshape(k, 1))
    return (idx[..., None, :] == taps).astype(dtype)


def _max_pool_grad(g: Tensor, idx, geo: W.Geometry, op: str) -> Tensor:
    """Each window's gradient sent to its argmax (TF's MaxPoolGrad); linear in ``g``."""
    cols = _one_hot_taps(idx, len(geo.taps), g._value.dtype) * g._value[..., None, :]
    dx = _make(W.col2im(cols, geo, g._value.dtype), g._dtype)
    if TAPES.recording:
        record(op + "Grad", (g,), dx, (lambda u: _max_pool_grad_grad(u, idx, geo, op),))
    return dx


def _max_pool_grad_grad(u: Tensor, idx, geo: W.Geometry, op: str) -> Tensor:
    """``u`` read at each window's argmax (TF's MaxPoolGradGrad), the adjoint of the routing."""
    p = W.patches(W.pad(u._value, geo), geo)
    y = _make(np.take_along_axis(p, idx[..., None, :], axis=-2)[..., 0, :], u._dtype)
    if TAPES.recording:
        record(op + "GradGrad", (u,), y, (lambda g: _max_pool_grad(g, idx, geo, op),))
    return y


# ---- average pooling ------------------------------------------------------------------------

def _counts(geo: W.Geometry, like):
    """How many input elements (not padding) each window covers, shaped (*out, 1)."""
    total = np.ones((), np.float64)
    for n, k, s, d, (lo, _), o in zip(geo.sizes, geo.kernel, geo.strides, geo.dilations,
                                      geo.pads, geo.out):
        pos = np.arange(o)[:, None] * s + np.arange(k)[None, :] * d - lo
        c = ((pos >= 0) & (pos < n)).sum(axis=1)
        total = np.multiply.outer(total, c)
    return B.like(like, total.reshape(geo.out + (1,)).astype(like.dtype))


def _avg_pool(x: Tensor, geo: W.Geometry, op: str) -> Tensor:
    p = W.patches(W.pad(x._value, geo), geo)
    count = _counts(geo, x._value)
    y = _make(p.sum(axis=-2) / count, x._dtype)
    if TAPES.recording:
        record(op, (x,), y, (lambda g: _avg_pool_grad(g, geo, op),))
    return y


def _avg_pool_grad(g: Tensor, geo: W.Geometry, op: str) -> Tensor:
    """Each window's gradient spread evenly over the input elements it covers (AvgPoolGrad)."""
    share = g._value / _counts(geo, g._value)
    k = len(geo.taps)
    cols = np.broadcast_to(share[..., None, :], share.shape[:-1] + (k, share.shape[-1]))
    dx = _make(W.col2im(cols, geo, g._value.dtype), g._dtype)
    if TAPES.recording:
        record(op + "Grad", (g,), dx, (lambda u: _avg_pool(u, geo, op),))
    return dx


# ---- TF's entry points ----------------------------------------------------------------------

_OPS = {("MAX", 1): "MaxPool", ("MAX", 2): "MaxPool", ("MAX", 3): "MaxPool3D",
        ("AVG", 1): "AvgPool", ("AVG", 2): "AvgPool", ("AVG", 3): "AvgPool3D"}


def _pool(kind: str, value, ksize, strides, padding, data_format, n: int,
          dilations=None, explicit_ok: bool = False) -> Tensor:
    op = _OPS[kind, n]
    x = tensor(value)
    allowed = _MAX_TYPES if kind == "MAX" else _AVG_TYPES
    if x._dtype.kernel_name not in [a.strip() for a in allowed.split(",")]:
        raise not_allowed(op, x._dtype, allowed)
    first = bool(data_format) and data_format.startswith("NC")
    k = spatial_args("ksize", ksize, n, first, op, "Sliding window ksize must be positive.")
    s = spatial_args("strides", strides, n, first, op, "Stride must be > 0")
    d = [1] * n if dilations is None else dilations
    pad, explicit = padding_arg(padding, n + 2, first, op, explicit_ok=explicit_ok)
    rank = x._value.ndim
    if rank != n + 2:
        want = max(n, 2) + 2        # 1-D pooling runs as 2-D, as in TF
        shape = x._value.shape if n > 1 else x._value.shape[:1] + (1,) + x._value.shape[1:]
        raise invalid_argument(f"tensor_in must be {want}-dimensional: {shape_text(shape)}", op)
    if first:
        name = "MaxPoolingOp" if kind == "MAX" else "AvgPoolingOp"
        channels_first_on_cpu(x, f"Default {name} only supports NHWC on device type CPU", op,
                              error=None)
        x = to_last(x)
    geo = W.geometry(x._value.shape[1:-1], k, s, d, pad, explicit)
    y = (_max_pool if kind == "MAX" else _avg_pool)(x, geo, op)
    return to_first(y) if first else y


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:
    """The maximum of each ``ksize`` window of ``input`` (N, H, W, C). ``padding`` may be
    ``'SAME'``, ``'VALID'`` or explicit pairs; padded positions never win. At ties the
    gradient goes to the window's first maximum (row-major).

    >>> import minitf as tf
    >>> x = tf.ones((1, 2, 2, 1))
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    >>> tape.gradient(y, x)[0, :, :, 0].numpy()
    array([[1., 0.],
           [0., 0.]], dtype=float32)
    """
    return _pool("MAX", input, ksize, strides, padding, data_format, 2, explicit_ok=True)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:
    """The mean of each ``ksize`` window of ``input`` (N, H, W, C); with ``'SAME'`` padding a
    border window is the mean of the elements it covers.

    >>> import minitf as tf
    >>> tf.nn.avg_pool2d(tf.ones((1, 5, 5, 2)), 2, 2, "SAME").shape
    TensorShape([1, 3, 3, 2])
    """
    return _pool("AVG", input, ksize, strides, padding, data_format, 2)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:
    """``max_pool2d`` over the width of ``input`` (N, W, C).

    >>> import minitf as tf
    >>> tf.nn.max_pool1d(tf.constant([[[1.], [3.], [2.]]]), 2, 1, "VALID")[0, :, 0].numpy()
    array([3., 3.], dtype=float32)
    """
    return _pool("MAX", input, ksize, strides, padding, data_format, 1, explicit_ok=True)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:
    """``avg_pool2d`` over the width of ``input`` (N, W, C).

    >>> import minitf as tf
    >>> tf.nn.avg_pool1d(tf.constant([[[1.], [3.], [2.]]]), 2, 2, "SAME")[0, :, 0].numpy()
    array([2., 2.], dtype=float32)
    """
    return _pool("AVG", input, ksize, strides, padding, data_format, 1)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """The maximum of each window of ``input`` (N, D, H, W, C).

    >>> import minitf as tf
    >>> tf.nn.max_pool3d(tf.ones((1, 4, 4, 4, 1)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 1])
    """
    return _pool("MAX", input, ksize, strides, padding, data_format, 3)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """The mean of each window of ``input`` (N, D, H, W, C).

    >>> import minitf as tf
    >>> tf.nn.avg_pool3d(tf.ones((1, 4, 4, 4, 1)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 1])
    """
    return _pool("AVG", input, ksize, strides, padding, data_format, 3)


def _by_rank(kind: str, input, ksize, strides, padding, data_format):
    x = tensor(input)
    n = x._value.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape="
                         f"{tuple(x._value.shape)} of rank {x._value.ndim}.")
    return _pool(kind, x, ksize, strides, padding, data_format, n,
                 explicit_ok=kind == "MAX" and n < 3)


def max_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:
    """``max_pool1d``, ``max_pool2d`` or ``max_pool3d``, chosen by the rank of ``input``.

    >>> import minitf as tf
    >>> tf.nn.max_pool(tf.ones((1, 4, 3)), 2, 2, "VALID").shape
    TensorShape([1, 2, 3])
    """
    return _by_rank("MAX", input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:
    """``avg_pool1d``, ``avg_pool2d`` or ``avg_pool3d``, chosen by the rank of ``input``.

    >>> import minitf as tf
    >>> tf.nn.avg_pool(tf.ones((1, 4, 4, 3)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 3])
    """
    return _by_rank("AVG", input, ksize, strides, padding, data_format)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None,
         dilations=None, name=None) -> Tensor:
    """N-d pooling (``pooling_type`` 'MAX' or 'AVG') with optional dilated windows; as in TF,
    dilations above 1 need ``padding='VALID'``.

    >>> import minitf as tf
    >>> tf.nn.pool(tf.ones((1, 5, 5, 1)), [2, 2], "MAX", padding="VALID",
    ...            dilations=[2, 2]).shape
    TensorShape([1, 3, 3, 1])
    """
    x = tensor(input)
    n = len(window_shape)
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"Invalid pooling_type: {pooling_type}")
    d = [1] * n if dilations is None else [int(v) for v in dilations]
    s = [1] * n if strides is None else [int(v) for v in strides]
    if any(v > 1 for v in d):
        if padding == "SAME":
            raise ValueError(f"pooling with 'SAME' padding is not implemented for "
                             f"`dilation_rate` > 1. Received: padding={padding} and "
                             f"dilation_rate={d}")
        if any(v > 1 for v in s):
            raise ValueError(f"strides > window_shape not supported due to inconsistency "
                             f"between CPU and GPU implementations. Received: strides={s} and "
                             f"window_shape={list(window_shape)}")
    return _pool(pooling_type, x, list(window_shape), s, padding, data_format, n, dilations=d)
