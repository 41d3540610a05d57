"""Neural-network ops (``tf.nn``): activations, softmax, cross-entropies.

Kinks follow TF's kernels: relu'(0) = 0, relu6' is 0 at 0 and 6, leaky_relu'(0) = alpha,
elu'(0) = 1, selu'(0) = scale. The cross-entropy gradients are TF's fused ones:
``softmax(logits) - labels`` (even for labels that do not sum to 1).

>>> import minitf as tf
>>> logits = tf.constant([[1., 2., 3.]])
>>> loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2], logits=logits)
>>> round(float(loss[0]), 6)   # log(e + e² + e³) - 3
0.407606
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _kernels as K
from .. import dtypes
from ..errors import invalid_argument
from . import array_ops as A
from . import math_ops as M
from . import reduction_ops as R
from ._registry import (TAPES, Tensor, _make, axis_index, floating, is_variable, match2,
                        not_allowed, numeric, record, tensor)
from .math_ops import sigmoid, softplus, tanh  # noqa: F401  (tf.nn.sigmoid etc.)

_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def relu(features, name=None) -> Tensor:
    """``max(features, 0)`` elementwise; the gradient at exactly 0 is 0, as in TF."""
    x = numeric("Relu", features)
    z = _make(np.maximum(x._value, 0), x._dtype)
    if TAPES.recording:
        record("Relu", (x,), z, (lambda g: _relu_grad(g, z),))
    return z


def dense(x, kernel, bias=None, relu: bool = False) -> Tensor:
    """``relu(x @ kernel + bias)`` (or without relu) as one recorded op: the same arithmetic as
    the three ops, but the tape keeps one array instead of three, and on a GPU the bias and relu
    are one kernel. Its VJPs are matmuls and the relu mask, written with ops as usual."""
    # A layer's weights are Variables: read them here (kernel first, then bias, the order in
    # which tapes see the reads) rather than through match2's general conversion.
    if is_variable(kernel):
        kernel = kernel._read_for_op()
    x, w = match2("MatMul", x, kernel)
    xv = x._value
    # (on a GPU a product with a small side has kernels of its own: _kernels.mm)
    v = np.matmul(xv, w._value) if type(xv) is np.ndarray else K.mm(xv, w._value)
    # (a variable's read is already what tensor() would return)
    b = None if bias is None else bias._read_for_op() if is_variable(bias) else tensor(bias)
    if type(v) is np.ndarray and not B.TRACING:     # host arrays only: bias_act_'s NumPy
        if b is not None:
            np.add(v, b._value, out=v)
        if relu:
            np.maximum(v, 0, out=v)
    elif b is not None or relu:
        K.bias_act_(v, None if b is None else b._value, relu)
    dt = x._dtype
    z = _make(v, dt)
    if TAPES.recording:
        inputs = (x, w) if b is None else (x, w, b)

        def vjp(g, needed):      # one joint VJP: the pre-activation gradient is shared
            xv, gv = x._value, g._value
            if not TAPES.recording and xv.ndim == 2 and gv.ndim == 2 and dt.is_floating:
                # Fast path: no tape records this backward pass (the usual tape.gradient
                # outside its `with`), so the gradients need no records and the operands no
                # checks (the forward pass made them): the same NumPy products and bias sum
                # that matmul, reduce_sum and the tape's broadcast undoing would compute
                # (a matrix's .T is the same view as matmul's np.swapaxes). The relu mask is
                # _relu_grad's arithmetic, without its tensor.
                if relu:
                    gv = gv * (z._value > 0) if type(gv) is np.ndarray or not K.enabled(gv) \
                        else K.relu_grad(gv, z._value)
                gb = None
                if b is not None and needed[2]:     # (np.sum of an ndarray is this reduce)
                    gb = _make(np.add.reduce(gv, axis=(0,), dtype=dt._np)
                               if type(gv) is np.ndarray else
                               K.sum_(gv, (0,)) if K.sum_supported(gv, (0,)) else
                               np.sum(gv, axis=(0,), dtype=dt._np), dt)
                mm = np.matmul if type(gv) is np.ndarray else K.mm
                return (_make(mm(gv, w._value.T), dt) if needed[0] else None,
                        _make(mm(xv.T, gv), dt) if needed[1] else None, gb)
            from .linalg_ops import matmul
            gz = _relu_grad(g, z) if relu else g
            return (matmul(gz, w, transpose_b=True) if needed[0] else None,
                    matmul(x, gz, transpose_a=True) if needed[1] else None, gz)
        # (steps: what this record stands for, so explain can show them one by one)
        record("Dense", inputs, z, joint=vjp, steps=_DENSE_STEPS[b is not None, relu])
    return z


_DENSE_STEPS = {(bias, relu): ("MatMul",) + (("BiasAdd",) if bias else ()) +
                (("Relu",) if relu else ()) for bias in (False, True) for relu in (False, True)}


def _relu_grad(g: Tensor, y: Tensor) -> Tensor:
    """g where the relu output y > 0, else 0: one multiply by a mask. It is linear in g, so its
    own gradient is the same op."""
    gv = g._value
    out = _make(K.relu_grad(gv, y._value) if K.enabled(gv) else gv * (y._value > 0), g._dtype)
    if TAPES.recording:
        record("ReluGrad", (g,), out, (lambda gg: _relu_grad(gg, y),))
    return out


def relu6(features, name=None) -> Tensor:
    """``min(max(features, 0), 6)`` elementwise; the gradient is 0 at both kinks."""
    x = numeric("Relu6", features)
    z = _make(np.clip(x._value, 0, 6), x._dtype)
    if TAPES.recording:
        inside = M.logical_and(M.greater(x, 0), M.less(x, 6))
        record("Relu6", (x,), z, (lambda g: M.where(inside, g, M.zeros_like_(g)),))
    return z


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    """x for x > 0, alpha·x otherwise; the gradient at 0 is alpha. TF stores alpha as a float32
    attribute, so float64 inputs see alpha rounded to float32 (0.2 → 0.20000000298...).
    Integer inputs are cast to float32 first, as TF does (``leaky_relu([-3, 2])`` is
    ``[-0.6, 2.]``, not an integer tensor); bool is rejected as by TF's kernel."""
    x = tensor(features)
    if x._dtype.is_integer:
        x = M.cast(x, dtypes.float32)
    elif not x._dtype.is_floating:
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.kernel_name} is not in the list "
                               f"of allowed values: half, bfloat16, float, double", "LeakyRelu")
    alpha = float(np.float32(alpha))
    a = x._dtype._np.type(alpha) if x._dtype.is_floating else alpha
    z = _make(np.where(x._value > 0, x._value, x._value * a).astype(x._dtype._np), x._dtype)
    if TAPES.recording:
        record("LeakyRelu", (x,), z, (lambda g: M.where(M.greater(x, 0), g, g * alpha),))
    return z


