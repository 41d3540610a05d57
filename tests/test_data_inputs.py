"""tf.data sources without TensorFlow: ``Dataset.from_generator``'s structure, dtype and shape
checks, and the text readers (``TextLineDataset``, ``make_csv_dataset``, ``tf.io.decode_csv``).

Every expected value and exception type below was observed with TensorFlow 2.21 (the same cases
run against live TensorFlow in ``parity/test_data_inputs_parity.py``)."""
from __future__ import annotations

import gzip
import zlib

import numpy as np
import pytest

import minitf as tf

Dataset = tf.data.Dataset
IAE = tf.errors.InvalidArgumentError


def listed(ds):
    return [np.asarray(e).tolist() for e in ds.as_numpy_iterator()]


def gen(*items):
    """A generator factory yielding ``items`` (each call starts afresh, as TF needs)."""
    return lambda: iter(items)


# ---- from_generator: the structure comes from the signature, a list is one tensor ----------

def test_generator_yielded_list_is_one_tensor():
    ds = Dataset.from_generator(gen([1, 2], [3, 4]), output_types=tf.int32).batch(2)
    (batch,) = list(ds)
    assert batch.dtype == tf.int32 and batch.numpy().tolist() == [[1, 2], [3, 4]]


def test_generator_ragged_yield_raises_at_iteration():
    ds = Dataset.from_generator(gen([[1, 2], [3]]), output_types=tf.int32)   # builds fine
    with pytest.raises(IAE, match="did not match the expected structure"):
        list(ds)
    known = Dataset.from_generator(gen([[1, 2], [3]]), output_types=tf.int32,
                                   output_shapes=[2, None])
    with pytest.raises(IAE, match="could not be converted to the expected type"):
        list(known)


def test_generator_unknown_rank_spec_batches_and_unbatches():
    ds = Dataset.from_generator(gen([1, 2], [3]), output_types=tf.int32)
    spec = ds.element_spec
    assert spec.dtype == tf.int32 and spec.shape.rank is None
    assert repr(spec) == "TensorSpec(shape=<unknown>, dtype=tf.int32, name=None)"
    assert ds.batch(2).element_spec.shape.rank is None
    assert listed(ds) == [[1, 2], [3]]                  # elements of different shapes are fine
    assert listed(ds.unbatch()) == [1, 2, 3]
    assert int(ds.cardinality()) == -2 and int(ds.repeat().cardinality()) == -1
    with pytest.raises(IAE, match="non-scalar"):
        list(Dataset.from_generator(gen(1), output_types=tf.int32).unbatch())
    with pytest.raises(ValueError, match="unknown rank"):
        ds.padded_batch(2)


def test_generator_unknown_rank_converts_strictly():
    """One component of unknown rank: TF converts as ``tf.convert_to_tensor(value, dtype)``."""
    for value, dtype in [(1.5, tf.int32), (1, tf.bool), ("a", tf.int32), (None, tf.int32),
                         (tf.constant(1.0), tf.int32), ([1, 2.5], tf.int32), (1, tf.string)]:
        with pytest.raises(IAE, match="did not match the expected structure"):
            list(Dataset.from_generator(gen(value), output_types=dtype))
    ints = Dataset.from_generator(gen(1, 2), output_types=tf.float32)
    assert [(t.dtype, float(t)) for t in ints] == [(tf.float32, 1.0), (tf.float32, 2.0)]
    text = Dataset.from_generator(gen("abc", b"d", ["e", "fg"]), output_types=tf.string)
    assert listed(text) == [b"abc", b"d", [b"e", b"fg"]]


def test_generator_known_shape_converts_as_numpy_does():
    """With a known shape (or a structure) TF converts each component with NumPy's casting
    rules, so a fraction is truncated into an integer component rather than rejected."""
    assert listed(Dataset.from_generator(gen(1.5), output_types=tf.int32,
                                         output_shapes=[])) == [1]
    sig = Dataset.from_generator(gen([1.5, 2]), output_signature=tf.TensorSpec([2], tf.int32))
    assert listed(sig) == [[1, 2]]
    assert listed(Dataset.from_generator(gen("12"), output_types=tf.int32,
                                         output_shapes=[])) == [12]
    with pytest.raises(IAE, match="could not be converted to the expected type. The expected "
                                  "type was int32"):
        list(Dataset.from_generator(gen("a"), output_types=tf.int32, output_shapes=[]))
    with pytest.raises(tf.errors.InternalError, match="Unsupported object type int"):
        list(Dataset.from_generator(gen(1), output_types=tf.string, output_shapes=[]))
    # Every component's shape is checked before text is encoded (TF's order).
    with pytest.raises(IAE, match="shape"):
        list(Dataset.from_generator(gen((1, [1, 2, 3])), output_types=(tf.string, tf.int32),
                                    output_shapes=([], [2])))


