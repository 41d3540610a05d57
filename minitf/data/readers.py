"""Reading text files: ``TextLineDataset`` (one string per line) and ``make_csv_dataset``
(batches of dicts of columns from CSV files with a header), plus the CSV record parser that
``tf.io.decode_csv`` shares.

Both follow TensorFlow's rules rather than Python's ``csv`` module: a field is quoted only if
it starts with ``"``, a quote inside a quoted field is written ``""``, and an unquoted field
may not hold a quote or a line break. Malformed input raises ``InvalidArgumentError`` when the
dataset is read, naming the file, the line and what is wrong.

>>> import minitf as tf
>>> tf.io.decode_csv(['1,"a,b",NA'], record_defaults=[[0], [""], [9.5]], na_value="NA")[1]
<tf.Tensor: shape=(1,), dtype=string, numpy=array([b'a,b'], dtype=object)>
"""
from __future__ import annotations

import collections
import glob
import gzip
import os
import re
import zlib

import numpy as np

from .. import dtypes
from ..errors import (DataLossError, FailedPreconditionError, InvalidArgumentError,
                      NotFoundError, OpError)
from ..tensor import TensorSpec, _make, convert_to_tensor
from .dataset import Dataset

_QUOTE = ord('"')
_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
# The names TF's CSV parser uses for each type in "is not a valid <type>".
_TYPE_WORD = {dtypes.float32: "float", dtypes.float64: "double", dtypes.int32: "int32",
              dtypes.int64: "int64", dtypes.string: "string"}
_C_SPACE = b" \t\n\v\f\r"          # what C's isspace() skips around a number
_INT = re.compile(rb"[+-]?[0-9]+")
_HEX_FLOAT = re.compile(rb"[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*([pP][+-]?[0-9]+)?")
_NAN_PAYLOAD = re.compile(rb"[+-]?nan\([0-9A-Za-z_]*\)", re.IGNORECASE)


def _files(filenames) -> list:
    if isinstance(filenames, (str, bytes, os.PathLike)):
        filenames = [filenames]
    if hasattr(filenames, "numpy"):
        filenames = list(np.atleast_1d(filenames.numpy()))
    return [os.fsdecode(f) for f in filenames]


_DECOMPRESS = {"": lambda data: data, "GZIP": gzip.decompress, "ZLIB": zlib.decompress}


def _read_bytes(path: str, compression_type=None) -> bytes:
    """A file's contents, decompressed as ``compression_type`` says ("GZIP", "ZLIB", or
    ""/None for none). OS errors become TF's error types (NotFoundError for a missing file),
    raised when the dataset is read, as TF raises them; so is an unknown compression type
    (InvalidArgumentError) and data that do not decompress (DataLossError)."""
    decompress = _DECOMPRESS.get(compression_type or "")
    if decompress is None:
        raise InvalidArgumentError(None, None, f"Unknown compression type "
                                               f"{compression_type!r} for {path}: expected "
                                               f"'GZIP', 'ZLIB' or ''.")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    except OSError as e:
        raise OpError(None, None, f"{path}; {e.strerror}") from None
    try:
        return decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise DataLossError(None, None, f"{path} is not {compression_type} data: {e}") from None


# ---- TextLineDataset ------------------------------------------------------------------------

def _text_lines(data: bytes):
    """Lines as TF's TextLineDataset reads them: split at ``\\n``, every ``\\r`` dropped (so
    ``\\r\\n`` endings and stray carriage returns both vanish); a last line without ``\\n``
    counts only if something is left of it."""
    lines = data.split(b"\n")
    last = lines.pop()                  # the text after the final "\n" (often empty)
    for line in lines:
        yield line.replace(b"\r", b"")
    last = last.replace(b"\r", b"")
    if last:
        yield last


