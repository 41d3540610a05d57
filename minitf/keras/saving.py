"""Weights files: a ``.npz`` archive read without pickle, written atomically.

Arrays are stored under keys ``"0000:dense/kernel"`` (position, then the weight's path), so a
file written by one model loads into another of the same architecture, and a mismatch in count
or shape is reported by name.
"""
from __future__ import annotations

import os
import tempfile
import zipfile

import numpy as np


def save_weights(model, filepath: str, overwrite: bool = True) -> None:
    filepath = os.fspath(filepath)
    if not filepath.endswith(".npz"):
        raise ValueError(f"minitf saves weights as a .npz archive; the filename must end in "
                         f"'.weights.npz' or '.npz'. Received: filepath={filepath}")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    arrays = {f"{i:04d}:{getattr(w, 'path', w.name)}": w.numpy()
              for i, w in enumerate(model.weights)}
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(suffix=".npz", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, filepath)   # readers never see a half-written file
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_weights(model, filepath: str) -> None:
    filepath = os.fspath(filepath)
    try:
        with np.load(filepath, allow_pickle=False) as data:
            keys = sorted(data.files)
            arrays = [data[k] for k in keys]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise ValueError(f"{filepath} is not a readable minitf weights file ({e})") from None
    weights = model.weights
    if len(arrays) != len(weights):
        raise ValueError(f"Weights file {filepath} holds {len(arrays)} arrays but model "
                         f"'{model.name}' has {len(weights)} weights.")
    for k, a, w in zip(keys, arrays, weights):
        if a.shape != tuple(w.shape):
            raise ValueError(f"Weight {k.split(':', 1)[1]} in {filepath} has shape {a.shape}, "
                             f"but the model's {getattr(w, 'path', w.name)} has shape "
                             f"{tuple(w.shape)}.")
    for a, w in zip(arrays, weights):
        w.assign(a.astype(w.dtype.as_numpy_dtype))
