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

_FWD: dict = {}
_BWD: dict = {}

# sigmoid as minitf's Sigmoid op computes it (no overflow for large |z|), and float32's
# subnormal results flushed to zero as TF's CPU kernels do (math_ops._flush_subnormals).
_DEVICE_HELPERS = r"""
template <typename T> __device__ __forceinline__ T minitf_sigm(T z) {
    T e = exp(-fabs(z));
    T s = z >= (T)0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e);
    if (sizeof(T) <= 4 && fabs(s) < (T)1.17549435e-38f) s = (T)0;
    return s;
}
"""


def _forward_kernel(has_bias: bool):
    k = _FWD.get(has_bias)
    if k is None:
        bias = "true" if has_bias else "false"
        body = """
        long long b = i / units, u = i - b * units, r = b * 4 * units;
        T zi = xz[r + u] + hr[r + u];
        T zf = xz[r + units + u] + hr[r + units + u];
        T zc = xz[r + 2 * units + u] + hr[r + 2 * units + u];
        T zo = xz[r + 3 * units + u] + hr[r + 3 * units + u];
        if (HAS_BIAS) {
            zi = zi + bias[u]; zf = zf + bias[units + u];
            zc = zc + bias[2 * units + u]; zo = zo + bias[3 * units + u];
        }
        T ai = minitf_sigm(zi), af = minitf_sigm(zf), ac = tanh(zc), ao = minitf_sigm(zo);
        T cn = af * cp + ai * ac;
        c = cn;
        h = ao * tanh(cn);
        act[r + u] = ai; act[r + units + u] = af;
        act[r + 2 * units + u] = ac; act[r + 3 * units + u] = ao;
        """.replace("HAS_BIAS", bias)
        k = _FWD[has_bias] = B.cupy().ElementwiseKernel(
            "raw T xz, raw T hr, raw T bias, T cp, int64 units", "T h, T c, raw T act", body,
            f"minitf_lstm_cell_{int(has_bias)}", preamble=_DEVICE_HELPERS)
    return k


def _backward_kernel():
    k = _BWD.get(0)
    if k is None:
        body = """
        long long b = i / units, u = i - b * units, r = b * 4 * units;
        T ai = act[r + u], af = act[r + units + u];
        T ac = act[r + 2 * units + u], ao = act[r + 3 * units + u];
        T tc = tanh(c);
        T gh = gout + gnext;
        T gc_total = gc + gh * ao * ((T)1 - tc * tc);
        dz[r + u] = gc_total * ac * ai * ((T)1 - ai);
        dz[r + units + u] = gc_total * cp * af * ((T)1 - af);
        dz[r + 2 * units + u] = gc_total * ai * ((T)1 - ac * ac);
        dz[r + 3 * units + u] = gh * tc * ao * ((T)1 - ao);
        gcp = gc_total * af;
        """
        k = _BWD[0] = B.cupy().ElementwiseKernel(
            "raw T act, T c, T cp, T gout, T gnext, T gc, int64 units", "raw T dz, T gcp", body,
            "minitf_lstm_cell_grad")
    return k


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
        xp = B.xp_of(c_prev)
        h = xp.empty_like(c_prev)
        c = xp.empty_like(c_prev)
        act = xp.empty(xz.shape, xz.dtype)
        b = bias if bias is not None else xp.zeros((1,), xz.dtype)
        _forward_kernel(bias is not None)(xz, hr, b, c_prev, units, h, c, act)
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
        xp = B.xp_of(c)
        dz = xp.empty(act.shape, act.dtype)
        gcp = xp.empty_like(c)
        _backward_kernel()(act, c, c_prev, g_out, g_next, g_c, units, dz, gcp)
        return dz, gcp
    ai, af, ac, ao = np.split(act, 4, axis=1)
    one = c.dtype.type(1)
    tc = np.tanh(c)
    gh = g_out + g_next
    gc_total = g_c + gh * ao * (one - tc * tc)
    dz = np.concatenate([gc_total * ac * ai * (one - ai), gc_total * c_prev * af * (one - af),
                         gc_total * ai * (one - ac * ac), gh * tc * ao * (one - ao)], axis=1)
    return dz, gc_total * af
