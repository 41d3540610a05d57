"""tf.data sources against live TensorFlow: ``Dataset.from_generator`` (structure, dtype and
shape checks, both of TF's conversion paths), ``TextLineDataset``'s line endings,
``make_csv_dataset``'s type inference and ``tf.io.decode_csv``'s options and errors.

Each case runs under both frameworks; the outcome compared is the elements (dtype, shape and
values of every component) and the element_spec, or the type of the exception raised."""
from __future__ import annotations

import collections
import gzip
import zlib

import numpy as np
import pytest

import minitf

Pair = collections.namedtuple("Pair", "x y")


def _gen(*items):
    return lambda: iter(items)


def _failing(error):
    def g():
        yield 1
        raise error
    return g


def _fg(tf, items, **kw):
    return tf.data.Dataset.from_generator(_gen(*items), **kw)


def _spec(tf, **kw):
    return tf.TensorSpec(**kw)


GENERATORS = {
    "list_is_one_tensor": lambda tf: _fg(tf, [[1, 2], [3, 4]], output_types=tf.int32).batch(2),
    "ragged_elements": lambda tf: _fg(tf, [[1, 2], [3]], output_types=tf.int32),
    "ragged_batch": lambda tf: _fg(tf, [[1, 2], [3]], output_types=tf.int32).batch(2),
    "ragged_yield": lambda tf: _fg(tf, [[[1, 2], [3]]], output_types=tf.int32),
    "ragged_yield_known": lambda tf: _fg(tf, [[[1, 2], [3]]], output_types=tf.int32,
                                         output_shapes=[2, None]),
    "float_into_int_unknown": lambda tf: _fg(tf, [1.5], output_types=tf.int32),
    "float_into_int_known": lambda tf: _fg(tf, [1.5], output_types=tf.int32, output_shapes=[]),
    "float_list_signature": lambda tf: _fg(tf, [[1.5, 2]], output_signature=_spec(
        tf, shape=[2], dtype=tf.int32)),
    "int_into_float": lambda tf: _fg(tf, [1, 2], output_types=tf.float32),
    "int_into_bool": lambda tf: _fg(tf, [1], output_types=tf.bool),
    "int_into_bool_known": lambda tf: _fg(tf, [1], output_types=tf.bool, output_shapes=[]),
    "text_into_int": lambda tf: _fg(tf, ["a"], output_types=tf.int32),
    "digits_into_int_known": lambda tf: _fg(tf, ["12"], output_types=tf.int32,
                                            output_shapes=[]),
    "text": lambda tf: _fg(tf, ["abc", b"d", ["e", "fg"]], output_types=tf.string),
    "number_into_text": lambda tf: _fg(tf, [1], output_types=tf.string),
    "number_into_text_known": lambda tf: _fg(tf, [1], output_types=tf.string,
                                             output_shapes=[]),
    "tensor_wrong_dtype": lambda tf: _fg(tf, [tf.constant(1.0)], output_types=tf.int32),
    "numpy_float64_into_float32": lambda tf: _fg(tf, [np.array([1.5])],
                                                 output_types=tf.float32),
    "none": lambda tf: _fg(tf, [None], output_types=tf.int32),
    "wrapping_int": lambda tf: _fg(tf, [2 ** 31], output_types=tf.int32),
    "shape_mismatch": lambda tf: _fg(tf, [[1, 2]], output_types=tf.int32, output_shapes=[3]),
    "rank_mismatch": lambda tf: _fg(tf, [1], output_types=tf.int32, output_shapes=[None]),
    "signature_shape_ok": lambda tf: _fg(tf, [[1, 2, 3], [4]], output_signature=_spec(
        tf, shape=[None], dtype=tf.int32)),
    "signature_shape_bad": lambda tf: _fg(tf, [[1, 2, 3]], output_signature=_spec(
        tf, shape=[None, 2], dtype=tf.int32)),
    "tuple": lambda tf: _fg(tf, [(1, [2.0, 3.0])], output_signature=(
        _spec(tf, shape=[], dtype=tf.int32), _spec(tf, shape=[2], dtype=tf.float32))),
    "tuple_shape_bad": lambda tf: _fg(tf, [(1, [2, 3])], output_signature=(
        _spec(tf, shape=[], dtype=tf.int32), _spec(tf, shape=[3], dtype=tf.int32))),
    "list_for_tuple": lambda tf: _fg(tf, [[1, 2]], output_types=(tf.int32, tf.int32)),
    "tuple_too_long": lambda tf: _fg(tf, [(1, 2, 3)], output_types=(tf.int32, tf.int32)),
    "scalar_for_tuple": lambda tf: _fg(tf, [1], output_types=(tf.int32, tf.int32)),
    "array_for_tuple": lambda tf: _fg(tf, [np.array([1, 2])],
                                      output_types=(tf.int32, tf.int32)),
    "namedtuple_for_tuple": lambda tf: _fg(tf, [Pair(1, 2)], output_types=(tf.int32, tf.int32)),
    "tuple_for_namedtuple": lambda tf: _fg(tf, [(1, 2)], output_types=Pair(tf.int32, tf.int32)),
    "dict": lambda tf: _fg(tf, [{"b": [1.0, 2.0], "a": 1}],
                           output_types={"a": tf.int32, "b": tf.float32}),
    "dict_missing_key": lambda tf: _fg(tf, [{"a": 1}],
                                       output_types={"a": tf.int32, "b": tf.float32}),
    "dict_extra_key": lambda tf: _fg(tf, [{"a": 1, "b": 2.0, "c": 3}],
                                     output_types={"a": tf.int32, "b": tf.float32}),
    "shape_checked_before_text": lambda tf: _fg(tf, [(1, [1, 2, 3])], output_types=(
        tf.string, tf.int32), output_shapes=([], [2])),
    "nested": lambda tf: _fg(tf, [({"a": [1, 2]}, 3)], output_types=({"a": tf.int64}, tf.int32)),
    "types_and_shapes": lambda tf: _fg(tf, [(1, [2.0])], output_types=(tf.int32, tf.float32),
                                       output_shapes=([], [None])),
    "unbatch_unknown_rank": lambda tf: _fg(tf, [[1, 2]], output_types=tf.int32).unbatch(),
    "unbatch_scalar_unknown_rank": lambda tf: _fg(tf, [1], output_types=tf.int32).unbatch(),
    "repeat": lambda tf: _fg(tf, [1, 2], output_types=tf.int32).repeat(2),
    "args": lambda tf: tf.data.Dataset.from_generator(
        lambda n: iter([type(n).__name__] * int(n)), output_types=tf.string, args=(3,)),
    "generator_value_error": lambda tf: tf.data.Dataset.from_generator(
        _failing(ValueError("boom")), output_types=tf.int32),
    "generator_zero_division": lambda tf: tf.data.Dataset.from_generator(
        _failing(ZeroDivisionError()), output_types=tf.int32),
    "generator_wrong_arity": lambda tf: tf.data.Dataset.from_generator(
        lambda a: iter([1]), output_types=tf.int32),
    "generator_not_iterable": lambda tf: tf.data.Dataset.from_generator(
        lambda: 5, output_types=tf.int32),
    # Arguments refused when the dataset is built.
    "no_signature": lambda tf: tf.data.Dataset.from_generator(_gen(1)),
    "shapes_without_types": lambda tf: tf.data.Dataset.from_generator(_gen(1),
                                                                      output_shapes=[]),
    "types_and_signature": lambda tf: _fg(tf, [1], output_types=tf.int32,
                                          output_signature=_spec(tf, shape=[], dtype=tf.int32)),
    "signature_of_dtypes": lambda tf: _fg(tf, [1], output_signature=tf.int32),
    "not_callable": lambda tf: tf.data.Dataset.from_generator([1, 2], output_types=tf.int32),
    "list_of_types": lambda tf: _fg(tf, [1], output_types=[tf.int32, tf.float32]),
    "shapes_structure": lambda tf: _fg(tf, [1], output_types=(tf.int32, tf.float32),
                                       output_shapes=([],)),
    "padded_batch_unknown_rank": lambda tf: _fg(tf, [[1]], output_types=tf.int32
                                                ).padded_batch(2),
}