class TextLineDataset(Dataset):
    """One scalar string per line of each file, without its line ending.

    As TensorFlow does, every carriage return is removed, not only those of ``\\r\\n``
    endings: ``b"a\\rb\\nc\\r"`` gives ``b"ab"`` and ``b"c"``. A missing file raises
    ``NotFoundError`` when the dataset is read, not when it is built.

    >>> import minitf as tf, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "lines.txt")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"first\\r\\nsecond\\r\\n")
    >>> list(tf.data.TextLineDataset(path).as_numpy_iterator())
    [b'first', b'second']
    """

    _tf_class = "TextLineDatasetV2"

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                 name=None):
        self._files = _files(filenames)
        self._compression = compression_type

    def _elements(self):
        for f in self._files:
            for line in _text_lines(_read_bytes(f, self._compression)):
                yield _make(np.array(line, dtype=object), dtypes.string)

    def _spec(self):
        return TensorSpec((), dtypes.string)


# ---- CSV records and fields -----------------------------------------------------------------

def _csv_error(text: str, op: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, op, f"{text} [Op:{op}]")


def _csv_fields(record: bytes, delim: int, quoted: bool, op: str, in_file=False):
    """The fields of one CSV record, one at a time (so a caller can stop early).

    decode_csv's records (``in_file`` off) follow TF's DecodeCSV: an empty record has no
    fields, line breaks where a field would start are skipped (``"\\r\\nx"`` is one field
    ``x``, and ``"a,\\r\\n"`` only ``a``), and a record ending with the delimiter ends with an
    empty field. A record of a file (``in_file``) has had its line end removed; a blank one
    is one empty field, as TF's file reader counts it."""
    n, pos = len(record), 0
    if n == 0 and in_file:
        yield b""
    while pos < n:
        if not in_file and record[pos] in b"\r\n":
            pos += 1
            continue
        if quoted and record[pos] == _QUOTE:
            field, pos = _quoted_field(record, pos + 1, delim, op)
        else:
            end = record.find(delim, pos)
            end = n if end < 0 else end
            field = record[pos:end]
            if (quoted and b'"' in field) or b"\r" in field or b"\n" in field:
                raise _csv_error("Unquoted fields cannot have quotes/CRLFs inside", op)
            pos = end + 1
        yield field
    if n and record[-1] == delim:
        yield b""


def _quoted_field(record: bytes, pos: int, delim: int, op: str):
    """The quoted field starting at ``pos`` (just past its opening quote), and where the next
    field starts (the end of the record if this was the last)."""
    out, n = bytearray(), len(record)
    while True:
        close = record.find(b'"', pos)
        if close < 0:
            raise _csv_error("Quoted field has to end with quote followed by delim or end", op)
        out += record[pos:close]
        after = close + 1
        if after == n:
            return bytes(out), n
        if record[after] == _QUOTE:         # "" is an escaped quote
            out += b'"'
            pos = after + 1
        elif record[after] == delim:
            return bytes(out), after + 1
        else:
            raise _csv_error("Quote inside a string has to be escaped by another quote", op)


