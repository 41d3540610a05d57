"""Where a minitf training step's GPU time goes: the kernels of a few steps, recorded by
PyTorch's profiler (CUPTI sees every kernel of the process, CuPy's and cuDNN's included),
grouped by name, with launches per step and the host's wall time per step beside it.

    python benchmarks/gpu_profile.py --case {cnn,resnet,lstm,mlp} [--compiled] [--steps 5]
    python benchmarks/gpu_profile.py --case resnet --host     # where the host's Python goes
    python benchmarks/gpu_profile.py --case mlp --compiled --timeline   # the last step's kernels
    python benchmarks/gpu_profile.py --case mlp --compiled --source     # the graph program

``--timeline`` also lists the last step's kernels in the order they started, with start and
end (µs from the step's first kernel) and the stream, to see a traced step's critical path
when its graph runs kernels side by side (``graph_streams.py``).

``--host`` profiles the step's Python with cProfile instead (eager steps are host-bound: the
kernels take a fraction of the wall time) and prints the functions by own time and by
cumulative time.

Needs CuPy and PyTorch on a CUDA machine. The models are those of gpu_cnn.py, gpu_resnet.py
and gpu_rnn.py (batch 128, 128 and 64; float32, no TF32); ``mlp`` is issue 13's mid MLP of
``peers_gpu.py`` (784→512→512→10, batch 512).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)


def build(tf, case: str):
    rng = np.random.default_rng(0)
    L = tf.keras.layers
    if case == "cnn":
        model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1)),
                                     L.Conv2D(32, 3, activation="relu"),
                                     L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                     L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10)])
        x, n = rng.standard_normal((128, 28, 28, 1)), 128
    elif case == "resnet":
        from gpu_resnet import resnet18
        model, x, n = resnet18(tf), rng.standard_normal((128, 32, 32, 3)), 128
    elif case == "mlp":
        model = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                                     L.Dense(512, activation="relu"),
                                     L.Dense(512, activation="relu"), L.Dense(10)])
        x, n = rng.standard_normal((512, 784)), 512
    else:
        model = tf.keras.Sequential([tf.keras.Input(shape=(100, 32)), L.LSTM(256), L.Dense(10)])
        x, n = rng.standard_normal((64, 100, 32)), 64
    return model, tf.constant(x.astype(np.float32)), tf.constant(rng.integers(0, 10, n))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="cnn", choices=["cnn", "resnet", "lstm", "mlp"])
    ap.add_argument("--compiled", action="store_true")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--rows", type=int, default=25)
    ap.add_argument("--host", action="store_true")
    ap.add_argument("--timeline", action="store_true")
    ap.add_argument("--source", action="store_true")
    a = ap.parse_args()
    import torch
    from torch.profiler import ProfilerActivity, profile

    import minitf as tf
    from minitf import _backend
    tf.set_backend("cupy")
    tf.config.experimental.enable_tensor_float_32_execution(False)
    model, x, y = build(tf, a.case)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam(1e-3)
    params = model.trainable_variables

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss
    run = tf.function(step) if a.compiled else step
    run()
    runner = None
    if a.compiled:       # kept here: a runner whose capture failed is dropped from its program
        spec = next(iter(next(iter(run._concrete.values()))._specialisations.values()))
        runner = spec.graph_runner
    for _ in range(9):
        run()
    _backend.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        run()
    _backend.synchronize()
    wall = (time.perf_counter() - t0) / a.steps
    t0 = time.perf_counter()
    for _ in range(a.steps):
        run()
    host = (time.perf_counter() - t0) / a.steps      # the calls return once queued
    _backend.synchronize()
    print(f"host time per call (queued, not waited for): {host * 1e3:.3f} ms")
    if a.host:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(a.steps):
            run()
        _backend.synchronize()
        prof.disable()
        print(f"{a.case} {'tf.function' if a.compiled else 'eager'}: wall {wall * 1e3:.3f} "
              f"ms/step (the profile below covers {a.steps} steps)")
        st = pstats.Stats(prof)
        st.sort_stats("tottime").print_stats(a.rows)
        st.sort_stats("cumulative").print_stats(a.rows)
        return
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(a.steps):
            run()
        _backend.synchronize()
    events = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    total = sum(e.device_time for e in events) / a.steps / 1e3    # device_time: microseconds
    groups: dict = {}
    for e in events:
        g = groups.setdefault(e.name, [0, 0.0])
        g[0] += 1
        g[1] += e.device_time
    print(f"{a.case} {'tf.function' if a.compiled else 'eager'}: wall {wall * 1e3:.3f} ms/step, "
          f"kernel time {total:.3f} ms/step, {len(events) / a.steps:.0f} kernels/step")
    if a.compiled:                 # whether the step replays as one CUDA graph, and if not why
        spec = next(iter(next(iter(run._concrete.values()))._specialisations.values()))
        gr = spec.graph_runner
        print(f"  {spec.program}; CUDA graph: " + ("captured" if gr is not None and gr.graph
                                                     is not None else "none"))
        if runner is not None and runner.reason:
            print(f"  first runner gave up: {runner.reason}")
        elif runner is None:
            print("  no runner was made (host work in the trace, or graphs off)")
        if a.source and gr is not None:
            print(gr.program.source)
    rows = sorted(groups.items(), key=lambda kv: -kv[1][1])[:a.rows]
    for name, (count, us) in rows:
        print(f"  {us / a.steps / 1e3:8.3f} ms  {count / a.steps:6.1f}x  {name[:110]}")
    if a.timeline:
        ordered = sorted(events, key=lambda e: e.time_range.start)
        per = len(events) // a.steps
        last = ordered[-per:]
        t0 = last[0].time_range.start
        prev_end = max(e.time_range.end for e in ordered[:-per]) if len(ordered) > per else t0
        print(f"  the GPU was idle {t0 - prev_end:.1f} µs before the last step's first kernel "
              f"(waiting for the host, or for the graph's launch)")
        print("  start    end  stream  kernel (the last step)")
        for e in last:
            print(f"  {e.time_range.start - t0:6.1f} {e.time_range.end - t0:6.1f}  "
                  f"{getattr(e, 'device_resource_id', getattr(e, 'thread', '?'))!s:>6}  "
                  f"{e.name[:90]}")


if __name__ == "__main__":
    main()