def _shape(spec):
    return None if spec.shape.rank is None else tuple(spec.shape.as_list())


def _outcome(build):
    """("ok", specs, elements, cardinality) or ("raises", exception type name)."""
    try:
        ds = build()
        specs = [(_shape(s), s.dtype.name) for s in minitf.nest.flatten(ds.element_spec)]
        elements = [[(np.asarray(v).dtype.str, np.asarray(v).shape, np.asarray(v).tolist())
                     for v in minitf.nest.flatten(e)] for e in ds.as_numpy_iterator()]
        return "ok", specs, elements, int(ds.cardinality())
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return "raises", type(e).__name__


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_from_generator_matches_tensorflow(tf_real, name):
    mine = _outcome(lambda: GENERATORS[name](minitf))
    theirs = _outcome(lambda: GENERATORS[name](tf_real))
    assert mine == theirs


TRANSFORMS = {
    "range_float": lambda tf: tf.data.Dataset.range(2.5),
    "range_text": lambda tf: tf.data.Dataset.range("a"),
    "range_zero_step": lambda tf: tf.data.Dataset.range(0, 10, 0),
    "range_negative_step": lambda tf: tf.data.Dataset.range(5, 0, -2),
    "batch_float": lambda tf: tf.data.Dataset.range(3).batch(1.5),
    "batch_text": lambda tf: tf.data.Dataset.range(3).batch("a"),
    "batch_none": lambda tf: tf.data.Dataset.range(3).batch(None),
    "batch_int32_tensor": lambda tf: tf.data.Dataset.range(3).batch(tf.constant(2)),
    "batch_numpy_int32": lambda tf: tf.data.Dataset.range(3).batch(np.int32(2)),
    "batch_vector": lambda tf: tf.data.Dataset.range(3).batch([2]),
    "padded_batch_zero": lambda tf: tf.data.Dataset.range(3).map(
        lambda n: tf.fill([n], n)).padded_batch(0),
    "take_text": lambda tf: tf.data.Dataset.range(3).take("a"),
    "take_none": lambda tf: tf.data.Dataset.range(3).take(None),
    "skip_float": lambda tf: tf.data.Dataset.range(3).skip(1.5),
    "shuffle_float": lambda tf: tf.data.Dataset.range(3).shuffle(1.5),
    "repeat_float": lambda tf: tf.data.Dataset.range(3).repeat(1.5),
    "enumerate_text": lambda tf: tf.data.Dataset.range(2).enumerate("a"),
    "zip_with_list": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(2), [1, 2])),
    "zip_list_of_datasets": lambda tf: tf.data.Dataset.zip([tf.data.Dataset.range(2)] * 2),
    "concatenate_dtypes": lambda tf: tf.data.Dataset.range(2).concatenate(
        tf.data.Dataset.from_tensor_slices([1.0])),
    "concatenate_structures": lambda tf: tf.data.Dataset.range(2).concatenate(
        tf.data.Dataset.from_tensor_slices(([1], [2]))),
    "concatenate_shapes": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2]]).concatenate(
        tf.data.Dataset.from_tensor_slices([[1, 2, 3]])),
    "concatenate_ranks": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2]]).concatenate(
        tf.data.Dataset.from_tensor_slices([[[1]]])),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transformation_arguments_match_tensorflow(tf_real, name):
    assert _outcome(lambda: TRANSFORMS[name](minitf)) == \
        _outcome(lambda: TRANSFORMS[name](tf_real))


