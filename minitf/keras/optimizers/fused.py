"""One GPU kernel per variable for the optimizer updates (CuPy backend only).

On a GPU an update written as array expressions launches a kernel per operation (about ten for
Adam); for small models the launches are the cost. These elementwise kernels do a whole update
in one launch, with the same formula and order of operations as rules.py (results agree with
the NumPy path to float32 rounding; the compiler may contract a multiply-add). The CPU path
does not use them: its results stay bit-identical to Keras's. Arrays the kernel updates are
its output parameters (CuPy passes them by reference and writes them in place). Inside a
tf.function trace a launch is recorded (``tracing.launch``) and replayed, or captured in the
step's CUDA graph.
"""
from __future__ import annotations

from ... import _backend as B
from ...tracing import launch

_KERNELS: dict = {}


def _kernel(name: str, inputs: str, outputs: str, body: str):
    k = _KERNELS.get(name)
    if k is None:
        k = _KERNELS[name] = B.cupy().ElementwiseKernel(inputs, outputs, body, name)
    return k


def adam(var_arr, g, m, u, alpha, omb1, omb2, eps) -> None:
    k = _kernel("minitf_adam", "T g, T alpha, T omb1, T omb2, T eps", "T var, T m, T u",
            "m += (g - m) * omb1; u += (g * g - u) * omb2; "
            "var -= (m * alpha) / (sqrt(u) + eps)")
    launch(k, g, alpha, omb1, omb2, eps, var_arr, m, u)


def sgd(var_arr, g, lr) -> None:
    launch(_kernel("minitf_sgd", "T g, T lr", "T var", "var -= g * lr"), g, lr, var_arr)


def sgd_momentum(var_arr, g, m, lr, mu, nesterov: bool) -> None:
    body = ("m = m * mu - g * lr; var += m * mu - g * lr" if nesterov
            else "m = m * mu - g * lr; var += m")
    launch(_kernel(f"minitf_sgd_momentum_{int(nesterov)}", "T g, T lr, T mu", "T var, T m",
                   body), g, lr, mu, var_arr, m)


def adam_alpha(iterations, lr, b1, b2):
    """Adam's step size α = lr·√(1 - β2^t) / (1 - β1^t) for t = iterations + 1, in one launch
    (about ten otherwise). β^t is computed in float64 and rounded to the variable's dtype, the
    same operations, in the same order, as the array expressions in rules.py."""
    k = _kernel("minitf_adam_alpha", "int64 it, T lr, float64 b1, float64 b2", "T alpha",
                "double t = (double)(it + 1); T b1p = (T)pow(b1, t); T b2p = (T)pow(b2, t); "
                "alpha = lr * sqrt((T)1 - b2p) / ((T)1 - b1p)")
    return launch(k, iterations, lr, b1, b2, writes=False)
