"""Traced programs on the GPU: CuPy's functions called directly, and CUDA graphs.

A program replayed on CuPy arrays calls CuPy's own ufuncs and functions (``device_function``),
skipping NumPy's dispatch on every replay. On top of that, a whole traced step can be captured
as one CUDA graph (``CudaGraphRunner``) and replayed as a single launch. CuPy's cuBLAS
wrappers cannot run while a stream is captured, so matrix products inside a graph call cuBLAS's
gemm through ctypes (``capture_matmul``). This is tf.function's business only: nothing in the
core imports this module.
"""
from __future__ import annotations

import os
import types

import numpy as np

from .. import _backend as B
from .tracing import _Method


def device_function(fn, node):
    """The function a traced program calls for ``fn``: CuPy's own ufunc or function when the
    node ran on GPU arrays (skipping NumPy's dispatch on every replay), else ``fn``."""
    if B._cupy is None or getattr(fn, "__module__", None) not in ("numpy", None) or \
            not hasattr(np, getattr(fn, "__name__", "")):
        return fn
    vals = []
    for a in list(node.args) + list((node.kwargs or {}).values()):
        vals.extend(a if isinstance(a, (list, tuple)) else (a,))
    if not any(B.is_device_array(v) for v in vals):
        return fn
    return getattr(B._cupy, fn.__name__, fn)




_GRAPHS = [os.environ.get("MINITF_CUDA_GRAPHS", "1") != "0"]


def graphs_enabled() -> bool:
    """Whether traced functions on the GPU are captured as CUDA graphs (``MINITF_CUDA_GRAPHS=0``
    turns it off, for comparison)."""
    return _GRAPHS[0] and B._cupy is not None


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


# stream pointer -> cuBLAS handle already bound to that stream, set while a graph program runs
# or is captured (a handle's stream cannot be changed during a capture)
_HANDLES: dict = {}

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
    return B._cupy.ascontiguousarray(x), cublas.CUBLAS_OP_N, cols


