"""Fused GPU kernels for forward and backward ops (CuPy backend only).

On a GPU each array expression is a kernel launch, and for small models the launches, not the
arithmetic, are the cost. The ops that matter most get one hand-written kernel here, with the
same formula as the NumPy path. The NumPy path never uses them, so CPU results stay what they
were. ``MINITF_FUSED_KERNELS=0`` turns them off, to measure what they save.

Each helper is visible to tf.function tracing: called with traced arrays, it is recorded as one
node of the trace and replayed (or captured in the step's CUDA graph).

- ``bias_act_``: ``v += b`` and relu, in place: Dense's bias and activation in one launch.
- ``relu_grad``: ``g * (y > 0)`` in one launch, bit-identical to the two NumPy operations.
- ``sum_``: sums and means over leading axes (Dense's bias gradient), adding rows in NumPy's
  order, so bit-identical to NumPy.
- ``sparse_xent``: TF's ``SparseSoftmaxCrossEntropyWithLogits`` kernel: per row, the loss
  ``logsumexp(x) - x[label]`` and the gradient ``softmax(x) - onehot(label)`` in one launch
  (one warp per row), so the backward pass is a single multiply by the upstream gradient.
  Its sums run in another order than NumPy's (float32 rounding differs).
- ``matmul``: products with a side of at most 16 (a classifier's logits and their gradients),
  which cuBLAS tiles as if they were square (``matmul_kind`` picks one of three kernels; ``mm``
  falls back to ``np.matmul``). Their sums run in another order than cuBLAS's.
"""
from __future__ import annotations

import math
import os

import numpy as np

from . import _backend as B

_ENABLED = [os.environ.get("MINITF_FUSED_KERNELS", "1") != "0"]


def enabled(a) -> bool:
    """Whether ``a``'s op should use a fused kernel: a GPU array, with kernels switched on."""
    return _ENABLED[0] and B.is_device_array(a)


def set_enabled(on: bool) -> None:
    _ENABLED[0] = bool(on)


_BIAS_RELU: dict = {}


@B._recorded(mutates_first=True)
def bias_act_(v, b, relu: bool) -> None:
    """v += b, then relu in place if asked: one GPU kernel (two NumPy passes on the CPU)."""
    if enabled(v):
        k = _BIAS_RELU.get(relu)
        if k is None:
            body = "y = y + b; if (relu) { y = y > (T)0 ? y : (T)0; }".replace(
                "relu", "true" if relu else "false")
            k = _BIAS_RELU[relu] = B.cupy().ElementwiseKernel(
                "T b", "T y", body, f"minitf_bias_act_{int(relu)}")
        k(v.dtype.type(0) if b is None else b, v)
        return
    xp = B.xp_of(v)
    if b is not None:
        xp.add(v, b, out=v)
    if relu:
        xp.maximum(v, 0, out=v)


# One warp (32 threads) per row: the max, the sum of exponentials and the label's logit are
# warp reductions, so any number of classes works and the logits are read three times from
# cache. A label outside [0, n) gives NaN for the row's loss and gradient, as TF's GPU kernel
# does (checking it would need the host). NaN logits propagate as they do in NumPy's max.
_XENT_SOURCE = r"""
extern "C" __global__ void minitf_sparse_xent(const T* x, const L* labels, T* loss, T* back,
                                              long long rows, int n) {
    long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    const T* xr = x + row * n;
    T* br = back + row * n;
    T m = (T)__longlong_as_double(0xfff0000000000000ULL);   // -inf
    for (int j = lane; j < n; j += 32) { T v = xr[j]; m = (v > m || v != v) ? v : m; }
    for (int o = 16; o > 0; o >>= 1) {
        T w = __shfl_xor_sync(0xffffffffu, m, o);
        m = (w > m || w != w) ? w : m;
    }
    T s = 0;
    for (int j = lane; j < n; j += 32) s += exp(xr[j] - m);
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    long long label = (long long)labels[row];
    bool bad = label < 0 || label >= n;
    T nan = (T)__longlong_as_double(0x7ff8000000000000ULL);
    for (int j = lane; j < n; j += 32)
        br[j] = bad ? nan : exp(xr[j] - m) / s - (j == label ? (T)1 : (T)0);
    if (lane == 0) loss[row] = bad ? nan : log(s) - (xr[label] - m);
}
"""
_XENT: dict = {}
_C_TYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double",
            np.dtype(np.int32): "int", np.dtype(np.int64): "long long"}


