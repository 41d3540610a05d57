"""Matrix products through cuBLASLt, with the algorithm chosen by timing (for
``gpu_gemm_algos.py``: measured on an H200, its candidates were no faster than the algorithm
``cublasSgemm`` picks for issue 13's MLP products, so minitf's graphs keep ``cublasSgemm``).

cuBLAS's classic ``cublasSgemm`` takes the first algorithm its heuristics rank for a shape.
For the small and mid-sized products of a training step that guess is often not the fastest
(split-K and tile choices matter most when a product does not fill the GPU). cuBLASLt exposes
the ranked list: ``plan`` asks for up to ``CANDIDATES`` algorithms, times each on the real
operands once, outside any capture, and keeps the fastest for that shape, layout and epilogue.
A traced step is captured as a CUDA graph after its first real call, so the timing happens
once per product of the program and the graph then replays the chosen kernel.

cuBLASLt can also finish a product in its epilogue: ``epilogue="bias"`` adds a row vector
(``x @ w + b``) and ``"relu_bias"`` then applies relu, the work of a Dense layer in one kernel.
The arithmetic is the same as the separate kernels (the float32 accumulator is rounded, the bias
added and rounded, then relu), so only the product's own summation order can differ, as it does
between any two gemm algorithms.

The library is the ``libcublasLt`` that CuPy's cuBLAS loaded, called through ctypes; it takes
the stream with every call, so it can be captured without touching any handle's state.
"""
from __future__ import annotations

import ctypes
import os

import numpy as np

from minitf import _backend as B

CANDIDATES = int(os.environ.get("MINITF_LT_CANDIDATES", "16"))
_WORKSPACE_BYTES = 32 << 20
_ALIGN = 256            # cuBLASLt's heuristics assume operands aligned so (its default preference)

# enum values of cublasLt.h / library_types.h / cublas_api.h
_CUDA_R = {np.dtype(np.float32): 0, np.dtype(np.float64): 1}
_COMPUTE_32F, _COMPUTE_32F_FAST_TF32, _COMPUTE_64F = 68, 77, 70
_DESC_TRANSA, _DESC_TRANSB, _DESC_EPILOGUE, _DESC_BIAS_POINTER = 3, 4, 7, 8
_PREF_MAX_WORKSPACE_BYTES = 1
EPILOGUES = {None: 1, "relu": 2, "bias": 4, "relu_bias": 6, "bgrada": 256, "bgradb": 512}


class _Algo(ctypes.Structure):
    _fields_ = [("data", ctypes.c_uint64 * 8)]


class _Heuristic(ctypes.Structure):
    _fields_ = [("algo", _Algo), ("workspaceSize", ctypes.c_size_t), ("state", ctypes.c_int),
                ("wavesCount", ctypes.c_float), ("reserved", ctypes.c_int * 4)]


_LIB: list = []


def _lib():
    """(ctypes library, handle, workspace) for the libcublasLt CuPy's cuBLAS loaded."""
    if not _LIB:
        from cupy_backends.cuda.libs import cublas  # noqa: F401,PLC0415 - loads libcublas(Lt)
        path = None
        with open("/proc/self/maps") as maps:
            for line in maps:
                name = line.split()[-1] if line.split() else ""
                if "libcublasLt.so" in name.rsplit("/", 1)[-1]:
                    path = name
                    break
        lib = ctypes.CDLL(path or "libcublasLt.so")
        p = ctypes.c_void_p
        lib.cublasLtMatmul.argtypes = [p, p, p, p, p, p, p, p, p, p, p, p, p, p,
                                       ctypes.c_size_t, p]
        lib.cublasLtMatrixLayoutCreate.argtypes = [ctypes.POINTER(p), ctypes.c_int,
                                                   ctypes.c_uint64, ctypes.c_uint64,
                                                   ctypes.c_int64]
        lib.cublasLtMatmulDescCreate.argtypes = [ctypes.POINTER(p), ctypes.c_int, ctypes.c_int]
        lib.cublasLtMatmulDescSetAttribute.argtypes = [p, ctypes.c_int, p, ctypes.c_size_t]
        lib.cublasLtMatmulPreferenceSetAttribute.argtypes = [p, ctypes.c_int, p, ctypes.c_size_t]
        lib.cublasLtMatmulAlgoGetHeuristic.argtypes = [p, p, p, p, p, p, p, ctypes.c_int,
                                                       ctypes.POINTER(_Heuristic),
                                                       ctypes.POINTER(ctypes.c_int)]
        handle = p()
        _check(lib.cublasLtCreate(ctypes.byref(handle)), "cublasLtCreate")
        # one workspace for every product: kernels on one stream never overlap, and a graph
        # bakes its address in, so it is allocated outside any pool and never freed
        workspace = B._cupy.cuda.Memory(_WORKSPACE_BYTES)
        _LIB.extend((lib, handle, workspace))
    return _LIB


