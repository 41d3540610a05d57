"""cuDNN convolutions for the CuPy backend, through ctypes on the cuDNN library.

CuPy 14 no longer wraps cuDNN and NVIDIA's Python frontend (``import cudnn``) is often not
installed, but the cuDNN 9 shared library ships with the ``nvidia-cudnn-cu12``/``-cu13`` wheels
(PyTorch's dependency). This module calls its long-standing descriptor API directly:
``cudnnConvolutionForward``, ``...BackwardData`` and ``...BackwardFilter`` on channels-last
(NHWC) float32/float64 arrays, the algorithm picked by cuDNN's heuristics (``..._v7``).

TF's SAME padding can put one more zero after than before; cuDNN pads symmetrically, so the
extra zeros are added to the input first (and cut off the input gradient). Float32 runs with
TF32 tensor cores only when ``tf.config.experimental.enable_tensor_float_32_execution`` allows
it (``CUDNN_FMA_MATH`` otherwise), as TF does.

Which path convolutions take is chosen by ``MINITF_CONV`` (``cudnn``, the default where the
library loads, or ``im2col``: patches + one GEMM, the path the CPU always takes) or by
``set_implementation``. Only 2-D convolutions (``Conv2D`` and its two gradients, grouped and
depthwise included) come here; others stay on im2col.

>>> from minitf import _cudnn
>>> _cudnn.implementation() in ("cudnn", "im2col")
True
"""
from __future__ import annotations

import ctypes
import glob
import os
import sys

import numpy as np

from . import _backend as B

_impl = [os.environ.get("MINITF_CONV", "cudnn")]
_lib: list = []           # [CDLL] once loaded, [None] if it cannot be
_handles: dict = {}
_NHWC, _CROSS_CORRELATION = 1, 1
_DATA = {np.dtype(np.float32): 0, np.dtype(np.float64): 1}
_FMA_MATH, _DEFAULT_MATH = 3, 0


def implementation() -> str:
    """``"cudnn"`` or ``"im2col"``: the requested path for GPU 2-D convolutions."""
    return _impl[0]


def set_implementation(name: str) -> None:
    """Send GPU 2-D convolutions to cuDNN (``"cudnn"``) or to im2col + GEMM (``"im2col"``)."""
    if name not in ("cudnn", "im2col"):
        raise ValueError(f"unknown convolution implementation {name!r}: 'cudnn' or 'im2col'")
    _impl[0] = name


def _load():
    if _lib:
        return _lib[0]
    lib = None
    dirs = [os.path.join(p, "nvidia", "cudnn", "lib") for p in sys.path if p]
    for d in dirs:
        shim = os.path.join(d, "libcudnn.so.9")
        if os.path.exists(shim):
            try:
                # the shim loads its sub-libraries by name: load them first, globally
                for part in ("graph", "ops", "cnn", "engines_precompiled",
                             "engines_runtime_compiled", "heuristic"):
                    for f in glob.glob(os.path.join(d, f"libcudnn_{part}.so.9")):
                        ctypes.CDLL(f, mode=ctypes.RTLD_GLOBAL)
                lib = ctypes.CDLL(shim, mode=ctypes.RTLD_GLOBAL)
                break
            except OSError:
                lib = None
    if lib is None:
        try:
            lib = ctypes.CDLL("libcudnn.so.9", mode=ctypes.RTLD_GLOBAL)
        except OSError:
            lib = None
    _lib.append(lib)
    return lib


def available() -> bool:
    """Whether the cuDNN library loads here (and CuPy is in use)."""
    return B._cupy is not None and _load() is not None


def usable(x, w_shape: tuple, geo, groups: int) -> bool:
    """Whether this convolution goes to cuDNN: requested, loadable, a 2-D convolution of
    float32/float64 device arrays, with no more zeros before than after on either axis."""
    # float64: cuDNN offers no NHWC double algorithm (seen with cuDNN 9.19), so float64
    # stays on im2col; empty tensors are refused by cuDNN's descriptors
    return (_impl[0] == "cudnn" and B.is_device_array(x) and x.ndim == 4 and
            len(w_shape) == 4 and x.dtype == np.float32 and x.size > 0 and
            all(n > 0 for n in geo.out) and all(n > 0 for n in w_shape) and
            all(lo <= hi for lo, hi in geo.pads) and available())


def _check(status: int, what: str) -> None:
    if status != 0:
        msg = _lib[0].cudnnGetErrorString
        msg.restype = ctypes.c_char_p
        raise RuntimeError(f"{what} failed: {msg(status).decode()} (cuDNN status {status})")


