"""Optimizer updates on the GPU: one kernel launch for all of a step's variables (CuPy only).

On a GPU an update written as array expressions launches a kernel per operation (about ten for
Adam, per variable); for small models the launches are the cost. Here a step's updates are
queued (``queue``) while ``apply_gradients`` visits the variables and launched together at the
end (``flush``): one kernel whose blocks are spread over the variables (``blockIdx.y`` picks the
variable), each thread updating its elements (four floats or two doubles at a time, loaded and
stored as one 16-byte vector when the arrays are aligned: the update is bound by memory
traffic) with the same formula and order of operations as
rules.py (results agree with the NumPy path to float32 rounding; the compiler may contract a
multiply-add). Adam's step size α = lr·√(1 - β2^t)/(1 - β1^t) is computed in the kernel from
the step counter, in float64 then rounded, as rules.py does. The CPU path does not use these
kernels: its results stay bit-identical to Keras's.

Inside a tf.function trace the launch is recorded (``_backend.record_call``) and replayed, or
captured in the step's CUDA graph.
"""
from __future__ import annotations

import numpy as np

from ... import _backend as B
from .sliced_gradient import SlicedGradient

_MAX_TENSORS = 32       # per launch (kernel parameters are limited to a few kilobytes)
_THREADS = 256

# kind: (per-tensor arrays, which of them the kernel writes, shared scalar parameters,
#        preamble that computes the step's rate (named by the last field) once per block,
#        per-element body over the tensor's arrays at [i], the rate's name)
_KINDS = {
    "adam": (("var", "g", "m", "u"), ("var", "m", "u"),
             "const long long* it, const T* lr, double b1, double b2, T omb1, T omb2, T eps",
             "double t = (double)(it[0] + 1); T b1p = (T)pow(b1, t); T b2p = (T)pow(b2, t);\n"
             "        T alpha = lr[0] * sqrt((T)1 - b2p) / ((T)1 - b1p);",
             "T gi = g[i]; T mi = m[i]; T ui = u[i];\n"
             "        mi += (gi - mi) * omb1; ui += (gi * gi - ui) * omb2;\n"
             "        m[i] = mi; u[i] = ui; var[i] -= (mi * alpha) / (sqrt(ui) + eps);",
             "alpha"),
    "sgd": (("var", "g"), ("var",), "const T* lr", "T rate = lr[0];",
            "var[i] -= g[i] * rate;", "rate"),
    "sgd_momentum": (("var", "g", "m"), ("var", "m"), "const T* lr, T mu", "T rate = lr[0];",
                     "T mi = m[i] * mu - g[i] * rate; m[i] = mi; var[i] += mi;", "rate"),
    "sgd_nesterov": (("var", "g", "m"), ("var", "m"), "const T* lr, T mu", "T rate = lr[0];",
                     "T mi = m[i] * mu - g[i] * rate; m[i] = mi;\n"
                     "        var[i] += mi * mu - g[i] * rate;", "rate"),
    # plain RMSprop (not centered, no momentum), in rules.py's order of operations
    "rmsprop": (("var", "g", "v"), ("var", "v"), "const T* lr, T rho, T omrho, T eps",
                "T rate = lr[0];",
                "T gi = g[i]; T vi = rho * v[i] + omrho * (gi * gi); v[i] = vi;\n"
                "        var[i] -= (rate * gi) / sqrt(vi + eps);", "rate"),
}
_C_TYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
_KERNELS: dict = {}


