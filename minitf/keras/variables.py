"""Keras variables: minitf Variables with a short ``name`` ("kernel"), a ``path``
("dense/kernel"), a settable ``trainable`` flag, and an optional regularizer and constraint."""
from __future__ import annotations

from ..variable import Variable


class KerasVariable(Variable):
    """``keras.Variable``: a tf.Variable with Keras 3's ``path`` (``'dense/kernel'``) and a
    weight ``constraint`` applied after each optimizer step."""
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

    def __repr__(self) -> str:
        return (f"<KerasVariable shape={self.shape}, dtype={self.dtype.name}, "
                f"path={self._path}>")