def _handle():
    dev = B._cupy.cuda.Device().id
    h = _handles.get(dev)
    if h is None:
        h = ctypes.c_void_p()
        _check(_lib[0].cudnnCreate(ctypes.byref(h)), "cudnnCreate")
        _handles[dev] = h
    _check(_lib[0].cudnnSetStream(h, ctypes.c_void_p(B._cupy.cuda.get_current_stream().ptr)),
           "cudnnSetStream")
    return h


class _Perf(ctypes.Structure):
    _fields_ = [("algo", ctypes.c_int), ("status", ctypes.c_int), ("time", ctypes.c_float),
                ("memory", ctypes.c_size_t), ("determinism", ctypes.c_int),
                ("mathType", ctypes.c_int), ("reserved", ctypes.c_int * 3)]


class _Descriptors:
    """The tensor, filter and convolution descriptors of one convolution's shapes (kept in
    ``_PLANS`` for the process's life, as a framework's autotuning cache is)."""

    def __init__(self, dtype, xshape, kshape, yshape, pads, strides, dilations, groups):
        L, dt = _lib[0], _DATA[np.dtype(dtype)]
        self.x, self.y = ctypes.c_void_p(), ctypes.c_void_p()
        self.w, self.conv = ctypes.c_void_p(), ctypes.c_void_p()
        for d, (n, h, w_, c) in ((self.x, xshape), (self.y, yshape)):
            _check(L.cudnnCreateTensorDescriptor(ctypes.byref(d)), "tensor descriptor")
            _check(L.cudnnSetTensor4dDescriptor(d, _NHWC, dt, n, c, h, w_), "tensor shape")
        _check(L.cudnnCreateFilterDescriptor(ctypes.byref(self.w)), "filter descriptor")
        o, kh, kw, cg = kshape
        _check(L.cudnnSetFilter4dDescriptor(self.w, dt, _NHWC, o, cg, kh, kw), "filter shape")
        _check(L.cudnnCreateConvolutionDescriptor(ctypes.byref(self.conv)), "conv descriptor")
        _check(L.cudnnSetConvolution2dDescriptor(self.conv, pads[0], pads[1], strides[0],
                                                 strides[1], dilations[0], dilations[1],
                                                 _CROSS_CORRELATION, dt), "convolution")
        _check(L.cudnnSetConvolutionGroupCount(self.conv, groups), "group count")
        tf32 = dt == 0 and B.tensor_float_32()
        _check(L.cudnnSetConvolutionMathType(self.conv, _DEFAULT_MATH if tf32 else _FMA_MATH),
               "math type")


_PLANS: dict = {}


def _plan(kind: str, dtype, xshape, kshape, yshape, pads, strides, dilations, groups):
    """(descriptors, algorithm, workspace bytes) for one convolution's shapes, made once and
    kept: building descriptors and asking the heuristics costs more than a small convolution."""
    key = (kind, np.dtype(dtype).str, xshape, kshape, yshape, pads, tuple(strides),
           tuple(dilations), groups, B.tensor_float_32())
    plan = _PLANS.get(key)
    if plan is None:
        L, h = _lib[0], _handle()
        d = _Descriptors(dtype, xshape, kshape, yshape, pads, strides, dilations, groups)
        finder, sizer, args = {
            "fwd": (L.cudnnGetConvolutionForwardAlgorithm_v7,
                    L.cudnnGetConvolutionForwardWorkspaceSize, (d.x, d.w, d.conv, d.y)),
            "data": (L.cudnnGetConvolutionBackwardDataAlgorithm_v7,
                     L.cudnnGetConvolutionBackwardDataWorkspaceSize, (d.w, d.y, d.conv, d.x)),
            "filter": (L.cudnnGetConvolutionBackwardFilterAlgorithm_v7,
                       L.cudnnGetConvolutionBackwardFilterWorkspaceSize,
                       (d.x, d.y, d.conv, d.w))}[kind]
        algo = _algo(finder, h, *args)
        size = ctypes.c_size_t()
        _check(sizer(h, *args, algo, ctypes.byref(size)), "workspace size")
        plan = _PLANS[key] = (d, algo, size.value)
    return plan


def _algo(finder, h, a, b, c, d) -> int:
    perf = (_Perf * 8)()
    got = ctypes.c_int()
    _check(finder(h, a, b, c, d, 8, ctypes.byref(got), perf), "algorithm choice")
    for p in perf[:got.value]:
        if p.status == 0:
            return p.algo
    raise RuntimeError("cuDNN offered no algorithm for this convolution")


