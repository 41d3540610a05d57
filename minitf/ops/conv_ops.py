"""Convolutions: ``tf.nn.conv1d``, ``conv2d``, ``conv3d``, ``conv2d_transpose``,
``depthwise_conv2d`` and ``separable_conv2d``.

As in TF, a convolution is a cross-correlation: ``out[n, y, x, o] = sum over (i, j, c) of
in[n, y*s + i*d, x*s + j*d, c] * filter[i, j, c, o]`` on the padded input, with filters laid
out (spatial..., in_channels, out_channels). Each is computed as im2col (``_windows``) and one
GEMM, or on a GPU, for 2-D convolutions, by cuDNN (minitf/_cudnn.py; ``MINITF_CONV=im2col``
keeps the GEMM path there too). Three recorded ops close under differentiation, as TF's Conv2D, Conv2DBackpropInput and
Conv2DBackpropFilter do: each one's VJPs are the other two, so nested tapes give any order.
Grouped convolution (input channels a multiple of the filter's) runs one batched GEMM per
group; a depthwise convolution is the grouped one with one input channel per group.

TF's CPU kernels accept channels-last layouts only: ``NCHW`` raises TF's CPU error on the NumPy
backend and is computed (through transposes) on the GPU, as TF's GPU kernels do.

>>> import minitf as tf
>>> x = tf.reshape(tf.range(16.), (1, 4, 4, 1))
>>> tf.nn.conv2d(x, tf.ones((2, 2, 1, 1)), strides=2, padding="VALID")[0, :, :, 0].numpy()
array([[10., 18.],
       [42., 50.]], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _cudnn as C
from ..errors import UnimplementedError, invalid_argument
from . import _windows as W
from . import array_ops as A
from ._registry import TAPES, Tensor, _make, match2, not_allowed, record, tensor


def _unimplemented(text: str, op: str) -> UnimplementedError:
    return UnimplementedError(None, op, f"{text} [Op:{op}] name: ")


# ---- the three closed ops on arrays --------------------------------------------------------
# p: patches (N, *out, K, C); w: filter (*kernel, C // groups, O); g: (N, *out, O).

def _gemm(p, w, groups: int):
    lead, k, c = p.shape[:-2], p.shape[-2], p.shape[-1]
    o = w.shape[-1]
    if groups == 1:
        return np.matmul(p.reshape(-1, k * c), w.reshape(k * c, o)).reshape(lead + (o,))
    cg, og = c // groups, o // groups
    pg = p.reshape(-1, k, groups, cg).transpose(2, 0, 1, 3).reshape(groups, -1, k * cg)
    wg = w.reshape(k, cg, groups, og).transpose(2, 0, 1, 3).reshape(groups, k * cg, og)
    return np.matmul(pg, wg).transpose(1, 0, 2).reshape(lead + (o,))


def _gemm_input(g, w, groups: int, k: int, c: int):
    lead, o = g.shape[:-1], g.shape[-1]
    if groups == 1:
        return np.matmul(g.reshape(-1, o), w.reshape(k * c, o).T).reshape(lead + (k, c))
    cg, og = c // groups, o // groups
    gg = g.reshape(-1, groups, og).transpose(1, 0, 2)
    wg = w.reshape(k, cg, groups, og).transpose(2, 0, 1, 3).reshape(groups, k * cg, og)
    cols = np.matmul(gg, wg.transpose(0, 2, 1)).reshape(groups, -1, k, cg)
    return cols.transpose(1, 2, 0, 3).reshape(lead + (k, c))


def _gemm_filter(p, g, groups: int, wshape: tuple):
    k, c, o = p.shape[-2], p.shape[-1], g.shape[-1]
    if groups == 1:
        return np.matmul(p.reshape(-1, k * c).T, g.reshape(-1, o)).reshape(wshape)
    cg, og = c // groups, o // groups
    pg = p.reshape(-1, k, groups, cg).transpose(2, 0, 1, 3).reshape(groups, -1, k * cg)
    gg = g.reshape(-1, groups, og).transpose(1, 0, 2)
    dw = np.matmul(pg.transpose(0, 2, 1), gg).reshape(groups, k, cg, og)
    return dw.transpose(1, 2, 0, 3).reshape(wshape)


# ---- the three closed ops on tensors -------------------------------------------------------

def _conv(x: Tensor, w: Tensor, geo: W.Geometry, groups: int, op: str) -> Tensor:
    """The convolution of channels-last ``x`` with ``w`` over ``geo``'s windows."""
    if C.usable(x._value, w._value.shape, geo, groups):
        y = _make(C.forward(x._value, w._value, geo, groups), x._dtype)
    else:
        p = W.patches(W.pad(x._value, geo), geo)
        y = _make(_gemm(p, w._value, groups), x._dtype)
    if TAPES.recording:
        record(op, (x, w), y,
               (lambda g: _conv_input_grad(g, w, geo, groups, op),
                lambda g: _conv_filter_grad(x, g, geo, groups, op)))
    return y