def test_generator_shapes_are_checked():
    with pytest.raises(IAE, match=r"yielded an element of shape \(2,\) where an element of "
                                  r"shape \(3,\) was expected"):
        list(Dataset.from_generator(gen([1, 2]), output_types=tf.int32, output_shapes=[3]))
    with pytest.raises(IAE, match=r"shape \(\) where an element of shape \(None,\)"):
        list(Dataset.from_generator(gen(1), output_types=tf.int32, output_shapes=[None]))
    with pytest.raises(IAE, match=r"shape \(3,\) where an element of shape \(None, 2\)"):
        list(Dataset.from_generator(gen([1, 2, 3]),
                                    output_signature=tf.TensorSpec([None, 2], tf.int32)))
    ok = Dataset.from_generator(gen([1, 2, 3], [4]),
                                output_signature=tf.TensorSpec([None], tf.int32))
    assert listed(ok) == [[1, 2, 3], [4]] and ok.element_spec.shape == (None,)
    pair = Dataset.from_generator(gen((1, [2, 3])), output_signature=(
        tf.TensorSpec([], tf.int32), tf.TensorSpec([3], tf.int32)))
    with pytest.raises(IAE, match=r"shape \(2,\) where an element of shape \(3,\)"):
        list(pair)


def test_generator_structure_is_checked():
    pair = (tf.int32, tf.int32)
    for bad in ([1, 2], (1, 2, 3), 1, np.array([1, 2])):
        with pytest.raises(IAE, match="did not match the expected structure"):
            list(Dataset.from_generator(gen(bad), output_types=pair))
    spec = {"a": tf.int32, "b": tf.float32}
    for bad in ({"a": 1}, {"a": 1, "b": 2.0, "c": 3}):
        with pytest.raises(IAE, match="did not match the expected structure"):
            list(Dataset.from_generator(gen(bad), output_types=spec))
    (d,) = list(Dataset.from_generator(gen({"b": [1.0, 2.0], "a": 1}), output_types=spec))
    assert d["a"].dtype == tf.int32 and d["b"].numpy().tolist() == [1.0, 2.0]
    nested = Dataset.from_generator(gen(({"a": [1, 2]}, 3)),
                                    output_types=({"a": tf.int64}, tf.int32))
    ((inner, last),) = list(nested)
    assert inner["a"].dtype == tf.int64 and inner["a"].numpy().tolist() == [1, 2]
    assert last.dtype == tf.int32 and nested.element_spec[0]["a"].shape.rank is None


def test_generator_signature_arguments_are_validated():
    g = gen(1)
    with pytest.raises(TypeError, match="output_signature"):
        Dataset.from_generator(g)
    with pytest.raises(TypeError, match="output_types"):
        Dataset.from_generator(g, output_shapes=[])
    with pytest.raises(TypeError, match="can not be used together"):
        Dataset.from_generator(g, output_types=tf.int32,
                               output_signature=tf.TensorSpec([], tf.int32))
    with pytest.raises(TypeError, match="TypeSpec"):
        Dataset.from_generator(g, output_signature=tf.int32)
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator([1, 2], output_types=tf.int32)
    with pytest.raises(TypeError):           # a list is not a structure of dtypes in tf.data
        Dataset.from_generator(g, output_types=[tf.int32, tf.float32])
    with pytest.raises(ValueError):
        Dataset.from_generator(g, output_types=(tf.int32, tf.float32), output_shapes=([],))
    spec = Dataset.from_generator(g, output_types=(tf.int32, tf.float32),
                                  output_shapes=([], [None])).element_spec
    assert [(tuple(s.shape), s.dtype) for s in spec] == [((), tf.int32), ((None,), tf.float32)]


def test_generator_args_arrive_as_numpy_values():
    ds = Dataset.from_generator(lambda n: iter([type(n).__name__] * int(n)),
                                output_types=tf.string, args=(3,))
    assert listed(ds) == [b"int32"] * 3


def test_generator_elements_do_not_alias_yielded_arrays():
    for dtype, values in ((tf.bool, [True, False]), (tf.float32, [1.0, 2.0]),
                          (tf.int32, [1, 2])):
        for shapes in (None, [2]):
            arr = np.array(values, dtype=dtype.as_numpy_dtype)
            (t,) = list(Dataset.from_generator(gen(arr), output_types=dtype,
                                               output_shapes=shapes))
            arr[0] = arr[1]                    # the caller reuses its buffer
            assert t.numpy().tolist() == values


