"""One LSTM time step as one kernel, forward and backward (the arrays under ``ops.rnn_ops``).

A Keras LSTM step is a matmul ``h @ recurrent_kernel`` plus about fifteen elementwise ops (four
gate activations, the new cell state, the new output). On a GPU each of those is a launch, so a
100-step sequence costs thousands of launches; here the elementwise part of a step is one
launch forward (``lstm_cell``) and one backward (``lstm_cell_grad``), and the matmuls stay
matmuls (cuBLAS, and capturable in a CUDA graph). On the CPU the same helpers run NumPy
expressions in the order the generic Keras path evaluates them, so the forward values are
bit-identical to it.

Both helpers are visible to tf.function tracing (``_backend._recorded``): called with traced
arrays they become one node of the trace each.

Layout: the gate pre-activations of a step are one (batch, 4·units) array with Keras's column
order (i, f, c, o); ``act`` keeps the four activations side by side in the same order.
"""
from __future__ import annotations

import numpy as np

from . import _backend as B
from . import _kernels as K

_MODULES: dict = {}

# One thread per (row, unit). sigmoid as minitf's Sigmoid op computes it (no overflow for large
# |z|), with float32's subnormal results flushed to zero as TF's CPU kernels do
# (math_ops._flush_subnormals). Raw kernels, not ElementwiseKernels: a sequence launches two
# per time step, and a raw launch costs the host a few microseconds less each.
_SOURCE = r"""
__device__ __forceinline__ T minitf_sigm(T z) {
    T e = exp(-fabs(z));
    T s = z >= (T)0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e);
    if (sizeof(T) <= 4 && fabs(s) < (T)1.17549435e-38f) s = (T)0;
    return s;
}

extern "C" __global__ void minitf_lstm_cell(const T* xz, const T* hr, const T* bias,
                                            const T* cp, T* h, T* c, T* act, long long n,
                                            long long units, int has_bias) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long b = i / units, u = i - b * units, r = b * 4 * units + u;
    T zi = xz[r] + hr[r];
    T zf = xz[r + units] + hr[r + units];
    T zc = xz[r + 2 * units] + hr[r + 2 * units];
    T zo = xz[r + 3 * units] + hr[r + 3 * units];
    if (has_bias) {
        zi = zi + bias[u]; zf = zf + bias[units + u];
        zc = zc + bias[2 * units + u]; zo = zo + bias[3 * units + u];
    }
    T ai = minitf_sigm(zi), af = minitf_sigm(zf), ac = tanh(zc), ao = minitf_sigm(zo);
    T cn = af * cp[i] + ai * ac;
    c[i] = cn;
    h[i] = ao * tanh(cn);
    act[r] = ai; act[r + units] = af; act[r + 2 * units] = ac; act[r + 3 * units] = ao;
}

extern "C" __global__ void minitf_lstm_cell_grad(const T* act, const T* c, const T* cp,
                                                 const T* gout, const T* gnext, const T* gc,
                                                 T* dz, T* gcp, long long n, long long units,
                                                 int has_gout) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long b = i / units, u = i - b * units, r = b * 4 * units + u;
    T ai = act[r], af = act[r + units], ac = act[r + 2 * units], ao = act[r + 3 * units];
    T tc = tanh(c[i]);
    T gh = has_gout ? gout[i] + gnext[i] : gnext[i];
    T gt = gc[i] + gh * ao * ((T)1 - tc * tc);
    dz[r] = gt * ac * ai * ((T)1 - ai);
    dz[r + units] = gt * cp[i] * af * ((T)1 - af);
    dz[r + 2 * units] = gt * ai * ((T)1 - ac * ac);
    dz[r + 3 * units] = gh * tc * ao * ((T)1 - ao);
    gcp[i] = gt * af;
}
"""


def _kernel(dtype, name: str):
    mod = _MODULES.get(dtype)
    if mod is None:
        ctype = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}[np.dtype(dtype)]
        mod = _MODULES[dtype] = B.cupy().RawModule(code=f"#define T {ctype}\n" + _SOURCE)
    return mod.get_function(name)


