"""Which array library holds tensor values.

The CPU backend is NumPy. The GPU backend (CuPy) is the subject of its own work item; this module
is the only place that will import cupy, lazily, so that NumPy-only machines never need it.
"""
from __future__ import annotations

import numpy as np

_NAME = "numpy"


def get_backend() -> str:
    """The name of the active backend: ``"numpy"``."""
    return _NAME


def set_backend(name: str) -> None:
    """Select the array backend. Only ``"numpy"`` is available in this build."""
    if name != "numpy":
        raise ValueError(f"Unknown or unavailable backend {name!r}; this build supports 'numpy'.")


xp = np
