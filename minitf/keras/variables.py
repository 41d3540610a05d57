"""Keras variables: minitf Variables with a short ``name`` ("kernel"), a ``path``
("dense/kernel"), a settable ``trainable`` flag, and an optional regularizer and constraint."""
from __future__ import annotations

import numpy as np

from .. import _backend as B
from ..variable import Variable

# Bumped whenever any layer's weights or sub-layers change, or a weight's or a layer's
# trainable flag does: a layer keeps the list its ``weights`` built until then (a training
# step reads ``model.trainable_variables`` twice, and walking the layers was a tenth of an
# eager step's time).
STRUCTURE = [0]


class KerasVariable(Variable):
    """``keras.Variable``: a tf.Variable with Keras 3's ``path`` (``'dense/kernel'``) and a
    weight ``constraint`` applied after each optimizer step. As in Keras 3 its ``dtype`` is
    the dtype's name (a string) and it prints as ``<Variable path=..., shape=..., dtype=...,
    value=...>``; unlike Keras's, it is a ``tf.Variable`` itself (ops and tapes take it as
    one), so ``value`` is still the method ``value()``.

    >>> import minitf as tf
    >>> layer = tf.keras.layers.Dense(2, name="d")
    >>> layer.build((None, 1))
    >>> layer.bias
    <Variable path=d/bias, shape=(2,), dtype=float32, value=[0. 0.]>
    >>> layer.bias.dtype, layer.bias.dtype == tf.float32
    ('float32', True)
    """
    __slots__ = ("_path", "_short", "regularizer", "_created_trainable")

    def __init__(self, initial_value, name: str, path: str, trainable: bool = True,
                 dtype=None, constraint=None, regularizer=None):
        super().__init__(initial_value, trainable=trainable, name=name, dtype=dtype,
                         constraint=constraint)
        self._short = name
        self._path = path
        self.regularizer = regularizer
        self._created_trainable = trainable   # layer.trainable toggles only these

    @property
    def name(self) -> str:
        return self._short

    @property
    def path(self) -> str:
        return self._path

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        STRUCTURE[0] += 1

    @property
    def dtype(self) -> str:
        """The dtype's name, a string (``'float32'``), as Keras 3's variables give it; it
        compares equal to the DType (``w.dtype == tf.float32``)."""
        return self._dtype.name

    def __repr__(self) -> str:
        # Keras 3's own: path, shape, dtype and the value as NumPy prints an array.
        if B.is_symbolic(self._value):
            return f"<Variable path={self._path}, shape={self.shape}, dtype={self.dtype}>"
        return (f"<Variable path={self._path}, shape={self.shape}, dtype={self.dtype}, "
                f"value={np.asarray(self._peek().numpy())}>")

    __str__ = __repr__
