"""Reading Keras's legacy HDF5 weight files (``.h5``), the format of the ImageNet weights
that ``keras.applications`` downloads.

Such a file lists its layers in the root attribute ``layer_names``; each layer's group lists
its weights in the attribute ``weight_names`` (``"conv1_conv/kernel:0"``, ...), stored as
datasets under those names. (A whole model saved with ``model.save("x.h5")`` keeps the same
tree under the group ``model_weights``.) Weights are matched by ORDER, as Keras 3 does:
the model's layers that have weights, in ``model.layers`` order, against the file's layers
that have weights, and within a layer its trainable weights then its non-trainable ones.

Everything is checked before anything is assigned, so a file that does not fit (another
layer count, weight count or shape) raises ``ValueError`` and leaves the model unchanged.
h5py is needed (``pip install h5py``).

>>> import os, tempfile, h5py, numpy as np
>>> import minitf as tf
>>> from minitf.keras import legacy_h5_format
>>> model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
>>> path = os.path.join(tempfile.mkdtemp(), "w.h5")
>>> with h5py.File(path, "w") as f:
...     f.attrs["layer_names"] = [b"fc"]
...     g = f.create_group("fc")
...     g.attrs["weight_names"] = [b"fc/kernel:0", b"fc/bias:0"]
...     g["fc/kernel:0"] = np.array([[2.0], [3.0]], "float32")
...     g["fc/bias:0"] = np.array([1.0], "float32")
>>> legacy_h5_format.load_weights(model, path)
>>> model(np.array([[1.0, 1.0]], "float32")).numpy()
array([[6.]], dtype=float32)
"""
from __future__ import annotations

import os
import warnings

import numpy as np


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("Loading HDF5 files requires the h5py package: pip install h5py "
                          "(or minitf[keras-files])") from e
    return h5py


def _names(group, attribute: str) -> list:
    """A list attribute, also when Keras split it into ``name0``, ``name1``, ... chunks
    (HDF5 limits an object header to 64 KiB)."""
    if attribute in group.attrs:
        chunks = [group.attrs[attribute]]
    else:
        chunks, i = [], 0
        while f"{attribute}{i}" in group.attrs:
            chunks.append(group.attrs[f"{attribute}{i}"])
            i += 1
    return [n.decode("utf8") if hasattr(n, "decode") else str(n) for c in chunks for n in c]


def _legacy_weights(layer) -> list:
    """A layer's weights in the legacy order: trainable first, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """Load a legacy ``.h5`` weight file into ``model`` by layer order (see the module).

    With ``skip_mismatch=True`` a weight whose shape differs is skipped with a warning and
    the others load (as in Keras); counts that differ still raise."""
    filepath = os.fspath(filepath)
    h5py = _h5py()
    with h5py.File(filepath, "r") as f:
        if "layer_names" not in f.attrs and "model_weights" in f:
            f = f["model_weights"]
        layers = [layer for layer in model.layers if _legacy_weights(layer)]
        saved = [name for name in _names(f, "layer_names") if _names(f[name], "weight_names")]
        if len(saved) != len(layers):
            raise ValueError(f"Layer count mismatch when loading weights from file. Model "
                             f"expected {len(layers)} layers, found {len(saved)} saved layers.")
        plan = []
        for k, (name, layer) in enumerate(zip(saved, layers)):
            group = f[name]
            values = [np.asarray(group[w]) for w in _names(group, "weight_names")]
            variables = _legacy_weights(layer)
            if len(values) != len(variables):
                raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name} in "
                                 f"the current model, {name} in the save file). Layer expects "
                                 f"{len(variables)} weight(s). Received {len(values)} saved "
                                 f"weight(s)")
            for v, a in zip(variables, values):
                if tuple(v.shape) != a.shape and skip_mismatch:
                    warnings.warn(f"Skipping loading weights for layer #{k} (named "
                                  f"{layer.name}) due to mismatch in shape for weight "
                                  f"{v.name}. Weight expects shape {tuple(v.shape)}. "
                                  f"Received saved weight with shape {a.shape}", stacklevel=3)
                    continue
                if tuple(v.shape) != a.shape:
                    raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name}) for "
                                     f"weight {v.name}. Weight expects shape "
                                     f"{tuple(v.shape)}. Received saved weight with shape "
                                     f"{a.shape}")
                plan.append((v, a))
    for v, a in plan:
        v.assign(a.astype(v._dtype.as_numpy_dtype, copy=False))
