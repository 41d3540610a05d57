"""The CUDA kernels of a peer's step: ``peers_gpu.py``'s JAX step for a case, recorded by
PyTorch's profiler (CUPTI sees every kernel of the process, XLA's included), grouped by name,
beside the step's wall time. It shows what the peer's GPU does per step, to compare with
``gpu_profile.py --case mlp --compiled`` (minitf's kernels of the same step).

    NVIDIA_TF32_OVERRIDE=0 python3 benchmarks/gpu_profile_peer.py --peers _peers/peers_gpu.py \\
        --case mid

The peer's own timing loop is replaced by one that hands back its step, so the step is the
peer's exactly. Needs JAX, optax and PyTorch on a CUDA machine.
"""
from __future__ import annotations

import argparse
import importlib.util
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", default="_peers/peers_gpu.py")
    ap.add_argument("--case", default="mid")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--rows", type=int, default=25)
    a = ap.parse_args()
    import torch
    from torch.profiler import ProfilerActivity, profile
    spec = importlib.util.spec_from_file_location("peers_gpu", a.peers)
    peers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peers)
    got: dict = {}

    def keep(step, sync, **_):       # in place of the peer's timing loop
        got.update(step=step, sync=sync)
        return 0.0, 0.0, 0.0
    peers.timeit = keep
    batch, dims, loss, opt = peers.CASES[a.case]
    peers.run_jax(batch, dims, loss, opt, False)
    step, sync = got["step"], got["sync"]
    for _ in range(30):
        step()
    sync()
    t0 = time.perf_counter()
    for _ in range(50):
        step()
    sync()
    wall = (time.perf_counter() - t0) / 50
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(a.steps):
            step()
        sync()
    events = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    total = sum(e.device_time for e in events) / a.steps / 1e3
    print(f"jax {a.case}: wall {wall * 1e3:.3f} ms/step, kernel time {total:.3f} ms/step, "
          f"{len(events) / a.steps:.0f} kernels/step")
    groups: dict = {}
    for e in events:
        g = groups.setdefault(e.name, [0, 0.0])
        g[0] += 1
        g[1] += e.device_time
    for name, (count, us) in sorted(groups.items(), key=lambda kv: -kv[1][1])[:a.rows]:
        print(f"  {us / a.steps / 1e3:8.4f} ms  {count / a.steps:5.1f}x  {name[:110]}")


if __name__ == "__main__":
    main()
