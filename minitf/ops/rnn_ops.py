"""A whole LSTM sequence as one recorded op with one joint gradient (what Keras's LSTM runs
when cuDNN's fused kernel applies; TF's own fused kernel is ``BlockLSTM``).

The generic Keras path records about twenty ops per time step; its backward pass walks them
one by one. ``lstm_sequence`` records one op for the whole sequence: per step one matmul
``h @ recurrent_kernel`` and one fused gate kernel (``_rnn_kernels.lstm_cell``), and backward
per step one fused gate-gradient kernel and one matmul, with the recurrent kernel's gradient as
a single matmul over all steps at the end. The arithmetic is Keras's (gate order i, f, c, o,
``z = x·K + h·R + b``), so values agree with the generic path (forward bit for bit on the CPU;
gradients to rounding, since the sums run in another order).

When a tape records the backward pass itself (a gradient of a gradient, a forward-mode
accumulator), the gradient is computed again from the inputs with ordinary ops, so outer tapes
see a differentiable computation; the fast array path is used otherwise.

>>> import minitf as tf
>>> from minitf.ops.rnn_ops import lstm_sequence
>>> xz = tf.zeros((2, 3, 8)); h0 = c0 = tf.zeros((2, 2)); r = tf.zeros((2, 8))
>>> seq, h, c = lstm_sequence(xz, h0, c0, r, tf.ones((8,)), return_sequences=True)
>>> seq.shape, round(float(c[0, 0]), 6)     # c_t = σ(1)·c_(t-1) + σ(1)·tanh(1)
(TensorShape([2, 3, 2]), 1.261365)
"""
from __future__ import annotations

import os

import numpy as np

from .. import _backend as B
from .. import _kernels as K
from .. import _rnn_kernels as RK
from . import array_ops as A
from . import linalg_ops as L
from . import math_ops as M
from . import reduction_ops as R
from ._registry import TAPES, _make, record, tensor

_ENABLED = [os.environ.get("MINITF_FUSED_RNN", "1") != "0"]


def fused_enabled() -> bool:
    """Whether Keras's LSTM may use ``lstm_sequence`` (``MINITF_FUSED_RNN=0`` turns it off, to
    compare with the generic per-step path)."""
    return _ENABLED[0]


def set_fused_enabled(on: bool) -> None:
    """Switch the fused LSTM path on or off (tests compare both)."""
    _ENABLED[0] = bool(on)


def lstm_sequence(xz, h0, c0, recurrent_kernel, bias=None, reverse: bool = False,
                  return_sequences: bool = False) -> tuple:
    """Run an LSTM over ``xz`` (batch, time, 4·units), the inputs already multiplied by the
    input kernel, from states ``h0``, ``c0`` (batch, units). ``reverse`` walks time from the
    end (Keras's ``go_backwards``; the sequence output is then in walking order, as Keras
    returns it). Returns ``(sequence, h, c)`` with ``sequence`` (batch, time, units) or None
    when not asked for."""
    xz, h0, c0, rk = tensor(xz), tensor(h0), tensor(c0), tensor(recurrent_kernel)
    b = None if bias is None else tensor(bias)
    dtype = xz._dtype
    xv, rv = xz._value, rk._value
    T = xv.shape[1]
    # time-major, so that each step's slice is one contiguous (batch, 4·units) block
    xt = np.swapaxes(xv, 0, 1).copy()
    bv = None if b is None else b._value
    h, c = h0._value, c0._value
    if RK.device_sequence_supported(xt, rv):
        # eager on the GPU: the loop of raw cuBLAS and kernel calls, outputs stacked in place
        hs, cs, acts = RK.lstm_forward_device(xt, h, c, rv, bv, reverse)
        h, c = hs[-1], cs[-1]
        stacked = hs
    else:
        hs, cs, acts = [], [], []
        mm = _matmul(xv)
        for k in range(T):
            t = T - 1 - k if reverse else k
            h, c, act = RK.lstm_cell(xt[t], mm(h, rv), bv, c)
            hs.append(h)
            cs.append(c)
            acts.append(act)
        stacked = np.stack(hs) if return_sequences else None
    seq = _make(np.swapaxes(stacked, 0, 1).copy(), dtype) if return_sequences else None
    h_t, c_t = _make(h, dtype), _make(c, dtype)
    if TAPES.recording:
        inputs = (xz, h0, c0, rk) + (() if b is None else (b,))
        saved = (hs, cs, acts)

        def vjp(up, needed):
            if TAPES.recording:      # the backward pass is itself recorded: use plain ops
                return _vjp_with_ops(inputs, up, reverse, return_sequences)
            return _vjp_arrays(inputs, saved, up, needed, reverse, return_sequences)
        outs = ((seq,) if return_sequences else ()) + (h_t, c_t)
        record("LSTMSequence", inputs, outs, joint=vjp)
    return seq, h_t, c_t


