"""Host time of single GPU calls, the unit costs behind an eager step's wall time: a cuDNN
convolution through minitf's wrapper and through the bare library call, the wrapper's pieces,
``cupy.matmul`` and CuPy elementwise launches. Each is timed over many calls without a sync
between them, so what is measured is the Python and driver time on the host, not the kernels.

    python benchmarks/gpu_host_costs.py

The convolution is the MNIST CNN's second layer (batch 128, 26×26×32 → 24×24×64, 3×3,
float32, TF32 off). Needs CuPy and cuDNN (minitf/_cudnn.py) on a CUDA machine.
"""
from __future__ import annotations

import ctypes
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def per_call_us(fn, n: int = 2000) -> float:
    import cupy as cp
    fn()
    cp.cuda.Device().synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    elapsed = (time.perf_counter() - t0) / n
    cp.cuda.Device().synchronize()
    return elapsed * 1e6


def main() -> None:
    import cupy as cp

    import minitf as tf
    from minitf import _backend as B
    from minitf import _cudnn as C
    from minitf.ops import _windows as W
    tf.set_backend("cupy")
    B.set_tensor_float_32(False)
    if not C.available():
        sys.exit("cuDNN is not loadable here (see minitf/_cudnn.py)")
    x = cp.random.standard_normal((128, 26, 26, 32)).astype(np.float32)
    w = cp.random.standard_normal((3, 3, 32, 64)).astype(np.float32)
    geo = W.geometry((26, 26), (3, 3), (1, 1), (1, 1), "VALID")
    lib = C._lib[0]
    xshape, extra, pads = C._geometry(x.shape, geo)
    k = cp.ascontiguousarray(w.transpose(3, 0, 1, 2))
    y = cp.empty((128, 24, 24, 64), np.float32)
    d, algo, size = C._plan("fwd", x.dtype, xshape, k.shape, y.shape, pads, geo.strides,
                            geo.dilations, 1)
    ws, h = C._workspace(size), C._handle()
    one, zero = C._scalars(x.dtype)
    args = (h, ctypes.byref(one), d.x, C._ptr(x), d.w, C._ptr(k), d.conv, algo, C._ptr(ws),
            ctypes.c_size_t(size), ctypes.byref(zero), d.y, C._ptr(y))
    a = cp.random.standard_normal((128, 9216)).astype(np.float32)
    b = cp.random.standard_normal((9216, 128)).astype(np.float32)
    rows = [
        ("conv forward, minitf's wrapper (_cudnn.forward)", lambda: C.forward(x, w, geo, 1), 500),
        ("  the bare cudnnConvolutionForward call", lambda: lib.cudnnConvolutionForward(*args),
         500),
        ("  filter HWIO -> KRSC (transpose + copy)",
         lambda: cp.ascontiguousarray(w.transpose(3, 0, 1, 2)), 2000),
        ("  output allocation (cupy.empty)", lambda: cp.empty((128, 24, 24, 64), np.float32),
         2000),
        ("  cached plan lookup (_plan)", lambda: C._plan("fwd", x.dtype, xshape, k.shape,
                                                          y.shape, pads, geo.strides,
                                                          geo.dilations, 1), 2000),
        ("  handle and stream (_handle)", C._handle, 2000),
        ("  workspace allocation", lambda: C._workspace(size), 2000),
        ("cupy.matmul (128x9216 @ 9216x128)", lambda: cp.matmul(a, b), 2000),
        ("cupy.add (elementwise launch)", lambda: cp.add(a, a), 2000),
        ("cupy.maximum with a scalar", lambda: cp.maximum(a, 0), 2000),
    ]
    print(f"host time per call, µs (algorithm {algo}, workspace {size / 2**20:.1f} MB)")
    for label, fn, n in rows:
        print(f"  {label:<50}{per_call_us(fn, n):8.1f}")


if __name__ == "__main__":
    main()
