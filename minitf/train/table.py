"""The sorted key/value table of a checkpoint's ``.index`` file.

TensorFlow stores the index as an immutable sorted table in LevelDB's layout:

* **data blocks** of entries ``shared | unshared | value_len | key suffix | value``, where
  ``shared`` counts the bytes a key has in common with the previous one; every
  ``RESTART_INTERVAL`` entries a key is stored whole, and the block ends with those
  "restart" offsets and their count (fixed32 each), so a reader can binary-search;
* after each block a 5-byte **trailer**: a compression byte (0: none) and the masked
  CRC-32C of the block plus that byte;
* an empty **meta-index block**, then an **index block** whose entries map a key no smaller
  than each data block's last key to that block's ``(offset, size)`` handle;
* a 48-byte **footer**: the two handles as varints, zero padding to 40 bytes, and the magic
  number ``0xdb4775248b80fb57``.

>>> blob = build([(b"", b"header"), (b"a/b", b"1"), (b"a/c", b"2")])
>>> parse(blob) == {b"": b"header", b"a/b": b"1", b"a/c": b"2"}
True
"""
from __future__ import annotations

import struct

from . import crc32c
from .wire import read_varint, varint

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
RESTART_INTERVAL = 16
BLOCK_SIZE = 256 * 1024       # a data block is closed once it grows past this


def _block(entries: list) -> bytes:
    out, restarts, prev = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        if i % RESTART_INTERVAL == 0:
            restarts.append(len(out))
            shared = 0
        else:
            shared = 0
            limit = min(len(prev), len(key))
            while shared < limit and prev[shared] == key[shared]:
                shared += 1
        out += varint(shared) + varint(len(key) - shared) + varint(len(value))
        out += key[shared:] + value
        prev = key
    if not restarts:
        restarts = [0]
    out += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
    return bytes(out)


def _with_trailer(block: bytes) -> bytes:
    return block + b"\x00" + struct.pack("<I", crc32c.mask(crc32c.value(block + b"\x00")))


def build(items: list) -> bytes:
    """The table holding ``items``, a list of ``(key, value)`` bytes pairs in strictly
    increasing key order (ValueError otherwise)."""
    keys = [k for k, _ in items]
    if any(a >= b for a, b in zip(keys, keys[1:])):
        raise ValueError("table keys must be unique and sorted")
    out, index, current, size = bytearray(), [], [], 0
    for key, value in items:
        current.append((key, value))
        size += len(key) + len(value) + 8
        if size >= BLOCK_SIZE:
            index.append((key, len(out), _flush(out, current)))
            current, size = [], 0
    if current:
        index.append((current[-1][0], len(out), _flush(out, current)))
    meta_offset = len(out)
    meta = _block([])
    out += _with_trailer(meta)
    index_offset = len(out)
    index_block = _block([(k, varint(off) + varint(n)) for k, off, n in index])
    out += _with_trailer(index_block)
    handles = varint(meta_offset) + varint(len(meta)) + varint(index_offset) + varint(
        len(index_block))
    out += handles + b"\x00" * (40 - len(handles)) + struct.pack("<Q", MAGIC)
    return bytes(out)


def _flush(out: bytearray, entries: list) -> int:
    block = _block(entries)
    out += _with_trailer(block)
    return len(block)


def _read_block(buf: bytes, offset: int, size: int, what: str) -> bytes:
    block = buf[offset:offset + size]
    trailer = buf[offset + size:offset + size + 5]
    if len(block) != size or len(trailer) != 5:
        raise ValueError(f"{what}: truncated table block")
    if trailer[0] != 0:
        raise ValueError(f"{what}: compressed table blocks are not supported")
    stored, = struct.unpack("<I", trailer[1:])
    if crc32c.unmask(stored) != crc32c.value(block + trailer[:1]):
        raise ValueError(f"{what}: table block checksum mismatch (corrupted file)")
    return block


def _entries(block: bytes):
    n_restarts, = struct.unpack_from("<I", block, len(block) - 4)
    end = len(block) - 4 - 4 * n_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = read_varint(block, pos)
        unshared, pos = read_varint(block, pos)
        n, pos = read_varint(block, pos)
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        yield key, block[pos:pos + n]
        pos += n


def parse(buf: bytes, what: str = "index") -> dict:
    """Every ``key -> value`` of a table, checksums verified (ValueError if damaged)."""
    if len(buf) < FOOTER_SIZE or struct.unpack_from("<Q", buf, len(buf) - 8)[0] != MAGIC:
        raise ValueError(f"{what}: not a TensorFlow checkpoint index (bad magic number)")
    footer = buf[len(buf) - FOOTER_SIZE:]
    pos = 0
    _, pos = read_varint(footer, pos)
    _, pos = read_varint(footer, pos)
    index_offset, pos = read_varint(footer, pos)
    index_size, pos = read_varint(footer, pos)
    out = {}
    for _, handle in _entries(_read_block(buf, index_offset, index_size, what)):
        offset, p = read_varint(handle, 0)
        size, _ = read_varint(handle, p)
        for key, value in _entries(_read_block(buf, offset, size, what)):
            out[bytes(key)] = bytes(value)
    return out
