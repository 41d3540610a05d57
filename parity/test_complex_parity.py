"""Complex dtypes against TensorFlow: values, dtypes, printed text, gradients and error types.

Each case is one function of the framework module (``tf`` is minitf or TensorFlow) run under
both. Values are compared with the project's tolerances (minitf/checks/parity_check.py):
complex128 as float64 (1e-12), complex64 as float32 applied to the modulus of the difference
(each part of a complex product is a sum of two float32 products, so its error is a few ulp of
the modulus of the result; the comment at TOL derives it).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL

Z = [1 + 2j, -3 - 4j, 0.5 - 0.25j]
W = [0.5 - 1j, 2 + 1j, -1 + 3j]


def _z(tf, dtype="complex128"):
    return tf.constant(Z, getattr(tf, dtype))


def _w(tf, dtype="complex128"):
    return tf.constant(W, getattr(tf, dtype))


VALUES = {
    "constant python": lambda tf: tf.constant([5 + 4j, 6 + 1j]),
    "constant first complex": lambda tf: tf.constant([2j, 1.5, 1]),
    "constant c64 of floats": lambda tf: tf.constant([1.5, 2], tf.complex64),
    "complex()": lambda tf: tf.complex([1.0, 2.0], [3.0, 4.0]),
    "complex() float64 broadcast": lambda tf: tf.complex(tf.constant([1.0, 2.0], tf.float64),
                                                         tf.constant(3.0, tf.float64)),
    "real": lambda tf: tf.math.real(_z(tf, "complex64")),
    "imag": lambda tf: tf.math.imag(_z(tf)),
    "real of float": lambda tf: tf.math.real(tf.constant([1.0, -2.0])),
    "imag of int": lambda tf: tf.math.imag(tf.constant([1, 2])),
    "conj": lambda tf: tf.math.conj(_z(tf)),
    "angle": lambda tf: tf.math.angle(_z(tf, "complex64")),
    "angle of float": lambda tf: tf.math.angle(tf.constant([1.0, -2.0])),
    "abs": lambda tf: tf.abs(_z(tf)),
    "abs c64": lambda tf: tf.abs(_z(tf, "complex64")),
    "sign": lambda tf: tf.sign(tf.constant([3 + 4j, 0j, -1j])),
    "cast to float": lambda tf: tf.cast(_z(tf), tf.float32),
    "cast to int": lambda tf: tf.cast(_z(tf), tf.int32),
    "cast to bool": lambda tf: tf.cast(tf.constant([0j, 1j]), tf.bool),
    "cast from int": lambda tf: tf.cast(tf.constant([1, 2]), tf.complex64),
    "cast c64 to c128": lambda tf: tf.cast(_z(tf, "complex64"), tf.complex128),
    "add": lambda tf: _z(tf) + _w(tf),
    "sub python": lambda tf: 1 - _z(tf, "complex64"),
    "mul": lambda tf: _z(tf, "complex64") * _w(tf, "complex64"),
    "mul python complex": lambda tf: _z(tf) * 2j,
    "div": lambda tf: _z(tf) / _w(tf),
    "div python": lambda tf: 2 / _z(tf, "complex64"),
    "divide_no_nan": lambda tf: tf.math.divide_no_nan(_z(tf), tf.constant([0j, 1, 2j])),
    "neg": lambda tf: -_z(tf),
    "pow": lambda tf: tf.pow(_z(tf), _w(tf)),
    "pow python": lambda tf: _z(tf, "complex64") ** 2,
    "square": lambda tf: tf.square(_z(tf)),
    "squared_difference": lambda tf: tf.math.squared_difference(_z(tf), _w(tf)),
    "exp": lambda tf: tf.exp(_z(tf, "complex64")),
    "log": lambda tf: tf.math.log(_z(tf)),
    "log1p": lambda tf: tf.math.log1p(_z(tf)),
    "expm1": lambda tf: tf.math.expm1(_z(tf)),
    "sqrt": lambda tf: tf.sqrt(_z(tf)),
    "rsqrt": lambda tf: tf.math.rsqrt(_z(tf, "complex64")),
    "reciprocal": lambda tf: tf.math.reciprocal(_z(tf)),
    "sin": lambda tf: tf.sin(_z(tf)),
    "cos": lambda tf: tf.cos(_z(tf)),
    "tan": lambda tf: tf.tan(_z(tf)),
    "tanh": lambda tf: tf.tanh(_z(tf)),
    "sigmoid": lambda tf: tf.sigmoid(_z(tf, "complex64")),
    "sinh": lambda tf: tf.math.sinh(_z(tf)),
    "asinh": lambda tf: tf.math.asinh(_z(tf)),
    "atan": lambda tf: tf.math.atan(_z(tf)),
    "reduce_sum": lambda tf: tf.reduce_sum(_z(tf)),
    "reduce_mean": lambda tf: tf.reduce_mean(_z(tf, "complex64")),
    "reduce_prod": lambda tf: tf.reduce_prod(_z(tf)),
    "cumsum": lambda tf: tf.cumsum(_z(tf)),
    "cumprod": lambda tf: tf.math.cumprod(_z(tf)),
    "add_n": lambda tf: tf.add_n([_z(tf), _w(tf)]),
    "norm": lambda tf: tf.norm(_z(tf)),
    "equal": lambda tf: tf.equal(_z(tf), tf.constant([1 + 2j, 0j, 0.5 - 0.25j])),
    "not_equal": lambda tf: _z(tf) != tf.constant([1 + 2j, 0j, 0.5 - 0.25j]),
    "matmul": lambda tf: tf.matmul(tf.reshape(_z(tf), [3, 1]), tf.reshape(_w(tf), [1, 3])),
    "matmul adjoint_a": lambda tf: tf.matmul(tf.reshape(_z(tf), [3, 1]),
                                             tf.reshape(_w(tf), [3, 1]), adjoint_a=True),
    "matmul transpose_b c64": lambda tf: tf.matmul(tf.reshape(_z(tf, "complex64"), [1, 3]),
                                                   tf.reshape(_w(tf, "complex64"), [1, 3]),
                                                   transpose_b=True),
    "tensordot": lambda tf: tf.tensordot(_z(tf), _w(tf), 1),
    "adjoint": lambda tf: tf.linalg.adjoint(tf.reshape(_z(tf), [1, 3])),
    "transpose conjugate": lambda tf: tf.transpose(tf.reshape(_z(tf), [1, 3]), conjugate=True),
    "where": lambda tf: tf.where([True, False, True], _z(tf), _w(tf)),
    "zeros": lambda tf: tf.zeros([2], tf.complex64),
    "ones_like": lambda tf: tf.ones_like(_z(tf)),
    "fill": lambda tf: tf.fill([2], tf.constant(1j)),
    "eye": lambda tf: tf.eye(2, dtype=tf.complex64),
    "one_hot": lambda tf: tf.one_hot([0, 1], 2, dtype=tf.complex128),
    "concat": lambda tf: tf.concat([_z(tf), _w(tf)], 0),
    "gather": lambda tf: tf.gather(_z(tf), [2, 0]),
    "segment_sum": lambda tf: tf.math.segment_sum(_z(tf), [0, 0, 1]),
    "unsorted_segment_sum": lambda tf: tf.math.unsorted_segment_sum(_z(tf), [1, 0, 1], 3),
    "slice": lambda tf: _z(tf)[1:],
    "xlogy": lambda tf: tf.math.xlogy(_z(tf), _w(tf)),
    "xdivy": lambda tf: tf.math.xdivy(tf.constant([0j, 1, 2j]), _w(tf)),
    "silu": lambda tf: tf.nn.silu(_z(tf, "complex64")),
    "bias_add": lambda tf: tf.nn.bias_add(tf.reshape(_z(tf), [1, 3]), _w(tf)),
    "einsum": lambda tf: tf.einsum("i,j->ij", _z(tf, "complex64"), _w(tf, "complex64")),
    "solve": lambda tf: tf.linalg.solve(tf.reshape(tf.concat([_z(tf), _w(tf), _z(tf)], 0), [3, 3])
                                        + tf.eye(3, dtype=tf.complex128) * 4,
                                        tf.reshape(_w(tf), [3, 1])),
    "inv c64": lambda tf: tf.linalg.inv(tf.reshape(tf.concat(
        [_z(tf, "complex64"), _w(tf, "complex64"), _z(tf, "complex64")], 0), [3, 3])
        + tf.eye(3, dtype=tf.complex64) * 4),
    "reduce_variance c64": lambda tf: tf.math.reduce_variance(_z(tf, "complex64")),
    "reduce_std": lambda tf: tf.math.reduce_std(tf.reshape(tf.concat([_z(tf), _w(tf)], 0),
                                                           [2, 3]), axis=1),
    "moments": lambda tf: tf.nn.moments(_z(tf), [0]),
    "linspace": lambda tf: tf.linspace(_z(tf), _w(tf), 5, axis=1),
    "l2_normalize": lambda tf: tf.math.l2_normalize(_z(tf, "complex64")),
    "matvec adjoint": lambda tf: tf.linalg.matvec(tf.reshape(tf.concat([_z(tf), _w(tf)], 0),
                                                             [2, 3]), _z(tf)[:2], adjoint_a=True),
    "fft": lambda tf: tf.signal.fft(_z(tf)),
    "fft c64 2-d": lambda tf: tf.signal.fft(tf.reshape(tf.concat([_z(tf, "complex64"),
                                                                  _w(tf, "complex64")], 0),
                                                       [2, 3])),
    "ifft": lambda tf: tf.signal.ifft(_z(tf)),
    "variable": lambda tf: tf.Variable([5 + 4j, 6 + 1j]).read_value(),
    "variable assign_add": lambda tf: tf.Variable([1 + 1j]).assign_add([1j]).read_value(),
}


def _flat(r):
    return list(r) if isinstance(r, (list, tuple)) else [r]


def _close(mine, theirs, dtype: str) -> None:
    assert mine.shape == theirs.shape
    if mine.dtype.kind not in "fc":
        np.testing.assert_array_equal(mine, theirs)
        return
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=atol)


def _compare(mine, theirs) -> None:
    mine, theirs = _flat(mine), _flat(theirs)
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        if b is None:
            assert a is None
            continue
        assert a.dtype.name == b.dtype.name
        _close(np.asarray(a.numpy()), np.asarray(b.numpy()), b.dtype.name)


@pytest.mark.parametrize("case", sorted(VALUES))
def test_values_match_tensorflow(tf_real, case):
    fn = VALUES[case]
    _compare(fn(minitf), fn(tf_real))


PRINTED = {
    "repr c128": lambda tf: repr(tf.constant([5 + 4j])),
    "repr c64": lambda tf: repr(tf.constant([1 + 2j, 3.5 - 1j], tf.complex64)),
    "repr scalar": lambda tf: repr(tf.constant(1 + 2j, tf.complex64)),
    "str matrix": lambda tf: str(tf.constant([[1 + 2j, 3.5 - 1j]], tf.complex64)),
    "str scalar": lambda tf: str(tf.constant(1 + 2j)),
    "repr 3x4": lambda tf: repr(tf.constant(np.arange(12).reshape(3, 4) * (1 + 1j))),
    "repr nan inf": lambda tf: repr(tf.constant([complex(np.nan, np.inf)])),
    "variable repr": lambda tf: repr(tf.Variable(1 + 1j, dtype=tf.complex64)),
    "format": lambda tf: format(tf.constant(1.5 + 2j), ".2f"),
    "complex()": lambda tf: repr(complex(tf.constant(1 + 2j))),
    "dtype properties": lambda tf: repr((tf.complex64.is_complex, tf.complex64.real_dtype,
                                         tf.complex128.real_dtype, tf.complex64.size,
                                         tf.complex128.size, tf.complex64.as_datatype_enum,
                                         tf.complex128.as_datatype_enum, tf.as_dtype(8),
                                         tf.as_dtype(18), tf.complex64.is_floating,
                                         str(tf.complex128))),
}


@pytest.mark.parametrize("case", sorted(PRINTED))
def test_printed_text_matches_tensorflow(tf_real, case):
    fn = PRINTED[case]
    assert fn(minitf) == fn(tf_real)


def _printed(tf):
    import sys
    for t in (tf.constant(1j), tf.constant([1j, 2j]), tf.constant([[1j, 2j], [3j, 4j]]),
              tf.zeros([2, 1, 3], tf.complex64), tf.zeros([0], tf.complex128)):
        tf.print("t", t, 2, output_stream=sys.stdout)
    tf.print(tf.zeros([5], tf.complex64), summarize=4, output_stream=sys.stdout)
    tf.print(tf.zeros([5], tf.complex64), summarize=-1, output_stream=sys.stdout)


def test_tf_print_matches_tensorflow(tf_real, capfd):
    # TF's printer writes from C++, so the file descriptor is captured, not sys.stdout
    outs = []
    for fw in (minitf, tf_real):
        _printed(fw)
        outs.append(capfd.readouterr().out)
    assert outs[0] == outs[1]


def _mat(tf, z, w):
    """An invertible 3x3 complex matrix built from both sources."""
    return tf.reshape(tf.concat([z, w, z * w], 0), [3, 3]) + tf.eye(3, dtype=z.dtype) * 4


def _grad(tf, f, dtype="complex128", real_sources=False):
    if real_sources:
        srcs = [tf.Variable([1.0, -2.0, 0.5], dtype=tf.float64),
                tf.Variable([0.5, 3.0, -1.0], dtype=tf.float64)]
    else:
        srcs = [tf.Variable(Z, dtype=getattr(tf, dtype)), tf.Variable(W, dtype=getattr(tf, dtype))]
    with tf.GradientTape() as tape:
        y = f(tf, *srcs)
    return tape.gradient(y, srcs)


GRADIENTS = {
    "|z|^2": lambda tf, z, w: tf.reduce_sum(tf.math.real(z * tf.math.conj(z))),
    "real(z w)": lambda tf, z, w: tf.reduce_sum(tf.math.real(z * w)),
    "imag(z w)": lambda tf, z, w: tf.reduce_sum(tf.math.imag(z * w)),
    "abs": lambda tf, z, w: tf.reduce_sum(tf.abs(z)),
    "angle": lambda tf, z, w: tf.math.angle(z * w),
    "conj": lambda tf, z, w: tf.math.conj(z) * w,
    "z w output": lambda tf, z, w: z * w,
    "div": lambda tf, z, w: w / z,
    "exp": lambda tf, z, w: tf.exp(z),
    "log": lambda tf, z, w: tf.math.log(z * w),
    "sqrt": lambda tf, z, w: tf.sqrt(z),
    "rsqrt": lambda tf, z, w: tf.math.rsqrt(z),
    "reciprocal": lambda tf, z, w: tf.math.reciprocal(z),
    "square": lambda tf, z, w: tf.square(z - w),
    "squared_difference": lambda tf, z, w: tf.math.squared_difference(z, w),
    "pow": lambda tf, z, w: tf.pow(z, w),
    "sin": lambda tf, z, w: tf.sin(z),
    "tanh": lambda tf, z, w: tf.tanh(z),
    "sigmoid": lambda tf, z, w: tf.sigmoid(z),
    "asinh": lambda tf, z, w: tf.math.asinh(z),
    "sign": lambda tf, z, w: tf.sign(z) * w,
    "mean": lambda tf, z, w: tf.reduce_mean(z * w),
    "prod": lambda tf, z, w: tf.reduce_prod(z * w),
    "cumprod": lambda tf, z, w: tf.math.cumprod(z),
    "norm": lambda tf, z, w: tf.norm(z * w),
    "matmul": lambda tf, z, w: tf.abs(tf.matmul(tf.reshape(z, [3, 1]), tf.reshape(w, [1, 3]))),
    "matmul adjoint_b": lambda tf, z, w: tf.matmul(tf.reshape(z, [1, 3]), tf.reshape(w, [1, 3]),
                                                   adjoint_b=True),
    "matmul transpose_a": lambda tf, z, w: tf.matmul(tf.reshape(z, [3, 1]),
                                                     tf.reshape(w, [3, 1]), transpose_a=True),
    "cast to float": lambda tf, z, w: tf.cast(z * w, tf.float64),
    "cast c128 to c64": lambda tf, z, w: tf.cast(z, tf.complex64) * 2,
    "fft": lambda tf, z, w: tf.abs(tf.signal.fft(z * w)),
    "ifft": lambda tf, z, w: tf.signal.ifft(z) * w,
    "gather": lambda tf, z, w: tf.gather(z, [2, 2]) * w[0],
    "where": lambda tf, z, w: tf.where([True, False, True], z, w),
    "segment_sum": lambda tf, z, w: tf.math.unsorted_segment_sum(z * w, [1, 0, 1], 2),
    "solve": lambda tf, z, w: tf.linalg.solve(_mat(tf, z, w), tf.reshape(w, [3, 1])),
    "solve adjoint": lambda tf, z, w: tf.abs(tf.linalg.solve(_mat(tf, z, w),
                                                             tf.reshape(z, [3, 1]),
                                                             adjoint=True)),
    "inv": lambda tf, z, w: tf.linalg.inv(_mat(tf, z, w)),
    "reduce_variance": lambda tf, z, w: tf.math.reduce_variance(z * w),
    "reduce_std": lambda tf, z, w: tf.math.reduce_std(z + w),
    "moments": lambda tf, z, w: tf.nn.moments(z * w, [0]),
    "linspace": lambda tf, z, w: tf.abs(tf.linspace(z, w, 4)),
    "l2_normalize": lambda tf, z, w: tf.math.l2_normalize(z) * w,
    "matvec adjoint": lambda tf, z, w: tf.linalg.matvec(_mat(tf, z, w), w, adjoint_a=True),
    "einsum outer": lambda tf, z, w: tf.abs(tf.einsum("i,j->ij", z, w)),
    "einsum contraction": lambda tf, z, w: tf.einsum("i,i->", z, w),
    "einsum diagonal": lambda tf, z, w: tf.einsum("ii->i", tf.reshape(tf.concat(
        [z, w, z], 0)[:9], [3, 3])) * w,
    "xlogy": lambda tf, z, w: tf.math.xlogy(z, w),
    "xdivy": lambda tf, z, w: tf.math.xdivy(z, w),
    "silu": lambda tf, z, w: tf.nn.silu(z * w),
    "bias_add": lambda tf, z, w: tf.abs(tf.nn.bias_add(tf.reshape(z, [1, 3]), w)),
    "unconnected": lambda tf, z, w: tf.math.real(tf.constant(W)),
}


@pytest.mark.parametrize("case", sorted(GRADIENTS))
def test_gradients_match_tensorflow(tf_real, case):
    f = GRADIENTS[case]
    mine = _grad(minitf, f)
    theirs = _grad(tf_real, f)
    _compare([_dense_any(minitf, g) for g in mine], [_dense_any(tf_real, g) for g in theirs])


def _dense_any(tf, g):
    """IndexedSlices (gather's gradient) as a dense tensor, in its own framework."""
    if g is not None and hasattr(g, "indices") and hasattr(g, "dense_shape"):
        return tf.convert_to_tensor(g)
    return g


@pytest.mark.parametrize("case", ["abs", "exp", "matmul", "fft", "pow"])
def test_complex64_gradients_match_tensorflow(tf_real, case):
    f = GRADIENTS[case]
    _compare(_grad(minitf, f, "complex64"), _grad(tf_real, f, "complex64"))


REAL_SOURCES = {
    "complex(a, b) abs": lambda tf, a, b: tf.reduce_sum(tf.abs(tf.complex(a, b) * tf.constant(
        W, tf.complex128))),
    "complex(a, b) output": lambda tf, a, b: tf.complex(a, b) * tf.constant(W, tf.complex128),
    "cast a to complex": lambda tf, a, b: tf.abs(tf.cast(a, tf.complex128) * tf.constant(
        W, tf.complex128)),
    "real and imag of complex(a, b)": lambda tf, a, b: tf.math.real(tf.exp(tf.complex(a, b))) +
    tf.math.imag(tf.complex(a, b)) ** 2,
}


@pytest.mark.parametrize("case", sorted(REAL_SOURCES))
def test_real_sources_through_complex_match_tensorflow(tf_real, case):
    f = REAL_SOURCES[case]
    _compare(_grad(minitf, f, real_sources=True), _grad(tf_real, f, real_sources=True))


def _second_order(tf):
    z = tf.Variable(Z, dtype=tf.complex128)
    w = tf.constant(W, tf.complex128)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.abs(z * z * w) + tf.math.real(tf.exp(z)))
        g = inner.gradient(y, z)
        s = tf.reduce_sum(tf.math.real(g * tf.math.conj(g)))
    return [g, outer.gradient(s, z)]


