"""Reading small text files: ``TextLineDataset`` and a ``make_csv_dataset`` for CSV files with
a header, column defaults, a label column and batching. Malformed rows raise
InvalidArgumentError naming the file, the line and what is wrong."""
from __future__ import annotations

import csv
import glob
import os

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..tensor import _make, convert_to_tensor
from .dataset import Dataset


def _files(filenames) -> list:
    if isinstance(filenames, (str, bytes, os.PathLike)):
        filenames = [filenames]
    if hasattr(filenames, "numpy"):
        filenames = [f.decode() if isinstance(f, bytes) else f
                     for f in np.atleast_1d(filenames.numpy())]
    return [os.fspath(f) for f in filenames]


class TextLineDataset(Dataset):
    """One string element per line of each file (without the line ending)."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                 name=None):
        self._files = _files(filenames)
        for f in self._files:
            if not os.path.exists(f):
                raise FileNotFoundError(f"{f}; No such file or directory")

    def _elements(self):
        for f in self._files:
            with open(f, "rb") as fh:
                for line in fh:
                    yield _make(np.array(line.rstrip(b"\r\n"), dtype=object), dtypes.string)

    def _spec(self):
        from ..tensor import TensorSpec
        return TensorSpec((), dtypes.string)


def _parse(value: str, default, dt, where: str):
    if value == "":
        if default is None or (isinstance(default, list) and not default):
            raise InvalidArgumentError(None, None, f"Field is empty and has no default: {where}")
        return default[0] if isinstance(default, list) else default
    try:
        if dt.is_string:
            return value.encode()
        if dt.is_integer:
            return int(value)
        return float(value)
    except ValueError:
        raise InvalidArgumentError(None, None, f"Field {where} is not a valid "
                                               f"{dt.name}: {value!r}") from None


def _default_dtype(d):
    if isinstance(d, (list, tuple)):
        d = d[0] if d else None
    if d is None:
        return None
    if isinstance(d, dtypes.DType):
        return d
    if isinstance(d, str):
        return dtypes.string
    t = convert_to_tensor(d)
    return dtypes.int32 if t.dtype.is_integer else t.dtype


def _infer(values: list) -> dtypes.DType:
    try:
        for v in values:
            if v != "":
                int(v)
        return dtypes.int32
    except ValueError:
        pass
    try:
        for v in values:
            if v != "":
                float(v)
        return dtypes.float32
    except ValueError:
        return dtypes.string


def read_csv_rows(filename: str, field_delim=",", header=True, column_names=None):
    with open(filename, newline="") as f:
        rows = list(csv.reader(f, delimiter=field_delim))
    if header:
        if not rows:
            raise InvalidArgumentError(None, None, f"{filename} is empty, but a header was "
                                                   f"expected")
        names, rows = rows[0], rows[1:]
        names = column_names or names
        start = 2
    else:
        if column_names is None:
            raise ValueError("`column_names` must be given when `header=False`.")
        names, start = list(column_names), 1
    for i, r in enumerate(rows):
        if len(r) != len(names):
            raise InvalidArgumentError(None, None, f"Expect {len(names)} fields but have "
                                                   f"{len(r)} in record {i} ({filename}, line "
                                                   f"{i + start})")
    return names, rows, start


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",", use_quote_delim=True,
                     na_value="", header=True, num_epochs=None, shuffle=True,
                     shuffle_buffer_size=10000, shuffle_seed=None, prefetch_buffer_size=None,
                     num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False):
    """Batches of ``(features, label)`` (or ``features``) from CSV files: ``features`` is a dict of
    column name → batched tensor. Column types come from ``column_defaults`` or are inferred
    (int32, float32, else string)."""
    files = sorted(glob.glob(file_pattern)) if isinstance(file_pattern, str) else \
        _files(file_pattern)
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    table, names = [], None
    for fname in files:
        n, rows, start = read_csv_rows(fname, field_delim, header, column_names)
        if names is not None and n != names:
            raise InvalidArgumentError(None, None, f"{fname} has columns {n}, expected {names}")
        names = n
        table.extend((fname, start + i, r) for i, r in enumerate(rows))
    if select_columns is not None:
        keep = [c if isinstance(c, str) else names[c] for c in select_columns]
    else:
        keep = names
    if label_name is not None and label_name not in names:
        raise ValueError(f"`label_name` provided must be one of the columns: {names}. "
                         f"Received: {label_name}")
    if column_defaults is not None and len(column_defaults) != len(names):
        raise ValueError(f"The number of `column_defaults` ({len(column_defaults)}) must match "
                         f"the number of columns ({len(names)}).")
    columns = {}
    for j, name in enumerate(names):
        if name not in keep and name != label_name:
            continue
        default = None if column_defaults is None else column_defaults[j]
        dt = _default_dtype(default) or _infer([r[j] for _, _, r in
                                                table[:num_rows_for_inference]])
        vals = [_parse(r[j], default, dt, f"{name!r} ({f}, line {line})")
                for f, line, r in table]
        columns[name] = _make(np.array(vals, dtype=dt._np), dt)
    features = {k: columns[k] for k in keep if k != label_name}
    ds = Dataset.from_tensor_slices((features, columns[label_name]) if label_name else features)
    ds = ds.repeat(num_epochs)      # None repeats forever, as TF's default does
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    return ds.batch(batch_size)