def test_generator_exceptions_become_op_errors():
    def failing(error):
        def g():
            yield 1
            raise error
        return g

    ds = Dataset.from_generator(failing(ValueError("boom")), output_types=tf.int32)
    it = iter(ds)
    assert int(next(it)) == 1
    with pytest.raises(IAE, match="ValueError: boom") as info:
        next(it)
    assert isinstance(info.value.__cause__, ValueError)       # the original stays attached
    with pytest.raises(tf.errors.UnknownError, match="ZeroDivisionError"):
        list(Dataset.from_generator(failing(ZeroDivisionError()), output_types=tf.int32))
    for g in (lambda a: iter([1]), lambda: 5):                  # wrong arity, not iterable
        with pytest.raises(IAE, match="TypeError"):
            list(Dataset.from_generator(g, output_types=tf.int32))


# ---- arguments of the transformations --------------------------------------------------------

def test_integer_arguments_are_converted_as_tf_does():
    ds = Dataset.range(5)
    for bad in (lambda: Dataset.range(2.5), lambda: ds.batch(1.5), lambda: ds.take("a"),
                lambda: ds.skip(1.5), lambda: ds.shuffle(1.5), lambda: ds.repeat(1.5),
                lambda: ds.enumerate("a")):
        with pytest.raises(TypeError):
            bad()
    for bad in (lambda: ds.batch(None), lambda: ds.take(None), lambda: ds.batch(tf.constant(2))):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(IAE, match="step must be a non-zero integer"):
        Dataset.range(0, 10, 0)
    with pytest.raises(IAE, match="batch_size must be greater than zero"):
        ds.padded_batch(0)
    assert listed(ds.batch(np.int32(2)).take(tf.constant(2, tf.int64))) == [[0, 1], [2, 3]]
    assert listed(Dataset.range(5, 0, -2)) == [5, 3, 1]


def test_zip_concatenate_and_take_while_check_their_inputs():
    with pytest.raises(TypeError, match="zip"):
        Dataset.zip((Dataset.range(2), [1, 2]))
    with pytest.raises(TypeError, match="list"):
        Dataset.zip([Dataset.range(2), Dataset.range(2)])
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        Dataset.range(2).concatenate(Dataset.from_tensor_slices([1.0]))
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        Dataset.range(2).concatenate(Dataset.from_tensor_slices(([1], [2])))
    both = Dataset.from_tensor_slices([[1, 2]]).concatenate(
        Dataset.from_tensor_slices([[1, 2, 3]]))
    assert both.element_spec.shape == (None,) and listed(both) == [[1, 2], [1, 2, 3]]
    empty_map = Dataset.range(0).map(lambda x: x)        # no spec to compare: still allowed
    assert listed(empty_map.concatenate(Dataset.range(2))) == [0, 1]
    with pytest.raises(ValueError, match="predicate"):
        list(Dataset.range(3).take_while(lambda x: x))


# ---- TextLineDataset ------------------------------------------------------------------------

@pytest.mark.parametrize("raw, lines", [
    (b"a\r\nb\r\n", [b"a", b"b"]),
    (b"a\rb\nc\r", [b"ab", b"c"]),                # TF drops every carriage return
    (b"x\r\n\r\ny\n\nz", [b"x", b"", b"y", b"", b"z"]),
    (b"a\r\r\nb", [b"a", b"b"]),
    (b"\r", []),
    (b"a\n\r", [b"a"]),
    (b"\n", [b""]),
    (b"", []),
])
def test_text_lines_drop_carriage_returns(tmp_path, raw, lines):
    p = tmp_path / "t.txt"
    p.write_bytes(raw)
    assert list(tf.data.TextLineDataset(str(p)).as_numpy_iterator()) == lines


def test_text_line_missing_file_raises_not_found_at_iteration(tmp_path):
    ds = tf.data.TextLineDataset(str(tmp_path / "nope.txt"))     # TF only fails when read
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        list(ds)
    with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
        list(tf.data.TextLineDataset(str(tmp_path)))