def _csv_records(data: bytes, quoted: bool):
    """Split a file into records at line ends (``\\n`` or ``\\r\\n``) outside quoted fields:
    a line break inside quotes belongs to the field. A line ends a record when the record so
    far holds an even number of quotes (an escaped ``""`` counts twice, so it never flips)."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()                 # the file's last line end, not an empty record after it
    pending = None
    for line in lines:
        pending = line if pending is None else pending + b"\n" + line
        if quoted and pending.count(b'"') % 2:
            continue                # inside a quoted field: the line break is data
        yield pending[:-1] if pending.endswith(b"\r") else pending
        pending = None
    if pending is not None:         # an unterminated quote: the field parser reports it
        yield pending


def _delimiter(field_delim) -> int:
    d = field_delim.encode() if isinstance(field_delim, str) else bytes(field_delim)
    if len(d) != 1:
        raise InvalidArgumentError(None, "DecodeCSV", "field_delim should be only 1 char "
                                                      "[Op:DecodeCSV]")
    return d[0]


def _as_bytes(text) -> bytes:
    return text.encode() if isinstance(text, str) else bytes(text)


def _parse_int(text: bytes, dtype) -> int | None:
    """An integer as C's strtol reads one (spaces around it allowed, no ``_`` or exponent),
    or None if it is not one or does not fit ``dtype``."""
    core = text.strip(_C_SPACE)
    if not _INT.fullmatch(core):
        return None
    v = int(core)
    info = np.iinfo(dtype._np)
    return v if info.min <= v <= info.max else None


def _parse_float(text: bytes, dtype) -> float | None:
    """A number as C's strtod reads one: decimal or hexadecimal (``0x1p3``), ``inf``,
    ``infinity``, ``nan`` or ``nan(...)`` in any case, spaces around it allowed; None if it
    is not one. A float32 column rounds once more, so ``1e39`` becomes inf as in TF."""
    core = text.strip(_C_SPACE)
    if not core or b"_" in core:            # Python accepts 1_0; C does not
        return None
    try:
        v = float(core)
    except ValueError:
        if _NAN_PAYLOAD.fullmatch(core):
            v = float("nan")
        elif not _HEX_FLOAT.fullmatch(core):
            return None
        else:
            try:
                v = float.fromhex(core.decode())
            except ValueError:          # "0x" or "0xp1": no digits
                return None
    if dtype is dtypes.float32:
        with np.errstate(over="ignore"):
            return np.float32(v)
    return v


def _field_value(field: bytes, column, where: tuple, op: str):
    """One field converted to its column's type. ``column`` is (dtype, default, na_value);
    an empty field, or one equal to ``na_value``, takes the default, and without a default
    the field is required."""
    dtype, default, na_value = column
    if field == b"" or field == na_value:
        if default is None:
            raise _csv_error(f"Field {where[0]} is required but missing in record "
                             f"{where[1]}!", op)
        return default
    if dtype is dtypes.string:
        return field
    value = (_parse_int if dtype.is_integer else _parse_float)(field, dtype)
    if value is None:
        raise _csv_error(f"Field {where[0]} in record {where[1]} is not a valid "
                         f"{_TYPE_WORD[dtype]}: {field.decode(errors='replace')}", op)
    return value


def _record_default(default, j: int, op: str):
    """(dtype, default value or None) for column ``j`` from a record default: a tensor-like of
    at most one element (none: the field is required), or a DType (required, that type)."""
    if isinstance(default, dtypes.DType):
        dtype, value = default, None
    else:
        t = convert_to_tensor(default)
        if t.dtype not in _CSV_TYPES:
            raise InvalidArgumentError(None, op, f"Value for attr 'OUT_TYPE' of {t.dtype.name} "
                                                 f"is not in the list of allowed values: float, "
                                                 f"double, int32, int64, string")
        if len(t.shape) > 1:
            raise _csv_error("Each record default should be at most rank 1", op)
        flat = np.asarray(t.numpy(), dtype=object).reshape(-1)
        if flat.size > 1:
            raise _csv_error(f"There should only be 1 default per field but field {j} has "
                             f"{flat.size}", op)
        dtype, value = t.dtype, (flat[0] if flat.size else None)
    if dtype not in _CSV_TYPES:
        raise TypeError(f"A CSV column default must be one of float32, float64, int32, int64 "
                        f"or string; got {dtype.name} for column {j}.")
    if isinstance(value, str):
        value = value.encode()
    return dtype, value


def _column_arrays(rows: list, columns: list) -> list:
    """Per column, the parsed values of ``rows`` as a NumPy array of the column's dtype."""
    return [np.array([r[j] for r in rows], dtype=dt._np if dt is not dtypes.string else object)
            for j, (dt, _, _) in enumerate(columns)]


