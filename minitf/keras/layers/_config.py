"""Helpers for layers' ``get_config``: how Keras writes an initializer, regularizer or
constraint argument (a ``{"class_name", "config"}`` dict, or None when not set).

>>> from minitf.keras.layers._config import serialize_or_none
>>> from minitf.keras import regularizers
>>> serialize_or_none(regularizers.L2(0.5))
{'class_name': 'L2', 'config': {'l2': 0.5}}
>>> serialize_or_none(None) is None
True
"""
from __future__ import annotations

from typing import Any


def serialize_or_none(obj: Any) -> dict | None:
    """``{"class_name": ..., "config": obj.get_config()}``, or None for None."""
    if obj is None:
        return None
    return {"class_name": type(obj).__name__, "config": obj.get_config()}