@pytest.mark.parametrize("raw", [b"a\r\nb\r\n", b"a\rb\nc\r", b"x\r\n\r\ny\n\nz", b"a\r\r\nb",
                                 b"\r", b"a\n\r", b"\n", b"\r\n\r\n", b"", b"x\r\ry\rz\n"])
def test_text_lines_match_tensorflow(tf_real, tmp_path, raw):
    p = tmp_path / "t.txt"
    p.write_bytes(raw)
    got = [list(fw.data.TextLineDataset(str(p)).as_numpy_iterator())
           for fw in (minitf, tf_real)]
    assert got[0] == got[1]


@pytest.mark.parametrize("name, error", [("nope.txt", "NotFoundError"),
                                         ("", "FailedPreconditionError")])
def test_unreadable_text_file_matches_tensorflow(tf_real, tmp_path, name, error):
    path = str(tmp_path / name)
    assert _outcome(lambda: minitf.data.TextLineDataset(path)) == \
        _outcome(lambda: tf_real.data.TextLineDataset(path)) == ("raises", error)


@pytest.mark.parametrize("data, kind", [
    (gzip.compress(b"a\r\nb\n"), "GZIP"), (zlib.compress(b"a\r\nb\n"), "ZLIB"),
    (b"a\nb\n", "GZIP"), (b"a\nb\n", "gzip"), (b"a\nb\n", "BOGUS"), (b"a\nb\n", "")])
def test_compressed_text_lines_match_tensorflow(tf_real, tmp_path, data, kind):
    p = tmp_path / "t"
    p.write_bytes(data)
    mine, theirs = (_outcome(lambda: fw.data.TextLineDataset(str(p), compression_type=kind))
                    for fw in (minitf, tf_real))
    assert mine == theirs