def _conv_input_grad(g: Tensor, w: Tensor, geo: W.Geometry, groups: int, op: str) -> Tensor:
    """d(sum(g * conv(x, w)))/dx: the transposed convolution of ``g`` (TF's BackpropInput)."""
    k = len(geo.taps)
    c = w._value.shape[-2] * groups
    if C.usable(g._value, w._value.shape, geo, groups):
        x_shape = (g._value.shape[0],) + tuple(geo.sizes) + (c,)
        dx = _make(C.backward_input(g._value, w._value, geo, groups, x_shape), g._dtype)
    else:
        cols = _gemm_input(g._value, w._value, groups, k, c)
        dx = _make(W.col2im(cols, geo, g._value.dtype), g._dtype)
    if TAPES.recording:
        record(op + "BackpropInput", (g, w), dx,
               (lambda u: _conv(u, w, geo, groups, op),
                lambda u: _conv_filter_grad(u, g, geo, groups, op)))
    return dx


def _conv_filter_grad(x: Tensor, g: Tensor, geo: W.Geometry, groups: int, op: str) -> Tensor:
    """d(sum(g * conv(x, w)))/dw (TF's BackpropFilter); the filter shape follows from x, g."""
    wshape = geo.kernel + (x._value.shape[-1] // groups, g._value.shape[-1])
    if C.usable(x._value, wshape, geo, groups):
        dw = _make(C.backward_filter(x._value, g._value, geo, groups), x._dtype)
    else:
        p = W.patches(W.pad(x._value, geo), geo)
        dw = _make(_gemm_filter(p, g._value, groups, wshape), x._dtype)
    if TAPES.recording:
        record(op + "BackpropFilter", (x, g), dw,
               (lambda u: _conv_input_grad(g, u, geo, groups, op),
                lambda u: _conv(x, u, geo, groups, op)))
    return dw


# ---- TF's argument rules -------------------------------------------------------------------

def spatial_args(name: str, value, n: int, channels_first: bool, op: str,
                 what: str) -> list:
    """The ``n`` spatial entries of a strides/dilations/ksize argument, as TF's Python reads
    them: an int, or a list of 1, n or n + 2 entries (the full form also names the batch and
    channel axes, which must be 1). Entries must be positive."""
    if isinstance(value, (int, np.integer)):
        vals = [int(value)] * n
    else:
        vals = [int(v) for v in (value.numpy().tolist() if isinstance(value, Tensor)
                                 else value)]
        if len(vals) == 1:
            vals = vals * n
        elif len(vals) == n + 2:
            outer = [vals[0], vals[1] if channels_first else vals[-1]]
            vals = vals[2:] if channels_first else vals[1:-1]
            if outer != [1, 1]:
                if name == "ksize":
                    raise _unimplemented("Pooling is not yet supported on the batch "
                                         "dimension.", op)
                raise _unimplemented(f"Current implementation does not yet support {name} in "
                                     f"the batch and depth dimensions.", op)
        elif len(vals) != n:
            raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: "
                             f"{name}={value} of length {len(vals)}")
    if any(v <= 0 for v in vals):
        raise invalid_argument(what, op)
    return vals


def padding_arg(padding, rank: int, channels_first: bool, op: str, explicit_ok: bool = True):
    """('SAME' | 'VALID' | 'EXPLICIT', spatial pairs or None), with TF's errors: an unknown
    string is InvalidArgumentError (the attr check), a list where the op takes none is
    TypeError, a list of the wrong length ValueError, padding of the batch or channel axis or
    a negative amount InvalidArgumentError."""
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            raise invalid_argument(f"Value for attr 'padding' of \"{padding}\" is not in the "
                                   f"list of allowed values: \"SAME\", \"VALID\", \"EXPLICIT\"",
                                   op)
        return padding, None
    if not explicit_ok:
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    pairs = [[int(v) for v in p] for p in padding]
    if len(pairs) != rank:
        raise ValueError(f"When padding is a list, it must be of size {rank}. Received: "
                         f"padding={padding!r} of size {len(pairs)}")
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"When padding is a list, each element of padding must be a list/"
                         f"tuple of size 2. Received: padding={padding!r}")
    outer = [pairs[0], pairs[1] if channels_first else pairs[-1]]
    spatial = pairs[2:] if channels_first else pairs[1:-1]
    if any(v < 0 for p in pairs for v in p):
        raise invalid_argument("All elements of explicit_paddings must be nonnegative", op)
    if outer != [[0, 0], [0, 0]]:
        raise invalid_argument("Nonzero explicit padding in the batch or depth dimensions is "
                               "not supported", op)
    return "EXPLICIT", [tuple(p) for p in spatial]