def _check(status: int, what: str) -> None:
    if status != 0:
        raise RuntimeError(f"{what} failed with cuBLAS status {status}")


def available() -> bool:
    """Whether cuBLASLt can be loaded (CuPy present and the library found)."""
    if B._cupy is None:
        return False
    try:
        _lib()
    except (OSError, RuntimeError, AttributeError):
        return False
    return True


_PLANS: dict = {}
_SCALARS = {k: (np.ones((), k), np.zeros((), k)) for k in _CUDA_R}


class Plan:
    """One product shape: row-major ``(m, k) @ (k, n)`` with each operand read as stored or
    through its transpose flag, a dtype, TF32 on or off and an epilogue. Holds cuBLASLt's
    descriptors, the candidate algorithms and, once timed, the fastest."""

    def __init__(self, m, n, k, op_a, lda, op_b, ldb, dtype, tf32, epilogue):
        lib, handle, _ = _lib()
        p = ctypes.c_void_p
        self.dtype, self.epilogue = dtype, epilogue
        compute = _COMPUTE_64F if dtype == np.float64 else \
            _COMPUTE_32F_FAST_TF32 if tf32 else _COMPUTE_32F
        cuda_t = _CUDA_R[dtype]
        self.desc = p()
        _check(lib.cublasLtMatmulDescCreate(ctypes.byref(self.desc), compute, cuda_t),
               "cublasLtMatmulDescCreate")
        # Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: cuBLASLt's first operand is our b.
        for attr, val in ((_DESC_TRANSA, op_b), (_DESC_TRANSB, op_a)):
            v = ctypes.c_int32(val)
            _check(lib.cublasLtMatmulDescSetAttribute(self.desc, attr, ctypes.byref(v), 4),
                   "cublasLtMatmulDescSetAttribute")
        epi = ctypes.c_uint32(EPILOGUES[epilogue])
        _check(lib.cublasLtMatmulDescSetAttribute(self.desc, _DESC_EPILOGUE, ctypes.byref(epi), 4),
               "cublasLtMatmulDescSetAttribute(epilogue)")

        def layout(rows, cols, ld):
            h = p()
            _check(lib.cublasLtMatrixLayoutCreate(ctypes.byref(h), cuda_t, rows, cols, ld),
                   "cublasLtMatrixLayoutCreate")
            return h
        # column-major shapes as cuBLASLt sees them (before its transpose flags)
        self.la = layout(*((n, k) if op_b == 0 else (k, n)), ldb)
        self.lb = layout(*((k, m) if op_a == 0 else (m, k)), lda)
        self.lc = layout(n, m, n)
        pref = p()
        _check(lib.cublasLtMatmulPreferenceCreate(ctypes.byref(pref)),
               "cublasLtMatmulPreferenceCreate")
        ws = ctypes.c_uint64(_WORKSPACE_BYTES)
        _check(lib.cublasLtMatmulPreferenceSetAttribute(pref, _PREF_MAX_WORKSPACE_BYTES,
                                                        ctypes.byref(ws), 8),
               "cublasLtMatmulPreferenceSetAttribute")
        results = (_Heuristic * max(1, CANDIDATES))()
        count = ctypes.c_int(0)
        status = lib.cublasLtMatmulAlgoGetHeuristic(handle, self.desc, self.la, self.lb,
                                                    self.lc, self.lc, pref, max(1, CANDIDATES),
                                                    results, ctypes.byref(count))
        lib.cublasLtMatmulPreferenceDestroy(pref)
        self.algos = [results[i].algo for i in range(count.value)
                      if status == 0 and results[i].state == 0]
        self.best = 0 if self.algos else None
        self.times = None

    def run(self, a, b, c, bias=None, algo: int | None = None) -> None:
        """c = a @ b (+ bias, relu: the epilogue) on the current stream."""
        lib, handle, workspace = _lib()
        if bias is not None:
            ptr = ctypes.c_void_p(bias.data.ptr)
            _check(lib.cublasLtMatmulDescSetAttribute(self.desc, _DESC_BIAS_POINTER,
                                                      ctypes.byref(ptr), 8),
                   "cublasLtMatmulDescSetAttribute(bias)")
        one, zero = _SCALARS[self.dtype]
        stream = B._cupy.cuda.get_current_stream().ptr
        _check(lib.cublasLtMatmul(handle, self.desc, one.ctypes.data, b.data.ptr, self.la,
                                  a.data.ptr, self.lb, zero.ctypes.data, c.data.ptr, self.lc,
                                  c.data.ptr, self.lc,
                                  ctypes.byref(self.algos[self.best if algo is None else algo]),
                                  workspace.ptr, _WORKSPACE_BYTES, stream),
               "cublasLtMatmul")

    def tune(self, a, b, c, bias=None, repeats: int = 3) -> None:
        """Time every candidate algorithm on these operands and keep the fastest (not while a
        stream is being captured: the caller makes sure)."""
        cp = B._cupy
        stream = cp.cuda.get_current_stream()
        times = []
        for i in range(len(self.algos)):
            try:
                self.run(a, b, c, bias, algo=i)        # warm-up (and: does it run at all?)
            except RuntimeError:
                times.append(float("inf"))
                continue
            start, end = cp.cuda.Event(), cp.cuda.Event()
            start.record(stream)
            for _ in range(repeats):
                self.run(a, b, c, bias, algo=i)
            end.record(stream)
            end.synchronize()
            times.append(cp.cuda.get_elapsed_time(start, end) / repeats)
        self.times = times
        if times and min(times) < float("inf"):
            self.best = times.index(min(times))
        self.run(a, b, c, bias)


