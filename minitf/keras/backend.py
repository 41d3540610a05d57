"""Keras's global settings: ``floatx()`` (float32) and ``epsilon()`` (1e-7), plus name counters.

>>> from minitf import keras
>>> keras.backend.floatx(), keras.backend.epsilon()
('float32', 1e-07)
"""
from __future__ import annotations

import collections
import re

_FLOATX = "float32"
_EPSILON = 1e-7
_NAME_COUNTS: collections.Counter = collections.Counter()


def floatx() -> str:
    """The default float dtype name of new Keras weights and inputs (``'float32'``)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype name (``'float16'``, ``'float32'`` or ``'float64'``)."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value}")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor Keras adds to avoid division by zero (1e-7 by default)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor ``epsilon()`` returns."""
    global _EPSILON
    _EPSILON = float(value)


_IMAGE_DATA_FORMAT = "channels_last"


def image_data_format() -> str:
    """Where image layers expect channels when ``data_format=None``: ``'channels_last'``
    (batch, height, width, channels) by default, or ``'channels_first'``.

    >>> from minitf import keras
    >>> keras.backend.image_data_format()
    'channels_last'
    """
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set what ``image_data_format()`` returns (for layers created afterwards)."""
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
    _IMAGE_DATA_FORMAT = data_format


def snake_case(name: str) -> str:
    """``'MyLayer'`` -> ``'my_layer'``: how Keras names layers after their class.

    A digit does not start a new word (``Conv2D`` -> ``conv2d``, as Keras names it; tf.Module's
    rule, in module.py, gives ``conv2_d``): Keras's ``.weights.h5`` files name their groups
    this way, so a different rule would make Keras's files unreadable.

    >>> snake_case("GlobalAveragePooling2D"), snake_case("ReLU")
    ('global_average_pooling2d', 're_lu')
    """
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(base: str) -> str:
    """``dense``, then ``dense_1``, ``dense_2``, ... as Keras names layers."""
    n = _NAME_COUNTS[base]
    _NAME_COUNTS[base] += 1
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Reset the layer-name counters and Keras's global SeedGenerator (Keras clears all its
    global state; the generator is remade from Python's ``random`` on next use)."""
    _NAME_COUNTS.clear()
    from . import random as keras_random
    keras_random.reset_global_seed_generator()


# Keras 3's tf.keras.backend functions (K.sum, K.mean, K.square, K.int_shape, ...), defined in
# legacy_backend.py; imported last because they use the settings above.
from .legacy_backend import (abs, all, any, argmax, argmin, batch_flatten,  # noqa: E402,F401,A004
                             batch_get_value, batch_set_value, binary_crossentropy, cast,
                             cast_to_floatx, categorical_crossentropy, clip, concatenate,
                             constant, cos, count_params, cumprod, cumsum, dot, dtype, equal,
                             exp, expand_dims, eye, flatten, gather, get_value, greater,
                             greater_equal, int_shape, l2_normalize, less, less_equal, log, max,
                             maximum, mean, min, minimum, ndim, not_equal, one_hot, ones,
                             ones_like, permute_dimensions, pow, prod, random_normal,
                             random_uniform, relu, repeat_elements,
                             reshape, reverse, round, set_value, shape, sigmoid, sign, sin,
                             softmax, softplus, softsign, sparse_categorical_crossentropy, sqrt,
                             square, squeeze, stack, std, stop_gradient, sum, switch, tanh, tile,
                             transpose, var, variable, zeros, zeros_like)
