"""``tf.io``: parsing text records."""
from __future__ import annotations

import numpy as np

from . import dtypes
from .data.readers import (_as_bytes, _column_arrays, _delimiter, _record_default,
                           parse_records)
from .errors import InvalidArgumentError
from .tensor import _make, _place, convert_to_tensor


def _select_cols(select_cols, n_defaults: int):
    """``select_cols`` checked as TF checks it: a list of strictly increasing, non-negative
    column indices, one per record default."""
    if select_cols is None:
        return None
    if not isinstance(select_cols, (list, tuple)):
        raise TypeError(f"Expected list for 'select_cols' argument to 'decode_csv' Op, not "
                        f"{select_cols!r}.")
    cols = list(select_cols)
    if any(a >= b for a, b in zip(cols, cols[1:])):
        raise ValueError("select_cols is not strictly increasing.")
    if cols and cols[0] < 0:
        raise ValueError("select_cols contains negative values.")
    if len(cols) != n_defaults:
        raise ValueError("Length of select_cols and record_defaults do not match.")
    return [int(c) for c in cols]


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None, name=None) -> list:
    """Parse CSV records (a string tensor of any shape) into one tensor per column, each of
    the records' shape, typed by ``record_defaults``.

    Each record default is a tensor-like of at most one value, of type float32, float64,
    int32, int64 or string: ``[0]``, ``[0.0]``, ``[""]``, ``tf.constant([], tf.int32)``.
    An empty field, or one equal to ``na_value``, takes its column's default; a column whose
    default is empty is required. ``select_cols`` (a list of strictly increasing indices)
    reads only those fields, one per default; fields after the last one are not read.

    Quoting follows TF: a field starting with ``"`` is quoted, may hold the delimiter and
    line breaks, and writes a quote as ``""``; an unquoted field may not contain a quote or
    a line break. ``use_quote_delim=False`` makes ``"`` an ordinary character. Numbers are
    read as C reads them: spaces around them are allowed, ``1_0`` is not a number, and
    ``0x1p3`` is 8.0. Every malformed record raises InvalidArgumentError naming the field and
    record.

    >>> import minitf as tf
    >>> a, c = tf.io.decode_csv(["1,x,2.5", "NA,y,"], [[0], [-1.0]], na_value="NA",
    ...                         select_cols=[0, 2])
    >>> a.numpy().tolist(), c.numpy().tolist()
    ([1, 0], [2.5, -1.0])
    >>> tf.io.decode_csv(['"a"b'], [[""]])
    Traceback (most recent call last):
    ...
    minitf.errors.InvalidArgumentError: Quote inside a string has to be escaped by another quote...
    """
    rec = convert_to_tensor(records)
    if rec.dtype is not dtypes.string:
        raise TypeError(f"Cannot convert {records!r} to EagerTensor of dtype string")
    if len(record_defaults) == 0:
        raise InvalidArgumentError(None, "DecodeCSV", "Length for attr 'OUT_TYPE' of 0 must be "
                                                      "at least minimum 1")
    select = _select_cols(select_cols, len(record_defaults))
    delim = _delimiter(field_delim)
    na = _as_bytes(na_value)
    columns = [_record_default(d, j, "DecodeCSV") + (na,)
               for j, d in enumerate(record_defaults)]
    lines = [_as_bytes(v) for v in np.asarray(rec.numpy(), dtype=object).reshape(-1)]
    rows = parse_records(lines, columns, delim, bool(use_quote_delim), select)
    return [_make(_place(arr.reshape(rec.shape)), dt)    # numbers go to the current device
            for arr, (dt, _, _) in zip(_column_arrays(rows, columns), columns)]
