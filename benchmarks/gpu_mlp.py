"""GPU training steps: minitf (CuPy backend) vs PyTorch eager vs JAX jit, side by side in one
run, fp32 without TF32. Needs a CUDA device, CuPy, and (for the peers) PyTorch and JAX.

    python benchmarks/gpu_mlp.py [--steps 50] [--flat-steps 10000]

Cases (one step = forward, loss, gradient, optimizer update):
  big       batch 4096, 1024→4096→4096→10, sparse CE, Adam
  mid       batch 512,  784→512→512→10,   sparse CE, Adam
  tutorial  batch 32,   8→30→1,           MSE,       SGD
Prints ms/step (median of 5 timed blocks after warm-up), steps/s ratios, achieved TFLOP/s for
the matmuls, and peak GPU memory; --flat-steps checks that memory stays flat over a long run.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from _common import keras_training_step, mlp_init, timeit  # noqa: E402

CASES = {"big": ((1024, 4096, 4096, 10), 4096, "ce"), "mid": ((784, 512, 512, 10), 512, "ce"),
         "tutorial": ((8, 30, 1), 32, "mse")}


init = mlp_init


def flops(sizes, batch):
    return sum(6 * batch * a * b for a, b in zip(sizes[:-1], sizes[1:])) - 2 * batch * sizes[0] * sizes[1]


def time_steps(step, sync, steps):
    return timeit(step, steps, 5, sync)


def minitf_fn_case(sizes, batch, kind):
    """minitf's step under tf.function: traced once, replayed as a captured CUDA graph."""
    return minitf_case(sizes, batch, kind, traced=True)


def minitf_case(sizes, batch, kind, traced=False):
    import gc

    import minitf as tf
    from minitf import _backend
    tf.set_backend("cupy")
    # fp32 as the peers run (minitf, like TF, lets float32 matmuls use TF32 by default)
    tf.config.experimental.enable_tensor_float_32_execution(False)
    gc.collect()
    _backend.cupy().get_default_memory_pool().free_all_blocks()   # count this case alone
    ws, x, y = init(sizes, batch, kind)
    step = keras_training_step(tf, sizes, ws, x, y, kind, compiled=traced)
    pool = _backend.cupy().get_default_memory_pool()
    # Reserved memory for both caching allocators (CuPy's pool total, torch's max reserved).
    return step, _backend.synchronize, lambda: pool.total_bytes(), lambda: pool.used_bytes()


def torch_case(sizes, batch, kind):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    ws, x, y = init(sizes, batch, kind)
    dev = "cuda"
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = torch.nn.Linear(a, b).to(dev)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(ws[2 * i].T))
            lin.bias.copy_(torch.from_numpy(ws[2 * i + 1]))
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    X = torch.from_numpy(x).to(dev)
    if kind == "mse":
        Y = torch.from_numpy(y).to(dev)
        loss_fn, opt = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01)
    else:
        Y = torch.from_numpy(y).to(dev)
        loss_fn = torch.nn.CrossEntropyLoss()
        opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(X), Y).backward()
        opt.step()
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    return step, torch.cuda.synchronize, torch.cuda.max_memory_reserved, \
        torch.cuda.memory_allocated