def elu(features, name=None) -> Tensor:
    """x for x > 0, exp(x) - 1 otherwise (TF's kernel uses exp(x) - 1, not expm1)."""
    x = floating("Elu", features)
    v = x._value
    z = _make(np.where(v > 0, v, np.exp(v) - 1).astype(x._dtype._np), x._dtype)
    if TAPES.recording:
        record("Elu", (x,), z, (lambda g: M.where(M.less(z, 0), g * (z + 1), g),))
    return z


def selu(features, name=None) -> Tensor:
    """Scaled ELU: ``scale * x`` for ``x > 0``, else ``scale * alpha * (exp(x) - 1)``, with
    the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507)."""
    x = floating("Selu", features)
    v = x._value
    t = x._dtype._np.type
    scale, scale_alpha = t(_SELU_SCALE), t(_SELU_SCALE * _SELU_ALPHA)
    z = _make(np.where(v > 0, scale * v, scale_alpha * (np.exp(v) - 1)).astype(t), x._dtype)
    if TAPES.recording:
        record("Selu", (x,), z,
               (lambda g: M.where(M.less(z, 0), g * (z + scale_alpha), g * scale),))
    return z


def _f32_const(value: float, dt) -> Tensor:
    """A Python float cast to ``dt`` the way TF's ``cast(python_float, dtype)`` does it: through
    a float32 tensor, so float64 sees the float32-rounded constant."""
    return M.cast(tensor(value), dt)


def gelu(features, approximate=False, name=None) -> Tensor:
    """x·Φ(x) = x·erfc(-x/√2)/2 (exact) or the tanh approximation; a composition of
    differentiable ops with TF's constants (1/√2 and 0.044715 rounded through float32, as TF's
    cast does)."""
    x = tensor(features)
    if not x._dtype.is_floating:
        raise ValueError(f"`features.dtype` must be a floating point tensor. Received: "
                         f"features.dtype={x._dtype!r}")
    if approximate:
        coeff = _f32_const(0.044715, x.dtype)
        return 0.5 * x * (1.0 + M.tanh(0.7978845608028654 * (x + coeff * M.pow(x, 3))))
    return 0.5 * x * M.erfc(-x * _f32_const(0.7071067811865476, x.dtype))


