"""The ``tf.keras.backend`` functions of Keras 3 (its legacy backend module): thin wrappers over
minitf ops, with Keras's conventions, which differ from the raw ops in places:

* ``constant``, ``variable``, ``cast_to_floatx`` use ``floatx()`` (float32) unless told;
  ``zeros``, ``ones``, ``eye`` return Variables; ``int_shape`` is a tuple, ``dtype`` a string;
* ``sqrt`` clips its input at 0 first (so ``sqrt(-1)`` is 0, not nan); ``clip`` with
  ``max < min`` clips to ``min``; ``std``/``var`` are population statistics;
* the legacy losses clip probabilities to [epsilon, 1 - epsilon] and take logs.

>>> from minitf.keras import backend as K
>>> import minitf as tf
>>> x = tf.constant([[1., 2.], [3., 4.]])
>>> float(K.sum(x)), K.int_shape(x), K.dtype(x)
(10.0, (2, 2), 'float32')
"""
from __future__ import annotations

import numpy as np

import minitf as _tf

from .backend import epsilon, floatx


def _t(x):
    return _tf.convert_to_tensor(x)


# ---- reductions ---------------------------------------------------------------------------------

def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum over ``axis`` (all when None), as ``tf.reduce_sum``.

    >>> from minitf.keras import backend as K
    >>> float(K.sum([1., 2.]))
    3.0"""
    return _tf.reduce_sum(x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integers give an integer mean, as ``tf.reduce_mean``.

    >>> from minitf.keras import backend as K
    >>> float(K.mean([1., 2.]))
    1.5"""
    return _tf.reduce_mean(x, axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Largest value over ``axis``.

    >>> from minitf.keras import backend as K
    >>> float(K.max([1., 3.]))
    3.0"""
    return _tf.reduce_max(x, axis, keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Smallest value over ``axis``.

    >>> from minitf.keras import backend as K
    >>> float(K.min([1., 3.]))
    1.0"""
    return _tf.reduce_min(x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``.

    >>> from minitf.keras import backend as K
    >>> float(K.prod([2., 3.]))
    6.0"""
    return _tf.reduce_prod(x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance over ``axis`` (floats; bools are cast to floatx first).

    >>> from minitf.keras import backend as K
    >>> float(K.var([1., 3.]))
    1.0"""
    x = _t(x)
    if x.dtype.is_bool:
        x = _tf.cast(x, floatx())
    return _tf.math.reduce_variance(x, axis, keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``.

    >>> from minitf.keras import backend as K
    >>> float(K.std([1., 3.]))
    1.0"""
    x = _t(x)
    if x.dtype.is_bool:
        x = _tf.cast(x, floatx())
    return _tf.math.reduce_std(x, axis, keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """Logical OR over ``axis`` (the input is cast to bool).

    >>> from minitf.keras import backend as K
    >>> bool(K.any([0., 2.]))
    True"""
    return _tf.reduce_any(_tf.cast(x, _tf.bool), axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """Logical AND over ``axis`` (the input is cast to bool).

    >>> from minitf.keras import backend as K
    >>> bool(K.all([0., 2.]))
    False"""
    return _tf.reduce_all(_tf.cast(x, _tf.bool), axis, keepdims)


def argmax(x, axis=-1):
    """Index of the largest value along ``axis`` (the last by default), int64.

    >>> from minitf.keras import backend as K
    >>> K.argmax([[1., 3.], [4., 2.]]).numpy().tolist()
    [1, 0]"""
    return _tf.argmax(x, axis)


def argmin(x, axis=-1):
    """Index of the smallest value along ``axis`` (the last by default), int64.

    >>> from minitf.keras import backend as K
    >>> K.argmin([[1., 3.], [4., 2.]]).numpy().tolist()
    [0, 1]"""
    return _tf.argmin(x, axis)


def cumsum(x, axis=0):
    """Cumulative sum along ``axis`` (the first by default).

    >>> from minitf.keras import backend as K
    >>> K.cumsum([1., 2., 3.]).numpy().tolist()
    [1.0, 3.0, 6.0]"""
    return _tf.cumsum(x, axis)


def cumprod(x, axis=0):
    """Cumulative product along ``axis`` (the first by default).

    >>> from minitf.keras import backend as K
    >>> K.cumprod([1., 2., 3.]).numpy().tolist()
    [1.0, 2.0, 6.0]"""
    return _tf.math.cumprod(x, axis)


# ---- elementwise --------------------------------------------------------------------------------

def square(x):
    """Elementwise square.

    >>> from minitf.keras import backend as K
    >>> K.square([2, 3]).numpy().tolist()
    [4, 9]"""
    return _tf.square(x)


def sqrt(x):
    """Elementwise square root of ``x`` clipped at 0 first (Keras's rule: ``sqrt(-1)`` is 0).

    >>> from minitf.keras import backend as K
    >>> K.sqrt([-1., 4.]).numpy().tolist()
    [0.0, 2.0]"""
    x = _t(x)
    return _tf.sqrt(_tf.maximum(x, _tf.zeros_like(x)))


def abs(x):  # noqa: A001
    """Elementwise absolute value.

    >>> from minitf.keras import backend as K
    >>> K.abs([-1, 2]).numpy().tolist()
    [1, 2]"""
    return _tf.abs(x)


def exp(x):
    """Elementwise e**x.

    >>> from minitf.keras import backend as K
    >>> float(K.exp(0.))
    1.0"""
    return _tf.exp(x)


def log(x):
    """Elementwise natural logarithm.

    >>> from minitf.keras import backend as K
    >>> float(K.log(1.))
    0.0"""
    return _tf.math.log(x)


def pow(x, a):  # noqa: A001
    """Elementwise ``x ** a``.

    >>> from minitf.keras import backend as K
    >>> K.pow([2., 3.], 2).numpy().tolist()
    [4.0, 9.0]"""
    x = _t(x)
    return _tf.pow(x, _tf.cast(a, x.dtype) if not _tf.is_tensor(a) else a)


def sign(x):
    """Elementwise -1, 0 or 1.

    >>> from minitf.keras import backend as K
    >>> K.sign([-2., 0.]).numpy().tolist()
    [-1.0, 0.0]"""
    return _tf.sign(x)


def round(x):  # noqa: A001
    """Round half to even.

    >>> from minitf.keras import backend as K
    >>> K.round([0.5, 1.5]).numpy().tolist()
    [0.0, 2.0]"""
    return _tf.round(x)


def sin(x):
    """Elementwise sine.

    >>> from minitf.keras import backend as K
    >>> float(K.sin(0.))
    0.0"""
    return _tf.sin(x)


def cos(x):
    """Elementwise cosine.

    >>> from minitf.keras import backend as K
    >>> float(K.cos(0.))
    1.0"""
    return _tf.cos(x)


def clip(x, min_value, max_value):
    """``x`` clipped to [min_value, max_value]; a ``max_value`` below ``min_value`` is raised
    to it, and None bounds mean ±inf, as Keras.

    >>> from minitf.keras import backend as K
    >>> K.clip([1., 2., 3., 4.], 2., 3.).numpy().tolist()
    [2.0, 2.0, 3.0, 3.0]"""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and \
            max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    return _tf.clip_by_value(x, min_value, max_value)


def maximum(x, y):
    """Elementwise maximum (the second argument converted to the first's dtype).

    >>> from minitf.keras import backend as K
    >>> K.maximum([1., 3.], 2.).numpy().tolist()
    [2.0, 3.0]"""
    return _tf.maximum(x, y)


def minimum(x, y):
    """Elementwise minimum.

    >>> from minitf.keras import backend as K
    >>> K.minimum([1., 3.], 2.).numpy().tolist()
    [1.0, 2.0]"""
    return _tf.minimum(x, y)


def equal(x, y):
    """Elementwise ``x == y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.equal([1., 2.], 2.).numpy().tolist()
    [False, True]"""
    return _tf.equal(x, y)


def not_equal(x, y):
    """Elementwise ``x != y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.not_equal([1., 2.], 2.).numpy().tolist()
    [True, False]"""
    return _tf.not_equal(x, y)


def greater(x, y):
    """Elementwise ``x > y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.greater([1., 3.], 2.).numpy().tolist()
    [False, True]"""
    return _tf.greater(x, y)


def greater_equal(x, y):
    """Elementwise ``x >= y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.greater_equal([1., 2.], 2.).numpy().tolist()
    [False, True]"""
    return _tf.greater_equal(x, y)


def less(x, y):
    """Elementwise ``x < y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.less([1., 3.], 2.).numpy().tolist()
    [True, False]"""
    return _tf.less(x, y)


def less_equal(x, y):
    """Elementwise ``x <= y`` (bool).

    >>> from minitf.keras import backend as K
    >>> K.less_equal([1., 3.], 3.).numpy().tolist()
    [True, True]"""
    return _tf.less_equal(x, y)


def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` holds, else ``else_expression``: a scalar
    condition picks one whole branch (``tf.cond``); a tensor one selects elementwise. Either
    branch may be a callable.

    >>> from minitf.keras import backend as K
    >>> import minitf as tf
    >>> K.switch(tf.constant([True, False]), [1., 2.], [3., 4.]).numpy().tolist()
    [1.0, 4.0]"""
    cond = _tf.cast(condition, _tf.bool)
    t = then_expression() if callable(then_expression) else then_expression
    e = else_expression() if callable(else_expression) else else_expression
    if cond.shape.rank == 0:
        return _tf.cond(cond, lambda: _t(t), lambda: _t(e))
    return _tf.where(cond, t, e)


# ---- activations --------------------------------------------------------------------------------

def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras's rectifier: ``alpha`` times ``x - threshold`` below the threshold, ``x`` above,
    capped at ``max_value``.

    >>> from minitf.keras import backend as K
    >>> K.relu([-1., 1., 5.], alpha=0.1, max_value=2.).numpy().tolist()
    [-0.10000000149011612, 1.0, 2.0]"""
    from .activations import relu as relu_
    return relu_(x, negative_slope=alpha, max_value=max_value, threshold=threshold)


def sigmoid(x):
    """Elementwise 1 / (1 + exp(-x)).

    >>> from minitf.keras import backend as K
    >>> float(K.sigmoid(0.))
    0.5"""
    return _tf.sigmoid(x)


def tanh(x):
    """Elementwise hyperbolic tangent.

    >>> from minitf.keras import backend as K
    >>> float(K.tanh(0.))
    0.0"""
    return _tf.tanh(x)


def softmax(x, axis=-1):
    """Softmax along ``axis``.

    >>> from minitf.keras import backend as K
    >>> K.softmax([0., 0.]).numpy().tolist()
    [0.5, 0.5]"""
    return _tf.nn.softmax(x, axis=axis)


def softplus(x):
    """Elementwise log(1 + exp(x)).

    >>> from minitf.keras import backend as K
    >>> K.softplus(0.).numpy().round(6)
    np.float32(0.693147)"""
    return _tf.nn.softplus(x)


def softsign(x):
    """Elementwise x / (1 + |x|).

    >>> from minitf.keras import backend as K
    >>> float(K.softsign(1.))
    0.5"""
    return _tf.nn.softsign(x)


def l2_normalize(x, axis=None):
    """``x`` scaled to unit L2 norm along ``axis``.

    >>> from minitf.keras import backend as K
    >>> K.l2_normalize([3., 4.], axis=0).numpy().tolist()
    [0.6000000238418579, 0.800000011920929]"""
    return _tf.math.l2_normalize(x, axis=axis)


# ---- legacy losses ------------------------------------------------------------------------------

def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy: probabilities are clipped to [eps, 1 - eps] and eps
    is added inside the logs (Keras's legacy formula); with ``from_logits`` the stable
    sigmoid form.

    >>> from minitf.keras import backend as K
    >>> K.binary_crossentropy([1., 0.], [0.9, 0.2]).numpy().round(5)
    array([0.10536, 0.22314], dtype=float32)"""
    target, output = _t(target), _t(output)
    if from_logits:
        return _tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _tf.constant(epsilon(), output.dtype)
    output = _tf.clip_by_value(output, eps, 1.0 - eps)
    bce = target * _tf.math.log(output + eps)
    bce += (1 - target) * _tf.math.log(1 - output + eps)
    return -bce


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of one-hot ``target`` against probabilities ``output`` (rescaled to sum to
    1 along ``axis`` and clipped to [eps, 1 - eps]), or logits with ``from_logits``.

    >>> from minitf.keras import backend as K
    >>> K.categorical_crossentropy([[0., 1.]], [[0.2, 0.6]]).numpy().round(5)
    array([0.28768], dtype=float32)"""
    target, output = _t(target), _t(output)
    if from_logits:
        return _tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    output = output / _tf.reduce_sum(output, axis, True)
    eps = _tf.constant(epsilon(), output.dtype)
    output = _tf.clip_by_value(output, eps, 1.0 - eps)
    return -_tf.reduce_sum(target * _tf.math.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of integer class ``target`` against probabilities (clipped to
    [eps, 1 - eps]) or logits ``output`` along the last axis.

    >>> from minitf.keras import backend as K
    >>> K.sparse_categorical_crossentropy([1], [[0.25, 0.75]]).numpy().round(5)
    array([0.28768], dtype=float32)"""
    target, output = _t(target), _t(output)
    if not from_logits:
        eps = _tf.constant(epsilon(), output.dtype)
        output = _tf.math.log(_tf.clip_by_value(output, eps, 1 - eps))
    return _tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=_tf.cast(target, _tf.int64), logits=output)


# ---- shapes and creation -------------------------------------------------------------------------

def int_shape(x):
    """The static shape as a tuple of ints.

    >>> from minitf.keras import backend as K
    >>> K.int_shape(K.zeros((2, 3)))
    (2, 3)"""
    return tuple(_t(x).shape)


def shape(x):
    """The shape as an int32 tensor.

    >>> from minitf.keras import backend as K
    >>> K.shape([[1., 2.]]).numpy().tolist()
    [1, 2]"""
    return _tf.shape(x)


def ndim(x) -> int:
    """The number of axes, as a Python int.

    >>> from minitf.keras import backend as K
    >>> K.ndim([[1., 2.]])
    2"""
    return len(_t(x).shape)


def dtype(x) -> str:
    """The dtype's name, a string.

    >>> from minitf.keras import backend as K
    >>> K.dtype(K.constant(1.))
    'float32'"""
    return _t(x).dtype.name


def count_params(x) -> int:
    """The number of elements, as a Python int.

    >>> from minitf.keras import backend as K
    >>> K.count_params(K.zeros((2, 3)))
    6"""
    return int(np.prod(_t(x).shape))


def cast(x, dtype):
    """``x`` cast to ``dtype``.

    >>> from minitf.keras import backend as K
    >>> K.cast([1.7], 'int32').numpy().tolist()
    [1]"""
    return _tf.cast(x, dtype)


def cast_to_floatx(x):
    """A NumPy array of ``x`` in floatx (float32), not a tensor.

    >>> from minitf.keras import backend as K
    >>> K.cast_to_floatx([1, 2]).dtype
    dtype('float32')"""
    if _tf.is_tensor(x) or hasattr(x, "_read_for_op"):
        return _tf.cast(x, floatx())
    return np.asarray(x, dtype=floatx())


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor in ``dtype`` (floatx by default), filled to ``shape`` if given.

    >>> from minitf.keras import backend as K
    >>> K.constant([1, 2]).dtype
    tf.float32"""
    dt = dtype or floatx()
    if shape is not None:
        return _tf.fill(list(shape), _tf.constant(value, dt))
    return _tf.constant(value, dt)


def variable(value, dtype=None, name=None, constraint=None):
    """A Variable holding ``value`` in ``dtype`` (floatx by default).

    >>> from minitf.keras import backend as K
    >>> K.variable([1, 2]).dtype
    tf.float32"""
    v = _tf.Variable(_tf.constant(np.asarray(value), dtype or floatx()) if not
                     _tf.is_tensor(value) else _tf.cast(value, dtype or floatx()),
                     name=name or "Variable", constraint=constraint)
    return v


def zeros(shape, dtype=None, name=None):
    """A Variable of zeros (floatx by default).

    >>> from minitf.keras import backend as K
    >>> K.zeros((2,)).numpy().tolist()
    [0.0, 0.0]"""
    return _tf.Variable(_tf.zeros(shape, dtype or floatx()), name=name or "Variable")


def ones(shape, dtype=None, name=None):
    """A Variable of ones (floatx by default).

    >>> from minitf.keras import backend as K
    >>> K.ones((2,), dtype='int32').numpy().tolist()
    [1, 1]"""
    return _tf.Variable(_tf.ones(shape, dtype or floatx()), name=name or "Variable")


def eye(size, dtype=None, name=None):
    """A Variable holding the ``size`` × ``size`` identity (floatx by default).

    >>> from minitf.keras import backend as K
    >>> K.eye(2).numpy().tolist()
    [[1.0, 0.0], [0.0, 1.0]]"""
    return _tf.Variable(_tf.eye(size, dtype=dtype or floatx()), name=name or "Variable")


def zeros_like(x, dtype=None, name=None):
    """Zeros of ``x``'s shape and dtype.

    >>> from minitf.keras import backend as K
    >>> K.zeros_like([1., 2.]).numpy().tolist()
    [0.0, 0.0]"""
    return _tf.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None, name=None):
    """Ones of ``x``'s shape and dtype.

    >>> from minitf.keras import backend as K
    >>> K.ones_like([1, 2]).numpy().tolist()
    [1, 1]"""
    return _tf.ones_like(x, dtype=dtype)


def get_value(x):
    """The value of a Variable or tensor as a NumPy array.

    >>> from minitf.keras import backend as K
    >>> K.get_value(K.variable([1., 2.])).tolist()
    [1.0, 2.0]"""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def batch_get_value(tensors) -> list:
    """``get_value`` of each.

    >>> from minitf.keras import backend as K
    >>> [v.tolist() for v in K.batch_get_value([K.variable(1.), K.variable([2.])])]
    [1.0, [2.0]]"""
    return [get_value(x) for x in tensors]


def set_value(x, value) -> None:
    """Assign ``value`` to the Variable ``x`` (converted to its dtype).

    >>> from minitf.keras import backend as K
    >>> v = K.variable([1., 2.]); K.set_value(v, [3., 4.]); v.numpy().tolist()
    [3.0, 4.0]"""
    x.assign(np.asarray(value, dtype=x._dtype.as_numpy_dtype))


def batch_set_value(tuples) -> None:
    """``set_value`` for each (variable, value) pair.

    >>> from minitf.keras import backend as K
    >>> v = K.variable(1.); K.batch_set_value([(v, 5.)]); float(v.numpy())
    5.0"""
    for x, value in tuples:
        set_value(x, value)


def stop_gradient(variables):
    """``tf.stop_gradient`` of a tensor, or of each tensor in a list.

    >>> from minitf.keras import backend as K
    >>> float(K.stop_gradient(2.))
    2.0"""
    if isinstance(variables, (list, tuple)):
        return [_tf.stop_gradient(v) for v in variables]
    return _tf.stop_gradient(variables)


# ---- arrangement -------------------------------------------------------------------------------

def concatenate(tensors, axis=-1):
    """Join along ``axis`` (the last by default).

    >>> from minitf.keras import backend as K
    >>> K.concatenate([[[1.]], [[2.]]]).numpy().tolist()
    [[1.0, 2.0]]"""
    return _tf.concat(list(tensors), axis)


def stack(x, axis=0):
    """Stack along a new ``axis``.

    >>> from minitf.keras import backend as K
    >>> K.stack([[1.], [2.]]).shape
    TensorShape([2, 1])"""
    return _tf.stack(list(x), axis)


def reshape(x, shape):
    """``x`` with a new shape.

    >>> from minitf.keras import backend as K
    >>> K.reshape([[1., 2.]], (2,)).shape
    TensorShape([2])"""
    return _tf.reshape(x, shape)


def transpose(x):
    """All axes reversed.

    >>> from minitf.keras import backend as K
    >>> K.transpose([[1., 2.]]).shape
    TensorShape([2, 1])"""
    return _tf.transpose(x)


def permute_dimensions(x, pattern):
    """Axes permuted by ``pattern``.

    >>> from minitf.keras import backend as K
    >>> K.permute_dimensions(K.zeros((2, 3)), (1, 0)).shape
    TensorShape([3, 2])"""
    return _tf.transpose(x, list(pattern))


def expand_dims(x, axis=-1):
    """A new size-1 axis at ``axis`` (the end by default).

    >>> from minitf.keras import backend as K
    >>> K.expand_dims([1., 2.]).shape
    TensorShape([2, 1])"""
    return _tf.expand_dims(x, axis)


def squeeze(x, axis):
    """The size-1 axis ``axis`` removed.

    >>> from minitf.keras import backend as K
    >>> K.squeeze([[1.], [2.]], -1).shape
    TensorShape([2])"""
    return _tf.squeeze(x, [axis])


def flatten(x):
    """All elements in one axis.

    >>> from minitf.keras import backend as K
    >>> K.flatten([[1., 2.], [3., 4.]]).shape
    TensorShape([4])"""
    return _tf.reshape(x, [-1])


def batch_flatten(x):
    """Each batch entry flattened: shape (batch, rest).

    >>> from minitf.keras import backend as K
    >>> K.batch_flatten(K.zeros((2, 3, 4))).shape
    TensorShape([2, 12])"""
    x = _t(x)
    return _tf.reshape(x, [x.shape[0], -1])


def tile(x, n):
    """``x`` repeated ``n[i]`` times along axis i.

    >>> from minitf.keras import backend as K
    >>> K.tile([[1., 2.]], [1, 2]).numpy().tolist()
    [[1.0, 2.0, 1.0, 2.0]]"""
    return _tf.tile(x, [n] if isinstance(n, int) else n)


def reverse(x, axes):
    """``x`` reversed along ``axes`` (an int or a list).

    >>> from minitf.keras import backend as K
    >>> K.reverse([1., 2.], 0).numpy().tolist()
    [2.0, 1.0]"""
    return _tf.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def repeat_elements(x, rep, axis):
    """Each slice along ``axis`` repeated ``rep`` times in place.

    >>> from minitf.keras import backend as K
    >>> K.repeat_elements([[1., 2.]], 2, axis=1).numpy().tolist()
    [[1.0, 1.0, 2.0, 2.0]]"""
    x = _t(x)
    ax = axis % len(x.shape)
    idx = np.repeat(np.arange(x.shape[ax]), rep).astype(np.int64)
    return _tf.gather(x, idx, axis=ax)


def gather(reference, indices):
    """Rows of ``reference`` at ``indices``.

    >>> from minitf.keras import backend as K
    >>> K.gather([[1., 2.], [3., 4.]], [1]).numpy().tolist()
    [[3.0, 4.0]]"""
    return _tf.gather(reference, indices)


def one_hot(indices, num_classes):
    """One-hot float rows of length ``num_classes``.

    >>> from minitf.keras import backend as K
    >>> K.one_hot([0, 2], 3).numpy().tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]"""
    return _tf.one_hot(indices, num_classes, axis=-1)


def dot(x, y):
    """Keras's dot: the last axis of ``x`` contracted with the second-to-last of ``y`` (the
    only axis of a vector ``y``); for matrices, the matrix product.

    >>> from minitf.keras import backend as K
    >>> K.dot(K.ones((2, 3, 4)), K.ones((4, 5))).shape
    TensorShape([2, 3, 5])"""
    x, y = _t(x), _t(y)
    if len(y.shape) == 1:
        return _tf.tensordot(x, y, [[len(x.shape) - 1], [0]])
    return _tf.tensordot(x, y, [[len(x.shape) - 1], [len(y.shape) - 2]])


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples of ``shape`` (floatx by default): Keras 3 keeps this tf.keras.backend
    function (the subclassing guide's VAE samples its noise with it); it is tf.random.normal.
    minitf's stream differs from TensorFlow's, so only the shape, dtype and statistics match.

    >>> from minitf.keras import backend as K
    >>> K.random_normal((2, 3)).shape
    TensorShape([2, 3])"""
    return _tf.random.normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [``minval``, ``maxval``) of ``shape`` (floatx by default), as
    tf.keras.backend.random_uniform (tf.random.uniform underneath).

    >>> from minitf.keras import backend as K
    >>> x = K.random_uniform((4,), 2.0, 3.0).numpy()
    >>> bool(((x >= 2.0) & (x < 3.0)).all())
    True"""
    return _tf.random.uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)
