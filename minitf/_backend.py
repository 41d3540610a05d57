"""Which array library holds tensor values: NumPy (CPU) or CuPy (GPU).

A tensor's backend is the type of its array. Ops run on their inputs' arrays: NumPy's functions
hand CuPy arrays to CuPy (NumPy's ``__array_function__``/``__array_ufunc__`` protocols), so one
op body serves both. What cannot dispatch — creating arrays from nothing, a few functions CuPy
spells differently — goes through the helpers here. This is the only module that imports cupy,
and only when the GPU backend is asked for.

New tensors (constants, Variables, random draws, ``fit``'s batches) are placed on the current
backend: ``minitf.set_backend("cupy")``, ``MINITF_BACKEND=cupy``, or ``with tf.device("/GPU:0")``.

>>> import minitf as tf
>>> tf.get_backend(), tf.constant(1.0).device
('numpy', '/job:localhost/replica:0/task:0/device:CPU:0')
"""
from __future__ import annotations

import contextlib
import math
import os
from sys import getrefcount

import numpy as np

_INSTALL = ("CuPy is not installed. Install minitf's GPU extra: pip install 'minitf[gpu]' "
            "(CUDA 12) or pip install 'minitf[gpu-cuda13]' (CUDA 13).")
_cupy = None
_current = ["numpy"]
CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU_DEVICE = "/job:localhost/replica:0/task:0/device:GPU:0"