def _matmul(a):
    """cuBLAS called directly for eager GPU arrays (``_rnn_kernels.gemm``: a sequence makes two
    small products per step, and CuPy's matmul costs the host more than the GPU); ``np.matmul``
    otherwise, which a tf.function trace records."""
    if not B.TRACING and B.is_device_array(a):
        return RK.gemm
    return np.matmul


def _vjp_arrays(inputs, saved, up, needed, reverse, return_sequences):
    """The backward pass on arrays: per step one fused kernel and one matmul, walking time
    backwards; the recurrent kernel's, bias's and inputs' gradients from all steps at once."""
    xz, h0, c0, rk = inputs[:4]
    hs, cs, acts = saved
    dtype = xz._dtype
    g_seq = up[0]._value if return_sequences else None
    g_h, g_c = up[-2]._value, up[-1]._value
    g_seq_t = None if g_seq is None else np.swapaxes(g_seq, 0, 1).copy()
    rv = rk._value
    T = len(hs)
    if not isinstance(hs, list):        # stacked by lstm_forward_device: its backward twin
        dz_all, g_next, g_c = RK.lstm_backward_device(hs, cs, acts, c0._value, g_seq_t, g_h,
                                                      g_c, rv)
    else:
        g_next, dzs = g_h, [None] * T
        mm, rv_t = _matmul(rv), rv.T
        for k in range(T - 1, -1, -1):
            c_prev = cs[k - 1] if k else c0._value
            g_out = g_seq_t[k] if g_seq_t is not None else 0
            dz, g_c = RK.lstm_cell_grad(acts[k], cs[k], c_prev, g_out, g_next, g_c)
            dzs[k] = dz
            g_next = mm(dz, rv_t)
        dz_all = np.stack(dzs)                       # (time, batch, 4·units), walking order
    out = [None, _make(g_next, dtype) if needed[1] else None,
           _make(g_c, dtype) if needed[2] else None, None]
    if needed[0]:
        d = dz_all[::-1] if reverse else dz_all
        out[0] = _make(np.swapaxes(d, 0, 1).copy(), dtype)
    flat = dz_all.reshape(-1, dz_all.shape[-1])
    if needed[3]:
        h_prev = np.stack([h0._value] + hs[:-1]) if isinstance(hs, list) else \
            np.concatenate([h0._value[None].astype(hs.dtype), hs[:-1]])  # incoming outputs
        out[3] = _make(np.matmul(h_prev.reshape(-1, h_prev.shape[-1]).T, flat), dtype)
    if len(inputs) > 4:
        db = None
        if needed[4]:
            db = K.sum_(flat, (0,)) if K.sum_supported(flat, (0,)) else flat.sum(axis=0)
        out.append(None if db is None else _make(db, dtype))
    return tuple(out)


def _vjp_with_ops(inputs, up, reverse, return_sequences):
    """The same gradient written with recorded ops: the forward pass is recomputed from the
    inputs (so its dependence on them is on the tape) and the backward formulas applied with
    ops, for tapes that differentiate the gradient."""
    xz, h0, c0, rk = inputs[:4]
    b = inputs[4] if len(inputs) > 4 else None
    T = xz._value.shape[1]
    order = list(range(T - 1, -1, -1)) if reverse else list(range(T))
    xs = A.unstack(xz, axis=1)
    h, c, hs, cs, acts = h0, c0, [], [], []
    for t in order:
        z = xs[t] + L.matmul(h, rk)
        if b is not None:
            z = z + b
        zi, zf, zc, zo = A.split(z, 4, axis=1)
        ai, af, ac, ao = M.sigmoid(zi), M.sigmoid(zf), M.tanh(zc), M.sigmoid(zo)
        hs.append(h)
        cs.append(c)
        c = af * c + ai * ac
        h = ao * M.tanh(c)
        acts.append((ai, af, ac, ao, c))
    g_seq = A.unstack(up[0], axis=1) if return_sequences else None
    g_next, g_c = up[-2], up[-1]
    dzs, g_r = [None] * T, None
    for k in range(T - 1, -1, -1):
        ai, af, ac, ao, c_k = acts[k]
        gh = g_next if g_seq is None else g_seq[k] + g_next
        tc = M.tanh(c_k)
        g_total = g_c + gh * ao * (1 - tc * tc)
        dz = A.concat([g_total * ac * ai * (1 - ai), g_total * cs[k] * af * (1 - af),
                       g_total * ai * (1 - ac * ac), gh * tc * ao * (1 - ao)], axis=1)
        dzs[order[k]] = dz
        g_c = g_total * af
        g_next = L.matmul(dz, rk, transpose_b=True)
        g_rk = L.matmul(hs[k], dz, transpose_a=True)
        g_r = g_rk if g_r is None else g_r + g_rk
    out = [A.stack(dzs, axis=1), g_next, g_c, g_r]
    if b is not None:
        total = dzs[0]
        for dz in dzs[1:]:
            total = total + dz
        out.append(R.reduce_sum(total, axis=0))
    return tuple(out)
