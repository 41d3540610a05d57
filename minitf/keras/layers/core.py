"""Core layers: Dense, Flatten, Lambda, Activation, Reshape, Embedding, InputLayer, and the
noise layers (Dropout, AlphaDropout, GaussianNoise), which act only when ``training=True``."""
from __future__ import annotations

import operator

import numpy as np

from ... import _backend as B
from ... import dtypes
from ...ops import array_ops as A
from ...ops import linalg_ops as L
from ...ops import math_ops as M
from ...ops.nn_ops import dense
from ...tensor import EagerTensor, convert_to_tensor
from .. import activations, backend, constraints, initializers, regularizers
from .. import random as krandom
from .layer import KerasTensor, Layer, batch_size


def _check_min_ndim(layer, inputs, n):
    if len(inputs.shape) < n:
        raise ValueError(f"Input 0 with name '{getattr(inputs, 'name', None)}' of layer "
                         f"'{layer.name}' is incompatible with the layer: expected min_ndim={n}, "
                         f"found ndim={len(inputs.shape)}. Full shape received: "
                         f"{tuple(inputs.shape)}")


class Dense(Layer):
    """``activation(inputs @ kernel + bias)``, kernel of shape (input_dim, units).

    >>> import minitf as tf
    >>> layer = tf.keras.layers.Dense(3, activation="relu")
    >>> layer(tf.ones((4, 2))).shape, [tuple(w.shape) for w in layer.weights]
    (TensorShape([4, 3]), [(2, 3), (3,)])
    """
    # Keras 3 keeps this weight under a private name; checkpoints use that name.
    _checkpoint_names = {"kernel": "_kernel"}

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected min_ndim=2, found ndim={len(input_shape)}. Full shape "
                             f"received: {tuple(input_shape)}")
        self.input_dim = int(input_shape[-1])
        self.kernel = self.add_weight(shape=(self.input_dim, self.units), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        act = self.activation
        if type(inputs) is EagerTensor and not B.TRACING and (
                act is activations.relu or act is activations.linear):
            # Fast path: an eager tensor (its array's shape is the real one) of the kernel's
            # floating dtype, at least a matrix with the right last axis, and an activation
            # the fused op has: the checks below would all pass, so go straight to it.
            v = inputs._value
            if v.ndim >= 2 and v.shape[-1] == self.input_dim and \
                    inputs._dtype is self.kernel._dtype and inputs._dtype.is_floating:
                return dense(inputs, self.kernel, self.bias, relu=act is activations.relu)
        _check_min_ndim(self, inputs, 2)
        if inputs.shape[-1] != self.input_dim:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected axis -1 of input shape to have value {self.input_dim}, "
                             f"but received input with shape {tuple(inputs.shape)}")
        if not inputs.dtype.is_floating:
            inputs = M.cast(inputs, self._dtype)
        if self.activation is activations.relu or self.activation is activations.linear:
            if inputs.dtype is not self.kernel._dtype:
                L.matmul(inputs, self.kernel)          # TF's dtype error, from the usual op
            return dense(inputs, self.kernel, self.bias,
                         relu=self.activation is activations.relu)
        x = L.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(units=self.units, activation=activations.serialize(self.activation),
                   use_bias=self.use_bias,
                   kernel_initializer=initializers.serialize(self.kernel_initializer),
                   bias_initializer=initializers.serialize(self.bias_initializer))
        return cfg


