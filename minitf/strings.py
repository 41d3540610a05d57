"""``tf.strings``: the few string ops text pipelines need."""
from __future__ import annotations

import numpy as np

from . import dtypes
from .errors import InvalidArgumentError
from .tensor import _make, convert_to_tensor


def to_number(input, out_type=dtypes.float32, name=None):
    t = convert_to_tensor(input)
    dt = dtypes.as_dtype(out_type)
    out = np.empty(t.shape, dtype=dt._np)
    for i, v in np.ndenumerate(t.numpy() if t.shape else np.array(t.numpy(), dtype=object)):
        s = v.decode() if isinstance(v, bytes) else str(v)
        try:
            out[i] = int(s) if dt.is_integer else float(s)
        except ValueError:
            raise InvalidArgumentError(None, "StringToNumber", f"StringToNumberOp could not "
                                                               f"correctly convert string: {s}") \
                from None
    return _make(out, dt)


def length(input, name=None):
    t = convert_to_tensor(input)
    v = np.vectorize(lambda b: len(b), otypes=[np.int32])(t.numpy())
    return _make(np.asarray(v, np.int32), dtypes.int32)