def cupy():
    """The cupy module, imported on first use, with a clear error if it or a GPU is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp  # noqa: PLC0415 - optional dependency
        except ImportError as e:
            raise RuntimeError(_INSTALL) from e
        try:
            n = cp.cuda.runtime.getDeviceCount()
        except Exception as e:  # noqa: BLE001 - CUDA reports missing drivers in several ways
            raise RuntimeError(f"CuPy is installed but no CUDA device is usable ({e}).") from e
        if n == 0:
            raise RuntimeError("CuPy is installed but there is no CUDA device.")
        _cupy = cp
    return _cupy


def cupy_available() -> bool:
    try:
        cupy()
        return True
    except RuntimeError:
        return False


def get_backend() -> str:
    """The backend new tensors are placed on: ``"numpy"`` or ``"cupy"``."""
    return _current[-1]


def set_backend(name: str) -> None:
    """Place new tensors on ``"numpy"`` (CPU) or ``"cupy"`` (GPU)."""
    if name not in ("numpy", "cupy"):
        raise ValueError(f"Unknown backend {name!r}; expected 'numpy' or 'cupy'.")
    if name == "cupy":
        cupy()
    _current[-1] = name


@contextlib.contextmanager
def device(name: str):
    """``with tf.device("/GPU:0"):`` places new tensors on the GPU inside the block."""
    spec = name.upper()
    if "GPU" in spec or "CUDA" in spec:
        cupy()
        backend = "cupy"
    elif "CPU" in spec:
        backend = "numpy"
    else:
        raise ValueError(f"Unknown device specification {name!r}; use '/CPU:0' or '/GPU:0'.")
    _current.append(backend)
    try:
        yield
    finally:
        _current.pop()


_TRACED = [type(None)]     # tracing.Traced, registered by minitf.tracing


def register_traced(cls) -> None:
    _TRACED[0] = cls


def is_device_array(a) -> bool:
    if _cupy is None:
        return False
    t = type(a)
    return t is _cupy.ndarray or (t is _TRACED[0] and type(a.v) is _cupy.ndarray)


def checkable(a) -> bool:
    """True when ``a``'s values can be inspected on the host now, for TF's input checks (a
    host array; not a GPU array, which would cost a sync, nor a traced value, which has no
    value yet: there, as TF's GPU kernels do, the check is skipped)."""
    return not is_device_array(a) and type(a) is not _TRACED[0]


def device_function(fn, node):
    """The function a traced program calls for ``fn``: CuPy's own ufunc or function when the
    node ran on GPU arrays (skipping NumPy's dispatch on every replay), else ``fn``."""
    if _cupy is None or getattr(fn, "__module__", None) not in ("numpy", None) or \
            not hasattr(np, getattr(fn, "__name__", "")):
        return fn
    vals = []
    for a in list(node.args) + list((node.kwargs or {}).values()):
        vals.extend(a if isinstance(a, (list, tuple)) else (a,))
    if not any(is_device_array(v) for v in vals):
        return fn
    return getattr(_cupy, fn.__name__, fn)


def xp_of(a):
    """The array module of ``a``."""
    return _cupy if is_device_array(a) else np


def current_xp():
    return cupy() if _current[-1] == "cupy" else np


def device_name(a) -> str:
    return GPU_DEVICE if is_device_array(a) else CPU_DEVICE


def to_host(a) -> np.ndarray:
    """A NumPy array (a copy from the GPU, or ``a`` itself)."""
    return _cupy.asnumpy(a) if is_device_array(a) else a


def to_current(a):
    """``a`` on the current backend (moved if needed; NumPy scalars stay host values)."""
    if _current[-1] == "cupy":
        if not is_device_array(a):
            return cupy().asarray(a)
        return a
    return to_host(a)


def _recorded(mutates_first: bool = False):
    """Make a helper that is not a NumPy function visible to tracing: with a traced argument,
    the call is recorded as one node of the trace (tracing.py) instead of running on values
    the trace would freeze."""
    def wrap(fn):
        def helper(*args):
            t = _TRACED[0]
            for a in args:
                if type(a) is t:
                    return a.trace.call(fn, args, {}, mutates=args[:1] if mutates_first else ())
            return fn(*args)
        helper.__name__ = helper.__qualname__ = fn.__name__
        helper.__doc__ = fn.__doc__
        return helper
    return wrap


def _like(a, host):
    return _cupy.asarray(host) if is_device_array(a) else host


def like(a, host: np.ndarray):
    """``host`` moved to wherever ``a`` lives (recorded when ``host`` is a traced value)."""
    if type(host) is _TRACED[0]:
        return host.trace.call(_like, (a, host), {})
    return _like(a, host)


def unify(*arrays):
    """The arrays on one device: host arrays are moved to the GPU if any input is on it (TF
    copies an op's inputs to the op's device). Called only when an op failed on mixed inputs."""
    if not any(is_device_array(a) for a in arrays):
        return arrays
    return tuple(a if is_device_array(a) or not isinstance(a, np.ndarray) else
                 _cupy.asarray(a) for a in arrays)


def asarray(a):
    """``np.asarray`` that leaves device arrays on the device."""
    return a if is_device_array(a) or type(a) is _TRACED[0] else np.asarray(a)


def zeros(shape, dtype, like_array=None):
    if type(like_array) is _TRACED[0]:      # inside a trace: a recorded, fresh zeros per replay
        return np.zeros_like(like_array, dtype=dtype, shape=shape)
    xp = xp_of(like_array) if like_array is not None else current_xp()
    return xp.zeros(shape, dtype)


@_recorded(mutates_first=True)
def scatter_add(target, indices, values) -> None:
    """target[indices] += values, accumulating repeated indices (np.add.at)."""
    if is_device_array(target):
        import cupyx  # noqa: PLC0415 - part of cupy
        cupyx.scatter_add(target, indices, values)
    else:
        np.add.at(target, indices, values)


@_recorded()
def erf(a):
    if is_device_array(a):
        import cupyx.scipy.special as sp  # noqa: PLC0415
        return sp.erf(a)
    return np.vectorize(math.erf, otypes=[a.dtype])(a)


@_recorded()
def erfc(a):
    if is_device_array(a):
        import cupyx.scipy.special as sp  # noqa: PLC0415
        return sp.erfc(a)
    return np.vectorize(math.erfc, otypes=[a.dtype])(a)


def synchronize() -> None:
    """Wait for the GPU (for timing); a no-op on the CPU."""
    if _cupy is not None:
        _cupy.cuda.get_current_stream().synchronize()


_env = os.environ.get("MINITF_BACKEND")
if _env:
    set_backend(_env)


# ---- CUDA graphs: a traced tf.function step replayed as one launch ----------------------------

_GRAPHS = [os.environ.get("MINITF_CUDA_GRAPHS", "1") != "0"]


def graphs_enabled() -> bool:
    """Whether traced functions on the GPU are captured as CUDA graphs (``MINITF_CUDA_GRAPHS=0``
    turns it off, for comparison)."""
    return _GRAPHS[0] and _cupy is not None


def set_graphs_enabled(on: bool) -> None:
    _GRAPHS[0] = bool(on)


_GEMM = {}


def _gemm_functions() -> dict:
    """cublasSgemm_v2/cublasDgemm_v2 from the libcublas CuPy loaded, called through ctypes:
    CuPy's own wrappers set the handle's stream on every call, which stream capture forbids."""
    if not _GEMM:
        import ctypes  # noqa: PLC0415
        from cupy_backends.cuda.libs import cublas  # noqa: F401,PLC0415 - loads libcublas
        path = None
        with open("/proc/self/maps") as maps:
            for line in maps:
                if "libcublas.so" in line and "Lt" not in line.rsplit("/", 1)[-1]:
                    path = line.split()[-1]
                    break
        if path is None:
            raise RuntimeError("libcublas is not loaded")
        lib = ctypes.CDLL(path)
        p, i = ctypes.c_void_p, ctypes.c_int
        for name, key in (("cublasSgemm_v2", np.dtype(np.float32)),
                          ("cublasDgemm_v2", np.dtype(np.float64))):
            fn = getattr(lib, name)
            fn.argtypes = [p, i, i, i, i, i, p, p, i, p, i, p, p, i]
            fn.restype = i
            _GEMM[key] = fn
    return _GEMM


_CUBLAS_HANDLE = [None]   # set while a graph runs or is captured: its stream is already set

_GEMM_ONE = {np.dtype(np.float32): np.ones((), np.float32),
             np.dtype(np.float64): np.ones((), np.float64)}
_GEMM_ZERO = {k: np.zeros((), k) for k in _GEMM_ONE}


def _gemm_operand(x, rows: int, cols: int, cublas):
    """(array, transpose flag, leading dimension) for a row-major matrix read by column-major
    gemm: C order is read as is, Fortran order (a transposed view) through the flag."""
    if x.flags.c_contiguous:
        return x, cublas.CUBLAS_OP_N, cols
    if x.flags.f_contiguous:
        return x, cublas.CUBLAS_OP_T, rows
    return _cupy.ascontiguousarray(x), cublas.CUBLAS_OP_N, cols


def capture_matmul(a, b):
    """``a @ b`` for 2-D float32/float64 GPU arrays, calling cuBLAS's gemm directly.

    CuPy refuses cuBLAS calls while a stream is being captured (it sets the handle's stream on
    every call, which capture forbids); this calls gemm on a handle whose stream was set before
    the capture began. Row-major C = A·B is computed as column-major Cᵀ = Bᵀ·Aᵀ; a transposed
    (Fortran-ordered) input is read through the transpose flag instead of being copied.
    Anything else goes to ``cupy.matmul``.
    """
    cp = _cupy
    if a.ndim != 2 or b.ndim != 2 or a.dtype != b.dtype or a.dtype not in _GEMM_ONE or \
            a.shape[1] != b.shape[0] or a.size == 0 or b.size == 0:
        return cp.matmul(a, b)
    from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
    m, k = a.shape
    n = b.shape[1]
    b, op_b, ldb = _gemm_operand(b, k, n, cublas)
    a, op_a, lda = _gemm_operand(a, m, k, cublas)
    handle = _CUBLAS_HANDLE[0]
    if handle is None:      # outside a graph runner: CuPy's matmul is the same product
        return cp.matmul(a, b)
    c = cp.empty((m, n), a.dtype)
    status = _gemm_functions()[a.dtype](
        handle, op_b, op_a, n, m, k, _GEMM_ONE[a.dtype].ctypes.data, b.data.ptr, ldb,
        a.data.ptr, lda, _GEMM_ZERO[a.dtype].ctypes.data, c.data.ptr, n)
    if status != 0:
        raise RuntimeError(f"cuBLAS gemm failed with status {status}")
    return c


def graph_function(fn, node):
    """``device_function``, with matmuls replaced by ``capture_matmul`` (for CUDA graphs)."""
    fn = device_function(fn, node)
    if _cupy is not None and fn in (np.matmul, _cupy.matmul) and not node.kwargs:
        return capture_matmul
    return fn


class CudaGraphRunner:
    """Replays a traced program (minitf/function/codegen.py's Program compiled with ``graph=True``) as a
    captured CUDA graph.

    The first call runs the program normally on a private memory pool (it is a real call), then
    captures it: every kernel is recorded, none runs. Later calls copy their inputs into the
    captured input buffers and launch the graph: one launch for the whole step. The graph's
    intermediate buffers come from its private pool and stay alive with it, so nothing else
    can be given their memory. Variables keep their buffers (results are copied into them);
    if a variable's array was replaced or something else holds it, the graph is dropped and
    the caller replays without it (a graph must not write into an array a tensor still reads).
    """

    MAX_CAPTURES = 3

    def __init__(self, program, fallback):
        self.program, self.fallback = program, fallback
        self.graph = None
        self.failed = False
        self.reason = None
        self.captures = 0

    def _give_up(self, why: str):
        self.failed, self.reason, self.graph = True, why, None
        return None

    def __call__(self, arrays):
        graph = self.graph
        if graph is None:
            return self._capture(arrays)
        for buf, a in zip(self.inputs, arrays):
            buf[...] = a
        for (var, buf), expected in zip(self.pins, self.refs):
            if var._array is not buf or getrefcount(buf) > expected:
                # Eager code replaced the array, or a tensor read earlier holds it: the graph
                # must not write into it. Capture again (a few times) with the current arrays.
                self.graph = None
                if self.captures >= self.MAX_CAPTURES:
                    return self._give_up("variables' arrays keep being replaced or held")
                return None
        graph.launch(self.stream)
        return tuple(o.copy() if type(o) is _cupy.ndarray else o for o in self.outputs)

    def _capture(self, arrays):
        cp = _cupy
        self.captures += 1
        for var, _ in self.program.variables_pinned:
            a = var._array
            if type(a) is not cp.ndarray:
                return self._give_up("a variable is not on the GPU")
            if getrefcount(a) > 3:           # the variable, `a`, the argument: else shared
                var._array = a.copy()        # the graph will write this buffer: make it own
            del a
        pins = [(var, var._array) for var, _ in self.program.variables_pinned]
        ins = [a.copy() if type(a) is cp.ndarray else cp.asarray(a) for a in arrays]
        pool = cp.cuda.MemoryPool()
        stream = cp.cuda.Stream(non_blocking=False)
        from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
        handle = cp.cuda.device.get_cublas_handle()
        # The real call, on the private pool (this also caches the blocks the capture needs).
        with cp.cuda.using_allocator(pool.malloc), stream:
            cublas.setStream(handle, stream.ptr)
            _CUBLAS_HANDLE[0] = handle
            try:
                outs, keep = self.program.run(ins)
            finally:
                _CUBLAS_HANDLE[0] = None
        result = tuple(o.copy() if type(o) is cp.ndarray else o for o in outs)
        del outs, keep
        stream.synchronize()
        mode = getattr(cp.cuda.runtime, "streamCaptureModeRelaxed", None)
        try:
            with cp.cuda.using_allocator(pool.malloc), stream:
                cublas.setStream(handle, stream.ptr)     # before capturing: not allowed during
                _CUBLAS_HANDLE[0] = handle
                stream.begin_capture(*(() if mode is None else (mode,)))
                try:
                    outs, keep = self.program.run(ins)
                finally:
                    _CUBLAS_HANDLE[0] = None
                    graph = stream.end_capture()
        except Exception as e:  # noqa: BLE001 - CUDA reports capture problems in many ways
            import traceback  # noqa: PLC0415
            self._give_up(f"capture failed: {type(e).__name__}: {e}\n"
                          f"{''.join(traceback.format_exc(limit=-6))}")
            keep = outs = None
            pool.free_all_blocks()
            return result
        self.graph, self.keep, self.outputs = graph, keep, outs
        self.inputs, self.pool, self.stream, self.pins = ins, pool, stream, pins
        self.refs = []
        for var, buf in pins:
            self.refs.append(getrefcount(buf))
        return result