def _through_function(tf):
    z = tf.Variable(Z, dtype=tf.complex128)

    def square_twice(z):
        return tf.while_loop(lambda i, z: i < 2, lambda i, z: (i + 1, z * z), (0, z))[1]
    with tf.GradientTape(persistent=True) as tape:
        a = tf.function(lambda z: tf.abs(z * tf.exp(z)))(z)
        b = tf.abs(tf.function(square_twice)(z))
    return [tape.gradient(a, z), tape.gradient(b, z)]


def test_gradients_through_tf_function_match_tensorflow(tf_real):
    _compare(_through_function(minitf), _through_function(tf_real))


FORWARD = {
    "exp z": lambda tf, z, w: tf.exp(z) * z,
    "abs": lambda tf, z, w: tf.abs(z * w),
    "real": lambda tf, z, w: tf.math.real(z * w),
    "conj": lambda tf, z, w: tf.math.conj(z) * w,
    "sqrt and log": lambda tf, z, w: tf.sqrt(z) + tf.math.log(z),
    "matmul adjoint": lambda tf, z, w: tf.matmul(tf.reshape(z, [3, 1]), tf.reshape(w, [3, 1]),
                                                 adjoint_a=True),
    "angle": lambda tf, z, w: tf.math.angle(z),
    "div": lambda tf, z, w: w / z,
    "fft": lambda tf, z, w: tf.signal.fft(z * w),
}