def _xent_kernel(dtype, label_dtype):
    key = (dtype, label_dtype)
    k = _XENT.get(key)
    if k is None:
        src = f"#define T {_C_TYPES[dtype]}\n#define L {_C_TYPES[label_dtype]}\n" + _XENT_SOURCE
        k = _XENT[key] = B.cupy().RawKernel(src, "minitf_sparse_xent")
    return k


def xent_supported(logits, labels) -> bool:
    """Whether ``sparse_xent`` handles these arrays (GPU, float32/64 logits, int labels)."""
    return (enabled(logits) and logits.dtype in _C_TYPES and logits.dtype.kind == "f" and
            labels.dtype in _C_TYPES and labels.dtype.kind == "i" and logits.ndim >= 1 and
            logits.shape[-1] > 0 and logits.size > 0)


@B._recorded()
def sparse_xent(logits, labels):
    """(loss, gradient) of sparse softmax cross-entropy over the last axis, in one launch.
    ``loss`` has ``logits.shape[:-1]``; ``gradient`` (softmax - onehot) has ``logits.shape``."""
    cp = B.cupy()
    n = logits.shape[-1]
    x = cp.ascontiguousarray(logits)
    lab = cp.ascontiguousarray(labels)
    rows = x.size // n
    loss = cp.empty(logits.shape[:-1], x.dtype)
    back = cp.empty(logits.shape, x.dtype)
    threads = 256
    blocks = (rows * 32 + threads - 1) // threads
    _xent_kernel(x.dtype, lab.dtype)((blocks,), (threads,),
                                     (x, lab, loss, back, np.int64(rows), np.int32(n)))
    return loss, back


_RELU_GRAD: list = []


@B._recorded()
def relu_grad(g, y):
    """``g * (y > 0)`` in one launch (two otherwise), with the same arithmetic: a multiply by
    the mask converted to 0 or 1, so NaN upstream stays NaN as in NumPy."""
    if not _RELU_GRAD:
        _RELU_GRAD.append(B.cupy().ElementwiseKernel(
            "T g, T y", "T out", "out = g * (T)(y > (T)0)", "minitf_relu_grad"))
    return _RELU_GRAD[0](g, y)