def operands(op: str, x, w, allowed: str) -> tuple:
    """Input and filter in one dtype from ``allowed`` (TF's kernel type list)."""
    x, w = match2(op, x, w)
    if x._dtype.kernel_name not in [a.strip() for a in allowed.split(",")]:
        raise not_allowed(op, x._dtype, allowed)
    return x, w


def shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def channels_first_on_cpu(x: Tensor, text: str, op: str, error=UnimplementedError) -> None:
    """TF's CPU kernels take channels-last data only; on the GPU both layouts run."""
    if not B.is_device_array(x._value):
        if error is UnimplementedError:
            raise _unimplemented(text, op)
        raise invalid_argument(text, op)


def to_last(x: Tensor) -> Tensor:
    nd = x._value.ndim
    return A.transpose(x, [0] + list(range(2, nd)) + [1])


def to_first(x: Tensor) -> Tensor:
    nd = x._value.ndim
    return A.transpose(x, [0, nd - 1] + list(range(1, nd - 1)))


_CONV2D_TYPES = "half, bfloat16, float, double, int32"
_FLOAT_TYPES = "half, bfloat16, float, double"


def _conv_nd(op: str, x: Tensor, w: Tensor, strides: list, dilations: list, padding,
             explicit, channels_first: bool) -> Tensor:
    """Checked N-d convolution of ``x`` (N, *spatial, C) or channels-first, filter
    (*kernel, C // groups, O)."""
    n = w._value.ndim - 2
    if channels_first:
        x = to_last(x)
    xs, ws = x._value.shape, w._value.shape
    c, cg, o = xs[-1], ws[-2], ws[-1]
    if cg == 0 or c % cg:
        first = "Input" if op == "Conv3D" else "input"
        raise invalid_argument(f"{first} depth must be evenly divisible by filter depth: "
                               f"{c} vs {cg}", op)
    groups = c // cg
    if o % groups:
        raise invalid_argument(f"output depth must be evenly divisible by number of groups: "
                               f"{o} vs {groups}", op)
    geo = W.geometry(xs[1:-1], ws[:n], strides, dilations, padding, explicit)
    y = _conv(x, w, geo, groups, op)
    return to_first(y) if channels_first else y


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,
           name=None) -> Tensor:
    """2-D cross-correlation of ``input`` (N, H, W, C) with ``filters`` (KH, KW, C, O).

    ``strides``/``dilations``: an int, or 1, 2 or 4 entries; ``padding``: ``'VALID'`` (only
    windows that fit), ``'SAME'`` (``ceil(H / stride)`` outputs, zero padding split with the
    smaller half first) or explicit ``[[0, 0], [top, bottom], [left, right], [0, 0]]``. When C
    is a multiple of the filter's input channels, the convolution is grouped.

    >>> import minitf as tf
    >>> tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 8)), 2, "SAME").shape
    TensorShape([1, 3, 3, 8])
    """
    x, w = operands("Conv2D", input, filters, _CONV2D_TYPES)
    first = data_format == "NCHW"
    s = spatial_args("strides", strides, 2, first, "Conv2D",
                     "Row and column strides should be larger than 0.")
    d = spatial_args("dilations", 1 if dilations is None else dilations, 2, first, "Conv2D",
                     "Dilated rates should be larger than 0.")
    pad, explicit = padding_arg(padding, 4, first, "Conv2D")
    if x._value.ndim != 4:
        raise invalid_argument(f"convolution input must be 4-dimensional: "
                               f"{shape_text(x._value.shape)}", "Conv2D")
    if w._value.ndim != 4:
        raise invalid_argument(f"convolution filter must be 4-dimensional: "
                               f"{shape_text(w._value.shape)}", "Conv2D")
    if first:
        channels_first_on_cpu(x, "The Conv2D op currently only supports the NHWC tensor format "
                              "on the CPU. The op was given the format: NCHW", "Conv2D")
    return _conv_nd("Conv2D", x, w, s, d, pad, explicit, first)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,
           name=None) -> Tensor:
    """1-D cross-correlation of ``input`` (N, W, C) with ``filters`` (K, C, O). As in TF, it
    runs as a Conv2D over (N, 1, W, C) (so its errors name Conv2D); ``padding`` is
    ``'SAME'`` or ``'VALID'``.

    >>> import minitf as tf
    >>> tf.nn.conv1d(tf.ones((2, 7, 3)), tf.ones((3, 3, 4)), stride=2, padding="VALID").shape
    TensorShape([2, 3, 4])
    """
    first = data_format == "NCW"
    x, w = operands("Conv2D", input, filters, _CONV2D_TYPES)
    s = spatial_args("stride", stride, 1, first, "Conv2D",
                     "Row and column strides should be larger than 0.")
    d = spatial_args("dilations", 1 if dilations is None else dilations, 1, first, "Conv2D",
                     "Dilated rates should be larger than 0.")
    pad, explicit = padding_arg(padding, 3, first, "Conv2D", explicit_ok=False)
    axis = -2 if first else -3      # TF inserts the unit height before the width
    xs = x._value.shape[:max(x._value.ndim + axis + 1, 0)] + (1,) + \
        x._value.shape[max(x._value.ndim + axis + 1, 0):]
    if len(xs) != 4:
        raise invalid_argument(f"convolution input must be 4-dimensional: {shape_text(xs)}",
                               "Conv2D")
    if w._value.ndim != 3:
        raise invalid_argument(f"convolution filter must be 4-dimensional: "
                               f"{shape_text((1,) + w._value.shape)}", "Conv2D")
    if first:
        channels_first_on_cpu(x, "The Conv2D op currently only supports the NHWC tensor format "
                              "on the CPU. The op was given the format: NCHW", "Conv2D")
    return _conv_nd("Conv2D", x, w, s, d, pad, None, first)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None,
           name=None) -> Tensor:
    """3-D cross-correlation of ``input`` (N, D, H, W, C) with ``filters`` (KD, KH, KW, C, O).
    ``strides`` (and ``dilations``) are lists of 5 entries, as TF's Conv3D requires; TF's CPU
    kernel has no dilation, so dilations above 1 are refused on the NumPy backend.

    >>> import minitf as tf
    >>> tf.nn.conv3d(tf.ones((1, 4, 4, 4, 2)), tf.ones((2, 2, 2, 2, 3)), [1, 2, 2, 2, 1],
    ...              "VALID").shape
    TensorShape([1, 2, 2, 2, 3])
    """
    first = data_format == "NCDHW"
    x, w = operands("Conv3D", input, filters, _FLOAT_TYPES)
    for arg, val in (("strides", strides), ("dilations", dilations)):
        if val is not None and not isinstance(val, (list, tuple, Tensor)):
            raise TypeError(f"Expected list for '{arg}' argument to 'conv3d' Op, not {val}.")
    s = spatial_args("strides", strides, 3, first, "Conv3D",
                     "Sliding window strides field must specify 5 dimensions")
    d = spatial_args("dilations", [1] * 5 if dilations is None else dilations, 3, first,
                     "Conv3D", "Dilation rates must be positive")
    pad, _ = padding_arg(padding, 5, first, "Conv3D", explicit_ok=False)
    if x._value.ndim != 5:
        raise invalid_argument(f"input must be 5-dimensional{shape_text(x._value.shape)}",
                               "Conv3D")
    if w._value.ndim != 5:
        raise invalid_argument(f"filter must be 5-dimensional: {shape_text(w._value.shape)}",
                               "Conv3D")
    if first:
        channels_first_on_cpu(x, "CPU implementation of Conv3D currently only supports the "
                              "NHWC tensor format.", "Conv3D", error=None)
    if any(v != 1 for v in d):
        channels_first_on_cpu(x, "CPU implementation of Conv3D currently only supports "
                              "dilated rates of 1.", "Conv3D", error=None)
    return _conv_nd("Conv3D", x, w, s, d, pad, None, first)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",
                     dilations=None, name=None) -> Tensor:
    """The transpose (adjoint) of ``conv2d``: the gradient of a convolution whose input has
    ``output_shape``, with respect to that input. ``filters`` is (KH, KW, out_channels,
    in_channels), the filter of that convolution. Sizes must agree: the convolution of
    ``output_shape`` must have ``input``'s spatial size (a stride leaves several
    ``output_shape`` possible; TF asks for it for that reason).

    >>> import minitf as tf
    >>> y = tf.nn.conv2d_transpose(tf.ones((1, 2, 2, 1)), tf.ones((3, 3, 1, 1)),
    ...                            [1, 4, 4, 1], strides=2, padding="SAME")
    >>> y[0, :, :, 0].numpy()
    array([[1., 1., 2., 1.],
           [1., 1., 2., 1.],
           [2., 2., 4., 2.],
           [1., 1., 2., 1.]], dtype=float32)
    """
    op = "Conv2DBackpropInput"
    first = data_format == "NCHW"
    g, w = operands(op, input, filters, _CONV2D_TYPES)
    s = spatial_args("strides", strides, 2, first, op,
                     "Row and column strides should be larger than 0.")
    d = spatial_args("dilations", 1 if dilations is None else dilations, 2, first, op,
                     "Dilated rates should be larger than 0.")
    pad, explicit = padding_arg(padding, 4, first, op)
    sizes = A._ints(output_shape)
    if len(sizes) not in (2, 4):
        raise invalid_argument(f"Conv2DBackpropInput requires input_sizes to contain 4 values "
                               f"or 2 values, but got: {len(sizes)}", op)
    if g._value.ndim != 4 or w._value.ndim != 4:
        raise invalid_argument(f"input and filter must be 4-dimensional: "
                               f"{shape_text(g._value.shape)} {shape_text(w._value.shape)}", op)
    if first:
        channels_first_on_cpu(g, "Conv2DCustomBackpropInput only supports NHWC.", op,
                               error=None)
        g = to_last(g)
    if any(v != 1 for v in d):
        channels_first_on_cpu(g, "Current CPU implementations do not yet support dilation "
                              "rates larger than 1.", op, error=None)
    n = g._value.shape[0]
    if len(sizes) == 4:
        n_out, hw, c = sizes[0], (sizes[2:] if first else sizes[1:3]), \
            (sizes[1] if first else sizes[3])
    else:
        n_out, hw, c = n, sizes, w._value.shape[2]
    if g._value.shape[-1] != w._value.shape[3]:
        raise invalid_argument("Conv2DCustomBackpropInput: filter and out_backprop must have "
                               "the same out_depth", op)
    if c != w._value.shape[2]:
        raise invalid_argument("Conv2DCustomBackpropInput: input and filter must have the same "
                               "depth", op)
    if n_out != n:
        raise invalid_argument(f"Conv2DCustomBackpropInput: input and out_backprop must have "
                               f"the same batch size. Input batch: {n_out}, outbackprop batch: "
                               f"{n}, batch_dim: 0", op)
    geo = W.geometry(hw, w._value.shape[:2], s, d, pad, explicit)
    for i in range(2):
        if geo.out[i] != g._value.shape[1 + i]:
            raise invalid_argument(
                f"Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: "
                f"actual = {g._value.shape[1 + i]}, computed = {geo.out[i]} spatial_dim: "
                f"{i + 1} input: {hw[i]} filter: {w._value.shape[i]} output: "
                f"{g._value.shape[1 + i]} stride: {s[i]} dilation: {d[i]}", op)
    y = _conv_input_grad(g, w, geo, 1, "Conv2D")
    return to_first(y) if first else y


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None,
                     name=None) -> Tensor:
    """Each input channel convolved with its own ``M`` filters: ``filter`` is (KH, KW, C, M)
    and the output has C·M channels, channel ``c·M + m`` from input channel ``c``.
    ``strides`` has 4 entries with equal row and column strides; ``dilations`` 2 entries.

    >>> import minitf as tf
    >>> tf.nn.depthwise_conv2d(tf.ones((1, 4, 4, 3)), tf.ones((3, 3, 3, 2)), [1, 1, 1, 1],
    ...                        "SAME").shape
    TensorShape([1, 4, 4, 6])
    """
    op = "DepthwiseConv2dNative"
    first = data_format == "NCHW"
    x, w = operands(op, input, filter, _FLOAT_TYPES)
    vals = [int(v) for v in strides] if not isinstance(strides, (int, np.integer)) else [strides]
    if len(vals) != 4:
        raise invalid_argument("Sliding window strides field must specify 4 dimensions", op)
    s = vals[2:] if first else vals[1:3]
    if s[0] != s[1]:
        raise invalid_argument("Current implementation only supports equal length strides in "
                               "the row and column dimensions.", op)
    if vals[0] != 1 or vals[1 if first else 3] != 1:
        raise invalid_argument("Current implementation does not yet support strides in the "
                               "batch and depth dimensions.", op)
    if min(s) <= 0:
        raise invalid_argument("Sliding window strides must be positive", op)
    d = [1, 1] if dilations is None else [int(v) for v in dilations]
    if len(d) != 2 or min(d) <= 0:
        raise ValueError(f"dilations must be 2 positive integers, got {dilations}")
    pad, explicit = padding_arg(padding, 4, first, op)
    if x._value.ndim != 4 or w._value.ndim != 4:
        raise invalid_argument(f"input and filter must be 4-dimensional: "
                               f"{shape_text(x._value.shape)} {shape_text(w._value.shape)}", op)
    c = x._value.shape[1 if first else 3]
    if c != w._value.shape[2]:
        raise invalid_argument(f"input and filter must have the same depth: {c} vs "
                               f"{w._value.shape[2]}", op)
    if first:
        channels_first_on_cpu(x, "Depthwise convolution on CPU is only supported for NHWC "
                              "format", op)
    kh, kw, _, m = w._value.shape
    wg = A.reshape(w, (kh, kw, 1, c * m))   # one group per channel: output c·M + m
    return _conv_nd(op, x, wg, s, d, pad, explicit, first)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                     data_format=None, dilations=None, name=None) -> Tensor:
    """A depthwise convolution followed by a 1×1 convolution mixing channels:
    ``pointwise_filter`` is (1, 1, C·M, O).

    >>> import minitf as tf
    >>> tf.nn.separable_conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 2)),
    ...                        tf.ones((1, 1, 6, 4)), [1, 1, 1, 1], "VALID").shape
    TensorShape([1, 3, 3, 4])
    """
    pw = tensor(pointwise_filter)
    if pw._value.ndim != 4 or pw._value.shape[:2] != (1, 1):
        raise ValueError(f"pointwise_filter must have shape (1, 1, in, out), got "
                         f"{tuple(pw._value.shape)}")
    y = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(y, pw, [1, 1, 1, 1], "VALID", data_format or "NHWC")