def test_text_lines_compressed(tmp_path):
    (tmp_path / "t.gz").write_bytes(gzip.compress(b"a\r\nb\n"))
    (tmp_path / "t.zz").write_bytes(zlib.compress(b"a\r\nb\n"))
    for name, kind in (("t.gz", "GZIP"), ("t.zz", "ZLIB")):
        ds = tf.data.TextLineDataset(str(tmp_path / name), compression_type=kind)
        assert list(ds.as_numpy_iterator()) == [b"a", b"b"]
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"a\n")
    with pytest.raises(tf.errors.DataLossError):
        list(tf.data.TextLineDataset(str(plain), compression_type="GZIP"))
    with pytest.raises(IAE):                           # TF refuses it when read, too
        list(tf.data.TextLineDataset(str(plain), compression_type="gzip"))
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(b"a,b\n1,x\n"))
    assert csv_columns(tmp_path / "d.csv.gz", compression_type="GZIP") == \
        {"a": ("int32", [1]), "b": ("string", [b"x"])}
    with pytest.raises(ValueError, match="compression_type"):
        csv_columns(tmp_path / "d.csv.gz", compression_type="BOGUS")


# ---- make_csv_dataset -----------------------------------------------------------------------

def csv_columns(path, **kw):
    ds = tf.data.experimental.make_csv_dataset(str(path), batch_size=10, shuffle=False,
                                               num_epochs=1, **kw)
    (batch,) = list(ds)
    feats = batch[0] if isinstance(batch, tuple) else batch
    return {k: (v.dtype.name, v.numpy().tolist()) for k, v in feats.items()}