def _grid(n: int):
    return ((n + 255) // 256,), (256,)


_ONE = {np.dtype(np.float32): np.ones((), np.float32), np.dtype(np.float64): np.ones((), np.float64)}
_ZERO = {k: np.zeros((), k) for k in _ONE}


def _operand(x, rows: int, cols: int, cublas):
    # row-major matrices read by column-major gemm: C order as is, a transposed view (Fortran
    # order) through the transpose flag, anything else copied
    if x.flags.c_contiguous:
        return x, cublas.CUBLAS_OP_N, cols
    if x.flags.f_contiguous:
        return x, cublas.CUBLAS_OP_T, rows
    return B.cupy().ascontiguousarray(x), cublas.CUBLAS_OP_N, cols


def gemm(a, b):
    """``a @ b`` for two 2-D float32/float64 arrays. On the GPU, eagerly, cuBLAS's gemm is
    called directly: an LSTM sequence makes two small products per time step, and
    ``cupy.matmul``'s checks and dispatch cost the host more than the product costs the GPU.
    Row-major C = A·B is computed as column-major Cᵀ = Bᵀ·Aᵀ. Elsewhere (the CPU, a trace,
    other shapes or dtypes) ``np.matmul``."""
    if B.TRACING or not K.enabled(a) or a.ndim != 2 or b.ndim != 2 or \
            a.dtype != b.dtype or a.dtype not in _ONE or not a.size or not b.size:
        return np.matmul(a, b)
    cp = B.cupy()
    from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
    m, k = a.shape
    n = b.shape[1]
    b, op_b, ldb = _operand(b, k, n, cublas)
    a, op_a, lda = _operand(a, m, k, cublas)
    c = cp.empty((m, n), a.dtype)
    handle = cp.cuda.device.get_cublas_handle()
    single = a.dtype == np.float32
    # TF32 only where TF would allow it (tf.config.experimental.enable_tensor_float_32_execution)
    cublas.setMathMode(handle, 3 if single and B.tensor_float_32() else 0)
    (cublas.sgemm if single else cublas.dgemm)(
        handle, op_b, op_a, n, m, k, _ONE[a.dtype].ctypes.data, b.data.ptr, ldb, a.data.ptr,
        lda, _ZERO[a.dtype].ctypes.data, c.data.ptr, n)
    return c


def _gemm_ptr(handle, cublas, dtype, m: int, n: int, k: int, a: int, lda: int, op_a, b: int,
              ldb: int, op_b, c: int) -> None:
    """Row-major C (m×n) = A (m×k) · B (k×n) on raw device pointers (column-major Cᵀ = Bᵀ·Aᵀ);
    ``op_a``/``op_b`` transpose a Fortran-ordered operand."""
    (cublas.sgemm if dtype == np.float32 else cublas.dgemm)(
        handle, op_b, op_a, n, m, k, _ONE[dtype].ctypes.data, b, ldb, a, lda,
        _ZERO[dtype].ctypes.data, c, n)


def device_sequence_supported(xt, r) -> bool:
    """Whether ``lstm_forward_device``/``lstm_backward_device`` take this sequence: eager
    (not traced) contiguous float32/float64 GPU arrays, with fused kernels on."""
    return not B.TRACING and K.enabled(xt) and xt.dtype in _ONE and r.dtype == xt.dtype and \
        xt.flags.c_contiguous and xt.size > 0


def lstm_forward_device(xt, h0, c0, r, bias, reverse: bool):
    """The whole forward sequence on the GPU in one Python loop of raw calls: per step one
    cuBLAS gemm ``h @ r`` into a reused buffer and one ``minitf_lstm_cell`` launch writing
    straight into the stacked outputs (no per-step arrays, no final stacking). ``xt`` is
    time-major (time, batch, 4·units). Returns ``(hs, cs, acts)`` stacked in walking order:
    the same values as calling ``lstm_cell`` step by step."""
    cp = B.cupy()
    from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
    T, n, g = xt.shape
    units = g // 4
    dt = xt.dtype
    hs = cp.empty((T, n, units), dt)
    cs = cp.empty((T, n, units), dt)
    acts = cp.empty((T, n, g), dt)
    hr = cp.empty((n, g), dt)
    h0, c0, r = cp.ascontiguousarray(h0), cp.ascontiguousarray(c0), cp.ascontiguousarray(r)
    b = xt if bias is None else cp.ascontiguousarray(bias)
    handle = cp.cuda.device.get_cublas_handle()
    cublas.setStream(handle, cp.cuda.get_current_stream().ptr)
    cublas.setMathMode(handle, 3 if dt == np.float32 and B.tensor_float_32() else 0)
    kern = _kernel(dt, "minitf_lstm_cell")
    grid = _grid(n * units)
    size = dt.itemsize
    step_h, step_g = n * units * size, n * g * size
    h_ptr, c_ptr = h0.data.ptr, c0.data.ptr
    OP_N = cublas.CUBLAS_OP_N
    cnt, u64 = np.int64(n * units), np.uint64
    for k in range(T):
        t = T - 1 - k if reverse else k
        _gemm_ptr(handle, cublas, dt, n, g, units, h_ptr, units, OP_N, r.data.ptr, g, OP_N,
                  hr.data.ptr)
        h_new, c_new = hs.data.ptr + k * step_h, cs.data.ptr + k * step_h
        kern(*grid, (u64(xt.data.ptr + t * step_g), hr, b, u64(c_ptr), u64(h_new), u64(c_new),
                     u64(acts.data.ptr + k * step_g), cnt, np.int64(units),
                     np.int32(bias is not None)))
        h_ptr, c_ptr = h_new, c_new
    return hs, cs, acts


def lstm_backward_device(hs, cs, acts, c0, g_seq, g_h, g_c, r):
    """The backward sequence on the GPU, walking ``hs``/``cs``/``acts`` (walking order) back:
    per step one ``minitf_lstm_cell_grad`` launch writing the step's ``dz`` into a stacked
    array and one gemm ``dz @ rᵀ`` for the previous output's gradient. ``g_seq`` is the
    sequence output's gradient in walking order (time-major) or None. Returns
    ``(dz_all, g_h0, g_c0)``: the same values as ``lstm_cell_grad`` step by step."""
    cp = B.cupy()
    from cupy_backends.cuda.libs import cublas  # noqa: PLC0415 - part of cupy
    T, n, units = hs.shape
    g = 4 * units
    dt = hs.dtype
    dz_all = cp.empty((T, n, g), dt)
    nexts = [cp.ascontiguousarray(g_h).copy(), cp.empty((n, units), dt)]
    gcs = [cp.ascontiguousarray(g_c).copy(), cp.empty((n, units), dt)]
    c0, r = cp.ascontiguousarray(c0), cp.ascontiguousarray(r)
    handle = cp.cuda.device.get_cublas_handle()
    cublas.setStream(handle, cp.cuda.get_current_stream().ptr)
    cublas.setMathMode(handle, 3 if dt == np.float32 and B.tensor_float_32() else 0)
    kern = _kernel(dt, "minitf_lstm_cell_grad")
    grid = _grid(n * units)
    size = dt.itemsize
    step_h, step_g = n * units * size, n * g * size
    cnt, u64 = np.int64(n * units), np.uint64
    has_seq = np.int32(g_seq is not None)
    seq_ptr = g_seq.data.ptr if g_seq is not None else 0
    OP_T = cublas.CUBLAS_OP_T
    cur = 0
    for k in range(T - 1, -1, -1):
        c_prev = cs.data.ptr + (k - 1) * step_h if k else c0.data.ptr
        dz = dz_all.data.ptr + k * step_g
        g_out = u64(seq_ptr + k * step_h) if g_seq is not None else nexts[cur]
        kern(*grid, (u64(acts.data.ptr + k * step_g), u64(cs.data.ptr + k * step_h),
                     u64(c_prev), g_out, nexts[cur], gcs[cur], u64(dz), gcs[1 - cur], cnt,
                     np.int64(units), has_seq))
        # dz (n×g) · rᵀ (g×units): r is (units×g) row-major, read transposed
        _gemm_ptr(handle, cublas, dt, n, units, g, dz, g, cublas.CUBLAS_OP_N, r.data.ptr, g,
                  OP_T, nexts[1 - cur].data.ptr)
        cur = 1 - cur
    return dz_all, nexts[cur], gcs[cur]


def _sigmoid(z):
    # the Sigmoid op's formula and flush (math_ops.sigmoid), so the values are the same bits
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype)
    if z.dtype.itemsize <= 4:
        s = np.where(np.abs(s) < np.finfo(z.dtype).smallest_normal, z.dtype.type(0), s)
    return s


