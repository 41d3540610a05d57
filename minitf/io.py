"""``tf.io``: parsing text records."""
from __future__ import annotations

import csv

import numpy as np

from . import dtypes
from .data.readers import _default_dtype, _parse
from .errors import InvalidArgumentError
from .tensor import _make, convert_to_tensor


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None, name=None) -> list:
    """Parse CSV line(s) into one tensor per column, typed by ``record_defaults``."""
    rec = convert_to_tensor(records)
    lines = np.atleast_1d(rec.numpy())
    parsed = []
    for i, line in enumerate(lines):
        text = line.decode() if isinstance(line, bytes) else str(line)
        row = next(csv.reader([text], delimiter=field_delim)) if text else [""]
        if len(row) != len(record_defaults):
            raise InvalidArgumentError(None, "DecodeCSV", f"Expect {len(record_defaults)} fields "
                                                          f"but have {len(row)} in record {i}")
        parsed.append(row)
    out = []
    for j, default in enumerate(record_defaults):
        dt = _default_dtype(default) or dtypes.string
        vals = [_parse(r[j], default, dt, f"{j} in record {i}") for i, r in enumerate(parsed)]
        arr = np.array(vals, dtype=dt._np).reshape(rec.shape)
        out.append(_make(arr, dt))
    return out
