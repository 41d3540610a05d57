"""Sliding windows over the spatial axes of a channels-last array: the one piece of geometry
that convolutions and pooling share.

A window op sees its (padded) input through *taps*: for each kernel offset ``t`` (row-major
order, the order TF scans a window in), one strided slice of the input holds the element at
offset ``t`` of every window. Stacking the taps gives the im2col array of shape
``(N, *out, K, C)`` (K = taps per window), on which a convolution is one GEMM and a pooling one
reduction; ``col2im`` adds such an array back onto the input (the adjoint of ``patches``). The
loops run over the K taps, never over pixels, and use only NumPy functions, slicing and
``__setitem__``, so one body serves NumPy, CuPy and tf.function traces. Windows that tile the
input (stride = kernel, no dilation: the usual 2×2 max pooling) skip the taps: im2col and
col2im are then one reshape and transpose each.

>>> import numpy as np
>>> g = geometry((4,), (2,), (2,), (1,), "VALID")
>>> g.out, patches(np.arange(4.).reshape(1, 4, 1), g)[0, :, :, 0].tolist()
((2,), [[0.0, 1.0], [2.0, 3.0]])
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from .. import _backend as B


class Geometry(NamedTuple):
    """Where the windows of one op lie: spatial input sizes, kernel sizes, strides,
    dilations, (before, after) zero padding per spatial axis, and the output sizes."""
    sizes: tuple
    kernel: tuple
    strides: tuple
    dilations: tuple
    pads: tuple
    out: tuple

    @property
    def taps(self) -> list:
        return list(itertools.product(*(range(k) for k in self.kernel)))

    @property
    def padded(self) -> tuple:
        return tuple(n + lo + hi for n, (lo, hi) in zip(self.sizes, self.pads))


def out_size(n: int, k: int, s: int, d: int, padding, explicit=(0, 0)) -> tuple:
    """(output size, pad before, pad after) of one spatial axis, TF's rule: VALID keeps the
    windows that fit; SAME gives ceil(n / s) outputs and pads the missing total, the smaller
    half before; EXPLICIT pads as given."""
    span = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        total = max((out - 1) * s + span - n, 0)
        return out, total // 2, total - total // 2
    lo, hi = (0, 0) if padding == "VALID" else explicit
    m = n + lo + hi
    return (max((m - span) // s + 1, 0) if m >= span else 0), lo, hi


def geometry(sizes, kernel, strides, dilations, padding, explicit=None) -> Geometry:
    """The Geometry for ``padding`` 'SAME', 'VALID' or 'EXPLICIT' (``explicit``: pairs)."""
    outs, pads = [], []
    for i, (n, k, s, d) in enumerate(zip(sizes, kernel, strides, dilations)):
        o, lo, hi = out_size(n, k, s, d, padding, explicit[i] if explicit else (0, 0))
        outs.append(o)
        pads.append((lo, hi))
    return Geometry(tuple(sizes), tuple(kernel), tuple(strides), tuple(dilations), tuple(pads),
                    tuple(outs))


def pad(x, geo: Geometry, value=0):
    """``x`` (N, *spatial, C) with the geometry's padding around its spatial axes."""
    if not any(lo or hi for lo, hi in geo.pads):
        return x
    return np.pad(x, ((0, 0),) + geo.pads + ((0, 0),), constant_values=value)


def _tap_slices(tap, geo: Geometry) -> tuple:
    sl = [slice(None)]
    for t, s, d, o in zip(tap, geo.strides, geo.dilations, geo.out):
        start = t * d
        sl.append(slice(start, start + s * (o - 1) + 1 if o else start, s))
    return tuple(sl) + (slice(None),)


def _tiling(geo: Geometry) -> bool:
    """Windows that tile the input without overlap or gaps (stride = kernel, no dilation, as
    in MaxPooling2D's default): im2col and col2im are then one reshape and transpose."""
    return all(s == k for s, k in zip(geo.strides, geo.kernel)) and \
        all(d == 1 for d in geo.dilations) and all(geo.out)


def _tile_perms(n: int) -> tuple:
    """Axis orders between (N, o1, k1, o2, k2, ..., C) and (N, o1, o2, ..., k1, k2, ..., C)."""
    to_cols = (0,) + tuple(1 + 2 * i for i in range(n)) + tuple(2 + 2 * i for i in range(n)) \
        + (2 * n + 1,)
    return to_cols, tuple(int(i) for i in np.argsort(to_cols))


def patches(xp, geo: Geometry):
    """The im2col array (N, *out, K, C) of the padded input ``xp``."""
    if _tiling(geo):
        n = len(geo.kernel)
        used = (slice(None),) + tuple(slice(0, o * k) for o, k in zip(geo.out, geo.kernel)) + \
            (slice(None),)
        split = (xp.shape[0],) + tuple(v for o, k in zip(geo.out, geo.kernel) for v in (o, k)) \
            + (xp.shape[-1],)
        t = xp[used].reshape(split).transpose(_tile_perms(n)[0])
        return t.reshape((xp.shape[0],) + geo.out + (len(geo.taps), xp.shape[-1]))
    return np.stack([xp[_tap_slices(t, geo)] for t in geo.taps], axis=-2)


def col2im(cols, geo: Geometry, dtype):
    """The adjoint of ``patches`` followed by the crop of the padding: each tap's slice of
    ``cols`` (N, *out, K, C) is added where it was read from, and the unpadded part returned."""
    n, c = cols.shape[0], cols.shape[-1]
    if _tiling(geo):      # each input element in at most one window: a reshape, zeros beyond
        split = (n,) + geo.out + geo.kernel + (c,)
        t = cols.reshape(split).transpose(_tile_perms(len(geo.kernel))[1])
        t = t.reshape((n,) + tuple(o * k for o, k in zip(geo.out, geo.kernel)) + (c,))
        rest = tuple((0, m - o * k) for m, o, k in zip(geo.padded, geo.out, geo.kernel))
        buf = np.pad(t, ((0, 0),) + rest + ((0, 0),)) if any(r for _, r in rest) else t
    else:
        buf = B.zeros((n,) + geo.padded + (c,), dtype, like_array=cols)
        for i, tap in enumerate(geo.taps):
            sl = _tap_slices(tap, geo)
            buf[sl] = buf[sl] + cols[..., i, :]
    crop = (slice(None),) + tuple(slice(lo, lo + m) for (lo, _), m in
                                  zip(geo.pads, geo.sizes)) + (slice(None),)
    return buf[crop]
