"""Weights files: a ``.npz`` archive read without pickle, written atomically.

Each weight is stored as ``"<index>:<path>"`` (``"0000:dense/kernel"``), in the order of
``model.weights``; the index, read as a number, fixes its slot, so the path is for messages
only and a file written by one model loads into another of the same architecture. A member
``__layers__`` records which layer owns each weight, so ``load_weights(skip_mismatch=True)``
can skip whole layers, as Keras does.

Reading trusts nothing in the file: every array header is checked against the bytes the archive
really holds before anything is allocated, object arrays (pickle) are refused, and any damage is
a ``ValueError``. Writing goes to a temporary file beside the target, then ``os.replace``: a
reader sees the old file or the new one, never half of one.
"""
from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import stat
import warnings
import zipfile
import zlib

import numpy as np

_MANIFEST = "__layers__"
_KEY = re.compile(r"(\d+):(.*)\Z", re.S)
# Deflate cannot expand data by more than about 1032:1 (a 258-byte match coded in 2 bits), so a
# member that claims more than this many bytes per compressed byte is lying about its size.
_MAX_DEFLATE_RATIO = 1032
_DTYPE_KINDS = "biuf"    # bool, integers, floats: what a weight can hold


# ---- saving -------------------------------------------------------------------------------------
def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Write ``model.weights`` to ``filepath`` (which must end in ``.npz``).

    The file gets the permissions any new file gets (``0o666`` less the umask; an overwritten
    file keeps its mode). Saving to a symlink writes the file it points to and leaves the link.
    """
    filepath = os.fspath(filepath)
    if not filepath.endswith(".npz"):
        raise ValueError(f"minitf saves weights as a .npz archive; the filename must end in "
                         f"'.weights.npz' or '.npz'. Received: filepath={filepath}")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    weights, owners = _weights_and_owners(model)
    arrays = {f"{i:04d}:{getattr(w, 'path', w.name)}": w.numpy() for i, w in enumerate(weights)}
    arrays[_MANIFEST] = np.asarray(owners, dtype=np.int64)
    _atomic_write(os.path.realpath(filepath), lambda f: np.savez(f, **arrays))


def _weights_and_owners(model):
    """``model.weights`` and, for each, a number naming the layer that owns it (numbered in
    order of first appearance), so that both sides of a load group weights the same way."""
    owner_of = {}
    for layer in [model] + model._flatten_layers():
        for w in layer._own_weights:
            owner_of.setdefault(id(w), layer)
    numbers, owners = {}, []
    weights = model.weights
    for w in weights:
        layer = owner_of.get(id(w), model)
        owners.append(numbers.setdefault(id(layer), len(numbers)))
    return weights, owners


def _atomic_write(target: str, write) -> None:
    """Call ``write(file)`` on a new file beside ``target``, then move it over ``target``."""
    directory, base = os.path.split(target)
    fd, tmp = _new_file(directory, base)
    try:
        with contextlib.suppress(FileNotFoundError):
            # Replacing a file should not change who may read it.
            os.fchmod(fd, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())     # on disk before the rename makes it the file
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def _new_file(directory: str, base: str):
    """Create a fresh file in ``directory`` the way ``open(..., "w")`` does (mode 0o666, which
    the kernel reduces by the umask), unlike ``tempfile``, whose files are always 0o600."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file in {directory}")