def jax_case(sizes, batch, kind):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_default_matmul_precision", "highest")
    ws, x, y = init(sizes, batch, kind)
    params = [jnp.asarray(w) for w in ws]
    X, Y = jnp.asarray(x), jnp.asarray(y)

    def loss_fn(p):
        h = X
        for i in range(0, len(p) - 2, 2):
            h = jax.nn.relu(h @ p[i] + p[i + 1])
        out = h @ p[-2] + p[-1]
        if kind == "mse":
            return jnp.mean((out - Y) ** 2)
        logp = jax.nn.log_softmax(out)
        return -jnp.mean(jnp.take_along_axis(logp, Y[:, None], 1))

    if kind == "mse":
        @jax.jit
        def update(p, state):
            g = jax.grad(loss_fn)(p)
            return [w - 0.01 * gw for w, gw in zip(p, g)], state
        state = None
    else:
        @jax.jit
        def update(p, state):
            m, v, t = state
            g = jax.grad(loss_fn)(p)
            t = t + 1
            a = 0.001 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            m = [mi + (gi - mi) * 0.1 for mi, gi in zip(m, g)]
            v = [vi + (gi * gi - vi) * 0.001 for vi, gi in zip(v, g)]
            p = [w - mi * a / (jnp.sqrt(vi) + 1e-7) for w, mi, vi in zip(p, m, v)]
            return p, (m, v, t)
        state = ([jnp.zeros_like(w) for w in params], [jnp.zeros_like(w) for w in params],
                 jnp.float32(0))
    box = [params, state]

    def step():
        box[0], box[1] = update(box[0], box[1])

    def sync():
        jax.block_until_ready(box[0])
    dev = jax.devices()[0]
    peak = lambda: (dev.memory_stats() or {}).get("peak_bytes_in_use", 0)  # noqa: E731
    return step, sync, peak, lambda: 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--flat-steps", type=int, default=0)
    ap.add_argument("--cases", default="big,mid,tutorial")
    args = ap.parse_args()
    import cupy
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    print(f"device: {name}; fp32 matmuls, TF32 off")
    rows = []
    for case in args.cases.split(","):
        sizes, batch, kind = CASES[case]
        res = {}
        for fw, make in (("minitf", minitf_case), ("minitf fn", minitf_fn_case),
                         ("torch", torch_case), ("jax", jax_case)):
            try:
                step, sync, peak, _ = make(sizes, batch, kind)
                n = args.steps if case != "big" else max(5, args.steps // 5)
                res[fw] = (time_steps(step, sync, n), peak())
            except Exception as e:  # noqa: BLE001 - a missing peer is reported, not fatal
                print(f"{fw} failed on {case}: {type(e).__name__}: {e}")
            step = sync = peak = None        # release this case's memory before the next
            import gc
            gc.collect()
            cupy.get_default_memory_pool().free_all_blocks()
        rows.append((case, sizes, batch, res))
    print("memory: reserved by each caching allocator after the run")
    print(f"\n{'case':<10}{'minitf ms':>11}{'fn ms':>9}{'torch ms':>10}{'jax ms':>9}"
          f"{'vs torch':>10}{'fn vs torch':>12}{'fn vs jax':>10}{'minitf TFLOP/s':>16}"
          f"{'mem minitf/torch':>18}")
    for case, sizes, batch, res in rows:
        m = res.get("minitf", (np.nan, 0))
        mf = res.get("minitf fn", (np.nan, 0))
        t = res.get("torch", (np.nan, 0))
        j = res.get("jax", (np.nan, 0))
        tflops = flops(sizes, batch) / m[0] / 1e12
        mem = m[1] / t[1] if t[1] else np.nan
        print(f"{case:<10}{m[0] * 1e3:>11.3f}{mf[0] * 1e3:>9.3f}{t[0] * 1e3:>10.3f}"
              f"{j[0] * 1e3:>9.3f}{t[0] / m[0]:>9.2f}×{t[0] / mf[0]:>11.2f}×"
              f"{j[0] / mf[0]:>9.2f}×{tflops:>16.1f}{mem:>17.2f}×")
    print("(vs torch / vs jax: minitf's steps/s relative to the peer's; above 1 is faster; "
          "fn = minitf under tf.function, replayed as a CUDA graph)")
    if args.flat_steps:
        step, sync, _, used = minitf_case(*CASES["tutorial"])
        for _ in range(100):
            step()
        sync()
        before = used()
        for _ in range(args.flat_steps):
            step()
        sync()
        print(f"memory over {args.flat_steps} tutorial steps: {before} -> {used()} bytes in use")


if __name__ == "__main__":
    main()
