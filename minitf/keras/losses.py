"""Keras losses: classes (with reductions and ``sample_weight``) and functions (per sample).

The pipeline of ``Loss.__call__(y_true, y_pred, sample_weight)``, as in Keras 3:

1. both arguments are converted to the loss's dtype (float32 by default);
2. ``call`` reconciles ranks that differ by one trailing 1 (y_true (m,) with y_pred (m, 1)
   does not broadcast to (m, m)) and returns one loss per sample (mean over the last axis);
3. ``sample_weight`` multiplies, then the reduction: ``"sum_over_batch_size"`` (default) divides
   the sum by the number of elements, whatever the weights.

Cross-entropy from probabilities clips them to [1e-7, 1 - 1e-7]; when the probabilities come
straight from a Keras ``softmax``/``sigmoid`` activation, the logits are used instead.

>>> import minitf as tf
>>> float(tf.keras.losses.Huber()([[0., 1.], [0., 0.]], [[.6, .4], [.4, .6]]))
0.1550000011920929
"""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import dtypes
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import nn_ops as N
from ..ops import reduction_ops as R
from ..ops.loss_ops import mean_squared_error_over_batch
from ..tensor import EagerTensor, Tensor, convert_to_tensor, is_tensor
from ..tensor import keras_mask as _keras_mask_of   # (private: not a name of keras.losses)
from . import backend
from . import _lookup
from .serialization import AutoConfig, object_config

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _tensor(x, dtype=None):
    if isinstance(x, Tensor) and (dtype is None or x.dtype == dtype):
        return x
    if is_tensor(x):
        t = convert_to_tensor(x)
        return t if dtype is None else M.cast(t, dtype)
    t = convert_to_tensor(x, dtype_hint=dtype)
    return t if dtype is None or t.dtype == dtype else M.cast(t, dtype)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Make ranks equal when they differ by one trailing dimension of size 1."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = A.expand_dims(x2, -1)
        else:
            x1 = A.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = A.expand_dims(x1, -1)
        else:
            x2 = A.squeeze(x2, -1)
    return x1, x2


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size",
                           dtype=None, mask=None):
    """Multiply per-sample losses by ``sample_weight`` and reduce them: the default
    ``'sum_over_batch_size'`` divides the weighted sum by the number of elements. A boolean
    ``mask`` (the predictions' ``_keras_mask``) joins the weights (see ``apply_mask``)."""
    dtype = dtypes.as_dtype(dtype or backend.floatx())
    values = _tensor(values, dtype)
    if mask is not None:
        sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        sw = _tensor(sample_weight, dtype)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        weighted = values * sw
    else:
        sw, weighted = None, values
    if reduction in (None, "none") or len(weighted.shape) == 0:
        return weighted
    total = R.reduce_sum(weighted)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sw is not None:
        return M.divide_no_nan(total, R.reduce_sum(A.broadcast_to(sw, weighted.shape)))
    n = int(np.prod(weighted.shape))   # elements counted whatever the weights
    if n == 0:
        return M.zeros_like_(total)
    return M.realdiv(total, convert_to_tensor(n, dtype))


def apply_mask(sample_weight, mask, dtype, reduction):
    """``sample_weight`` times Keras's weight for a boolean ``mask``: for the averaging
    reductions, ``total / valid`` at kept entries and 0 at masked ones (so the mean runs over
    the kept entries only; a mask with nothing kept gives 0, not NaN); otherwise the mask as
    0/1. An RNN with ``return_sequences`` passes its input's mask on, so a sequence loss skips
    the padding.

    >>> import minitf as tf
    >>> apply_mask(None, tf.constant([True, False, True, True]), tf.float32,
    ...            "sum_over_batch_size").numpy()
    array([1.3333334, 0.       , 1.3333334, 1.3333334], dtype=float32)
    """
    m = convert_to_tensor(mask)
    if not m.dtype.is_bool:
        m = M.cast(m, dtypes.bool)
    if reduction in ("mean", "sum_over_batch_size"):
        total = convert_to_tensor(int(np.prod(m.shape)), dtype)
        valid = R.reduce_sum(M.cast(m, dtype))
        weight = M.where(m, A.broadcast_to(M.divide_no_nan(total, valid), m.shape),
                         A.zeros(m.shape, dtype))
    else:
        weight = M.cast(m, dtype)
    if sample_weight is None:
        return weight
    sw = _tensor(sample_weight, dtype)
    weight, sw = squeeze_or_expand_to_same_rank(weight, sw)
    return sw * weight