# Column sums of a contiguous array viewed as (rows, columns), as Dense's bias gradient needs:
# each column's rows are added in order, exactly as NumPy adds along a leading axis, so the
# result is NumPy's to the bit (other orders drift float32 trajectories apart over many
# steps). The additions of a column form one chain; what can run in parallel is the loads. A
# block of 256 threads takes 32 columns: all its threads copy a tile of TR rows × 32 columns
# into shared memory (eight rows per pass, coalesced, each thread's TR / 8 loads issued
# together into registers before any is stored), then the first warp adds its column's TR
# rows in order from there, and the next tile follows. (One thread per column reading global
# memory kept only a few loads in flight per column: a 512 × 512 bias gradient took 18 µs on
# an H200; a loop storing each row as it loaded it, 12 µs.) Divided by ``div`` at the end: 1 for a sum, the row
# count for a mean.
_SUM_SOURCE = r"""
#define TR (1024 / (int)sizeof(T))      // rows per tile: 256 floats or 128 doubles (34 KB)
extern "C" __global__ void __launch_bounds__(256) minitf_sum(const T* x, T* out, long long R,
                                                             long long I, T div) {
    __shared__ T tile[TR][33];                 // (+1 column: no bank conflicts when adding)
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    long long c = (long long)blockIdx.x * 32 + lane;
    T s = (T)0;             // NumPy starts from 0 too: a column of -0.0 sums to +0.0
    for (long long r0 = 0; r0 < R; r0 += TR) {
        int n = (int)min((long long)TR, R - r0);
        if (c < I) {
            T v[TR / 8];    // every load of the tile in flight before any store
            #pragma unroll
            for (int j = 0; j < TR / 8; j++) {
                int rr = warp + 8 * j;
                v[j] = rr < n ? x[(r0 + rr) * I + c] : (T)0;
            }
            #pragma unroll
            for (int j = 0; j < TR / 8; j++) tile[warp + 8 * j][lane] = v[j];
        }
        __syncthreads();
        if (warp == 0 && c < I) {
            #pragma unroll 8
            for (int rr = 0; rr < n; rr++) s += tile[rr][lane];
        }
        __syncthreads();
    }
    if (warp == 0 && c < I) out[c] = s / div;
}

// Long columns: blockIdx.y picks a chunk of ``chunk`` rows, added in order; the chunks' sums
// are then added in order by minitf_sum. Deterministic, and its rounding error bound
// (chunk + R / chunk additions deep instead of R) is smaller than the serial order's.
extern "C" __global__ void minitf_sum_chunks(const T* x, T* part, long long R, long long I,
                                             long long chunk) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= I) return;
    long long r0 = (long long)blockIdx.y * chunk, r1 = min(R, r0 + chunk);
    const T* xi = x + i;
    T s = xi[r0 * I];
    #pragma unroll 8
    for (long long r = r0 + 1; r < r1; r++) s += xi[r * I];
    part[(long long)blockIdx.y * I + i] = s;
}
"""
_SUM: dict = {}
# Up to this many rows a column is added in NumPy's order (bit-identical to the CPU: the
# recorded trajectories of small models depend on it); longer columns are added in chunks
# (two launches), since one thread per column walking tens of thousands of rows left the GPU
# idle: a convolution's bias gradient over (128, 26, 26, 32) took 1 ms in CuPy's reduction and
# a batch normalization's statistics 70 µs each in the serial kernel (H200, 2026-12-01).
_SERIAL_ROWS = 4096
_CHUNK = 256


def sum_supported(v, axes) -> bool:
    """Whether ``sum_`` handles summing ``v`` over ``axes`` (a sorted tuple, or None): leading
    axes of a contiguous float GPU array, leaving at least two columns (other axes, strided or
    integer arrays go to CuPy's reduction)."""
    if not enabled(v) or axes is None or not axes or axes[0] != 0 or \
            axes[-1] != len(axes) - 1 or v.dtype.kind != "f" or v.dtype not in _C_TYPES or \
            not v.size or not v.flags.c_contiguous:
        return False
    return math.prod(v.shape[len(axes):]) >= 2


