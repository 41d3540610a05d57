"""TF's own initializers (``tf.zeros_initializer``, ``tf.ones_initializer``,
``tf.constant_initializer``, ``tf.random_normal_initializer``, ``tf.random_uniform_initializer``;
TensorFlow's init_ops_v2), as opposed to ``tf.keras.initializers``.

Each is a class: the instance is called with ``(shape, dtype)`` and returns a tensor. Unlike
Keras's, they check the dtype (zeros/ones: numeric or bool; random normal: floating; random
uniform: floating or integer) with a ValueError, and ``constant_initializer`` takes the
dtype of its value when none is given (0.1 is float32, 3 is int32) and converts the value to
the requested dtype directly (0.1 as float64 is exactly 0.1).

>>> import minitf as tf
>>> tf.constant_initializer([1.0, 2.0, 3.0, 4.0])(shape=(2, 2)).numpy()
array([[1., 2.],
       [3., 4.]], dtype=float32)
>>> tf.zeros_initializer()(shape=(2,), dtype=tf.int64).numpy()
array([0, 0])
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .ops import random_ops
from .tensor import constant


class Initializer:
    """Base class: ``__call__(shape, dtype)`` returns a tensor; ``get_config`` its arguments."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _numeric(dtype):
    dt = dtypes.as_dtype(dtype)
    if not (dt.is_floating or dt.is_integer or dt.is_bool or dt.name.startswith("complex")):
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dt!r}.")
    return dt


class Zeros(Initializer):
    """All zeros: ``tf.zeros_initializer()(shape, dtype=tf.float32)``."""

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        dt = _numeric(dtype)
        return constant(np.zeros(tuple(shape), dt.as_numpy_dtype), dtype=dt)


class Ones(Initializer):
    """All ones: ``tf.ones_initializer()(shape, dtype=tf.float32)``."""

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        dt = _numeric(dtype)
        return constant(np.ones(tuple(shape), dt.as_numpy_dtype), dtype=dt)


class Constant(Initializer):
    """``value`` (a Python scalar, list, tuple or NumPy array) broadcast from a scalar or
    reshaped to ``shape`` (the number of elements must match: TypeError otherwise)."""

    def __init__(self, value=0, support_partition=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__}. Expected "
                            f"Python scalar, list or tuple of values, or numpy.ndarray.")
        self.value = value
        self.support_partition = support_partition

    def __call__(self, shape, dtype=None, **kwargs):
        shape = tuple(shape)
        v = np.asarray(self.value)
        if v.size != 1 and v.size != int(np.prod(shape, dtype=np.int64)):
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Value "
                            f"{self.value!r} has {v.size} elements, but got `shape` {shape} "
                            f"with {int(np.prod(shape, dtype=np.int64))} elements.")
        return constant(self.value, dtype=None if dtype is None else dtypes.as_dtype(dtype),
                        shape=shape)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal samples of ``mean`` and ``stddev`` (0.05); floating dtypes only."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        dt = dtypes.as_dtype(dtype)
        if not dt.is_floating:
            raise ValueError(f"Argument `dtype` is expected to be floating point. "
                             f"Received: {dt!r}.")
        return random_ops.normal(tuple(shape), self.mean, self.stddev, dtype=dt, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform samples in [``minval``, ``maxval``) (±0.05); floating or integer dtypes."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        dt = dtypes.as_dtype(dtype)
        if not (dt.is_floating or dt.is_integer):
            raise ValueError(f"Argument `dtype` is expected to be floating point or integer. "
                             f"Received: {dt!r}.")
        return random_ops.uniform(tuple(shape), self.minval, self.maxval, dtype=dt,
                                  seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


# TF's names: tf.zeros_initializer is the class itself
zeros_initializer, ones_initializer, constant_initializer = Zeros, Ones, Constant
random_normal_initializer, random_uniform_initializer = RandomNormal, RandomUniform

