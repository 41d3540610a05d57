"""``tf.train``: checkpoints in TensorFlow's own format.

* :class:`Checkpoint` saves and restores objects' variables by object graph
  (:mod:`.checkpoint`), with deferred restoration for variables created later;
* :class:`CheckpointManager`, :func:`latest_checkpoint` and :func:`get_checkpoint_state`
  keep track of a directory's checkpoints (:mod:`.checkpoint_management`);
* :func:`list_variables`, :func:`load_variable` and :func:`load_checkpoint` read any
  checkpoint's tensors by key.

The files are TensorFlow's "TensorBundle" pair (``.index`` + ``.data-00000-of-00001``,
:mod:`.tensor_bundle`), so checkpoints move between minitf and TensorFlow both ways.

>>> import minitf as tf, tempfile, os
>>> prefix = tf.train.Checkpoint(w=tf.Variable([[1.0, 2.0]])).write(
...     os.path.join(tempfile.mkdtemp(), "demo"))
>>> tf.train.list_variables(prefix)
[('_CHECKPOINTABLE_OBJECT_GRAPH', []), ('w/.ATTRIBUTES/VARIABLE_VALUE', [1, 2])]
"""
from __future__ import annotations

import os

from .checkpoint import Checkpoint, CheckpointLoadStatus, retry_deferred
from .checkpoint_management import (CheckpointManager, CheckpointState, get_checkpoint_state,
                                    latest_checkpoint)
from .tensor_bundle import BundleReader

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "CheckpointState",
           "CheckpointReader", "get_checkpoint_state", "latest_checkpoint", "list_variables",
           "load_checkpoint", "load_variable", "retry_deferred"]


def _prefix(ckpt_dir_or_file) -> str:
    from ..errors import NotFoundError
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return latest
    if not os.path.exists(path + ".index"):
        raise NotFoundError(None, None, f"Unsuccessful TensorSliceReader constructor: Failed "
                            f"to find any matching files for {path}")
    return path


class CheckpointReader:
    """Reads a checkpoint's tensors by key (what ``tf.train.load_checkpoint`` returns)."""

    def __init__(self, prefix: str):
        self._bundle = BundleReader(prefix)

    def get_tensor(self, key: str):
        """The tensor saved under ``key``, as a NumPy array (bytes for the object graph)."""
        return self._bundle.get(key)

    def has_tensor(self, key: str) -> bool:
        return self._bundle.has(key)

    def get_variable_to_shape_map(self) -> dict:
        return {k: self._bundle.shape(k) for k in self._bundle.keys()}

    def get_variable_to_dtype_map(self) -> dict:
        from .. import dtypes
        out = {}
        for k in self._bundle.keys():
            name = self._bundle.dtype(k)
            try:
                out[k] = dtypes.as_dtype(name)
            except (TypeError, ValueError):
                out[k] = name
        return out


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A reader for the checkpoint at a prefix, or the latest one in a directory."""
    return CheckpointReader(_prefix(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file) -> list:
    """``[(key, shape), ...]`` of every tensor in the checkpoint, sorted by key."""
    reader = load_checkpoint(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file, name: str):
    """The value saved under ``name`` (a trailing ``:0`` is ignored), as a NumPy array."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
