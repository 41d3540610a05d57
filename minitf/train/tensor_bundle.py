"""TensorFlow's checkpoint file pair, "TensorBundle" (format version 1), read and written.

A checkpoint at prefix ``ckpt-3`` is two files:

* ``ckpt-3.data-00000-of-00001``: the tensors' bytes back to back, little-endian, C order.
  A string tensor is its element lengths as varints, a masked CRC-32C of those lengths
  (each taken as a 4-byte integer), then the bytes.
* ``ckpt-3.index``: a sorted table (:mod:`.table`) mapping the empty key to a header
  (one shard, little-endian, producer version 1) and every other key to an entry: dtype,
  shape, shard, offset, size and the masked CRC-32C of the bytes.

TensorFlow writes both under temporary names and renames them into place, so a crash never
leaves a half-written checkpoint; minitf does the same.

>>> import numpy as np, os, tempfile
>>> prefix = os.path.join(tempfile.mkdtemp(), "ckpt")
>>> write(prefix, {"w": np.arange(3.0, dtype=np.float32), "names": [b"a", b"bc"]})
>>> r = BundleReader(prefix)
>>> r.keys(), r.get("w"), r.get("names")
(['names', 'w'], array([0., 1., 2.], dtype=float32), array([b'a', b'bc'], dtype=object))
"""
from __future__ import annotations

import os
import struct
import uuid

import numpy as np

from . import crc32c, table, wire

# TensorFlow's DataType enum values for the dtypes a checkpoint can hold here.
DTYPE_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
              "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
              "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}
ENUM_DTYPE = {v: k for k, v in DTYPE_ENUM.items()}
_NUMPY = {"string": np.object_, "bool": np.bool_}


def data_path(prefix: str) -> str:
    return f"{prefix}.data-00000-of-00001"


def index_path(prefix: str) -> str:
    return f"{prefix}.index"


def _string_bytes(values) -> tuple:
    items = [v.encode() if isinstance(v, str) else bytes(v) for v in values]
    lengths = b"".join(wire.varint(len(v)) for v in items)
    crc = 0
    for v in items:
        crc = crc32c.extend(crc, struct.pack("<I", len(v)))
    lengths_crc = struct.pack("<I", crc32c.mask(crc))
    crc = crc32c.extend(crc, lengths_crc)
    for v in items:
        crc = crc32c.extend(crc, v)
    return lengths + lengths_crc + b"".join(items), crc


def write(prefix: str, tensors: dict) -> None:
    """Write ``tensors`` (key -> NumPy array, or a list of bytes/str for a string tensor)
    as a checkpoint at ``prefix``, atomically."""
    directory = os.path.dirname(os.path.abspath(prefix))
    os.makedirs(directory, exist_ok=True)
    entries, chunks, offset = {}, [], 0
    for key, value in tensors.items():
        if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                                 and value.dtype == object):
            arr = np.asarray(value, dtype=object)
            payload, crc = _string_bytes(arr.reshape(-1).tolist())
            dtype, shape = "string", list(arr.shape)
        else:
            arr = np.asarray(value, order="C")    # (ascontiguousarray would make a scalar 1-d)
            dtype = arr.dtype.name
            if dtype not in DTYPE_ENUM:
                raise TypeError(f"cannot checkpoint a tensor of dtype {dtype} (key {key!r})")
            payload = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
            crc, shape = crc32c.value(payload), list(arr.shape)
        entries[key.encode()] = wire.encode_entry({
            "dtype": DTYPE_ENUM[dtype], "shape": shape, "offset": offset,
            "size": len(payload), "crc32c": crc32c.mask(crc)})
        chunks.append(payload)
        offset += len(payload)
    items = [(b"", wire.encode_header())] + sorted(entries.items())
    index = table.build(items)
    tag = f".tempstate{uuid.uuid4().hex}"
    tmp_data, tmp_index = data_path(prefix) + tag, index_path(prefix) + tag
    try:
        with open(tmp_data, "wb") as f:
            for c in chunks:
                f.write(c)
        with open(tmp_index, "wb") as f:
            f.write(index)
        os.replace(tmp_data, data_path(prefix))    # the index last: it makes the pair visible
        os.replace(tmp_index, index_path(prefix))
    finally:
        for p in (tmp_data, tmp_index):
            if os.path.exists(p):
                os.remove(p)


