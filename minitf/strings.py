"""``tf.strings``: the few string ops text pipelines need."""
from __future__ import annotations

import numpy as np

from . import dtypes
from .errors import InvalidArgumentError
from .tensor import _make, _place, convert_to_tensor


def to_number(input, out_type=dtypes.float32, name=None):
    """Each string read as a number of ``out_type``, as C's strtol/strtod read them (the
    same rules as ``tf.io.decode_csv``): spaces around the number are allowed, ``0x1p3`` is
    a float, ``1_0`` is no number, ``1e39`` is inf in float32, and an integer that does not
    fit ``out_type`` is refused. A string that is no number raises InvalidArgumentError.

    >>> import minitf as tf
    >>> tf.strings.to_number([" 1.5", "inf", "0x1p3"]).numpy().tolist()
    [1.5, inf, 8.0]
    >>> tf.strings.to_number("99999999999", tf.int32)
    Traceback (most recent call last):
    ...
    minitf.errors.InvalidArgumentError: StringToNumberOp could not correctly convert string: ...
    """
    from .data.readers import _parse_float, _parse_int    # the CSV reader's number rules
    t = convert_to_tensor(input)
    dt = dtypes.as_dtype(out_type)
    parse = _parse_int if dt.is_integer else _parse_float
    out = np.empty(t.shape, dtype=dt._np)
    for i, v in np.ndenumerate(np.asarray(t.numpy(), dtype=object)):
        text = v if isinstance(v, bytes) else str(v).encode()
        value = parse(text, dt)
        if value is None:
            raise InvalidArgumentError(None, "StringToNumber", f"StringToNumberOp could not "
                                                               f"correctly convert string: "
                                                               f"{text.decode(errors='replace')}")
        out[i] = value
    return _make(_place(out), dt)


def length(input, name=None):
    t = convert_to_tensor(input)
    v = np.vectorize(lambda b: len(b), otypes=[np.int32])(t.numpy())
    return _make(np.asarray(v, np.int32), dtypes.int32)