# ---- loading ------------------------------------------------------------------------------------
def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """Set ``model.weights`` from a file written by ``save_weights``.

    Weights are matched layer by layer, in order. If a layer's weight count or shapes differ
    from the file's (or the model and the file have different numbers of layers), this raises
    ``ValueError`` and changes no weight; with ``skip_mismatch=True`` it loads every layer that
    matches and warns about the ones it skipped (Keras 3 does the same, except that it also
    loads the matching layers before raising).
    """
    filepath = os.fspath(filepath)
    arrays, owners = _read_archive(filepath)
    weights, model_owners = _weights_and_owners(model)
    if len(arrays) == len(weights) and all(a.shape == tuple(w.shape)
                                           for (_, a), w in zip(arrays, weights)):
        pairs = list(zip(weights, (a for _, a in arrays)))
    else:
        pairs, problems = _match_layers(_groups(arrays, owners), _groups(weights, model_owners))
        summary = (f"Weights file {filepath} does not match model '{model.name}' "
                   f"({len(arrays)} arrays in the file, {len(weights)} weights in the model): "
                   + "; ".join(problems))
        if not weights:
            summary += ". The model has no weights yet: build it first (give it a keras.Input "
            summary += "or call it on data)"
        if not skip_mismatch:
            raise ValueError(summary + ". Pass skip_mismatch=True to load the layers that "
                                       "match and skip the others.")
        warnings.warn(f"Skipped part of {filepath}. " + summary, UserWarning, stacklevel=3)
    for w, a in pairs:
        w.assign(a.astype(w._dtype.as_numpy_dtype))


def _groups(items, owners):
    """``items`` split by owning layer, in order of each layer's first item."""
    groups: dict = {}
    for item, owner in zip(items, owners):
        groups.setdefault(owner, []).append(item)
    return list(groups.values())


def _match_layers(file_groups, model_groups):
    """Pair the file's layers with the model's, in order: the (weight, array) pairs to assign
    for layers whose counts and shapes agree, and one line for each layer that does not."""
    pairs, problems = [], []
    for stored, weights in zip(file_groups, model_groups):
        file_shapes = [a.shape for _, a in stored]
        model_shapes = [tuple(w.shape) for w in weights]
        if file_shapes == model_shapes:
            pairs.extend(zip(weights, (a for _, a in stored)))
        else:
            problems.append(f"layer '{_layer_name(weights[0])}' has weights of shape "
                            f"{model_shapes}, the file's {_layer_name(stored[0][0])} has "
                            f"{file_shapes}")
    for weights in model_groups[len(file_groups):]:
        problems.append(f"layer '{_layer_name(weights[0])}' has {len(weights)} weights with "
                        f"shapes {[tuple(w.shape) for w in weights]}, the file has no layer "
                        f"for it")
    extra = len(file_groups) - len(model_groups)
    if extra > 0:
        problems.append(f"the file holds {extra} more layer(s) than the model "
                        f"(from {_layer_name(file_groups[len(model_groups)][0][0])})")
    return pairs, problems


def _layer_name(weight_or_path) -> str:
    path = weight_or_path if isinstance(weight_or_path, str) else \
        getattr(weight_or_path, "path", weight_or_path.name)
    # "<outer scopes>/<layer>/<variable>" (Keras's variable path): the layer's own name
    return path.rsplit("/", 2)[-2] if "/" in path else path


def _read_archive(filepath: str):
    """The stored arrays as ``[(path, array)]`` in slot order, and the owner numbers (from
    the manifest or, for files written before it existed, from the paths)."""
    try:
        with open(filepath, "rb") as fh:
            if fh.read(6) == b"\x93NUMPY":
                raise _unreadable(filepath, "it holds a single NumPy array (.npy), not the "
                                            ".npz archive save_weights writes")
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(0)
            with zipfile.ZipFile(fh) as zf:
                loaded = _read_members(zf, size, filepath)
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError,
            NotImplementedError) as e:
        raise _unreadable(filepath, str(e)) from None
    return _ordered(loaded, filepath)


def _unreadable(filepath, why) -> ValueError:
    return ValueError(f"{filepath} is not a readable minitf weights file: {why}")