@B._recorded()
def lstm_cell(xz, hr, bias, c_prev):
    """One step's gates from its pre-activations: ``z = xz + hr (+ bias)`` split (i, f, c, o),
    ``c = σ(f)·c_prev + σ(i)·tanh(c̃)``, ``h = σ(o)·tanh(c)``. Returns ``(h, c, act)`` with
    ``act`` the four activations (batch, 4·units), kept for the backward step."""
    units = c_prev.shape[-1]
    if K.enabled(c_prev):
        cp = B.cupy()
        xz, hr, c_prev = (cp.ascontiguousarray(a) for a in (xz, hr, c_prev))
        h = cp.empty_like(c_prev)
        c = cp.empty_like(c_prev)
        act = cp.empty(xz.shape, xz.dtype)
        n = c_prev.size
        _kernel(xz.dtype, "minitf_lstm_cell")(
            *_grid(n), (xz, hr, xz if bias is None else cp.ascontiguousarray(bias), c_prev, h,
                        c, act, np.int64(n), np.int64(units), np.int32(bias is not None)))
        return h, c, act
    z = xz + hr
    if bias is not None:
        z = z + bias
    zi, zf, zc, zo = np.split(z, 4, axis=1)
    ai, af, ao = _sigmoid(zi), _sigmoid(zf), _sigmoid(zo)
    ac = np.tanh(zc)
    c = af * c_prev + ai * ac
    h = ao * np.tanh(c)
    return h, c, np.concatenate([ai, af, ac, ao], axis=1)


