"""Keras 3's files: ``.weights.h5`` (weights, through h5py) and ``.keras`` (a zip archive of
``metadata.json``, ``config.json`` and ``model.weights.h5``).

Where each weight goes is Keras's walk of the object tree, so either side reads the other's
files. Starting from the model (path ``""``):

- an object with state writes its own variables to ``<path>/vars/0``, ``/1``, ... (a layer: the
  variables it created trainable, then the others, in creation order; an optimizer:
  ``iterations``, the learning rate, then its slots in Keras's order), and the group
  ``<path>/vars`` carries the attribute ``name``;
- a Sequential or functional model visits ``layers`` first; then every object visits its
  attributes in sorted order, private ones (``_x``) last: a layer at ``<path>/<attribute>``, a
  list, tuple or dict at ``<path>/<attribute>/<class name in snake case>`` (``dense``,
  ``dense_1``, ... numbered in order; nested containers ``container``, ``container_1``);
- each object is written once, where the walk first meets it. Metrics hold no saved state.

So ``Sequential([Dense, Dense])`` compiled with Adam holds ``layers/dense/vars/{0,1}``,
``layers/dense_1/vars/{0,1}`` and ``optimizer/vars/{0..9}``. A layer that needs a different
layout defines ``save_own_variables(store)`` / ``load_own_variables(store)``, as in Keras
(``store`` maps "0", "1", ... to arrays).

Loading checks every group against the model before assigning anything: a layer whose
variable count or shapes differ makes the whole load a ValueError (Keras's text, "A total of N
objects could not be loaded...") and nothing changes; with ``skip_mismatch=True`` the others
load and a warning lists the skipped ones. An optimizer whose variable count differs is skipped
with a warning, as in Keras. Files are written to a temporary file beside the target and moved
into place, so a reader never sees half a file.

h5py is needed (``pip install h5py``); it is imported when a file is read or written.

>>> import os, tempfile
>>> import minitf as tf
>>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="d")])
>>> path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
>>> model.save_weights(path)
>>> import h5py
>>> with h5py.File(path) as f:
...     print(sorted(f["layers/dense/vars"]), f["layers/dense/vars"].attrs["name"])
['0', '1'] d
"""
from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile

import numpy as np

from . import saving as _npz

_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.h5"
# The Keras release whose file layout this follows (written into metadata.json beside
# minitf's own version, so a reader knows which writer it was).
KERAS_FORMAT_VERSION = "3.15.1"
_MAX_JSON_BYTES = 64 << 20      # config.json and metadata.json beyond this are refused


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("Keras files (.weights.h5, .keras) need h5py: pip install h5py "
                          "(or minitf[keras-files])") from e
    return h5py


# ---- the walk -----------------------------------------------------------------------------------
def _snake(name: str) -> str:
    from .backend import snake_case
    return snake_case(name)


_SKIP: set = set()


def _skipset() -> set:
    """Attributes every minitf layer or model has: internal state, not user sub-objects."""
    if not _SKIP:
        from .layers.layer import Layer
        from .models import Sequential
        from .optimizers import SGD
        _SKIP.update(vars(Layer()), vars(Sequential()), vars(SGD()))
        _SKIP.update({"_auto_config", "_builtin_args", "_tracked_layers", "_own_weights",
                      "_seq", "_graph_layers", "_layers", "_inputs", "_outputs", "_nodes",
                      "inputs", "outputs", "_input_kt", "optimizer", "layers", "_vars",
                      "_slots", "_schedule", "_lr", "iterations", "_u_product"})
    return _SKIP