class Loss(AutoConfig):
    """Base class: subclass and implement ``call(y_true, y_pred)`` returning per-sample losses."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                             f"{[r for r in _REDUCTIONS if r]}. Received: reduction={reduction}")
        self.name = name or backend.snake_case(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtypes.as_dtype(dtype or backend.floatx())

    def __call__(self, y_true, y_pred, sample_weight=None):
        # Keras weights the loss by the predictions' mask (an RNN's return_sequences output
        # keeps Embedding's padding mask), and by a mask the per-sample losses carry.
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _tensor(y_pred, self.dtype)
        y_true = _tensor(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is not None and out_mask is not None:
            mask = M.logical_and(in_mask, out_mask)
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight, self.reduction, self.dtype,
                                      mask=mask)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self) -> dict:
        """``name``, ``reduction`` and the constructor arguments (see ``keras.saving``)."""
        cfg = {"name": self.name, "reduction": self.reduction}
        cfg.update(object_config(self, Loss.get_config))
        cfg["dtype"] = self.dtype.name
        return cfg

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``."""
        from .serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


class LossFunctionWrapper(Loss):
    """A Loss class around a per-sample loss function ``fn(y_true, y_pred, **kwargs)``:
    the named losses (MeanSquaredError, ...) are built this way."""
    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# ---- functions: one loss per sample ----------------------------------------------------------

