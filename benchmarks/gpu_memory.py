"""Live GPU memory of one big-MLP training step (batch 4096, 1024→4096→4096→10, Adam), minitf
(CuPy) vs PyTorch: bytes in use after the forward pass, after the backward pass (the high
point: activations and gradients both alive), and after the update; plus each caching
allocator's reserved total. Run where gpu_mlp.py runs."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from gpu_mlp import CASES, init  # noqa: E402


def mb(n):
    return f"{n / 2**20:8.1f} MB"


def minitf_phases():
    import minitf as tf
    from minitf import _backend
    tf.set_backend("cupy")
    pool = _backend.cupy().get_default_memory_pool()
    sizes, batch, _ = CASES["big"]
    ws, x, y = init(sizes, batch, "ce")
    model = tf.keras.Sequential([tf.keras.Input(shape=(sizes[0],))] + [
        tf.keras.layers.Dense(n, activation="relu" if i < len(sizes) - 2 else None)
        for i, n in enumerate(sizes[1:])])
    model.set_weights(ws)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam(0.001)
    X, Y = tf.constant(x), tf.constant(y)
    params = model.trainable_variables
    out = {}
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = loss_fn(Y, model(X, training=True))
        _backend.synchronize()
        out["after forward"] = pool.used_bytes()
        grads = tape.gradient(loss, params)
        _backend.synchronize()
        out["after backward"] = pool.used_bytes()
        opt.apply_gradients(zip(grads, params))
        del grads, loss, tape
        _backend.synchronize()
        out["after update"] = pool.used_bytes()
    out["reserved"] = pool.total_bytes()
    return out


def torch_phases():
    import torch
    sizes, batch, _ = CASES["big"]
    ws, x, y = init(sizes, batch, "ce")
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b).cuda())
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    X, Y = torch.from_numpy(x).cuda(), torch.from_numpy(y).cuda()
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    out = {}
    for _ in range(3):
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(X), Y)
        torch.cuda.synchronize()
        out["after forward"] = torch.cuda.memory_allocated()
        loss.backward()
        torch.cuda.synchronize()
        out["after backward"] = torch.cuda.memory_allocated()
        opt.step()
        torch.cuda.synchronize()
        out["after update"] = torch.cuda.memory_allocated()
    out["reserved"] = torch.cuda.memory_reserved()
    out["peak allocated"] = torch.cuda.max_memory_allocated()
    return out


if __name__ == "__main__":
    m, t = minitf_phases(), torch_phases()
    print(f"{'big MLP, live bytes':<22}{'minitf':>12}{'PyTorch':>12}{'ratio':>8}")
    for k in ("after forward", "after backward", "after update", "reserved"):
        print(f"{k:<22}{mb(m[k]):>12}{mb(t[k]):>12}{m[k] / t[k]:>7.2f}×")
    print(f"PyTorch peak allocated {mb(t['peak allocated'])}")
