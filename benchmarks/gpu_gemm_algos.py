"""The matrix products of issue 13's MLP steps, one by one: cuBLAS's ``cublasSgemm`` (what a
traced step's CUDA graph called before) against cuBLASLt with its first-ranked algorithm and
with the fastest of its candidates (``_cublaslt.py`` beside this script), and the Dense layer's
bias/relu as a cuBLASLt epilogue against the separate kernel. fp32 without TF32.

Each variant is captured ``--reps`` times into one CUDA graph, which is replayed; the time is
per product, as a replayed traced step sees it (no host launch cost).

    python3 benchmarks/gpu_gemm_algos.py --case mid
    python3 benchmarks/gpu_gemm_algos.py --case big --reps 5
    python3 benchmarks/gpu_gemm_algos.py --case mid --small     # the small-side kernels only

``--small``: the products with a side of at most 16 (the classifier layer's), by minitf's own
kernels (``_kernels.matmul``) against ``cublasSgemm``.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def products(case: str):
    """(name, a shape, b shape, a transposed?, b transposed?, epilogue) of one training step of
    the Dense MLP: forward x@W, backward g@Wᵀ and xᵀ@g, as the traced step computes them."""
    batch, dims = {"mid": (512, [784, 512, 512, 10]), "big": (4096, [1024, 4096, 4096, 10]),
                   "tutorial": (32, [8, 30, 1])}[case]
    out = []
    for i, (fi, fo) in enumerate(zip(dims, dims[1:])):
        relu = i < len(dims) - 2
        out.append((f"fwd{i} x@W", (batch, fi), (fi, fo), False, False,
                    "relu_bias" if relu else "bias"))
        if i:
            out.append((f"bwd{i} g@Wt", (batch, fo), (fo, fi), False, True, None))
        out.append((f"bwd{i} xt@g", (fi, batch), (batch, fo), True, False, None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="mid", choices=["mid", "big", "tutorial"])
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--launches", type=int, default=20)
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    import cupy as cp
    import minitf as tf
    tf.set_backend("cupy")
    from minitf import _kernels as K
    import _cublaslt as cublaslt          # (beside this script)
    from minitf.function import cuda_graphs
    from cupy_backends.cuda.libs import cublas

    handle = cp.cuda.device.get_cublas_handle()
    stream = cp.cuda.Stream(non_blocking=False)
    rng = cp.random.default_rng(0)

    def operand(shape, transposed):
        if transposed:      # a transposed view (Fortran order), as x.T in the backward pass
            return rng.standard_normal(shape[::-1], dtype=cp.float32).T
        return rng.standard_normal(shape, dtype=cp.float32)

    def timed(fn) -> float:
        """µs per call of fn, replayed from a CUDA graph of args.reps calls."""
        with stream:
            cublas.setStream(handle, stream.ptr)
            cuda_graphs._HANDLES[stream.ptr] = handle
            try:
                fn()                             # tunes / warms up outside the capture
                stream.synchronize()
                stream.begin_capture()
                try:
                    for _ in range(args.reps):
                        fn()
                finally:
                    graph = stream.end_capture()
            finally:
                cuda_graphs._HANDLES.clear()
            graph.launch(stream)
            stream.synchronize()
            start, end = cp.cuda.Event(), cp.cuda.Event()
            start.record(stream)
            for _ in range(args.launches):
                graph.launch(stream)
            end.record(stream)
            end.synchronize()
        return cp.cuda.get_elapsed_time(start, end) * 1e3 / (args.launches * args.reps)

    os.environ.setdefault("NVIDIA_TF32_OVERRIDE", "0")
    tf.config.experimental.enable_tensor_float_32_execution(False)
    if args.small:
        print(f"case {args.case}: µs per product, replayed from CUDA graphs; fp32, no TF32")
        print(f"{'product':14s} {'shapes':24s} {'kernel':>7s} {'sgemm':>8s} {'minitf':>8s} "
              f"{'relerr sgemm':>12s} {'relerr minitf':>13s}")
        for name, sa, sb, ta, tb, _ in products(args.case):
            a, b = operand(sa, ta), operand(sb, tb)
            kind = K.matmul_kind(a, b)
            if kind is None:
                continue
            ref = cp.matmul(a.astype(cp.float64), b.astype(cp.float64))
            scale = float(cp.abs(ref).max())
            t_sgemm = timed(lambda: cuda_graphs._gemm(a, b, cp.empty((sa[0], sb[1]),
                                                                     cp.float32)))
            t_mine = timed(lambda: K.matmul(a, b))
            with stream:
                cuda_graphs._HANDLES[stream.ptr] = handle
                try:
                    e1 = float(cp.abs(cuda_graphs._gemm(a, b, cp.empty((sa[0], sb[1]),
                                                                       cp.float32))
                                      - ref).max()) / scale
                finally:
                    cuda_graphs._HANDLES.clear()
                e2 = float(cp.abs(K.matmul(a, b) - ref).max()) / scale
            print(f"{name:14s} {str(sa) + 'x' + str(sb):24s} {kind:>7s} {t_sgemm:8.2f} "
                  f"{t_mine:8.2f} {e1:12.1e} {e2:13.1e}")
        return
    rows = []
    totals = {"sgemm": 0.0, "lt_first": 0.0, "lt_tuned": 0.0, "sep_epi": 0.0, "lt_epi": 0.0}
    for name, sa, sb, ta, tb, epi in products(args.case):
        a, b = operand(sa, ta), operand(sb, tb)
        bias = rng.standard_normal((sb[1],), dtype=cp.float32)
        ref = cp.matmul(a.astype(cp.float64), b.astype(cp.float64))
        t_sgemm = timed(lambda: cuda_graphs._gemm(a, b, cp.empty((sa[0], sb[1]), cp.float32)))
        with stream:
            c = cublaslt.matmul(a, b)                 # plans and tunes
        key = next(k for k in cublaslt._PLANS if k[:3] == (sa[0], sb[1], sa[1]) and k[-1] is None)
        plan = cublaslt._PLANS[key]
        err = float(cp.abs(c - ref).max() / cp.abs(ref).max())
        out = cp.empty((sa[0], sb[1]), cp.float32)
        t_first = timed(lambda: plan.run(a, b, out, algo=0))
        t_tuned = timed(lambda: plan.run(a, b, out))
        row = [name, f"{sa}x{sb}", len(plan.algos), plan.best, t_sgemm, t_first, t_tuned, err]
        totals["sgemm"] += t_sgemm
        totals["lt_first"] += t_first
        totals["lt_tuned"] += t_tuned
        if epi is not None:
            relu = epi == "relu_bias"

            def separate():
                v = cuda_graphs._gemm(a, b, cp.empty((sa[0], sb[1]), cp.float32))
                K.bias_act_(v, bias, relu)
            t_sep = timed(separate)
            with stream:
                ce = cublaslt.matmul(a, b, bias, epi)
                want = cp.matmul(a, b)
                want += bias
                if relu:
                    cp.maximum(want, 0, out=want)
            ekey = next(k for k in cublaslt._PLANS if k[:3] == (sa[0], sb[1], sa[1]) and
                        k[-1] == epi)
            eplan = cublaslt._PLANS[ekey]
            t_epi = timed(lambda: eplan.run(a, b, out, bias))
            eerr = float(cp.abs(ce - want).max() / cp.abs(want).max())
            row += [t_sep, t_epi, eerr]
            totals["sep_epi"] += t_sep
            totals["lt_epi"] += t_epi
        rows.append(row)
    print(f"case {args.case}: µs per product, replayed from CUDA graphs; fp32, no TF32; "
          f"{cublaslt.CANDIDATES} candidates asked")
    print(f"{'product':14s} {'shapes':24s} {'algos':>5s} {'best':>4s} {'sgemm':>8s} "
          f"{'Lt 1st':>8s} {'Lt tuned':>8s} {'relerr':>8s} | {'gemm+bias_act':>13s} "
          f"{'Lt epilogue':>11s} {'relerr':>8s}")
    for r in rows:
        line = (f"{r[0]:14s} {r[1]:24s} {r[2]:5d} {r[3]!s:>4s} {r[4]:8.2f} {r[5]:8.2f} "
                f"{r[6]:8.2f} {r[7]:8.1e}")
        if len(r) > 8:
            line += f" | {r[8]:13.2f} {r[9]:11.2f} {r[10]:8.1e}"
        print(line)
    print("totals (µs): " + ", ".join(f"{k} {v:.2f}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