def _pred_true(y_true, y_pred):
    y_pred = _tensor(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = M.cast(y_pred, backend.floatx())
    return _tensor(y_true, y_pred.dtype), y_pred


def mean_squared_error(y_true, y_pred):
    """Per-sample ``mean((y_true - y_pred)**2, axis=-1)``.

    >>> from minitf.keras import losses       # Keras's name; tf.keras spells it MSE
    >>> losses.mean_squared_error([[0.0, 2.0]], [[1.0, 0.0]]).numpy()
    array([2.5], dtype=float32)"""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_pred_true(y_true, y_pred))
    return R.reduce_mean(M.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Per-sample ``mean(|y_true - y_pred|, axis=-1)``."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_pred_true(y_true, y_pred))
    return R.reduce_mean(M.abs(y_true - y_pred), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """0.5·e² where |e| <= delta, else delta·|e| - 0.5·delta²; mean over the last axis."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_pred_true(y_true, y_pred))
    delta = _tensor(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = M.abs(error)
    half = _tensor(0.5, y_pred.dtype)
    return R.reduce_mean(M.where(M.less_equal(abs_error, delta), half * M.square(error),
                                 delta * abs_error - half * M.square(delta)), axis=-1)


def _logits_of(output, from_logits):
    logits = getattr(output, "_keras_logits", None)
    return (logits, True) if logits is not None else (output, from_logits)


def _same_rank(target, output):
    if len(target.shape) != len(output.shape):
        raise ValueError(f"Arguments `target` and `output` must have the same rank (ndim). "
                         f"Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")


def _clip_probs(p):
    eps = backend.epsilon()
    return M.clip_by_value(p, eps, 1.0 - eps)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample binary cross-entropy averaged over the last axis; ``from_logits=True``
    takes raw scores, otherwise probabilities are clipped to [eps, 1 - eps]."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    _same_rank(y_true, y_pred)
    out, logits = _logits_of(y_pred, from_logits)
    if logits:
        per = N.sigmoid_cross_entropy_with_logits(labels=y_true, logits=out)
    else:
        p = _clip_probs(out)
        per = -(y_true * M.log(p) + (1 - y_true) * M.log(1 - p))
    return R.reduce_mean(per, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample cross-entropy between one-hot ``y_true`` and predicted
    probabilities (or logits with ``from_logits=True``) along ``axis``."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    if label_smoothing:
        n = M.cast(A.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / n)
    _same_rank(y_true, y_pred)
    out, logits = _logits_of(y_pred, from_logits)
    if logits:
        return N.softmax_cross_entropy_with_logits(labels=y_true, logits=out, axis=axis)
    p = out / R.reduce_sum(out, axis, keepdims=True)   # renormalise first, then clip
    return -R.reduce_sum(y_true * M.log(_clip_probs(p)), axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Per-sample cross-entropy with integer class labels ``y_true``;
    ``ignore_class`` masks one label out."""
    y_pred = _tensor(y_pred)
    out, logits = _logits_of(y_pred, from_logits)
    target = M.cast(_tensor(y_true), dtypes.int64)
    if len(target.shape) == len(out.shape) and target.shape[-1] == 1:
        target = A.squeeze(target, -1)
    if len(target.shape) != len(out.shape) - 1:
        raise ValueError(f"Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(out.shape)}")
    valid = None
    if ignore_class is not None:
        valid = M.not_equal(target, ignore_class)
        target = M.where(valid, target, A.zeros_like(target))
    if not logits:
        out = M.log(_clip_probs(out))   # clip first; the softmax inside renormalises
    res = N.sparse_softmax_cross_entropy_with_logits(labels=target, logits=out)
    if valid is not None:
        res = M.where(valid, res, A.zeros_like(res))
    return res


mse, mae = mean_squared_error, mean_absolute_error


# ---- classes ---------------------------------------------------------------------------------

class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors, averaged over the batch (``reduction``)."""
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if sample_weight is None and type(y_pred) is EagerTensor and \
                type(y_true) is EagerTensor and not B.TRACING:
            pv, tv = y_pred._value, y_true._value
            # Fast path: the default reduction of two maskless eager tensors already of the
            # loss's floating dtype, of one shape of rank >= 2 with elements, on one device,
            # and no subclass's own `call`. Then the general path converts, squeezes, masks
            # and weights nothing, and its five ops are loss_ops' one fused op, with
            # bit-identical values and gradients.
            if y_pred._dtype is self.dtype and y_true._dtype is self.dtype and \
                    self.dtype.is_floating and pv.shape == tv.shape and pv.ndim >= 2 and \
                    pv.size and self.reduction == "sum_over_batch_size" and \
                    self.fn is mean_squared_error and not self._fn_kwargs and \
                    type(self).call is LossFunctionWrapper.call and \
                    _keras_mask_of(y_pred) is None and \
                    (type(pv) is type(tv) or B.is_device_array(pv) is B.is_device_array(tv)):
                return mean_squared_error_over_batch(y_true, y_pred)
        return super().__call__(y_true, y_pred, sample_weight)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors, averaged over the batch."""
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Squared error for errors below ``delta``, linear beyond it (less sensitive to outliers)."""
    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for 0/1 labels; ``from_logits=True`` for raw scores (more stable)."""
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels; ``label_smoothing`` softens the targets."""
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels against per-class probabilities or
    logits.

    >>> import minitf as tf
    >>> loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    >>> round(float(loss(tf.constant([0]), tf.constant([[0.0, 0.0]]))), 4)   # log(2)
    0.6931"""
    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self._ignore = ignore_class

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self._ignore is None:
            return super().__call__(y_true, y_pred, sample_weight)
        # Ignored samples are excluded from the mean, not counted as zeros.
        y_pred = _tensor(y_pred, self.dtype)
        y_true = _tensor(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        t = y_true if len(y_true.shape) == len(losses.shape) else A.squeeze(y_true, -1)
        mask = M.cast(M.not_equal(t, float(self._ignore)), self.dtype)
        sw = mask if sample_weight is None else mask * _tensor(sample_weight, self.dtype)
        if self.reduction in ("sum_over_batch_size", "mean"):
            return M.divide_no_nan(R.reduce_sum(losses * sw), R.reduce_sum(mask))
        return reduce_weighted_values(losses, sw, self.reduction, self.dtype)



# ---- more per-sample losses (Keras 3's formulas, clipping and epsilons) ----------------------

def _same_dtype(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample ``100 * mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|)`` over the last axis.

    >>> import minitf as tf
    >>> tf.keras.losses.MAPE([[2.0, 4.0]], [[1.0, 5.0]]).numpy()
    array([37.5], dtype=float32)"""
    y_true, y_pred = _same_dtype(y_true, y_pred)
    eps = _tensor(backend.epsilon(), y_pred.dtype)
    diff = M.abs((y_true - y_pred) / M.maximum(M.abs(y_true), eps))
    return _tensor(100.0, y_pred.dtype) * R.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample ``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2)``; eps is
    1e-7 as a float32 constant (Keras converts it before it meets the inputs' dtype).

    >>> import minitf as tf
    >>> round(float(tf.keras.losses.MSLE([[0.0]], [[1.718281828]])[0]), 6)
    1.0"""
    y_true, y_pred = _same_dtype(y_true, y_pred)
    eps = M.cast(_tensor(backend.epsilon()), y_pred.dtype)
    one = _tensor(1.0, y_pred.dtype)
    first = M.log(M.maximum(y_pred, eps) + one)
    second = M.log(M.maximum(y_true, eps) + one)
    return R.reduce_mean(M.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    # keras.ops.normalize(order=2): x * min(rsqrt(sum(x**2)), 1/epsilon), epsilon 1e-7
    inv = M.rsqrt(R.reduce_sum(M.square(x), axis=axis, keepdims=True))
    return x * M.minimum(inv, _tensor(1.0 / backend.epsilon(), x.dtype))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample NEGATIVE cosine similarity ``-sum(l2n(y_true) * l2n(y_pred), axis)``, so that
    minimising it aligns the vectors (the metric of the same name is positive).

    >>> import minitf as tf
    >>> tf.keras.losses.cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]]).numpy()
    array([-1.], dtype=float32)"""
    y_true, y_pred = _same_dtype(y_true, y_pred)
    return -R.reduce_sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def log_cosh(y_true, y_pred):
    """Per-sample ``mean(log(cosh(y_pred - y_true)))``, computed as ``x + softplus(-2x) -
    log(2)`` (no overflow for large errors); log(2) is a float32 constant, as in Keras.

    >>> import minitf as tf
    >>> tf.keras.losses.logcosh([[0.0]], [[0.0]]).numpy()       # Keras's own: log_cosh
    array([0.], dtype=float32)"""
    y_true, y_pred = _same_dtype(y_true, y_pred)
    log2 = M.cast(M.log(_tensor(2.0)), y_pred.dtype)
    x = y_pred - y_true
    return R.reduce_mean(x + M.softplus(x * _tensor(-2.0, x.dtype)) - log2, axis=-1)


def _hinge_labels(y_true):
    # Keras converts labels that are all 0 or 1 to -1/+1; any other labels are used as given.
    binary = R.reduce_all(M.logical_or(M.equal(y_true, _tensor(0.0, y_true.dtype)),
                                       M.equal(y_true, _tensor(1.0, y_true.dtype))))
    from ..ops.control_flow_ops import cond      # a traced branch inside tf.function
    return cond(binary,
                lambda: _tensor(2.0, y_true.dtype) * y_true - _tensor(1.0, y_true.dtype),
                lambda: y_true)


def hinge(y_true, y_pred):
    """Per-sample ``mean(max(1 - y_true * y_pred, 0))``; 0/1 labels become -1/+1 first.

    >>> import minitf as tf
    >>> tf.keras.losses.hinge([[0.0, 1.0]], [[0.3, -2.0]]).numpy()
    array([2.15], dtype=float32)"""
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    one, zero = _tensor(1.0, y_pred.dtype), _tensor(0.0, y_pred.dtype)
    return R.reduce_mean(M.maximum(one - y_true * y_pred, zero), axis=-1)


def squared_hinge(y_true, y_pred):
    """Per-sample ``mean(max(1 - y_true * y_pred, 0)**2)``; 0/1 labels become -1/+1 first."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    one, zero = _tensor(1.0, y_pred.dtype), _tensor(0.0, y_pred.dtype)
    return R.reduce_mean(M.square(M.maximum(one - y_true * y_pred, zero)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Per-sample ``max(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)`` and ``neg =
    max((1 - y_true) * y_pred)`` (one-hot ``y_true``).

    >>> import minitf as tf
    >>> tf.keras.losses.categorical_hinge([[0.0, 1.0]], [[0.3, -2.0]]).numpy()
    array([3.3], dtype=float32)"""
    y_true, y_pred = _pred_true(y_true, y_pred)
    one = _tensor(1.0, y_pred.dtype)
    pos = R.reduce_sum(y_true * y_pred, axis=-1)
    neg = R.reduce_max((one - y_true) * y_pred, axis=-1)
    return M.maximum(neg - pos + one, _tensor(0.0, y_pred.dtype))


def kl_divergence(y_true, y_pred):
    """Per-sample ``sum(y_true * log(y_true / y_pred))`` with both clipped to [1e-7, 1].

    >>> import minitf as tf
    >>> round(float(tf.keras.losses.KLD([[0.5, 0.5]], [[0.25, 0.75]])[0]), 6)
    0.143841"""
    y_true, y_pred = _pred_true(y_true, y_pred)
    eps, one = _tensor(backend.epsilon(), y_pred.dtype), _tensor(1.0, y_pred.dtype)
    y_true = M.clip_by_value(y_true, eps, one)
    y_pred = M.clip_by_value(y_pred, eps, one)
    return R.reduce_sum(y_true * M.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Per-sample ``mean(y_pred - y_true * log(y_pred + 1e-7))``.

    >>> import minitf as tf
    >>> tf.keras.losses.poisson([[0.0]], [[2.0]]).numpy()
    array([2.], dtype=float32)"""
    y_true, y_pred = _pred_true(y_true, y_pred)
    eps = _tensor(backend.epsilon(), y_pred.dtype)
    return R.reduce_mean(y_pred - y_true * M.log(y_pred + eps), axis=-1)


# tf.keras's short aliases (tf.keras.losses.MSE is mean_squared_error, ...)
MSE = mse
MAE = mae
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean of ``mean_absolute_percentage_error`` over the batch."""
    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean of ``mean_squared_logarithmic_error`` over the batch."""
    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis``, averaged over the batch.

    >>> import minitf as tf
    >>> float(tf.keras.losses.CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]))
    -1.0"""
    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)


class LogCosh(LossFunctionWrapper):
    """Mean of ``log(cosh(error))``: about ``error**2 / 2`` for small errors and
    ``|error| - log(2)`` for large ones."""
    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """Mean hinge loss ``max(1 - y_true * y_pred, 0)`` for -1/+1 (or 0/1) labels.

    >>> import minitf as tf
    >>> round(float(tf.keras.losses.Hinge()([[0.0, 1.0]], [[0.3, -2.0]])), 6)
    2.15"""
    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Mean squared hinge loss ``max(1 - y_true * y_pred, 0)**2``."""
    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Mean of ``categorical_hinge`` over the batch (one-hot labels)."""
    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Mean Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` over the batch
    (both clipped to [1e-7, 1])."""
    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Mean Poisson loss ``y_pred - y_true * log(y_pred + 1e-7)`` over the batch."""
    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)

_BY_NAME = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber, "huber_loss": Huber, "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}
_BY_NAME.pop("huber_loss")       # not a name Keras 3 resolves
for _c in set(_BY_NAME.values()) | {MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
                                    CosineSimilarity, LogCosh, Hinge, SquaredHinge,
                                    CategoricalHinge, KLDivergence, Poisson}:
    _BY_NAME[_c.__name__] = _c
# The names Keras 3's losses.get resolves to functions (compile wraps them): the lowercase
# names, and tf.keras's upper-case aliases.
_BY_NAME.update({
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "huber": huber, "binary_crossentropy": binary_crossentropy,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "MSE": mean_squared_error, "MAE": mean_absolute_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "kld": kl_divergence, "KLD": kl_divergence, "kl_divergence": kl_divergence,
    "log_cosh": log_cosh, "poisson": poisson, "cosine_similarity": cosine_similarity,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
})


def get(identifier):
    """A loss from a name (``'mse'``, ``'sparse_categorical_crossentropy'``), a config dict, a
    class, an instance or a callable (Keras's ``keras.losses.get``)."""
    return _lookup.get("loss", identifier, by_name=_BY_NAME, base=Loss)