class BundleReader:
    """The tensors of the checkpoint at ``prefix``: ``keys()``, ``dtype(key)``,
    ``shape(key)`` and ``get(key)``, each tensor's checksum verified when read."""

    def __init__(self, prefix: str):
        from ..errors import DataLossError, NotFoundError
        try:
            with open(index_path(prefix), "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raise NotFoundError(None, None, f"Unsuccessful TensorSliceReader constructor: "
                                f"Failed to find any matching files for {prefix}") from None
        try:
            parsed = table.parse(raw, index_path(prefix))
            self.header = wire.decode_header(parsed.pop(b""))
            self._entries = {k.decode(): wire.decode_entry(v) for k, v in parsed.items()}
        except (ValueError, KeyError, struct.error) as e:
            raise DataLossError(None, None, f"Unable to read checkpoint {prefix}: {e}") \
                from None
        if self.header["num_shards"] != 1:
            raise DataLossError(None, None, f"{prefix}: checkpoints with "
                                f"{self.header['num_shards']} shards are not supported")
        if self.header["endianness"] != 0:
            raise DataLossError(None, None, f"{prefix}: big-endian checkpoints are not "
                                "supported")
        self.prefix = prefix
        self._data = None

    def keys(self) -> list:
        return sorted(self._entries)

    def has(self, key: str) -> bool:
        return key in self._entries

    def dtype(self, key: str) -> str:
        # DT_VARIANT (21) can be listed but not read: it holds TF's serialized objects.
        return {**ENUM_DTYPE, 21: "variant"}.get(self._entries[key]["dtype"], "unknown")

    def shape(self, key: str) -> list:
        return list(self._entries[key]["shape"])

    def _bytes(self) -> bytes:
        if self._data is None:
            with open(data_path(self.prefix), "rb") as f:
                self._data = f.read()
        return self._data

    def get(self, key: str) -> np.ndarray:
        from ..errors import DataLossError, NotFoundError
        if key not in self._entries:
            raise NotFoundError(None, None, f"Key {key} not found in checkpoint")
        e = self._entries[key]
        if e["slices"]:
            raise DataLossError(None, None, f"{key}: sliced (partitioned) variables are not "
                                "supported")
        raw = self._bytes()[e["offset"]:e["offset"] + e["size"]]
        name = ENUM_DTYPE.get(e["dtype"])
        if name is None or len(raw) != e["size"]:
            raise DataLossError(None, None, f"{key}: unsupported dtype enum {e['dtype']} or "
                                "truncated data file")
        shape = tuple(e["shape"])
        if name == "string":
            arr, crc = self._strings(raw, int(np.prod(shape, dtype=np.int64)), key)
            arr = arr.reshape(shape)
        else:
            arr = np.frombuffer(raw, dtype=np.dtype(_NUMPY.get(name, name)).newbyteorder("<"))
            arr = arr.astype(arr.dtype.newbyteorder("="), copy=True).reshape(shape)
            crc = crc32c.value(raw)
        if crc32c.mask(crc) != e["crc32c"]:
            raise DataLossError(None, None, f"Checksum does not match for {key}: the "
                                "checkpoint data is corrupted")
        return arr

    @staticmethod
    def _strings(raw: bytes, n: int, key: str) -> tuple:
        pos, lengths = 0, []
        for _ in range(n):
            length, pos = wire.read_varint(raw, pos)
            lengths.append(length)
        crc = 0
        for length in lengths:
            crc = crc32c.extend(crc, struct.pack("<I", length))
        stored = raw[pos:pos + 4]
        crc = crc32c.extend(crc, stored)
        pos += 4
        out = []
        for length in lengths:
            out.append(raw[pos:pos + length])
            crc = crc32c.extend(crc, out[-1])
            pos += length
        arr = np.empty(n, dtype=object)
        arr[:] = out
        return arr, crc