def _operand(x, rows: int, cols: int):
    """(transpose flag, leading dimension) of a row-major matrix read by column-major cuBLASLt,
    or None when it is neither C- nor Fortran-contiguous."""
    if x.flags.c_contiguous:
        return 0, cols
    if x.flags.f_contiguous:
        return 1, rows
    return None


def matmul(a, b, bias=None, epilogue: str | None = None, tf32: bool = False):
    """``a @ b`` (then the epilogue) for 2-D float GPU arrays through a tuned cuBLASLt plan, or
    None when this product is not one cuBLASLt takes here (the caller then uses cuBLAS).
    The plan is timed on the first call of its shape (never during a capture)."""
    cp = B._cupy
    if a.dtype != b.dtype or a.dtype not in _CUDA_R or a.ndim != 2 or b.ndim != 2:
        return None
    m, k = a.shape
    n = b.shape[1]
    if not (m and n and k) or b.shape[0] != k:
        return None
    oa, ob = _operand(a, m, k), _operand(b, k, n)
    if oa is None or ob is None or a.data.ptr % _ALIGN or b.data.ptr % _ALIGN or \
            (bias is not None and (bias.data.ptr % _ALIGN or bias.dtype != a.dtype or
                                   bias.shape != (n,) or not bias.flags.c_contiguous)):
        return None
    key = (m, n, k, oa, ob, a.dtype, tf32, epilogue)
    plan = _PLANS.get(key)
    capturing = cp.cuda.get_current_stream().is_capturing()
    if plan is None:
        if capturing:
            return None
        plan = _PLANS[key] = Plan(m, n, k, oa[0], oa[1], ob[0], ob[1], a.dtype, tf32, epilogue)
    if not plan.algos:
        return None
    c = cp.empty((m, n), a.dtype)
    if c.data.ptr % _ALIGN:
        return None
    if plan.times is None and not capturing:
        plan.tune(a, b, c, bias)
    else:
        plan.run(a, b, c, bias)
    return c