def parse_records(records, columns: list, delim: int, quoted: bool, select_cols=None,
                  op: str = "DecodeCSV", where=None, in_file=False) -> list:
    """Parse CSV ``records`` (bytes) into rows of typed values, one per entry of ``columns``
    ((dtype, default, na_value) triples), taking the fields ``select_cols`` (ascending
    indices) or all of them. ``where(i)`` names record ``i`` in error messages."""
    rows = []
    wanted = len(columns)
    for i, record in enumerate(records):
        label = i if where is None else where(i)
        fields = _pick_fields(_csv_fields(record, delim, quoted, op, in_file),
                              select_cols, wanted, label, op)
        rows.append([_field_value(f, col, (j, label), op)
                     for j, (f, col) in enumerate(zip(fields, columns))])
    return rows


def _pick_fields(fields_of_record, select_cols, wanted: int, label, op: str) -> list:
    """The fields a record contributes: all of them (there must be ``wanted``), or those at
    ``select_cols``; fields after the last selected one are not read, as in TF."""
    if select_cols is None:
        fields = list(fields_of_record)
        if len(fields) != wanted:
            raise _csv_error(f"Expect {wanted} fields but have {len(fields)} in record "
                             f"{label}", op)
        return fields
    fields = []
    for k, f in enumerate(fields_of_record):
        fields.append(f)
        if k == select_cols[-1]:
            break
    if len(fields) <= select_cols[-1]:
        have = sum(1 for c in select_cols if c < len(fields))
        raise _csv_error(f"Expect {wanted} fields but have {have} in record {label}", op)
    return [fields[c] for c in select_cols]


# ---- make_csv_dataset -----------------------------------------------------------------------

# How the files of one make_csv_dataset are written: field delimiter (a byte), whether quotes
# are special, whether each file starts with a header line, and their compression.
_CsvFormat = collections.namedtuple("_CsvFormat", "delim quoted header compression")


def _glob_files(file_pattern) -> list:
    """Files matching a pattern or a list of patterns, sorted, as TF lists them."""
    if isinstance(file_pattern, (list, tuple)):
        if not file_pattern:
            raise ValueError("Argument `file_pattern` should not be empty.")
        patterns = [os.fsdecode(p) for p in file_pattern]
    else:
        patterns = _files(file_pattern)
    files = sorted(f for p in patterns for f in glob.glob(p))
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    return files


def _header(path: str, fmt: _CsvFormat) -> list:
    record = next(_csv_records(_read_bytes(path, fmt.compression), fmt.quoted), None)
    if record is None:
        raise ValueError(f"Failed when reading the header line of {path}. Is it an empty file?")
    return [f.decode() for f in _csv_fields(record, fmt.delim, fmt.quoted, "CSVDataset")]


def _column_names(files: list, column_names, fmt: _CsvFormat) -> list:
    if column_names is None:
        if not fmt.header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is "
                             "provided.")
        column_names = _header(files[0], fmt)
        for f in files[1:]:
            if _header(f, fmt) != column_names:
                raise ValueError(f"All input CSV files should have the same column names in "
                                 f"the header row. File {f} has different column names.")
    names = list(column_names)
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise ValueError(f"Either `column_names` argument or CSV header row contains "
                         f"duplicate column names: {dups}.")
    return names


def _selected_indices(select_columns, names: list) -> list:
    """``select_columns`` (names or indices) as ascending column indices."""
    if select_columns is None:
        return list(range(len(names)))
    out = []
    for c in select_columns:
        if isinstance(c, (int, np.integer)) and not isinstance(c, bool):
            if not 0 <= c < len(names):
                raise ValueError(f"Column index {c} specified in `select_columns` should be "
                                 f">= 0 and < {len(names)}, which is the number of columns.")
            out.append(int(c))
        elif c in names:
            out.append(names.index(c))
        else:
            raise ValueError(f"Column {c} specified in `select_columns` must be of one of the "
                             f"columns: {names}.")
    if len(set(out)) != len(out):
        raise ValueError(f"The `select_columns` argument contains duplicate columns: "
                         f"{sorted({names[i] for i in out if out.count(i) > 1})}.")
    return sorted(out)