@B._recorded()
def sum_(v, axes, mean: bool = False):
    """``v.sum(axis=axes)`` over leading axes; with ``mean``, the sum divided by the number of
    rows added (NumPy's mean: the same division, after). Up to ``_SERIAL_ROWS`` rows: one
    launch, NumPy's order and result to the bit; more: chunks of ``_CHUNK`` rows summed in
    parallel, then the chunks in order (another rounding than NumPy's, a smaller error bound)."""
    cp = B.cupy()
    n = len(axes)
    rows, cols = math.prod(v.shape[:n]), math.prod(v.shape[n:])
    out = cp.empty(v.shape[n:], v.dtype)
    k = _SUM.get(v.dtype)
    if k is None:
        mod = cp.RawModule(code=f"#define T {_C_TYPES[v.dtype]}\n" + _SUM_SOURCE)
        k = _SUM[v.dtype] = (mod.get_function("minitf_sum"),
                             mod.get_function("minitf_sum_chunks"))
    div = v.dtype.type(rows if mean else 1)
    grid_x = (cols + 127) // 128
    if rows > _SERIAL_ROWS:
        chunk = max(_CHUNK, -(-rows // 65535))          # gridDim.y is at most 65535
        chunks = -(-rows // chunk)
        part = cp.empty((chunks, cols), v.dtype)
        k[1]((grid_x, chunks), (128,), (v, part, np.int64(rows), np.int64(cols),
                                        np.int64(chunk)))
        v, rows = part, chunks
    k[0](((cols + 31) // 32,), (256,), (v, out, np.int64(rows), np.int64(cols), div))
    return out


# Products with a small side (at most 16): a Dense layer with few units (a classifier's 10
# logits), its gradients, a batch's outer products. cuBLAS tiles such a product like a square
# one: its 64 × 64 tiles leave most of a big GPU idle and it adds a split-K pass (a 512×512 by
# 512×10 product took 7 µs in two kernels on an H200, and the kernel gradient xᵀ·g, 17 µs),
# where reading the operands once takes about 1 µs. Three kernels, one per shape:
# - rows: C = A·B, A row-major (M × K), B (K × S) small: one warp per row of A, its lanes
#   taking every 32nd k, B read through the L1 cache; the lanes' partial sums are added by
#   shuffles.
# - cols: C = Aᵀ·B, A row-major (K × M) read through its transpose (a kernel gradient xᵀ·g):
#   a block takes 8 columns of A and 64 groups of k (coalesced loads of A's rows); each
#   column's 64 partial sums are then added in order from shared memory.
# - smallk: C = A·B with K = S small (a product with a 10-wide gradient, g·Wᵀ): one thread
#   per column of C keeps B's column in registers and computes 8 rows, whose entries of A the
#   block loads at once into shared memory. Any strides.
# (Every load a thread needs is issued before the arithmetic waits for it: a loop that stored
# each value as it loaded it waited a memory latency per value, 5 µs for B's rows.)
# The sums run in another order than cuBLAS's or NumPy's (float rounding differs, as between
# any two BLAS); no atomics: a product is the same on every run.
_MM_SOURCE = r"""
extern "C" __global__ void __launch_bounds__(256) minitf_mm_rows(
        const T* __restrict__ A, const T* __restrict__ B, T* __restrict__ C, int M, int K) {
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int m = blockIdx.x * 8 + warp;
    if (m >= M) return;                      // the whole warp: the shuffles below are safe
    const T* a = A + (long long)m * K;
    T acc[S];
    #pragma unroll
    for (int n = 0; n < S; n++) acc[n] = (T)0;
    #pragma unroll 4
    for (int k = lane; k < K; k += 32) {
        T av = a[k];
        const T* b = B + k * S;              // (B is small: its rows stay in the L1 cache)
        #pragma unroll
        for (int n = 0; n < S; n++) acc[n] += av * __ldg(b + n);
    }
    #pragma unroll
    for (int n = 0; n < S; n++) {
        T v = acc[n];
        #pragma unroll
        for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
        acc[n] = v;
    }
    if (lane == 0) {
        #pragma unroll
        for (int n = 0; n < S; n++) C[(long long)m * S + n] = acc[n];
    }
}

extern "C" __global__ void __launch_bounds__(512) minitf_mm_cols(
        const T* __restrict__ A, const T* __restrict__ B, T* __restrict__ C, int M, int K) {
    extern __shared__ __align__(16) unsigned char smem[];
    T* red = reinterpret_cast<T*>(smem);     // [S][64][9]: (+1: no bank conflicts)
    int mx = threadIdx.x & 7, kg = threadIdx.x >> 3;
    int m = blockIdx.x * 8 + mx;
    T acc[S];
    #pragma unroll
    for (int n = 0; n < S; n++) acc[n] = (T)0;
    if (m < M) {
        #pragma unroll 4
        for (int k = kg; k < K; k += 64) {
            T av = A[(long long)k * M + m];
            const T* b = B + (long long)k * S;
            #pragma unroll
            for (int n = 0; n < S; n++) acc[n] += av * __ldg(b + n);
        }
    }
    #pragma unroll
    for (int n = 0; n < S; n++) red[(n * 64 + kg) * 9 + mx] = acc[n];
    __syncthreads();
    for (int t = threadIdx.x; t < S * 8; t += blockDim.x) {
        int n = t >> 3, j = t & 7;
        int mm = blockIdx.x * 8 + j;
        if (mm < M) {
            const T* r = red + n * 64 * 9 + j;
            T s = (T)0;
            #pragma unroll 16
            for (int g = 0; g < 64; g++) s += r[g * 9];
            C[(long long)mm * S + n] = s;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) minitf_mm_smallk(
        const T* __restrict__ A, long long sam, long long sak, const T* __restrict__ B,
        long long sbk, long long sbn, T* __restrict__ C, int M, int N) {
    __shared__ T As[8][S];                   // the block's 8 rows of A, loaded at once
    int m0 = blockIdx.y * 8;
    for (int t = threadIdx.x; t < 8 * S; t += blockDim.x) {
        int r = t / S, k = t % S;
        As[r][k] = m0 + r < M ? A[(long long)(m0 + r) * sam + k * sak] : (T)0;
    }
    int n = blockIdx.x * 256 + threadIdx.x;
    T b[S];
    #pragma unroll
    for (int k = 0; k < S; k++) b[k] = n < N ? B[k * sbk + n * sbn] : (T)0;
    __syncthreads();
    if (n >= N) return;
    #pragma unroll
    for (int r = 0; r < 8; r++) {
        if (m0 + r < M) {
            T s = (T)0;
            #pragma unroll
            for (int k = 0; k < S; k++) s += As[r][k] * b[k];
            C[(long long)(m0 + r) * N + n] = s;
        }
    }
}
"""
_MM: dict = {}
_MM_SMALL = 16                  # the small side's largest size
_MM_SHARED = 48 * 1024          # static shared memory a block may use without opting in


def matmul_kind(x, y) -> str | None:
    """Which of the small-side kernels computes ``x @ y`` ("rows", "cols", "smallk"), or None
    (cuBLAS through ``np.matmul``): float32/float64 GPU matrices of one dtype, a side of at
    most 16, shapes the kernels' grids and shared memory take."""
    if not (enabled(x) and enabled(y)) or x.ndim != 2 or y.ndim != 2 or x.dtype != y.dtype \
            or x.dtype not in _C_TYPES or x.dtype.kind != "f":
        return None
    (m, k), n = x.shape, y.shape[1]
    if y.shape[0] != k or not (m and k and n) or m > 65535 * 8 or m * max(n, k) >= 2 ** 31:
        return None
    size = x.dtype.itemsize
    if n <= _MM_SMALL:
        if x.flags.c_contiguous:
            return "rows"
        if x.flags.f_contiguous and n * 64 * 9 * size <= _MM_SHARED:
            return "cols"
    if k <= _MM_SMALL and n < 2 ** 31 - 256:
        return "smallk"
    return None


def mm(x, y):
    """``x @ y``: a small-side kernel where one applies (``matmul_kind``), else ``np.matmul``
    (on a GPU, cuBLAS)."""
    return matmul(x, y) if matmul_kind(x, y) else np.matmul(x, y)


@B._recorded()
def matmul(x, y):
    """``x @ y`` by one of the small-side kernels (``matmul_kind`` must have picked one)."""
    kind = matmul_kind(x, y)
    if kind is None:         # (shapes that do not fit: a static-shape probe on other sizes)
        return np.matmul(x, y)
    cp = B.cupy()
    (m, k), n = x.shape, y.shape[1]
    small = n if kind != "smallk" else k
    key = (kind, x.dtype, small)
    fn = _MM.get(key)
    if fn is None:
        mod = cp.RawModule(code=f"#define T {_C_TYPES[x.dtype]}\n#define S {small}\n" +
                           _MM_SOURCE)
        fn = _MM[key] = mod.get_function("minitf_mm_" + kind)
    out = cp.empty((m, n), x.dtype)
    size = x.dtype.itemsize
    if kind == "rows":
        fn(((m + 7) // 8,), (256,), (x, cp.ascontiguousarray(y), out, np.int32(m), np.int32(k)))
    elif kind == "cols":
        fn(((m + 7) // 8,), (512,), (x.T, cp.ascontiguousarray(y), out, np.int32(m),
                                     np.int32(k)), shared_mem=n * 64 * 9 * size)
    else:
        fn(((n + 255) // 256, (m + 7) // 8), (256,),
           (x, np.int64(x.strides[0] // size), np.int64(x.strides[1] // size), y,
            np.int64(y.strides[0] // size), np.int64(y.strides[1] // size), out,
            np.int32(m), np.int32(n)))
    return out
