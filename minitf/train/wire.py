"""The few protocol-buffer messages a TensorFlow checkpoint holds, encoded by hand.

A checkpoint's index maps each key to a serialized ``BundleEntryProto`` (where a tensor's
bytes are, its dtype and shape), the empty key to a ``BundleHeaderProto``, and one string
tensor holds a ``TrackableObjectGraph`` (which Python object owns which tensor). No package
that minitf depends on defines these messages, and they are small, so this module writes
and reads the protobuf wire format directly: each field is a varint tag
``(number << 3) | wire_type`` followed by a varint (type 0), eight bytes (1), a
length-prefixed payload (2) or four bytes (5).

Messages are plain dicts here; the field numbers below are the published schema's.

>>> blob = encode_entry({"dtype": 1, "shape": [2, 3], "offset": 8, "size": 24, "crc32c": 7})
>>> decode_entry(blob) == {"dtype": 1, "shape": [2, 3], "shard_id": 0, "offset": 8,
...                        "size": 24, "crc32c": 7, "slices": 0}
True
"""
from __future__ import annotations

import struct

# ---- primitives -------------------------------------------------------------------------


def varint(n: int) -> bytes:
    """``n`` as a base-128 varint (negative int64s as their two's complement, as protobuf)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(buf: bytes, pos: int) -> tuple:
    """The varint at ``buf[pos:]`` and the position after it."""
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _field(number: int, wire_type: int) -> bytes:
    return varint((number << 3) | wire_type)


def f_varint(number: int, value: int) -> bytes:
    return _field(number, 0) + varint(int(value)) if value else b""


def f_bytes(number: int, payload: bytes, always: bool = False) -> bytes:
    return _field(number, 2) + varint(len(payload)) + payload if payload or always else b""


def f_fixed32(number: int, value: int) -> bytes:
    return _field(number, 5) + struct.pack("<I", value) if value else b""


def fields(buf: bytes):
    """Yield ``(number, wire_type, value)`` for each field of a serialized message; the
    value is an int for types 0, 1 and 5 and bytes for type 2."""
    pos = 0
    while pos < len(buf):
        tag, pos = read_varint(buf, pos)
        number, wire_type = tag >> 3, tag & 7
        if wire_type == 0:
            value, pos = read_varint(buf, pos)
        elif wire_type == 1:
            value, = struct.unpack_from("<Q", buf, pos)
            pos += 8
        elif wire_type == 2:
            n, pos = read_varint(buf, pos)
            value = bytes(buf[pos:pos + n])
            if len(value) != n:
                raise ValueError("truncated field")
            pos += n
        elif wire_type == 5:
            value, = struct.unpack_from("<I", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        yield number, wire_type, value


# ---- TensorShapeProto (dim = 2 {size = 1}, unknown_rank = 3) -----------------------------

def encode_shape(shape) -> bytes:
    return b"".join(f_bytes(2, f_varint(1, d), always=True) for d in shape)


def decode_shape(buf: bytes) -> list:
    dims = []
    for number, _, value in fields(buf):
        if number == 2:
            size = 0
            for n, _, v in fields(value):
                if n == 1:
                    size = v - (1 << 64) if v >= 1 << 63 else v
            dims.append(size)
    return dims


# ---- BundleHeaderProto (num_shards = 1, endianness = 2, version = 3 {producer = 1}) -------

def encode_header(num_shards: int = 1, producer: int = 1) -> bytes:
    return f_varint(1, num_shards) + f_bytes(3, f_varint(1, producer), always=True)


def decode_header(buf: bytes) -> dict:
    out = {"num_shards": 0, "endianness": 0, "producer": 0, "min_consumer": 0}
    for number, _, value in fields(buf):
        if number == 1:
            out["num_shards"] = value
        elif number == 2:
            out["endianness"] = value
        elif number == 3:
            for n, _, v in fields(value):
                if n == 1:
                    out["producer"] = v
                elif n == 2:
                    out["min_consumer"] = v
    return out


# ---- BundleEntryProto (dtype 1, shape 2, shard_id 3, offset 4, size 5, crc32c 6, slices 7) --

def encode_entry(e: dict) -> bytes:
    return (f_varint(1, e["dtype"]) + f_bytes(2, encode_shape(e["shape"]), always=True)
            + f_varint(3, e.get("shard_id", 0)) + f_varint(4, e["offset"])
            + f_varint(5, e["size"]) + f_fixed32(6, e["crc32c"]))


def decode_entry(buf: bytes) -> dict:
    out = {"dtype": 0, "shape": [], "shard_id": 0, "offset": 0, "size": 0, "crc32c": 0,
           "slices": 0}
    for number, _, value in fields(buf):
        if number == 1:
            out["dtype"] = value
        elif number == 2:
            out["shape"] = decode_shape(value)
        elif number == 3:
            out["shard_id"] = value
        elif number == 4:
            out["offset"] = value
        elif number == 5:
            out["size"] = value
        elif number == 6:
            out["crc32c"] = value
        elif number == 7:
            out["slices"] += 1
    return out


# ---- TrackableObjectGraph ---------------------------------------------------------------
# graph: nodes = 1 (TrackableObject)
# TrackableObject: children = 1 {node_id 1, local_name 2}, attributes = 2 {name 1,
#   full_name 2, checkpoint_key 3}, slot_variables = 3 {original_variable_node_id 1,
#   slot_name 2, slot_variable_node_id 3}, has_checkpoint_values = 5 {value 1}
# A node here is {"children": [(id, name)], "attributes": [(name, full_name, key)],
#   "slot_variables": [(original id, slot name, slot id)], "has_checkpoint_values": bool}

def encode_object_graph(nodes: list) -> bytes:
    out = bytearray()
    for node in nodes:
        body = bytearray()
        for node_id, name in node.get("children", ()):
            body += f_bytes(1, f_varint(1, node_id) + f_bytes(2, name.encode()), always=True)
        for name, full_name, key in node.get("attributes", ()):
            body += f_bytes(2, f_bytes(1, name.encode()) + f_bytes(2, full_name.encode())
                            + f_bytes(3, key.encode()), always=True)
        for orig, slot_name, slot_id in node.get("slot_variables", ()):
            body += f_bytes(3, f_varint(1, orig) + f_bytes(2, slot_name.encode())
                            + f_varint(3, slot_id), always=True)
        body += f_bytes(5, f_varint(1, 1 if node.get("has_checkpoint_values") else 0),
                        always=True)
        out += f_bytes(1, bytes(body), always=True)
    return bytes(out)


def decode_object_graph(buf: bytes) -> list:
    nodes = []
    for number, _, value in fields(buf):
        if number != 1:
            continue
        node = {"children": [], "attributes": [], "slot_variables": [],
                "has_checkpoint_values": False}
        for n, _, v in fields(value):
            if n == 1:
                d = {k: x for k, _, x in fields(v)}
                node["children"].append((d.get(1, 0), d.get(2, b"").decode()))
            elif n == 2:
                d = {k: x for k, _, x in fields(v)}
                node["attributes"].append((d.get(1, b"").decode(), d.get(2, b"").decode(),
                                           d.get(3, b"").decode()))
            elif n == 3:
                d = {k: x for k, _, x in fields(v)}
                node["slot_variables"].append((d.get(1, 0), d.get(2, b"").decode(),
                                               d.get(3, 0)))
            elif n == 5:
                node["has_checkpoint_values"] = bool(dict((k, x) for k, _, x in fields(v))
                                                     .get(1, 0))
        nodes.append(node)
    return nodes