def _data_records(path: str, fmt: _CsvFormat):
    """(line number, record) for the data records of one file (after its header)."""
    records = _csv_records(_read_bytes(path, fmt.compression), fmt.quoted)
    if fmt.header:
        next(records, None)
    line = 2 if fmt.header else 1
    for record in records:
        yield line, record
        line += 1 + record.count(b"\n")


def _infer_type(values: list) -> dtypes.DType:
    """TF's inference: the narrowest of int32, int64, float32, float64 that every value
    parses as, else string; a column with no values at all is string. A float type must
    hold the value below +inf, so "nan", "inf" and "infinity" make a string column (while
    "-inf" passes, as in TF)."""
    best = 0
    order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string]
    for v in values:
        while best < 4 and not _fits(v, order[best]):
            best += 1
    return order[best] if values else dtypes.string


def _fits(text: bytes, dtype) -> bool:
    """Whether ``text`` reads as ``dtype`` by TF's inference test, which reads numbers as
    Python does (so ``" 1_0 "`` passes as an int, and ``0x1p3`` is no float), not as the
    parser that reads the data afterwards."""
    try:
        if dtype.is_integer:
            info = np.iinfo(dtype._np)
            return info.min <= int(text) <= info.max
        with np.errstate(over="ignore"):
            return bool(dtype._np.type(float(text)) < np.inf)
    except ValueError:
        return False


def _inferred_columns(files, indices, num_cols, fmt: _CsvFormat, na_value, limit):
    """Column types from the first ``limit`` data records; a record of the wrong length among
    them is a ValueError, as in TF (later ones fail when read)."""
    seen = [[] for _ in indices]
    count = 0
    for f in files:
        for line, record in _data_records(f, fmt):
            if limit is not None and count >= limit:
                break
            # TF infers with Python's csv module, which reads a blank line as no fields.
            fields = list(_csv_fields(record, fmt.delim, fmt.quoted, "CSVDataset",
                                      in_file=True)) if record else []
            if len(fields) != num_cols:
                raise ValueError(f"Problem inferring types: CSV row {line} has {len(fields)} "
                                 f"number of fields. Expected: {num_cols}.")
            for k, j in enumerate(indices):
                if fields[j] not in (b"", na_value):
                    seen[k].append(fields[j])
            count += 1
    types = [_infer_type(v) for v in seen]
    return [(t, b"" if t is dtypes.string else 0, na_value) for t in types]