def _read_members(zf, archive_size: int, filepath: str) -> dict:
    """Each member's array. Before reading one, check that the bytes its header declares are
    the bytes the archive holds for it, so nothing is allocated for sizes the file does not
    back (a forged header cannot make this allocate more than the file's own contents)."""
    arrays, stored_total = {}, 0
    for info in zf.infolist():
        if not info.filename.endswith(".npy"):
            raise _unreadable(filepath, f"unexpected member {info.filename!r}")
        if info.compress_type == zipfile.ZIP_STORED:
            limit = info.compress_size
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            limit = info.compress_size * _MAX_DEFLATE_RATIO
        else:
            raise _unreadable(filepath, f"member {info.filename!r} uses an unsupported "
                                        f"compression method ({info.compress_type})")
        stored_total += info.compress_size
        if info.file_size > limit or stored_total > archive_size:
            raise _unreadable(filepath, f"member {info.filename!r} declares "
                                        f"{info.file_size} bytes, more than the "
                                        f"{archive_size}-byte file can hold")
        with zf.open(info) as f:
            shape, fortran, dtype = _read_header(f, info.filename, filepath)
            count = math.prod(shape)
            declared, held = count * dtype.itemsize, info.file_size - f.tell()
            if declared != held:
                raise _unreadable(filepath, f"member {info.filename!r} declares an array of "
                                            f"shape {shape} and dtype {dtype} ({declared} "
                                            f"bytes), but holds {held} bytes of data")
            data = f.read(declared)
            f.read(1)   # reach the end of the member, where zipfile checks its CRC
        if len(data) != declared:
            raise _unreadable(filepath, f"member {info.filename!r} is truncated")
        arrays[info.filename[:-4]] = np.frombuffer(data, dtype=dtype, count=count).reshape(
            shape, order="F" if fortran else "C")
    return arrays


def _read_header(f, name: str, filepath: str):
    """``(shape, fortran_order, dtype)`` of a .npy member, refusing dtypes a weight cannot have
    (object arrays would need pickle)."""
    try:
        version = np.lib.format.read_magic(f)
        read = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"unsupported .npy format version {version}")
        shape, fortran, dtype = read(f)
    except ValueError as e:
        raise _unreadable(filepath, f"member {name!r}: {e}") from None
    if dtype.kind not in _DTYPE_KINDS or dtype.fields is not None or dtype.subdtype:
        raise _unreadable(filepath, f"member {name!r} has dtype {dtype}, which no weight has")
    return shape, fortran, dtype


def _ordered(loaded: dict, filepath: str):
    """Arrays in slot order (the number before ':' read as a number), and owner numbers."""
    manifest = loaded.pop(_MANIFEST, None)
    slots = {}
    for key, array in loaded.items():
        m = _KEY.match(key)
        if m is None:
            raise _unreadable(filepath, f"unexpected member {key!r}")
        slots.setdefault(int(m.group(1)), []).append((m.group(2), array))
    if sorted(slots) != list(range(len(slots))) or any(len(v) > 1 for v in slots.values()):
        raise _unreadable(filepath, "its arrays are not numbered 0, 1, 2, ... once each")
    arrays = [slots[i][0] for i in range(len(slots))]
    if manifest is None:
        return arrays, _owners_from_paths(arrays)
    if manifest.shape != (len(arrays),) or manifest.dtype.kind not in "iu":
        raise _unreadable(filepath, f"its {_MANIFEST} member does not describe its "
                                    f"{len(arrays)} arrays")
    return arrays, [int(o) for o in manifest]


def _owners_from_paths(arrays) -> list:
    """Files written before the manifest: consecutive weights whose paths share the part before
    the last '/' (the layer's name) belong to one layer."""
    owners, previous, number = [], None, -1
    for path, _ in arrays:
        layer = _layer_name(path)
        if layer != previous:
            number, previous = number + 1, layer
        owners.append(number)
    return owners


# ---- keras.saving's public names ----------------------------------------------------------------
# The Keras 3 formats (.keras, .weights.h5) live in saving_lib.py and serialization.py; this
# module stays the namespace `keras.saving` and the reader and writer of minitf's older .npz.
from .serialization import (CustomObjectScope, custom_object_scope,  # noqa: E402,F401
                            deserialize_keras_object, get_custom_objects, get_registered_name,
                            get_registered_object, register_keras_serializable,
                            serialize_keras_object)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """``keras.saving.load_model``: read a Keras 3 ``.keras`` file (see ``saving_lib``)."""
    from .saving_lib import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """``keras.saving.save_model``: ``model.save(filepath)``, a Keras 3 ``.keras`` file."""
    model.save(filepath, overwrite=overwrite, **kwargs)
