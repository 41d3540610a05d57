"""Activation layers: Softmax, ReLU, LeakyReLU, PReLU, ELU (Keras 3's ``layers/activations``).

Each is a thin layer around the ``keras.activations`` function of the same name, with Keras's
defaults and argument checks. They own no weights, except PReLU, whose learned slope ``alpha``
has the input's shape without the batch axis (size 1 along ``shared_axes``).

>>> import minitf as tf
>>> tf.keras.layers.LeakyReLU()(tf.constant([-1.0, 2.0])).numpy()    # Keras's slope is 0.3
array([-0.3,  2. ], dtype=float32)
"""
from __future__ import annotations

import warnings

from ...ops import math_ops as M
from ...ops import reduction_ops as R
from ...tensor import convert_to_tensor
from .. import activations, constraints, initializers, regularizers
from ._config import serialize_or_none
from .layer import Layer


def _large_negative(dtype):
    # What masked logits become before the softmax: Keras uses -1e9 (float16: -3e4, whose
    # range stops at 65504), so the masked entries' exp underflows to exactly 0.
    return -3e4 if dtype.name == "float16" else -1e9


class Softmax(Layer):
    """``softmax(inputs)`` along ``axis`` (an int, or a tuple: normalised over all of them).

    A ``mask`` (True or > 0.5 where kept, broadcastable to the inputs; by default the mask the
    input carries, ``inputs._keras_mask``, which Layer.__call__ passes) sets the other logits to
    -1e9 first and their outputs to 0, so a fully masked slice gives zeros, not a uniform
    distribution.

    >>> import minitf as tf
    >>> sm = tf.keras.layers.Softmax()
    >>> sm(tf.constant([[1.0, 1.0, 5.0]]), mask=tf.constant([[True, True, False]])).numpy()
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = convert_to_tensor(mask)
            if len(mask.shape) > len(inputs.shape) or any(
                    m != 1 and m != i for m, i in zip(mask.shape[::-1], inputs.shape[::-1])):
                raise ValueError(f"The `mask` must be broadcastable to `inputs` (Softmax "
                                 f"layer '{self.name}'): each mask dimension must be 1 or "
                                 f"match the input's. Received: inputs.shape="
                                 f"{tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}")
            if not mask.dtype.is_bool:
                mask = M.greater(mask, M.cast(0.5, mask.dtype))
            inputs = M.where(mask, inputs, M.cast(_large_negative(inputs.dtype), inputs.dtype))
        if isinstance(self.axis, (tuple, list)) and len(self.axis) > 1:
            axis = list(self.axis)
            out = M.exp(inputs - R.reduce_logsumexp(inputs, axis=axis, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (tuple, list)) else self.axis
            out = activations.softmax(inputs, axis=axis)
        if mask is not None:
            out = M.where(mask, out, M.cast(0.0, out.dtype))
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class ReLU(Layer):
    """Keras's rectified linear unit as a layer: ``keras.activations.relu`` with
    ``max_value`` (a cap), ``negative_slope`` (below ``threshold``) and ``threshold``. None of
    them may be negative (ValueError, as in Keras).

    >>> import minitf as tf
    >>> tf.keras.layers.ReLU(max_value=6.0)(tf.constant([-3.0, 4.0, 9.0])).numpy()
    array([0., 4., 6.], dtype=float32)
    """

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below (default 0.3, unlike the function
    ``keras.activations.leaky_relu``'s 0.2). Keras 2's ``alpha=`` still works, with a warning.

    >>> import minitf as tf
    >>> tf.keras.layers.LeakyReLU(negative_slope=0.1)(tf.constant([-2.0])).numpy()
    array([-0.2], dtype=float32)
    """

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"The negative_slope value of a Leaky ReLU layer cannot be None "
                             f"or negative value. Expected a float. Received: "
                             f"negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Parametric ReLU: ``relu(x) - alpha * relu(-x)`` with a learned ``alpha`` (zeros at
    first) of the input's shape without the batch axis; ``shared_axes`` (1-based, batch
    excluded) share one slope along those axes (size 1 there).

    >>> import minitf as tf
    >>> layer = tf.keras.layers.PReLU(shared_axes=[1])
    >>> _ = layer(tf.ones((2, 5, 3)))
    >>> [(w.name, tuple(w.shape)) for w in layer.weights]
    [('alpha', (1, 3))]
    """

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = [int(d) for d in list(input_shape)[1:]]
        for i in self.shared_axes or []:
            shape[i - 1] = 1
        self.alpha = self.add_weight(shape=shape, name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        pos = activations.relu(inputs)
        return pos + (-self.alpha * activations.relu(-inputs))

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": serialize_or_none(self.alpha_regularizer),
                "alpha_constraint": serialize_or_none(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(Layer):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    >>> import minitf as tf
    >>> tf.keras.layers.ELU(alpha=2.0)(tf.constant([0.0, 3.0])).numpy()
    array([0., 3.], dtype=float32)
    """

    _masking_by_default = True      # passes the input's mask on, as Keras

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