class Flatten(Layer):
    """Reshapes each sample to one dimension, keeping the batch axis: (N, 4, 5) -> (N, 20)."""
    def call(self, inputs):
        return A.reshape(inputs, (batch_size(inputs), -1))


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (the batch axis is kept; one entry may be -1)."""
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return A.reshape(inputs, (batch_size(inputs),) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Activation(Layer):
    """Applies an activation function (a name such as ``'relu'``, or a callable) as a layer."""
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Lambda(Layer):
    """Wraps a function of tensors as a layer (it owns no weights)."""

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def get_config(self):
        raise NotImplementedError("A Lambda layer's function cannot be serialised to a config; "
                                  "subclass Layer instead if you need get_config.")


class Dropout(Layer):
    """Zero inputs with probability ``rate`` and scale the others by 1/(1 - rate), only when
    ``training=True`` (a direct call defaults to inference)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        if rate > 0:        # Keras 3: a SeedGenerator (its seed from `random` when None)
            self.seed_generator = krandom.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return krandom.dropout(inputs, self.rate, noise_shape=self.noise_shape,
                               seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout that keeps SELU activations' mean and variance (self-normalising networks)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        if rate > 0:
            self.seed_generator = krandom.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.rate <= 0:
            return inputs
        alpha, scale = 1.6732632423543772848, 1.0507009873554804934
        alpha_p = -alpha * scale
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        keep = M.greater_equal(krandom.uniform(shape, seed=self.seed_generator),
                               self.rate)
        keep_f = M.cast(keep, inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * keep_f + alpha_p * (1 - keep_f)
        return a * x + b

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of ``stddev`` during training only; at inference it
    passes inputs through."""
    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = float(stddev), seed
        if stddev > 0:
            self.seed_generator = krandom.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.stddev <= 0:
            return inputs
        return inputs + krandom.normal(tuple(inputs.shape), stddev=self.stddev,
                                       dtype=inputs.dtype, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class Embedding(Layer):
    """Rows of a trainable (input_dim, output_dim) matrix, looked up by integer ids."""
    # Keras 3 keeps this weight under a private name; checkpoints use that name.
    _checkpoint_names = {"embeddings": "_embeddings"}

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        init = embeddings_initializer
        self.embeddings_initializer = initializers.get("random_uniform" if init == "uniform"
                                                       else init)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint,
                                          name="embeddings")
        self.built = True

    def _convert_inputs(self, inputs):
        if isinstance(inputs, KerasTensor):
            return inputs
        t = convert_to_tensor(inputs)
        return t if t.dtype.is_integer else M.cast(t, dtypes.int32)

    def call(self, inputs):
        if not inputs.dtype.is_integer:    # a float keras.Input (Sequential's default): ids
            inputs = M.cast(inputs, dtypes.int32)
        return A.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        """With ``mask_zero=True``, ``ids != 0``: id 0 is padding, and layers downstream that
        take a mask (RNNs) skip those steps; the mask rides on the output as ``_keras_mask``.

        >>> import minitf as tf
        >>> emb = tf.keras.layers.Embedding(5, 2, mask_zero=True)
        >>> emb(tf.constant([[3, 1, 0]]))._keras_mask.numpy()
        array([[ True,  True, False]])
        """
        if not self.mask_zero:
            return None
        return M.not_equal(inputs, 0)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim, "mask_zero": self.mask_zero}


class InputLayer(Layer):
    """The layer behind ``keras.Input``: the entry point of a model, holding the input's
    shape and dtype."""
    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, input_shape=None,
                 batch_shape=None, **kwargs):
        if isinstance(dtype, dict):             # a Keras DTypePolicy config
            dtype = (dtype.get("config") or {}).get("name")
        super().__init__(name=name or backend.unique_name("input_layer"), dtype=dtype)
        if batch_shape is not None:             # Keras's config form: (batch, *shape)
            batch_shape = _checked_shape(batch_shape)
            batch_size, shape = batch_shape[0], batch_shape[1:]
        shape = shape if shape is not None else input_shape
        full = _checked_shape((batch_size,) + tuple(_checked_shape(shape or ())))
        self._shape = full[1:]
        self._batch = full[0]
        self.output = KerasTensor((batch_size,) + self._shape, self._dtype, name=self.name)
        self.output._node = None
        self.output._input_layer = self
        self.input = self.output          # as in Keras: an input layer passes its tensor on
        self._output_shape = tuple(self.output.shape)
        self.built = True

    def _convert_inputs(self, inputs):
        from ...ops import math_ops as M
        x = inputs if isinstance(inputs, KerasTensor) else convert_to_tensor(
            inputs, dtype_hint=self._dtype)
        if not isinstance(x, KerasTensor) and x.dtype is not self._dtype and (
                x.dtype.is_floating or self._dtype.is_floating):
            x = M.cast(x, self._dtype)
        return x

    def get_config(self):
        """Keras 3's InputLayer config: ``batch_shape`` (batch first), dtype and name."""
        return {"batch_shape": [self._batch, *self._shape], "dtype": self.dtype,
                "sparse": False, "ragged": False, "name": self.name, "optional": False}

    @classmethod
    def from_config(cls, config):
        """``InputLayer(**config)`` (sparse, ragged and optional inputs do not exist here)."""
        from ..serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


def _checked_shape(shape) -> tuple:
    """``shape`` as a tuple of dimensions, each a non-negative int or None (unknown). Keras
    refuses anything else (a negative or fractional size, a string, a bare number) with a
    ValueError when the input is declared, rather than failing later inside a layer."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"Cannot convert '{shape}' to a shape: a shape is a sequence of "
                         f"dimensions, for example (3,) rather than 3.") from None
    out = []
    for d in dims:
        if d is None:
            out.append(None)
            continue
        try:
            d = operator.index(d)        # ints and NumPy integers; not 3.0, not "3"
        except TypeError:
            raise ValueError(f"Cannot convert '{shape}' to a shape: dimension {d!r} (of type "
                             f"{type(d).__name__}) is not an integer or None.") from None
        if d < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape: negative dimensions are "
                             f"not allowed (use None for a size not known in advance).")
        out.append(d)
    return tuple(out)


# Layers that pass an incoming mask on unchanged, as Keras marks them (supports_masking): an
# LSTM(return_sequences=True) - Dropout - LSTM stack keeps Embedding's mask to the second LSTM.
for _cls in (Dense, Activation, Dropout, AlphaDropout, GaussianNoise):
    _cls._masking_by_default = True


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, **kwargs):
    """A symbolic input for the functional API: ``keras.Input(shape=(8,))``.

    ``shape`` excludes the batch axis; each dimension is a non-negative int or None (any size).
    Anything else (``(-3,)``, ``(3.5,)``, a bare ``3``) raises ValueError, as in Keras.
    """
    if batch_shape is not None:
        batch_shape = _checked_shape(batch_shape)
        batch_size, shape = batch_shape[0], batch_shape[1:]
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name)
    return layer.output