def silu(features, beta=1.0, name=None) -> Tensor:
    """SiLU (swish): ``x * sigmoid(beta * x)``; ``tf.nn.swish`` is the same function."""
    x = floating("Silu", features, True)
    if x._dtype.is_complex:
        return _complex_silu(x, beta)
    return x * sigmoid(beta * x if beta != 1.0 else x)


def _complex_silu(x: Tensor, beta) -> Tensor:
    """TF differentiates silu with its own formula g·s·(1 + βx·(1 - s)), s = sigmoid(βx),
    without the conjugate its other complex gradients take; minitf records the same formula
    so that complex silu gradients are TF's numbers."""
    v = x._value
    z = _make((v / (1 + np.exp(-beta * v))).astype(x._dtype._np, copy=False), x._dtype)
    if TAPES.recording:
        def vjp(g):
            bx = x * beta
            s = sigmoid(bx)
            return g * (s * (1 + bx * (1 - s)))
        record("Silu", (x,), z, (vjp,))
    return z


swish = silu


def softsign(features, name=None) -> Tensor:
    """x / (1 + |x|). Its gradient is g / (1 + |x|)², TF's kernel formula: 0 at ±inf (where the
    value itself is inf/inf = nan) and exact for large |x|, where differentiating the quotient
    would give 0·inf = nan or cancel to 0. (TF has no second derivative here, a LookupError;
    minitf's VJP is built from ops, so an outer tape differentiates it.)"""
    x = floating("Softsign", features)
    z = _make(x._value / (1 + np.abs(x._value)), x._dtype)
    if TAPES.recording:
        record("Softsign", (x,), z, (lambda g: g / M.square(1 + M.abs(x)),))
    return z


def _moved(x: Tensor, axis, op: str):
    """Move ``axis`` to the end (softmax-like ops work on the last axis). As in TF, the axis
    must lie in [-rank, rank) (InvalidArgumentError), and a scalar has none."""
    nd = x._value.ndim
    if nd == 0:
        raise invalid_argument("logits must have >= 1 dimension, got []", op)
    if isinstance(axis, float) and axis.is_integer():   # TF's Python code accepts softmax(x, 1.0)
        axis = int(axis)
    axis = axis_index(op, axis, nd, "`dim` must be in the range [{lo}, {rank}) where {rank} is "
                      "the number of dimensions in the input. Received: dim={axis}")
    if axis == nd - 1:
        return x, None
    perm = [i for i in range(nd) if i != axis] + [axis]
    return A.transpose(x, perm), perm


def _unmoved(y: Tensor, perm):
    if perm is None:
        return y
    return A.transpose(y, [int(i) for i in np.argsort(perm)])


def _row_max(v):
    """The max over the last axis (kept), the shift that keeps exp from overflowing. Rows of no
    elements have nothing to shift: 0, so that softmax of an empty axis is empty, as in TF
    (NumPy's max would raise)."""
    if v.shape and v.shape[-1] == 0:
        return np.zeros_like(v, shape=v.shape[:-1] + (1,))
    return v.max(axis=-1, keepdims=True)


def softmax(logits, axis=None, name=None) -> Tensor:
    """exp(x) / sum(exp(x)), shifted by the max so it never overflows.
    Gradient: (g - sum(g·y)) · y."""
    x = floating("Softmax", logits)
    x, perm = _moved(x, -1 if axis is None else axis, "Softmax")
    v = x._value
    e = np.exp(v - _row_max(v))
    z = _make(e / e.sum(axis=-1, keepdims=True), x._dtype)
    if TAPES.recording:
        record("Softmax", (x,), z,
               (lambda g: (g - R.reduce_sum(g * z, -1, keepdims=True)) * z,))
    return _unmoved(z, perm)


def log_softmax(logits, axis=None, name=None) -> Tensor:
    """x - logsumexp(x), stably. Gradient: g - exp(y)·sum(g)."""
    x = floating("LogSoftmax", logits)
    x, perm = _moved(x, -1 if axis is None else axis, "LogSoftmax")
    v = x._value
    s = v - _row_max(v)
    z = _make(s - np.log(np.exp(s).sum(axis=-1, keepdims=True)), x._dtype)
    if TAPES.recording:
        record("LogSoftmax", (x,), z,
               (lambda g: g - M.exp(z) * R.reduce_sum(g, -1, keepdims=True),))
    return _unmoved(z, perm)