def capture_matmul(a, b):
    """``a @ b`` for 2-D float32/float64 GPU arrays, calling cuBLAS's gemm directly.

    CuPy refuses cuBLAS calls while a stream is being captured (it sets the handle's stream on
    every call, which capture forbids); this calls gemm on a handle whose stream was set before
    the capture began. Row-major C = A·B is computed as column-major Cᵀ = Bᵀ·Aᵀ; a transposed
    (Fortran-ordered) input is read through the transpose flag instead of being copied.
    A C-contiguous stack of matrices times one matrix (a Dense layer on a sequence) is one gemm
    over the stack's rows. Anything else goes to ``cupy.matmul`` (its batched gemm cannot be
    captured: such a step replays without a graph, with the same results as eager code).
    """
    cp = B._cupy
    if not _HANDLES or not direct_gemm(a, b):
        # outside a graph runner, or not a product gemm takes: CuPy's matmul
        return cp.matmul(a, b)
    if a.ndim > 2:
        out = _gemm(a.reshape(-1, a.shape[-1]), b, cp.empty((a.size // a.shape[-1], b.shape[1]),
                                                            a.dtype))
        return out.reshape(a.shape[:-1] + (b.shape[1],))
    return _gemm(a, b, cp.empty((a.shape[0], b.shape[1]), a.dtype))


def direct_gemm(a, b) -> bool:
    """Whether ``capture_matmul`` computes ``a @ b`` with one gemm of its own: float32/float64
    operands of one dtype, a matrix (or a C-contiguous stack of rows) times a matrix."""
    return getattr(a, "dtype", None) == getattr(b, "dtype", None) and a.dtype in _GEMM_ONE \
        and a.size > 0 and b.size > 0 and b.ndim == 2 and a.ndim >= 2 and \
        a.shape[-1] == b.shape[0] and (a.ndim == 2 or a.flags.c_contiguous)


def _gemm(a, b, c):
    """c = a @ b for 2-D arrays through cuBLAS's gemm on the graph runner's handle (c a fresh
    C-contiguous array)."""
    from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
    m, k = a.shape
    n = b.shape[1]
    b, op_b, ldb = _gemm_operand(b, k, n, cublas)
    a, op_a, lda = _gemm_operand(a, m, k, cublas)
    handle = _HANDLES[B._cupy.cuda.get_current_stream().ptr]
    if a.dtype == np.float32:
        # cuBLAS's own switch for TF32 in Sgemm (cupy.matmul's compute type does not reach
        # this direct call): 3 = CUBLAS_TF32_TENSOR_OP_MATH, 0 = CUBLAS_DEFAULT_MATH. A graph
        # keeps the mode it was captured with.
        cublas.setMathMode(handle, 3 if B.tensor_float_32() else 0)
    status = _gemm_functions()[a.dtype](
        handle, op_b, op_a, n, m, k, _GEMM_ONE[a.dtype].ctypes.data, b.data.ptr, ldb,
        a.data.ptr, lda, _GEMM_ZERO[a.dtype].ctypes.data, c.data.ptr, n)
    if status != 0:
        raise RuntimeError(f"cuBLAS gemm failed with status {status}")
    return c


def graph_function(fn, node):
    """``device_function``, with matmuls replaced by ``capture_matmul`` (for CUDA graphs)."""
    fn = device_function(fn, node)
    if B._cupy is not None and fn in (np.matmul, B._cupy.matmul) and not node.kwargs:
        return capture_matmul
    return fn


# Where a function's kernels go to the current stream: CuPy's ufuncs, kernels and array
# routines, and minitf's own kernels. Library calls through a handle (CuPy's linear algebra,
# FFT, cuDNN) may launch on the stream the handle was last given, so a multi-stream program
# runs them alone (graph_streams.py).
_STREAM_SAFE_MODULES = ("cupy._core", "cupy._math", "cupy._manipulation", "cupy._creation",
                        "cupy._logic", "cupy._binary", "cupy._indexing", "cupy._statistics",
                        "cupy._sorting", "cupy._padding", "minitf._kernels",
                        "minitf.keras.optimizers.fused", "operator", "_operator", "numpy")


def stream_safe(fn, args=()) -> bool:
    """Whether ``fn``, called in a graph program on ``args`` (the values it was traced with),
    launches only on the current stream. CuPy's own products (``cupy.matmul``, ``ndarray.dot``,
    ``cupy.linalg``) go through CuPy's cuBLAS handle, which is bound to the runner's stream."""
    if fn is capture_matmul:                         # its own gemm: a handle per stream
        return len(args) == 2 and direct_gemm(*args)
    if type(fn) is _Method:                          # array methods, but the product
        return fn.name != "dot"
    if B._cupy is not None and fn is B._cupy.matmul:
        return False
    owner = getattr(fn, "__self__", None)            # a ufunc's method: np.add.reduce
    if owner is not None and not isinstance(owner, types.ModuleType):
        fn = owner
    mod = getattr(fn, "__module__", None) or type(fn).__module__ or ""
    return mod.startswith(_STREAM_SAFE_MODULES)


class StreamSet:
    """The streams of a graph program whose nodes ``graph_streams.schedule`` spread over several
    (the generated code calls ``fork``, ``on``, ``record``, ``wait`` and ``join``). The runner
    binds it to its own stream, the first; the others are made once, each with a cuBLAS handle
    bound to it before any capture."""

    def __init__(self, n: int):
        self.n, self.streams, self.handles, self.events = n, None, {}, {}

    def bind(self, main) -> dict:
        """Use ``main`` as the first stream; the {stream pointer: cuBLAS handle} to use."""
        cp = B._cupy
        from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
        if self.streams is None or self.streams[0] is not main:
            self.streams = [main] + [cp.cuda.Stream(non_blocking=False)
                                     for _ in range(self.n - 1)]
            for st in self.streams[1:]:
                h = cublas.create()
                cublas.setStream(h, st.ptr)
                self.handles[st.ptr] = h
        return self.handles

    def fork(self) -> None:
        """Every stream starts after what the first had queued (joins them to a capture)."""
        ev = B._cupy.cuda.Event(disable_timing=True)
        ev.record(self.streams[0])
        for st in self.streams[1:]:
            st.wait_event(ev)

    def on(self, k: int) -> None:
        """Make stream ``k`` the current one: the following nodes launch there."""
        self.streams[k].use()

    def record(self, i: int) -> None:
        """Mark the current stream's position after node ``i``, for other streams to wait on."""
        ev = self.events[i] = B._cupy.cuda.Event(disable_timing=True)
        ev.record(B._cupy.cuda.get_current_stream())

    def wait(self, i: int) -> None:
        """The current stream goes on only after node ``i`` (an edge of the captured graph)."""
        B._cupy.cuda.get_current_stream().wait_event(self.events[i])

    def join(self) -> None:
        """The first stream waits for all the others, and is the current one again."""
        main = self.streams[0]
        for st in self.streams[1:]:
            ev = B._cupy.cuda.Event(disable_timing=True)
            ev.record(st)
            main.wait_event(ev)
        main.use()


class CudaGraphRunner:
    """Replays a traced program (codegen.py's Program compiled with ``graph=True``) as a captured
    CUDA graph.

    The first call runs the program normally on a private memory pool (it is a real call), then
    captures it: every kernel is recorded, none runs. Later calls copy their inputs into the
    captured input buffers and launch the graph: one launch for the whole step. The graph's
    intermediate buffers come from its private pool and stay alive with it, so nothing else
    can be given their memory. Variables keep their buffers (results are copied into them);
    if a variable's array was replaced or lent (a tensor was read from it: variable.py), the
    graph is dropped and the caller replays without it (a graph must not write into an array a
    tensor still reads).
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
        if self.failed:     # the caller then replays the program without a graph
            return None
        graph = self.graph
        if graph is None:
            return self._capture(arrays)
        for buf, a in zip(self.inputs, arrays):
            buf[...] = a
        for var, buf in self.pins:
            if var._array is not buf or var._lent:
                # Eager code replaced the array, or a tensor was read from it: the graph must
                # not write into it. Capture again (a few times) with the current arrays.
                self.graph = None
                if self.captures >= self.MAX_CAPTURES:
                    return self._give_up("variables' arrays keep being replaced or held")
                return None
        graph.launch(self.stream)
        return tuple(o.copy() if type(o) is B._cupy.ndarray else o for o in self.outputs)

    def _capture(self, arrays):
        cp = B._cupy
        self.captures += 1
        for var, _ in self.program.variables_pinned:
            a = var._array
            if type(a) is not cp.ndarray:
                return self._give_up("a variable is not on the GPU")
            if var._lent:                    # the graph will write this buffer: the variable
                var._own(a.copy())           # must own it
            del a
        pins = [(var, var._array) for var, _ in self.program.variables_pinned]
        ins = [a.copy() if type(a) is cp.ndarray else cp.asarray(a) for a in arrays]
        pool = cp.cuda.MemoryPool()
        stream = cp.cuda.Stream(non_blocking=False)
        from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
        handle = cp.cuda.device.get_cublas_handle()
        handles = {stream.ptr: handle}
        if self.program.streams is not None:
            handles.update(self.program.streams.bind(stream))
        # The real call, on the private pool (this also caches the blocks the capture needs).
        with cp.cuda.using_allocator(pool.malloc), stream:
            cublas.setStream(handle, stream.ptr)
            _HANDLES.update(handles)
            try:
                outs, keep = self.program.run(ins)
            finally:
                _HANDLES.clear()
        result = tuple(o.copy() if type(o) is cp.ndarray else o for o in outs)
        del outs, keep
        cp.cuda.Device().synchronize()
        mode = getattr(cp.cuda.runtime, "streamCaptureModeRelaxed", None)
        try:
            with cp.cuda.using_allocator(pool.malloc), stream:
                cublas.setStream(handle, stream.ptr)     # before capturing: not allowed during
                _HANDLES.update(handles)
                stream.begin_capture(*(() if mode is None else (mode,)))
                try:
                    outs, keep = self.program.run(ins)
                finally:
                    _HANDLES.clear()
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
        return result