@B._recorded()
def lstm_cell_grad(act, c, c_prev, g_out, g_next, g_c):
    """The backward of ``lstm_cell``: with the output's gradient ``g_out + g_next`` (this
    step's output and the next step's recurrence) and the cell state's ``g_c``, the gradient of
    the step's pre-activations ``dz`` (batch, 4·units) and of the previous cell state."""
    units = c.shape[-1]
    if K.enabled(c):
        cp = B.cupy()
        has_gout = not (np.isscalar(g_out) and g_out == 0)
        act, c, c_prev, g_next, g_c = (cp.ascontiguousarray(a)
                                       for a in (act, c, c_prev, g_next, g_c))
        dz = cp.empty(act.shape, act.dtype)
        gcp = cp.empty_like(c)
        n = c.size
        _kernel(c.dtype, "minitf_lstm_cell_grad")(
            *_grid(n), (act, c, c_prev, cp.ascontiguousarray(g_out) if has_gout else g_next,
                        g_next, g_c, dz, gcp, np.int64(n), np.int64(units), np.int32(has_gout)))
        return dz, gcp
    ai, af, ac, ao = np.split(act, 4, axis=1)
    one = c.dtype.type(1)
    tc = np.tanh(c)
    gh = g_out + g_next
    gc_total = g_c + gh * ao * (one - tc * tc)
    dz = np.concatenate([gc_total * ac * ai * (one - ai), gc_total * c_prev * af * (one - af),
                         gc_total * ai * (one - ac * ac), gh * tc * ao * (one - ao)], axis=1)
    return dz, gc_total * af