def _check_sparse_shapes(labels: tuple, logits: tuple):
    """TF checks these shapes in Python, before the kernel runs: ValueErrors."""
    if not logits:
        raise ValueError(f"`logits` cannot be a scalar. Received logits shape {logits} "
                         f"(SparseSoftmaxCrossEntropyWithLogits)")
    if len(labels) != len(logits) - 1:
        raise ValueError(f"`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                         f"labels.shape={labels} of rank {len(labels)} and logits.shape="
                         f"{logits} of rank {len(logits)}")
    if labels != logits[:-1]:
        raise ValueError(f"`labels.shape` must equal `logits.shape` except for the last "
                         f"dimension. Received: labels.shape={labels} and logits.shape={logits}")


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """-log softmax(logits)[label] per example; labels are int32/int64 class indices."""
    x = tensor(logits)
    lab = tensor(labels)
    _check_sparse_shapes(lab._value.shape, x._value.shape)   # first, as TF's Python does
    x = floating("SparseSoftmaxCrossEntropyWithLogits", x)
    if not lab._dtype in (dtypes.int32, dtypes.int64):
        raise invalid_argument(f"Value for attr 'Tlabels' of {lab._dtype.kernel_name} is not in the "
                               f"list of allowed values: int32, int64",
                               "SparseSoftmaxCrossEntropyWithLogits")
    lv = lab._value
    n = x._value.shape[-1]
    if B.is_device_array(x._value) and not B.is_device_array(lv):
        lv = B.like(x._value, lv)
    # Labels are checked on the CPU; on a GPU that would cost a host sync (TF's GPU kernel
    # does not check either).
    if B.checkable(lv) and lv.size and (lv.min() < 0 or lv.max() >= n):
        bad = lv[(lv < 0) | (lv >= n)].reshape(-1)[0]
        raise invalid_argument(f"Received a label value of {bad} which is outside the valid "
                               f"range of [0, {n}).  Label values: "
                               f"{' '.join(map(str, lv.reshape(-1)))}",
                               "SparseSoftmaxCrossEntropyWithLogits")
    v = x._value
    if K.xent_supported(v, lv):
        # TF's kernel: loss and gradient (softmax - onehot) together, here in one GPU launch.
        loss, back = K.sparse_xent(v, lv)
        z = _make(loss, x._dtype)
    else:
        s = v - v.max(axis=-1, keepdims=True)   # shifted logits: exp cannot overflow
        picked = np.take_along_axis(s, lv[..., None].astype(np.int64), -1)[..., 0]
        e = np.exp(s)
        se = e.sum(axis=-1, keepdims=True)
        z = _make(B.asarray(np.log(se[..., 0]) - picked).astype(x._dtype._np, copy=False),
                  x._dtype)
        back = None
    if TAPES.recording:
        def vjp(g):
            if TAPES.recording:   # an outer tape differentiates this VJP: build it from ops
                onehot = A.one_hot(lab, n, dtype=x._dtype)
                return A.expand_dims(g, -1) * (softmax(x) - onehot)
            if back is None:    # the same numbers from the forward's exponentials
                p = e / se
                p -= B.xp_of(p).arange(n) == lv[..., None]
            else:
                p = back
            return _make(p * g._value[..., None], x._dtype)
        record("SparseSoftmaxCrossEntropyWithLogits", (x,), z, (vjp,))
    return z


