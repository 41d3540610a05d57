"""CRC-32C (Castagnoli), the checksum TensorFlow's checkpoint files carry.

Every block of a checkpoint's ``.index`` table and every tensor in its ``.data`` shard is
guarded by CRC-32C, stored *masked*: TF rotates the value and adds a constant so that a
checksum of bytes that themselves hold a checksum does not degenerate.

>>> hex(value(b"123456789"))       # the standard check value of CRC-32C
'0xe3069283'
>>> unmask(mask(0x12345678)) == 0x12345678
True
"""
from __future__ import annotations

_POLY = 0x82F63B78          # the Castagnoli polynomial, bit-reversed


def _table() -> list:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (_POLY if c & 1 else 0)
        table.append(c)
    return table


_TABLE = _table()
_MASK_DELTA = 0xA282EAD8


def extend(crc: int, data: bytes) -> int:
    """The CRC-32C of the bytes hashed so far (whose CRC is ``crc``) followed by ``data``."""
    try:                      # one C call per buffer where the optional package is present
        import google_crc32c  # type: ignore
        return google_crc32c.extend(crc, bytes(data))
    except ImportError:
        pass
    c = crc ^ 0xFFFFFFFF
    t = _TABLE
    for b in bytes(data):
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def value(data: bytes) -> int:
    """The CRC-32C of ``data``."""
    return extend(0, data)


def mask(crc: int) -> int:
    """TF's stored form of a checksum: rotated right by 15 bits, plus a constant."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    """Undo :func:`mask`."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