def _scalars(dtype):
    t = ctypes.c_float if np.dtype(dtype) == np.float32 else ctypes.c_double
    return t(1.0), t(0.0)


def _geometry(x_shape, geo):
    """Input shape after the extra trailing zeros, and those extras, for symmetric pads."""
    extra = tuple(hi - lo for lo, hi in geo.pads)
    shape = (x_shape[0], x_shape[1] + extra[0], x_shape[2] + extra[1], x_shape[3])
    return shape, extra, tuple(lo for lo, _ in geo.pads)


def _padded(x, extra):
    cp = B._cupy
    if not any(extra):
        return cp.ascontiguousarray(x)
    return cp.pad(x, ((0, 0), (0, extra[0]), (0, extra[1]), (0, 0)))


def _ptr(a):
    return ctypes.c_void_p(a.data.ptr)


def _workspace(size):
    return B._cupy.empty((max(int(size), 1),), np.uint8)


@B._recorded()
def forward(x, w, geo, groups: int):
    """The convolution of NHWC ``x`` with a (kh, kw, C/groups, O) filter ``w``, via cuDNN."""
    cp, L = B._cupy, _lib[0]
    xshape, extra, pads = _geometry(x.shape, geo)
    xs = _padded(x, extra)
    k = cp.ascontiguousarray(w.transpose(3, 0, 1, 2))     # TF's HWIO as cuDNN's KRSC (NHWC)
    y = cp.empty((x.shape[0],) + tuple(geo.out) + (w.shape[3],), x.dtype)
    d, algo, size = _plan("fwd", x.dtype, xshape, k.shape, y.shape, pads, geo.strides,
                          geo.dilations, groups)
    ws, h = _workspace(size), _handle()
    one, zero = _scalars(x.dtype)
    _check(L.cudnnConvolutionForward(h, ctypes.byref(one), d.x, _ptr(xs), d.w, _ptr(k), d.conv,
                                     algo, _ptr(ws), ctypes.c_size_t(size), ctypes.byref(zero),
                                     d.y, _ptr(y)), "cudnnConvolutionForward")
    return y


@B._recorded()
def backward_input(g, w, geo, groups: int, x_shape: tuple):
    """d(sum(g * conv(x, w)))/dx for an input of ``x_shape``, via cuDNN."""
    cp, L = B._cupy, _lib[0]
    xshape, extra, pads = _geometry(x_shape, geo)
    k = cp.ascontiguousarray(w.transpose(3, 0, 1, 2))
    gs = cp.ascontiguousarray(g)
    dx = cp.empty(xshape, g.dtype)
    d, algo, size = _plan("data", g.dtype, xshape, k.shape, gs.shape, pads, geo.strides,
                          geo.dilations, groups)
    ws, h = _workspace(size), _handle()
    one, zero = _scalars(g.dtype)
    _check(L.cudnnConvolutionBackwardData(h, ctypes.byref(one), d.w, _ptr(k), d.y, _ptr(gs),
                                          d.conv, algo, _ptr(ws), ctypes.c_size_t(size),
                                          ctypes.byref(zero), d.x, _ptr(dx)),
           "cudnnConvolutionBackwardData")
    if any(extra):
        dx = cp.ascontiguousarray(dx[:, :x_shape[1], :x_shape[2]])
    return dx


@B._recorded()
def backward_filter(x, g, geo, groups: int):
    """d(sum(g * conv(x, w)))/dw as TF's (kh, kw, C/groups, O) filter, via cuDNN."""
    cp, L = B._cupy, _lib[0]
    xshape, extra, pads = _geometry(x.shape, geo)
    xs = _padded(x, extra)
    gs = cp.ascontiguousarray(g)
    kshape = (g.shape[3],) + tuple(geo.kernel) + (x.shape[3] // groups,)
    dk = cp.empty(kshape, x.dtype)
    d, algo, size = _plan("filter", x.dtype, xshape, kshape, gs.shape, pads, geo.strides,
                          geo.dilations, groups)
    ws, h = _workspace(size), _handle()
    one, zero = _scalars(x.dtype)
    _check(L.cudnnConvolutionBackwardFilter(h, ctypes.byref(one), d.x, _ptr(xs), d.y, _ptr(gs),
                                            d.conv, algo, _ptr(ws), ctypes.c_size_t(size),
                                            ctypes.byref(zero), d.w, _ptr(dk)),
           "cudnnConvolutionBackwardFilter")
    return cp.ascontiguousarray(dk.transpose(1, 2, 3, 0))