def _source(kind: str, count: int, ctype: str) -> str:
    arrays, written, scalars, preamble, body, rate = _KINDS[kind]
    params = [scalars]
    cases = []
    for k in range(count):
        params += [f"{'' if a in written else 'const '}T* {a}{k}" for a in arrays]
        params.append(f"long long n{k}")
        picks = " ".join(f"{a} = {a}{k};" for a in arrays)
        cases.append(f"case {k}: {picks} n = n{k}; break;")
    decls = " ".join(f"{'' if a in written else 'const '}T* {a} = 0;" for a in arrays)
    nl = "\n        "
    # The vector loop: the same body on W elements loaded and stored whole (registers named
    # <array>_l, indexed by e), for tensors whose arrays are all 16-byte aligned.
    vbody = body
    for a in arrays:
        vbody = vbody.replace(f"{a}[i]", f"{a}_l[e]")
    aligned = " | ".join(f"(unsigned long long){a}" for a in arrays)
    vloads = " ".join(f"V {a}_v = reinterpret_cast<const V*>({a})[j]; T* {a}_l = (T*)&{a}_v;"
                      for a in arrays)
    vstores = " ".join(f"reinterpret_cast<V*>({a})[j] = {a}_v;" for a in written)
    vec = "float4" if ctype == "float" else "double2"
    width = 4 if ctype == "float" else 2
    return f"""#define T {ctype}
#define V {vec}
#define W {width}
extern "C" __global__ void minitf_{kind}_{count}({", ".join(params)}) {{
    {decls} long long n = 0;
    switch (blockIdx.y) {{
        {nl.join(cases)}
    }}
    // A block past its tensor's end leaves at once (the grid is sized for the largest tensor,
    // so a bias's blocks are nearly all idle); all its threads leave together.
    if ((long long)blockIdx.x * blockDim.x >= n) return;
    // The rate is the same for every element: one thread per block computes it (Adam's two
    // float64 powers, which cost more than the update itself when every thread made them).
    __shared__ T shared_rate;
    if (threadIdx.x == 0) {{
        {preamble}
        shared_rate = {rate};
    }}
    __syncthreads();
    const T {rate} = shared_rate;
    long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long done = 0;
    // Whole vectors first (one 16-byte load or store per array and W elements: the update
    // is bound by memory traffic), then what is left element by element; each element's
    // arithmetic is the same either way.
    if ((({aligned}) & 15) == 0) {{
        done = n / W * W;
        for (long long j = first; j < n / W; j += stride) {{
            {vloads}
            #pragma unroll
            for (int e = 0; e < W; e++) {{
                {vbody}
            }}
            {vstores}
        }}
    }}
    for (long long i = done + first; i < n; i += stride) {{
        {body}
    }}
}}
"""


def _kernel(kind: str, count: int, dtype):
    key = (kind, count, dtype)
    k = _KERNELS.get(key)
    if k is None:
        k = _KERNELS[key] = B.cupy().RawKernel(_source(kind, count, _C_TYPES[dtype]),
                                               f"minitf_{kind}_{count}")
    return k


def _run(kind, count, n_scalars, *args):
    """Launch ``kind``'s kernel: ``args`` are the shared scalars, then each tensor's arrays."""
    scalars, rest = args[:n_scalars], args[n_scalars:]
    per = len(_KINDS[kind][0])
    cp = B.cupy()
    params, longest = [], 1
    for decl, s in zip(_KINDS[kind][2].split(","), scalars):
        if "*" in decl and type(s) is not cp.ndarray:    # a host scalar (a scheduled rate)
            s = cp.asarray(s, np.int64 if "long long" in decl else rest[0].dtype)
        params.append(s)
    names, written = _KINDS[kind][0], _KINDS[kind][1]
    strided = []        # (array, its C-ordered stand-in): the kernel indexes memory flatly
    for k in range(count):
        group = list(rest[k * per:(k + 1) * per])
        for j, a in enumerate(group):
            if not a.flags.c_contiguous:        # e.g. a gradient computed as a transposed view
                group[j] = cp.ascontiguousarray(a)
                if names[j] in written:
                    strided.append((a, group[j]))
        params += group
        params.append(np.int64(group[0].size))
        longest = max(longest, group[0].size)
    width = 16 // rest[0].itemsize          # elements of one vector (see _source)
    blocks = min((longest // width + _THREADS) // _THREADS, 1024)
    _kernel(kind, count, rest[0].dtype)((blocks, count), (_THREADS,), tuple(params))
    for a, c in strided:
        a[...] = c


def supported(var_arr, g=None) -> bool:
    """Whether the variable's update can join the step's launch: a GPU array of a kernel dtype
    with a dense gradient (a ``SlicedGradient`` takes the rule's array expressions, which keep
    repeated rows apart as Keras does)."""
    return B.is_device_array(var_arr) and var_arr.dtype in _C_TYPES and \
        not isinstance(g, SlicedGradient)


def queue(pending: dict, kind: str, scalars: tuple, *arrays) -> None:
    """Add one variable's update to the step's batch (``pending``, kept by the optimizer for
    the step); ``scalars`` must be the same for every variable of the batch."""
    key = (kind, arrays[0].dtype)
    batch = pending.get(key)
    if batch is None:
        batch = pending[key] = (scalars, [])
    batch[1].append(arrays)


def flush(pending: dict) -> None:
    """Launch every queued update: one kernel per kind and dtype (per 32 variables)."""
    for (kind, _), (scalars, groups) in pending.items():
        names, written = _KINDS[kind][0], _KINDS[kind][1]
        for start in range(0, len(groups), _MAX_TENSORS):
            chunk = groups[start:start + _MAX_TENSORS]
            flat = [a for group in chunk for a in group]
            writes = [a for group in chunk for name, a in zip(names, group) if name in written]
            B.record_call(_run, kind, len(chunk), len(scalars), *scalars, *flat, mutates=writes)
    pending.clear()