def test_csv_inference_keeps_nan_and_inf_as_strings(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b,c,d\nnan,inf,1.5,1\n1,2,nan,2\n")
    assert csv_columns(p) == {"a": ("string", [b"nan", b"1"]), "b": ("string", [b"inf", b"2"]),
                              "c": ("string", [b"1.5", b"nan"]), "d": ("int32", [1, 2])}
    p.write_text("a,b,c\n1e39,99999999999, 1\n")
    assert csv_columns(p) == {"a": ("float64", [1e39]), "b": ("int64", [99999999999]),
                              "c": ("int32", [1])}
    p.write_text("a,b,c\n-inf,-1e39,+inf\n")               # only +inf is refused
    assert csv_columns(p) == {"a": ("float32", [-np.inf]), "b": ("float32", [-np.inf]),
                              "c": ("string", [b"+inf"])}


def test_csv_na_value_quotes_crlf_and_selection(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b\nNA,x\n3,NA\n")
    assert csv_columns(p, na_value="NA") == {"a": ("int32", [0, 3]), "b": ("string", [b"x", b""])}
    p.write_bytes(b'a,b,c\r\n"x,\r\ny",1,2\r\n')
    assert csv_columns(p, select_columns=["c", "a"]) == {"a": ("string", [b"x,\r\ny"]),
                                                         "c": ("int32", [2])}
    p.write_text('a,b\n"x",1\n')
    assert csv_columns(p, use_quote_delim=False) == {"a": ("string", [b'"x"']),
                                                     "b": ("int32", [1])}


def test_csv_long_field_does_not_leak_csv_error(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b\n" + "x" * 200_000 + ",1\n")          # beyond the csv module's limit
    cols = csv_columns(p)
    assert len(cols["a"][1][0]) == 200_000 and cols["b"] == ("int32", [1])


def test_csv_errors_are_tensorflows(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("")
    with pytest.raises(ValueError, match="Is it an empty file"):
        csv_columns(p)
    for text in ("a,b\n1,2\n3\n", "a\nx\n\n"):        # a blank line has no fields here
        p.write_text(text)
        with pytest.raises(ValueError, match="Problem inferring types"):
            csv_columns(p)
    p.write_text("a,b\n1,x\n")                               # bad values fail when read
    ds = tf.data.experimental.make_csv_dataset(str(p), batch_size=1, column_defaults=[0, 0])
    with pytest.raises(IAE, match="not a valid int32: x"):
        next(iter(ds))
    p.write_text('a,b\n1,2\nx"y,4\n')
    with pytest.raises(IAE, match="Unquoted fields cannot have quotes"):
        csv_columns(p, column_defaults=["", 0])
    p.write_text("a,b,c\n1,2,3\n")
    for bad in (["z"], [5], [0, "a"]):
        with pytest.raises(ValueError, match="select_columns"):
            csv_columns(p, select_columns=bad)
    p.write_text("a,a\n1,2\n")
    with pytest.raises(ValueError, match="duplicate"):
        csv_columns(p)


# ---- tf.io.decode_csv -----------------------------------------------------------------------

def decoded(records, defaults, **kw):
    return [t.numpy().tolist() for t in tf.io.decode_csv(records, defaults, **kw)]


def test_decode_csv_na_value():
    assert decoded(["NA,2.5,x"], [[0], [0.0], [""]], na_value="NA") == [[0], [2.5], [b"x"]]
    assert decoded(["1,2.5,NA", '"NA",,'], [[0], [0.0], ["d"]], na_value="NA") == \
        [[1, 0], [2.5, 0.0], [b"d", b"d"]]
    with pytest.raises(IAE, match="Field 0 is required but missing in record 0!"):
        tf.io.decode_csv(["NA,2.5"], [np.zeros(0, np.int32), [0.0]], na_value="NA")
    with pytest.raises(IAE, match="not a valid int32: NAN"):
        tf.io.decode_csv(["NAN"], [[4]], na_value="NA")


def test_decode_csv_select_cols():
    assert decoded(["1,2.5,x", "3,4,y,extra"], [[0], [""]], select_cols=[0, 2]) == \
        [[1, 3], [b"x", b"y"]]
    for bad, match in [([2, 0], "strictly increasing"), ([0, 0], "strictly increasing"),
                       ([-1, 0], "negative"), ([0], "Length of select_cols")]:
        with pytest.raises(ValueError, match=match):
            tf.io.decode_csv(["1,2.5,x"], [[0], [""]], select_cols=bad)
    for bad in (np.array([0, 2]), tf.constant([0, 2])):
        with pytest.raises(TypeError, match="Expected list for 'select_cols'"):
            tf.io.decode_csv(["1,2.5,x"], [[0], [""]], select_cols=bad)
    with pytest.raises(IAE, match="Expect 2 fields but have 1 in record 0"):
        tf.io.decode_csv(["1,2.5,x"], [[0], [""]], select_cols=[0, 5])


def test_decode_csv_quotes():
    s = [""]
    assert decoded(['"a,b",c'], [s, s, s], use_quote_delim=False) == [[b'"a'], [b'b"'], [b"c"]]
    assert decoded(['"a,b",c', '"a""b",'], [s, s]) == [[b"a,b", b'a"b'], [b"c", b""]]
    for record, match in [('a"b,c', "Unquoted fields cannot have quotes/CRLFs inside"),
                          ('"ab,c', "Quoted field has to end with quote followed by delim"),
                          ('"ab"x,c', "Quote inside a string has to be escaped"),
                          ("a\rb,c", "Unquoted fields cannot have quotes/CRLFs inside")]:
        with pytest.raises(IAE, match=match):
            tf.io.decode_csv([record], [s, s])
    assert decoded(['a"b,c'], [s, s], use_quote_delim=False) == [[b'a"b'], [b"c"]]


def test_decode_csv_fields_and_numbers():
    for empty in ("", "\r\n", "\n\n"):
        with pytest.raises(IAE, match="Expect 1 fields but have 0 in record 0"):
            tf.io.decode_csv([empty], [[""]])
    # Line breaks where a field starts are skipped; a final delimiter adds an empty field.
    assert decoded(["\r\nx,y", "a,\nb", '\r"q",'], [[""], ["d"]]) == \
        [[b"x", b"a", b"q"], [b"y", b"b", b"d"]]
    assert decoded(["a,\r\n"], [[""]]) == [[b"a"]]
    with pytest.raises(IAE, match="field_delim should be only 1 char"):
        tf.io.decode_csv(["a;b"], [[""], [""]], field_delim=";;")
    assert decoded([" 1 ,0x1p3,+2,inf,.5"], [[0], [0.0], [0], [0.0], [0.0]]) == \
        [[1], [8.0], [2], [float("inf")], [0.5]]
    assert decoded(["1e39"], [[0.0]]) == [[float("inf")]]            # float32 overflows
    assert decoded(["99999999999"], [tf.constant([0], tf.int64)]) == [[99999999999]]
    for text, dtype in [("1_0", "int32"), ("1_0", "float"), ("1e3", "int32"),
                        ("99999999999", "int32"), ("1.5f", "float"), ("  ", "int32")]:
        default = [0] if dtype == "int32" else [0.0]
        with pytest.raises(IAE, match=f"Field 0 in record 0 is not a valid {dtype}"):
            tf.io.decode_csv([text], [default])
    with pytest.raises(IAE, match="There should only be 1 default per field"):
        tf.io.decode_csv(["1"], [[1, 2]])


def test_to_number_reads_numbers_as_c_does():
    assert tf.strings.to_number(["0x1p3", " 1.5", "1e39"]).numpy().tolist() == \
        [8.0, 1.5, float("inf")]
    assert tf.strings.to_number("+5", tf.int32).numpy() == 5
    for text, dtype in [("1_0", tf.float32), ("1_0", tf.int32), ("99999999999", tf.int32),
                        ("\u0661", tf.int32), ("0x", tf.float32), ("0xp1", tf.float32)]:
        with pytest.raises(IAE, match="StringToNumberOp could not correctly convert string"):
            tf.strings.to_number(text, dtype)