def _labels_like(labels, logits: Tensor) -> Tensor:
    """Labels in the logits' dtype: TF casts them (bool or float64 labels with float32 logits
    give a float32 loss), differentiably between floating types."""
    y = tensor(labels)
    return y if y._dtype is logits._dtype else M.cast(y, logits._dtype)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None) -> Tensor:
    """-sum(labels · log_softmax(logits)). d/dlogits = softmax - labels (TF's fused kernel),
    d/dlabels = -log_softmax(logits)."""
    x = tensor(logits)
    if not x._dtype.is_floating:
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: half, bfloat16, float, double",
                               "SoftmaxCrossEntropyWithLogits")
    y = _labels_like(labels, x)
    if y._value.shape != x._value.shape:
        raise invalid_argument(f"logits and labels must be broadcastable: logits_size="
                               f"[{','.join(map(str, x._value.shape))}] labels_size="
                               f"[{','.join(map(str, y._value.shape))}]",
                               "SoftmaxCrossEntropyWithLogits")
    x, perm = _moved(x, axis, "SoftmaxCrossEntropyWithLogits")
    y, _ = _moved(y, axis, "SoftmaxCrossEntropyWithLogits")
    v = x._value
    s = v - _row_max(v)
    logp = s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
    z = _make(B.asarray(-(y._value * logp).sum(axis=-1)).astype(x._dtype._np, copy=False),
              x._dtype)
    if TAPES.recording:
        record("SoftmaxCrossEntropyWithLogits", (y, x), z,
               (lambda g: A.expand_dims(g, -1) * -log_softmax(x),
                lambda g: A.expand_dims(g, -1) * (softmax(x) - y)))
    return z


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """max(x, 0) - x·z + log1p(exp(-|x|)), built from where() exactly as TF builds it, so the
    gradient is sigmoid(x) - z everywhere, including x = 0."""
    z, x = match2("SigmoidCrossEntropyWithLogits", labels, logits)
    if z._value.shape != x._value.shape:
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({x.shape} vs {z.shape}).")
    zeros = M.zeros_like_(x)
    cond = M.greater_equal(x, zeros)
    relu_logits = M.where(cond, x, zeros)
    neg_abs_logits = M.where(cond, -x, x)
    return relu_logits - x * z + M.log1p(M.exp(neg_abs_logits))


def l2_loss(t, name=None) -> Tensor:
    """sum(t²) / 2."""
    t = floating("L2Loss", t)
    return R.reduce_sum(t * t) / 2


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """``value + bias`` where ``bias`` is 1-D and matches the channel axis (the last one, or
    axis 1 for ``data_format='NC...'``); any other shape is an error, unlike plain ``+``."""
    x, b = match2("BiasAdd", value, bias)
    if not x._dtype.is_numeric and not x._dtype.is_complex:
        raise not_allowed("BiasAdd", x._dtype)
    if x._value.ndim < 2:
        raise invalid_argument(f"Input tensor must be at least 2D: {list(x._value.shape)}",
                               "BiasAdd")
    if b._value.ndim != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {b._value.ndim} for BiasAdd")
    ch = x._value.shape[1] if data_format in ("NCHW", "NCDHW", "NC...") else x._value.shape[-1]
    if b._value.shape[0] != ch:
        raise invalid_argument(f"Must provide as many biases as the last dimension of the input "
                               f"tensor: {list(b._value.shape)} vs. {list(x._value.shape)}",
                               "BiasAdd")
    if data_format in ("NCHW", "NCDHW", "NC..."):
        b = A.reshape(b, [-1] + [1] * (x._value.ndim - 2))
    return x + b


def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) over ``axes``; the variance uses the gradient-stopped mean, as TF does
    (the two gradients agree mathematically). As in TF, float16 is computed in float32 and
    rounded once at the end, and integers give integer (truncated) means. Complex tensors give
    a complex variance (x - mean)·conj(x - mean), real-valued, as TF's."""
    x = numeric("Mean", x, complex_ok=True)
    y = M.cast(x, dtypes.float32) if x._dtype is dtypes.float16 else x
    mean = R.reduce_mean(y, axes, keepdims=True)
    var = R.reduce_mean(M.squared_difference(y, M.stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        mean, var = A.squeeze(mean, axes), A.squeeze(var, axes)
    return M.cast(mean, x._dtype), M.cast(var, x._dtype)


def dropout(x, rate, noise_shape=None, seed=None, name=None) -> Tensor:
    """Zero each element with probability ``rate`` and scale the rest by 1/(1 - rate)."""
    from . import random_ops
    x = tensor(x)
    if not x._dtype.is_floating:     # TF's Python wrapper refuses before any kernel
        raise ValueError(f"`x.dtype` must be a floating point tensor as `x` will be scaled. "
                         f"Got a {x._dtype.name} tensor instead (dropout).")
    rate = float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    if rate == 0:
        return x
    shape = x._value.shape if noise_shape is None else A._ints(noise_shape)
    keep = M.greater_equal(random_ops.uniform(shape, dtype=x.dtype, seed=seed), rate)
    scaled = x * (1 / (1 - rate))
    return M.where(keep, scaled, M.zeros_like_(scaled))


def embedding_lookup(params, ids, max_norm=None, name=None) -> Tensor:
    """Rows of ``params`` picked by the integer ``ids`` (``tf.gather`` on axis 0); the
    result has shape ``ids.shape + params.shape[1:]``. ``max_norm`` clips each row's L2 norm."""
    return A.gather(params, ids)