def _jvp(tf, f):
    z, w = _z(tf), _w(tf)
    with tf.autodiff.ForwardAccumulator(z, tf.constant([1 + 0.5j, 1j, -2], tf.complex128)) as acc:
        y = f(tf, z, w)
    return acc.jvp(y)


@pytest.mark.parametrize("case", sorted(FORWARD))
def test_forward_mode_matches_tensorflow(tf_real, case):
    _compare(_jvp(minitf, FORWARD[case]), _jvp(tf_real, FORWARD[case]))


def test_second_order_matches_tensorflow(tf_real):
    _compare(_second_order(minitf), _second_order(tf_real))


ERRORS = {
    "complex + float": lambda tf: _z(tf) + tf.constant([1.0, 2.0, 3.0], tf.float64),
    "float + complex": lambda tf: tf.constant([1.0, 2.0]) + 1j,
    "c64 + c128": lambda tf: _z(tf, "complex64") + _z(tf),
    "float * python complex": lambda tf: tf.constant([1.0]) * 1j,
    "matmul complex float": lambda tf: tf.matmul(tf.constant([[1j]]),
                                                 tf.constant([[1.0]], tf.float64)),
    "maximum": lambda tf: tf.maximum(_z(tf), _z(tf)),
    "minimum": lambda tf: tf.minimum(_z(tf), _z(tf)),
    "less": lambda tf: _z(tf) < _z(tf),
    "greater_equal": lambda tf: _z(tf) >= _z(tf),
    "relu": lambda tf: tf.nn.relu(_z(tf)),
    "floor": lambda tf: tf.floor(_z(tf)),
    "ceil": lambda tf: tf.math.ceil(_z(tf)),
    "round": lambda tf: tf.round(_z(tf)),
    "floordiv": lambda tf: _z(tf) // _z(tf),
    "floormod": lambda tf: _z(tf) % _z(tf),
    "reduce_max": lambda tf: tf.reduce_max(_z(tf)),
    "reduce_min": lambda tf: tf.reduce_min(_z(tf)),
    "argmax": lambda tf: tf.argmax(_z(tf)),
    "argmin": lambda tf: tf.argmin(_z(tf)),
    "sort": lambda tf: tf.sort(_z(tf)),
    "top_k": lambda tf: tf.math.top_k(_z(tf)),
    "is_nan": lambda tf: tf.math.is_nan(_z(tf)),
    "is_finite": lambda tf: tf.math.is_finite(_z(tf)),
    "softmax": lambda tf: tf.nn.softmax(_z(tf)),
    "erf": lambda tf: tf.math.erf(_z(tf)),
    "atan2": lambda tf: tf.math.atan2(_z(tf), _z(tf)),
    "reduce_any": lambda tf: tf.reduce_any(_z(tf)),
    "random normal": lambda tf: tf.random.normal([2], dtype=tf.complex64),
    "complex of ints": lambda tf: tf.complex(1, 2),
    "complex of mixed floats": lambda tf: tf.complex(tf.constant(1.0, tf.float64),
                                                     tf.constant(2.0)),
    "complex of float16": lambda tf: tf.complex(tf.constant(1.0, tf.float16),
                                                tf.constant(2.0, tf.float16)),
    "complex shapes": lambda tf: tf.complex(tf.constant([1.0, 2.0]), tf.constant([1.0, 2, 3])),
    "conj of strings": lambda tf: tf.math.conj(tf.constant(["a"])),
    "angle of ints": lambda tf: tf.math.angle(tf.constant([1, 2])),
    "cast string to complex": lambda tf: tf.cast(tf.constant(["a"]), tf.complex64),
    "constant mixed": lambda tf: tf.constant([1, 2j]),
    "constant bool as complex": lambda tf: tf.constant(True, tf.complex64),
    "constant complex as float": lambda tf: tf.constant(1 + 2j, tf.float32),
    "as_dtype(complex)": lambda tf: tf.as_dtype(complex),
    "complex64.min": lambda tf: tf.complex64.min,
    "fft of floats": lambda tf: tf.signal.fft(tf.constant([1.0, 2.0])),
    "fft of a scalar": lambda tf: tf.signal.fft(tf.constant(1j)),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_tensorflow(tf_real, case):
    fn = ERRORS[case]
    outcomes = []
    for fw in (minitf, tf_real):
        try:
            fn(fw)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            outcomes.append(type(e).__name__)
        else:
            outcomes.append("no error")
    assert outcomes[0] == outcomes[1] != "no error", outcomes