def _saveable(obj) -> bool:
    from .layers.layer import Layer
    from .metrics import Metric
    from .optimizers import Optimizer
    return (isinstance(obj, Layer) and not isinstance(obj, Metric)) or \
        isinstance(obj, Optimizer)


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _children(obj):
    """(attribute, value) pairs in Keras's order (see the module docstring)."""
    from .models import Model
    functional_or_seq = isinstance(obj, Model) and (
        obj._functional or hasattr(obj, "_seq"))
    if functional_or_seq:
        yield "layers", obj.layers
    names = set(k for k in vars(obj) if not k.startswith("__")) - _skipset()
    if isinstance(obj, Model):
        names.add("optimizer")
        if not functional_or_seq:
            names.add("layers")
    for name in sorted(names, key=_name_key):
        if name == "optimizer":
            value = getattr(obj, "optimizer", None)
        elif name == "layers":
            value = obj.layers
        else:
            value = vars(obj)[name]
        yield name, value


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def walk(model) -> list:
    """``[(path, object)]``: each object with state, where Keras's walk first meets it."""
    out, seen = [], set()

    def visit(obj, path):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        out.append((path, obj))
        for name, child in _children(obj):
            if _saveable(child):
                visit(child, _join(path, name))
            elif isinstance(child, (list, tuple, dict)):
                container(child, _join(path, name), set())

    def container(items, path, open_containers):
        if id(items) in open_containers:
            return
        open_containers.add(id(items))
        used: dict = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if _saveable(item):
                visit(item, _join(path, _unique(_snake(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                container(item, _join(path, _unique("container", used)), open_containers)

    visit(model, "")
    return out


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# ---- each object's variables --------------------------------------------------------------------
def own_variables(obj) -> list:
    """The variables ``obj`` itself saves, in Keras's order."""
    from .optimizers import Optimizer
    if isinstance(obj, Optimizer):
        return optimizer_variables(obj)
    weights = obj._own_weights
    created = [getattr(w, "_created_trainable", w.trainable) for w in weights]
    return [w for w, t in zip(weights, created) if t] + \
           [w for w, t in zip(weights, created) if not t]


def optimizer_variables(opt) -> list:
    """``iterations``, the learning rate (unless a schedule gives it), then the slots: for
    each group of slot names Keras creates together (``_slot_groups``), every variable's
    slots of that group, in the order the variables were built; then extra state
    (``_extra_variables``, e.g. Nadam's ``u_product``)."""
    out = [opt.iterations]
    if opt._lr is not None:
        out.append(opt._lr)
    groups = getattr(opt, "_slot_groups", None)
    if groups is None:         # a rule that does not say: each variable's slots together
        out.extend(opt._slots.values())
    else:
        for group in groups:
            for v in opt._vars:
                for name in group:
                    slot = opt._slots.get((id(v), name))
                    if slot is not None:
                        out.append(slot)
    for name in getattr(opt, "_extra_variables", ()):
        extra = getattr(opt, name, None)
        if extra is not None:
            out.append(extra)
    return out


# ---- writing ------------------------------------------------------------------------------------
def _write_h5(model, fileobj) -> None:
    h5py = _h5py()
    with h5py.File(fileobj, "w") as f:
        for path, obj in walk(model):
            group = f.create_group(_join(path, "vars"))
            group.attrs["name"] = obj.name
            custom = getattr(type(obj), "save_own_variables", None)
            if custom is not None:
                store: dict = {}
                obj.save_own_variables(store)
                items = list(store.items())
            else:
                items = [(str(i), v) for i, v in enumerate(own_variables(obj))]
            for key, value in items:
                group.create_dataset(key, data=np.asarray(
                    value.numpy() if hasattr(value, "numpy") else value))


def _h5_bytes(model) -> bytes:
    buf = io.BytesIO()
    _write_h5(model, buf)
    return buf.getvalue()


def save_weights(model, filepath, overwrite: bool = True) -> None:
    """``model.save_weights("x.weights.h5")`` (see the module docstring)."""
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5` (or `.npz`, minitf's older "
                         f"weights format). Received: filepath={filepath}")
    if not model.built:
        raise ValueError("You are saving a model that has not yet been built. Try building "
                         "the model first by calling it on some data or by using `build()`.")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    data = _h5_bytes(model)
    _npz._atomic_write(os.path.realpath(filepath), lambda f: f.write(data))


def save_model(model, filepath, overwrite: bool = True, **kwargs) -> None:
    """``model.save("x.keras")``: metadata, config and weights in one zip archive."""
    from . import serialization
    unknown = {k: v for k, v in kwargs.items() if k not in ("include_optimizer", "zipped")}
    if unknown:
        raise ValueError(f"The following argument(s) are not supported: {list(unknown)}")
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving. Please add a `.keras` "
                         f"extension (minitf writes Keras 3's native format only). Received: "
                         f"filepath={filepath}.")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    if not model.built:
        warnings.warn("You are saving a model that has not yet been built. It might not "
                      "contain any weights yet. Consider building the model first by calling "
                      "it on some data.", stacklevel=3)
    config = serialization.serialize_keras_object(model)
    if not kwargs.get("include_optimizer", True):
        config.pop("compile_config", None)
    from .. import __version__ as minitf_version
    metadata = {"keras_version": KERAS_FORMAT_VERSION, "minitf_version": minitf_version,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    config_json = json.dumps(config)
    weights = _h5_bytes(model)

    def write(f):
        with zipfile.ZipFile(f, "w") as zf:
            zf.writestr(_METADATA, json.dumps(metadata))
            zf.writestr(_CONFIG, config_json)
            zf.writestr(_WEIGHTS, weights)
    _npz._atomic_write(os.path.realpath(filepath), write)


# ---- reading ------------------------------------------------------------------------------------
def _open_h5(source, filepath):
    h5py = _h5py()
    try:
        return h5py.File(source, "r")
    except OSError as e:
        if isinstance(source, str) and not os.path.exists(source):
            raise FileNotFoundError(f"[Errno 2] No such file: '{filepath}'") from None
        raise OSError(f"{filepath} is not an HDF5 weights file ({e})") from None


def _group_arrays(f, path: str):
    """``{"0": dataset, ...}`` of ``<path>/vars`` (an empty dict if absent), refusing
    anything that is not a plain numeric dataset (links to other files, object dtypes)."""
    h5py = _h5py()
    name = _join(path, "vars")
    link = f.get(name, getlink=True) if name in f else None
    if link is None:
        return {}
    if not isinstance(link, h5py.HardLink):
        raise ValueError(f"Weights group '{name}' is a link ({type(link).__name__}); "
                         f"refusing to follow it.")
    group = f[name]
    if not isinstance(group, h5py.Group):
        raise ValueError(f"'{name}' in the weights file is not a group.")
    out = {}
    for key in group:
        item_link = group.get(key, getlink=True)
        ds = group[key] if isinstance(item_link, h5py.HardLink) else None
        if not isinstance(ds, h5py.Dataset) or ds.dtype.kind not in "biuf" or \
                ds.dtype.fields is not None or (ds.external is not None) or ds.is_virtual:
            raise ValueError(f"'{name}/{key}' in the weights file is not a plain numeric "
                             f"array.")
        out[key] = ds
    return out


def _layer_problem(obj, variables, arrays) -> str | None:
    if len(arrays) != len(variables):
        if not variables and not obj.built:
            return (f"Layer '{obj.name}' was never built and thus it doesn't have any "
                    f"variables. However the weights file lists {len(arrays)} variables for "
                    f"this layer.")
        return (f"Layer '{obj.name}' expected {len(variables)} variables, but received "
                f"{len(arrays)} variables during loading. Expected: "
                f"{[v.name for v in variables]}")
    for i, v in enumerate(variables):
        ds = arrays.get(str(i))
        if ds is None:
            return f"Layer '{obj.name}' has no variable '{i}' in the weights file."
        if tuple(ds.shape) != tuple(v.shape):
            return (f"The shape of the target variable and the shape of the target value in "
                    f"`variable.assign(value)` must match. variable.shape={tuple(v.shape)}, "
                    f"Received: value.shape={tuple(ds.shape)}. Target variable: "
                    f"{getattr(v, 'path', v.name)}")
    return None


def _load_from_h5(model, f, skip_mismatch: bool) -> None:
    from .optimizers import Optimizer
    assignments, errors = [], []
    for path, obj in walk(model):
        arrays = _group_arrays(f, path)
        if getattr(type(obj), "load_own_variables", None) is not None:
            assignments.append((obj, {k: ds[()] for k, ds in arrays.items()}))
            continue
        variables = own_variables(obj)
        if isinstance(obj, Optimizer):
            if len(arrays) != len(variables) or _layer_problem(obj, variables, arrays):
                msg = (f"Skipping variable loading for optimizer '{obj.name}', because it has "
                       f"{len(variables)} variables whereas the saved optimizer has "
                       f"{len(arrays)} variables. ")
                if len(variables) <= 2:
                    msg += "This is likely because the optimizer has not been called/built yet."
                warnings.warn(msg, stacklevel=4)
                continue
        else:
            problem = _layer_problem(obj, variables, arrays)
            if problem is not None:
                errors.append((obj, problem))
                continue
        # Read now (the file closes before anything is assigned).
        assignments.append((variables, [arrays[str(i)][()] for i in range(len(variables))]))
    if errors and not skip_mismatch:
        raise ValueError(_failure(errors))
    for target, values in assignments:
        if isinstance(target, list):
            for v, a in zip(target, values):
                v.assign(np.asarray(a).astype(v._dtype.as_numpy_dtype, copy=False))
        else:
            target.load_own_variables(values)
    if errors:
        warnings.warn(_failure(errors), stacklevel=3)


def _failure(errors) -> str:
    obj, message = errors[0]
    return (f"A total of {len(errors)} objects could not be loaded. Example error message "
            f"for object {obj!r}:\n\n{message}\n\nList of objects that could not be loaded:\n"
            f"{[o for o, _ in errors]}")


def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """``model.load_weights`` for ``.weights.h5`` and ``.keras`` files."""
    filepath = os.fspath(filepath)
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. "
                         "Try building the model first by calling it on some data or by using "
                         "`build()`.")
    if filepath.endswith(".weights.h5"):
        with _open_h5(filepath, filepath) as f:
            _load_from_h5(model, f, skip_mismatch)
    elif filepath.endswith(".keras"):
        with _open_archive(filepath) as zf:
            with _open_h5(io.BytesIO(_member(zf, _WEIGHTS, filepath)), filepath) as f:
                _load_from_h5(model, f, skip_mismatch)
    else:
        raise ValueError(f"File format not supported: filepath={filepath}. Keras 3 only "
                         f"supports V3 `.keras` files, `.weights.h5` files, legacy H5 format "
                         f"files (`.h5` extension), or Orbax checkpoints (minitf also reads "
                         f"its older `.npz` weights).")


def _open_archive(filepath: str) -> zipfile.ZipFile:
    if not os.path.exists(filepath) or not zipfile.is_zipfile(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an "
                         f"accessible `.keras` zip file.")
    return zipfile.ZipFile(filepath, "r")


def _member(zf: zipfile.ZipFile, name: str, filepath: str, limit: int | None = None) -> bytes:
    """A member's bytes, refusing sizes the archive cannot back (a decompression bomb)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise ValueError(f"{filepath} is not a Keras model file: it has no {name}.") from None
    if info.compress_type == zipfile.ZIP_STORED:
        most = info.compress_size
    else:
        most = info.compress_size * _npz._MAX_DEFLATE_RATIO
    if info.file_size > most or (limit is not None and info.file_size > limit):
        raise ValueError(f"Not allowed: ZIP member '{name}' of {filepath} declares "
                         f"{info.file_size} bytes, more than it can hold; refusing it.")
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"{filepath}: member {name} is damaged ({e})") from None


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """``keras.models.load_model`` (see the module docstring)."""
    from .serialization import deserialize_keras_object
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(f"File format not supported: filepath={filepath}. Keras 3 only "
                         f"supports V3 `.keras` files, legacy H5 format files (`.h5` "
                         f"extension). minitf reads `.keras` files only.")
    with _open_archive(filepath) as zf:
        try:
            config = json.loads(_member(zf, _CONFIG, filepath, _MAX_JSON_BYTES))
        except json.JSONDecodeError as e:
            raise ValueError(f"{filepath}: config.json is not valid JSON ({e})") from None
        if not isinstance(config, dict):
            raise ValueError(f"{filepath}: config.json does not describe a model.")
        if not compile:
            config["compile_config"] = None
        model = deserialize_keras_object(config, custom_objects=custom_objects,
                                         safe_mode=safe_mode)
        if _WEIGHTS not in zf.namelist():
            raise ValueError(f"Expected a {_WEIGHTS} file in {filepath} (minitf does not "
                             f"read the .npz weights variant).")
        with _open_h5(io.BytesIO(_member(zf, _WEIGHTS, filepath)), filepath) as f:
            _load_from_h5(model, f, skip_mismatch=False)
    return model