CSV_FILES = {
    "nan_inf": ("a,b,c,d\nnan,inf,1.5,1\n1,2,nan,2\n", {}),
    "wide_numbers": ("a,b,c\n1e39,99999999999, 1\n", {}),
    "signed_infinities": ("a,b,c\n-inf,-1e39,+inf\n", {}),
    "empty_column": ("a,b\n,1\n,2\n", {}),
    "na_value": ("a,b\nNA,x\n3,NA\n", {"na_value": "NA"}),
    "select": ("a,b,c\n1,2,3\n", {"select_columns": ["c", "a"]}),
    "select_bad": ("a,b,c\n1,2,3\n", {"select_columns": ["z"]}),
    "select_out_of_range": ("a,b,c\n1,2,3\n", {"select_columns": [5]}),
    "select_duplicate": ("a,b,c\n1,2,3\n", {"select_columns": [0, "a"]}),
    "defaults_for_selection": ("a,b,c\n1,2,3\n", {"select_columns": ["a", "c"],
                                                   "column_defaults": [0, 0]}),
    "no_quotes": ('a,b\n"x",1\n', {"use_quote_delim": False}),
    "quoted_delimiter": ('a,b\n"x,y",1\n', {}),
    "quoted_newline": ('a,b\n"x\ny",1\n', {}),
    "crlf": ("a,b\r\n1,x\r\n2,y\r\n", {}),
    "crlf_quoted": ('a,b,c\r\n"x,\r\ny",1,2\r\n', {"select_columns": ["c", "a"]}),
    "short_row_inferred": ("a,b\n1,2\n3\n", {}),
    "long_row_inferred": ("a,b\n1,2\n3,4,5\n", {}),
    "short_row_typed": ("a,b\n1,2\n3\n", {"column_defaults": [0, 0]}),
    "blank_line_typed": ("a,b\n1,2\n\n3,4\n", {"column_defaults": [0, 0]}),
    "blank_line_inferred": ("a\nx\n\n", {}),
    "blank_line_one_column_typed": ("a\nx\n\ny\n", {"column_defaults": ["d"]}),
    "bad_value_typed": ("a,b\n1.5,2\n", {"column_defaults": [0, 0]}),
    "bad_quote": ('a,b\n1,2\nx"y,4\n', {}),
    "empty_file": ("", {}),
    "header_only": ("a,b\n", {}),
    "no_trailing_newline": ("a,b\n1,2", {}),
    "duplicate_header": ("a,a\n1,2\n", {}),
    "label": ("a,b\n1,2\n", {"label_name": "b"}),
    "label_not_selected": ("a,b,c\n1,2,3\n", {"select_columns": ["a"], "label_name": "c"}),
    "ignore_errors": ("a,b\n1,2\nx,4\n5,6\n", {"column_defaults": [0, 0],
                                               "ignore_errors": True}),
    "required_missing": ("a,b\n,2\n", {"column_defaults": [np.zeros(0, np.int64), ""]}),
    "names_given": ("a,b\n1,2\n", {"column_names": ["x", "y"]}),
    "unknown_compression": ("a,b\n1,2\n", {"compression_type": "X"}),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")    # TF's inference casting 1e39
@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_make_csv_dataset_matches_tensorflow(tf_real, tmp_path, name):
    text, kwargs = CSV_FILES[name]
    p = tmp_path / "d.csv"
    p.write_bytes(text.encode())

    def build(fw):
        return lambda: fw.data.experimental.make_csv_dataset(
            str(p), batch_size=10, shuffle=False, num_epochs=1, **kwargs)

    mine, theirs = _outcome(build(minitf)), _outcome(build(tf_real))
    if mine[0] == "ok" == theirs[0]:     # the feature dict's order is not compared
        mine, theirs = _sorted_specs(mine), _sorted_specs(theirs)
    assert mine == theirs


def _sorted_specs(outcome):
    return outcome[0], sorted(outcome[1], key=str), outcome[2], outcome[3]


DECODES = {
    "na_value": (["NA,2.5,x"], [[0], [0.0], [""]], {"na_value": "NA"}),
    "na_value_quoted": (['1,2.5,NA', '"NA",,'], [[0], [0.0], ["d"]], {"na_value": "NA"}),
    "na_value_required": (["NA,2.5"], [np.zeros(0, np.int32), [0.0]], {"na_value": "NA"}),
    "na_value_partial": (["NAN"], [[4]], {"na_value": "NA"}),
    "empty_uses_default": ([",2.5"], [[5], [0.0]], {"na_value": "NA"}),
    "select": (["1,2.5,x", "3,4,y,extra"], [[0], [""]], {"select_cols": [0, 2]}),
    "select_with_na": (["1,NA,3"], [[0], [9]], {"select_cols": [1, 2], "na_value": "NA"}),
    "select_unsorted": (["1,2.5,x"], [[0], [""]], {"select_cols": [2, 0]}),
    "select_duplicate": (["1,2.5,x"], [[0], [0]], {"select_cols": [0, 0]}),
    "select_negative": (["1,2.5,x"], [[0]], {"select_cols": [-1]}),
    "select_count": (["1,2.5,x"], [[0], [""]], {"select_cols": [0]}),
    "select_out_of_range": (["1,2.5,x"], [[0], [""]], {"select_cols": [0, 5]}),
    "select_array": (["1,2.5,x"], [[0], [""]], {"select_cols": np.array([0, 2])}),
    "no_quote_delim": (['"a,b",c'], [[""], [""], [""]], {"use_quote_delim": False}),
    "no_quote_delim_quotes": (['"a","b"', 'a"b,"'], [[""], [""]], {"use_quote_delim": False}),
    "quoted": (['"a,b",c', '"a""b",', '"",x'], [[""], [""]], {}),
    "quote_in_unquoted": (['a"b,c'], [[""], [""]], {}),
    "quote_unterminated": (['"ab,c'], [[""], [""]], {}),
    "quote_then_text": (['"ab"x,c'], [[""], [""]], {}),
    "carriage_return": (["a\rb,c"], [[""], [""]], {}),
    "too_many_fields": (["a,b,c"], [[""], [""]], {}),
    "empty_record": ([""], [[""]], {}),
    "line_breaks_only": (["\r\n"], [[""]], {}),
    "line_breaks_skipped": (["\r\nx,y", "a,\nb", '\r"q",'], [[""], ["d"]], {}),
    "trailing_line_break": (["a,\r\n"], [[""]], {}),
    "two_char_delimiter": (["a;b"], [[""], [""]], {"field_delim": ";;"}),
    "numbers": ([" 1 ,0x1p3,+2,inf,.5,-nan,1e39"], [[0], [0.0], [0], [0.0], [0.0], [0.0], [0.0]],
                {}),
    "int64": (["99999999999"], [np.zeros(1, np.int64)], {}),
    "float64": (["1e39"], [np.zeros(1, np.float64)], {}),
    "bad_int": (["1e3"], [[0]], {}),
    "bad_int_underscore": (["1_0"], [[0]], {}),
    "bad_float_underscore": (["1_0"], [[0.0]], {}),
    "int32_overflow": (["99999999999"], [[0]], {}),
    "blank_int": (["  "], [[0]], {}),
    "bad_double": (["x"], [np.zeros(1, np.float64)], {}),
    "two_defaults": (["1"], [[1, 2]], {}),
    "rank2_default": (["1"], [[[1]]], {}),
    "bool_default": (["1"], [np.array([True])], {}),
    "records_2d": ([["1,2"], ["3,4"]], [[0], [0]], {}),
    "records_scalar": ("1,2", [[0], [0]], {}),
}


@pytest.mark.parametrize("name", sorted(DECODES))
def test_decode_csv_matches_tensorflow(tf_real, name):
    records, defaults, kwargs = DECODES[name]

    def run(fw):
        try:
            out = fw.io.decode_csv(records, defaults, **kwargs)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return "raises", type(e).__name__
        return "ok", [(np.asarray(t).dtype.str, np.asarray(t).tolist()) for t in out]

    mine, theirs = run(minitf), run(tf_real)
    assert str(mine) == str(theirs)      # str: NaN compares equal to NaN


@pytest.mark.parametrize("text, dtype", [
    ("1_0", "float32"), ("1_0", "int32"), (" 1", "int32"), ("1 ", "float32"),
    ("0x1p3", "float32"), ("0x10", "int32"), ("1e39", "float32"), ("1e39", "float64"),
    ("1.0", "int32"), ("99999999999", "int32"), ("99999999999", "int64"), ("", "float32"),
    ("+5", "int32"), ("infinity", "float32"), ("\u0661", "int32"), ("0x", "float32"),
    ("0xp1", "float32"), ("-0x1.8p1", "float64"), ("nan(12)", "float32")])
def test_to_number_matches_tensorflow(tf_real, text, dtype):
    def run(fw):
        try:
            return "ok", str(fw.strings.to_number(text, getattr(fw, dtype)).numpy())
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return "raises", type(e).__name__
    assert run(minitf) == run(tf_real)