def convolution(input, filters, strides=None, padding="VALID", data_format=None,
                dilations=None, name=None) -> Tensor:
    """``conv1d``, ``conv2d`` or ``conv3d``, chosen by the filter's rank (3, 4 or 5), with
    ``strides`` and ``dilations`` given per spatial axis (an int or N entries; default 1).

    >>> import minitf as tf
    >>> tf.nn.convolution(tf.ones((1, 6, 6, 2)), tf.ones((3, 3, 2, 5)), padding="SAME").shape
    TensorShape([1, 6, 6, 5])
    """
    w = tensor(filters)
    n = w._value.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`filters.shape.rank` must be 3, 4 or 5 (1-D, 2-D or 3-D "
                         f"convolution). Received: filters.shape={tuple(w._value.shape)}")
    s = [1] * n if strides is None else ([int(strides)] * n if isinstance(
        strides, (int, np.integer)) else [int(v) for v in strides])
    d = [1] * n if dilations is None else ([int(dilations)] * n if isinstance(
        dilations, (int, np.integer)) else [int(v) for v in dilations])
    for what, v in (("strides", s), ("dilations", d)):
        if len(v) != n:
            raise ValueError(f"`{what}` must have {n} entries for a {n}-D convolution. "
                             f"Received: {what}={v}")
    first = bool(data_format) and data_format.startswith("NC")
    if n == 1:
        return conv1d(input, w, s, padding, data_format or "NWC", d)
    if n == 2:
        return conv2d(input, w, s, padding, data_format or "NHWC", d)
    full = (lambda v: [1, 1] + v) if first else (lambda v: [1] + v + [1])
    return conv3d(input, w, full(s), padding, data_format or "NDHWC", full(d))


def atrous_conv2d(value, filters, rate, padding, name=None) -> Tensor:
    """``conv2d`` with dilation ``rate`` in both spatial axes and stride 1 ("atrous", with
    holes: the filter's taps lie ``rate`` pixels apart).

    >>> import minitf as tf
    >>> tf.nn.atrous_conv2d(tf.ones((1, 7, 7, 1)), tf.ones((3, 3, 1, 1)), 2, "VALID").shape
    TensorShape([1, 3, 3, 1])
    """
    if int(rate) < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return conv2d(value, filters, 1, padding, "NHWC", int(rate))