class _CsvRows(Dataset):
    """The records of CSV files parsed to dicts of scalars (or (features, label) pairs); the
    files are read, and their errors raised, when the dataset is iterated."""

    def __init__(self, files, names, indices, columns, fmt: _CsvFormat, label_name,
                 ignore_errors):
        self._files, self._names, self._indices = files, names, indices
        self._columns, self._fmt = columns, fmt
        self._label, self._ignore = label_name, ignore_errors
        # With every column kept, a record must have exactly that many fields.
        self._select_cols = None if len(indices) == len(names) else indices

    def _rows(self, path):
        fmt = self._fmt
        for line, record in _data_records(path, fmt):
            try:
                (row,) = parse_records([record], self._columns, fmt.delim, fmt.quoted,
                                       self._select_cols, "CSVDataset",
                                       lambda _: f"({path}, line {line})", in_file=True)
            except InvalidArgumentError:
                if self._ignore:
                    continue
                raise
            yield row

    def _elements(self):
        keys = [self._names[j] for j in self._indices]
        for path in self._files:
            for row in self._rows(path):
                yield self._pack({k: self._scalar(v, col) for k, v, col in
                                  zip(keys, row, self._columns)})

    @staticmethod
    def _scalar(value, column):
        dtype = column[0]
        if dtype is dtypes.string:
            return _make(np.array(value, dtype=object), dtype)
        return _make(np.array(value, dtype=dtype._np), dtype)

    def _pack(self, row: dict):
        if self._label is None:
            return row
        label = row.pop(self._label)
        return row, label

    def _spec(self):
        specs = {self._names[j]: TensorSpec((), col[0])
                 for j, col in zip(self._indices, self._columns)}
        return self._pack(specs)


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",", use_quote_delim=True,
                     na_value="", header=True, num_epochs=None, shuffle=True,
                     shuffle_buffer_size=10000, shuffle_seed=None, prefetch_buffer_size=None,
                     num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False):
    """Batches of ``(features, label)`` (or ``features``) from CSV files with a header line:
    ``features`` is a dict of column name → batched tensor.

    Column types come from ``column_defaults`` (one default per selected column; an empty
    list or a DType makes the column required) or are inferred, as TF infers them, from the
    first ``num_rows_for_inference`` records: int32, int64, float32, float64 or else string.
    Only finite numbers make a float column, so a column holding "nan" or "inf" is read as
    string. An empty field, or one equal to ``na_value``, takes the column's default (0 or ""
    for an inferred column). Fields follow TF's quoting rules (see ``tf.io.decode_csv``).

    Bad arguments and inconsistent headers raise ValueError when the dataset is built; a
    malformed record raises InvalidArgumentError when it is read (``ignore_errors=True``
    skips it).

    >>> import minitf as tf, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("x,score,label\\n1,nan,0\\n2,0.5,1\\n")
    >>> ds = tf.data.experimental.make_csv_dataset(path, batch_size=2, label_name="label",
    ...                                            shuffle=False, num_epochs=1)
    >>> features, label = next(iter(ds))
    >>> features["x"].dtype, features["score"].numpy(), label.numpy()
    (tf.int32, array([b'nan', b'0.5'], dtype=object), array([0, 1], dtype=int32))
    """
    files = _glob_files(file_pattern)
    if not isinstance(field_delim, (str, bytes)) or len(field_delim) != 1:
        raise TypeError(f'"delimiter" must be a 1-character string, got {field_delim!r}')
    if compression_type not in (None, "", "GZIP", "ZLIB"):
        raise ValueError(f"Received unknown `compression_type` {compression_type}. Expected: "
                         f"GZIP, ZLIB or  (empty string).")
    fmt = _CsvFormat(_delimiter(field_delim), bool(use_quote_delim), header, compression_type)
    na = _as_bytes(na_value)
    names = _column_names(files, column_names, fmt)
    indices = _selected_indices(select_columns, names)
    if label_name is not None and label_name not in [names[j] for j in indices]:
        raise ValueError(f"`label_name` provided must be one of the columns: "
                         f"{[names[j] for j in indices]}. Received: {label_name}.")
    if column_defaults is not None:
        if len(column_defaults) != len(indices):
            raise ValueError(f"The number of `column_defaults` ({len(column_defaults)}) must "
                             f"match the number of selected columns ({len(indices)}).")
        columns = [_record_default(d, j, "CSVDataset") + (na,)
                   for j, d in enumerate(column_defaults)]
    else:
        columns = _inferred_columns(files, indices, len(names), fmt, na,
                                    num_rows_for_inference)
    if shuffle:
        # TF's pipeline: the file list shuffled (a new order each epoch), the files read one
        # after another, the rows shuffled, then the epochs repeated; each shuffle takes its
        # seeds as any tf.data shuffle does, so a seeded pipeline gives TF's rows and batches.
        def rows_of(path):
            return _CsvRows([path.numpy().decode()], names, indices, columns, fmt, label_name,
                            ignore_errors)
        ds = Dataset.from_tensor_slices(list(files)).shuffle(len(files), seed=shuffle_seed)
        ds = ds.interleave(rows_of, cycle_length=1)
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    else:
        ds = _CsvRows(files, names, indices, columns, fmt, label_name, ignore_errors)
    ds = ds.repeat(num_epochs)      # None repeats forever, as TF's default does
    out = ds.batch(batch_size)
    out._tf_class = "_PrefetchDataset"      # TF's make_csv_dataset pipeline ends in a prefetch
    return out

