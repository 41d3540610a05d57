"""Activation functions by name (``Dense(..., activation="relu")``).

``softmax`` and ``sigmoid`` remember their input: the probability tensor they return carries the
logits, and the cross-entropy losses use those logits instead of the probabilities (no clipping),
exactly as Keras does. Any further op returns a plain tensor and forgets them.

>>> import minitf as tf
>>> tf.keras.activations.get("relu")(tf.constant([-1., 2.])).numpy().tolist()
[0.0, 2.0]
"""
from __future__ import annotations


from .. import ops as _ops  # noqa: F401
from ..ops import math_ops as M
from ..ops import nn_ops as N
from ..ops.array_ops import zeros_like
from ..tensor import Tensor, convert_to_tensor
from . import _lookup


class _WithLogits(Tensor):
    """A probability tensor that remembers the logits it came from."""
    __slots__ = ("_keras_logits",)


def _attach_logits(probs: Tensor, logits: Tensor) -> Tensor:
    out = object.__new__(_WithLogits)
    out._value, out._dtype, out._id = probs._value, probs._dtype, probs._id
    out._keras_logits = logits
    return out


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras's relu: ``max(x, 0)``; with ``threshold``, x only where x > threshold (0 at the
    threshold itself); with ``max_value``, clipped to [0, max_value]; with ``negative_slope``,
    ``negative_slope · (x - threshold)`` added below the threshold. Keras builds it from
    TF's relu, relu6, where and clip in that order, so its zeros are +0.0 and its gradients at
    the kinks are those ops' conventions; this follows the same steps.

    >>> import minitf as tf
    >>> tf.keras.activations.relu([-1.0, 2.0, 9.0]).numpy()
    array([0., 2., 9.], dtype=float32)
    >>> tf.keras.activations.relu([0.5, 1.0, 7.0], max_value=6.0, threshold=0.5).numpy()
    array([0., 1., 6.], dtype=float32)"""
    x = convert_to_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return N.leaky_relu(x, alpha=negative_slope)
        below = N.relu(-x + threshold) if threshold != 0 else N.relu(-x)
    clip = max_value is not None
    if threshold != 0:
        y = M.where(M.greater(x, convert_to_tensor(threshold, x.dtype)), x, zeros_like(x))
    elif max_value == 6:
        y, clip = N.relu6(x), False
    else:
        y = N.relu(x)
    if clip:
        y = M.clip_by_value(y, convert_to_tensor(0.0, x.dtype),
                            convert_to_tensor(max_value, x.dtype))
    if negative_slope != 0.0:
        y = y - negative_slope * below
    return y


def sigmoid(x):
    """``1 / (1 + exp(-x))``, elementwise."""
    x = convert_to_tensor(x)
    return _attach_logits(M.sigmoid(x), x)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``: each slice becomes a probability
    distribution (computed stably, shifting by the maximum)."""
    x = convert_to_tensor(x)
    return _attach_logits(N.softmax(x, axis=axis), x)


def tanh(x):
    """Hyperbolic tangent, elementwise."""
    return M.tanh(x)


def softplus(x):
    """``log(1 + exp(x))``, a smooth relu, elementwise."""
    return M.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``, elementwise."""
    return N.softsign(x)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    x = convert_to_tensor(x)
    y = N.elu(x)
    return y if alpha == 1.0 else M.where(M.greater(x, 0), y, alpha * y)


def selu(x):
    """Scaled ELU with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507)."""
    return N.selu(x)


def exponential(x):
    """``exp(x)``, elementwise."""
    return M.exp(x)


def swish(x):
    """Swish / SiLU: ``x * sigmoid(x)``."""
    return N.silu(x)


silu = swish


def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate=True`` uses the tanh formula."""
    return N.gelu(x, approximate=approximate)


def linear(x):
    """The identity: returns ``x`` unchanged (the activation ``None`` means)."""
    return x


def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed stably as ``x - logsumexp(x)``."""
    return N.log_softmax(x, axis=axis)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, else ``negative_slope * x`` (Keras 3's default slope 0.2)."""
    return N.leaky_relu(x, negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``, elementwise."""
    return N.relu6(x)


def hard_sigmoid(x):
    """Keras 3's piecewise-linear sigmoid, 0 below -3, 1 above 3, ``x/6 + 1/2`` between,
    computed as Keras computes it on TF: ``relu6(x + 3) / 6`` (so -1 gives float32's
    0.33333334, and the gradient at ±3 is relu6's, 0).

    >>> import minitf as tf
    >>> tf.keras.activations.hard_sigmoid([-4.0, -1.0, 4.0]).numpy()
    array([0.        , 0.33333334, 1.        ], dtype=float32)"""
    x = convert_to_tensor(x)
    return N.relu6(x + convert_to_tensor(3.0, x.dtype)) / convert_to_tensor(6.0, x.dtype)


_ALL = {f.__name__: f for f in (relu, sigmoid, softmax, tanh, softplus, softsign, elu, selu,
                                exponential, swish, gelu, linear, log_softmax, leaky_relu,
                                relu6, hard_sigmoid)}
_ALL["silu"] = swish


def get(identifier):
    """An activation from a name, a callable, or None (``linear``), as Keras's
    ``keras.activations.get``."""
    return _lookup.get("activation function", identifier, by_name=_ALL, base=None, none=linear)


def serialize(activation) -> str:
    """The registered name of an activation function (``'relu'``), as Keras stores it in a
    layer config."""
    for name, fn in _ALL.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", str(activation))


def deserialize(name):
    """The activation function for a name, as ``get`` does."""
    return get(name)


