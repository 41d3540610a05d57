"""Complex dtypes (complex64, complex128): creation, printing, ops, errors and gradients.

Expected values are hand-computed (complex arithmetic on small numbers), closed-form
derivatives, or central finite differences with a derived bound. TF's gradient convention for a
real loss L of z = x + iy is ``dL/dx + i·dL/dy`` (docs/gradient-conventions.md); for a complex
target the upstream gradient is ones, which reads the target as ``sum(real(target))``.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf.errors import InvalidArgumentError, NotFoundError

# ---- DTypes -----------------------------------------------------------------------------------


def test_dtype_properties():
    c64, c128 = tf.complex64, tf.complex128
    assert (c64.is_complex, c64.is_floating, c64.is_integer) == (True, False, False)
    assert (c64.real_dtype, c128.real_dtype, tf.float32.real_dtype) == (
        tf.float32, tf.float64, tf.float32)
    assert (c64.size, c128.size) == (8, 16)
    assert (c64.as_numpy_dtype, c128.as_numpy_dtype) == (np.complex64, np.complex128)
    assert (c64.as_datatype_enum, c128.as_datatype_enum, tf.float32.as_datatype_enum) == (8, 18, 1)
    assert tf.as_dtype(8) is c64 and tf.as_dtype(18) is c128
    assert tf.as_dtype("complex64") is c64 and tf.as_dtype(np.complex128) is c128
    assert c64 == np.complex64 and c64 == "complex64" and c64 != c128
    assert (repr(c64), str(c128)) == ("tf.complex64", "<dtype: 'complex128'>")


def test_dtype_errors():
    with pytest.raises(TypeError, match="complex"):
        tf.as_dtype(complex)            # TF maps float and int, not the Python type complex
    with pytest.raises(TypeError, match="Cannot find minimum value of <dtype: 'complex64'>"):
        tf.complex64.min
    with pytest.raises(TypeError, match="Cannot find maximum value"):
        tf.complex128.max


# ---- creation and printing --------------------------------------------------------------------

def test_python_complex_is_complex128():
    t = tf.constant([5 + 4j, 6 + 1j])
    assert t.dtype == tf.complex128
    np.testing.assert_array_equal(t.numpy(), np.array([5 + 4j, 6 + 1j]))
    assert tf.constant(1j).dtype == tf.complex128


def test_numpy_complex_keeps_its_dtype():
    assert tf.constant(np.array([1 + 2j], np.complex64)).dtype == tf.complex64
    assert tf.constant(np.complex64(1 + 1j)).dtype == tf.complex64
    # an explicit real dtype keeps NumPy's real part, as TF's conversion does
    np.testing.assert_array_equal(tf.constant(np.array([1.5 + 2j]), tf.float32).numpy(),
                                  np.array([1.5], np.float32))


def test_lists_take_their_type_from_the_first_number():
    # After a complex number, reals become complex; after a real one, complex is mixed types.
    np.testing.assert_array_equal(tf.constant([2j, 1.5, 1, True]).numpy(),
                                  np.array([2j, 1.5, 1, 1]))
    for bad in ([1.5, 2j], [[1], [2j]]):
        with pytest.raises(ValueError, match="mixed types"):
            tf.constant(bad)
        with pytest.raises(ValueError, match="mixed types"):
            tf.constant(bad, tf.complex64)


def test_explicit_complex_dtype():
    t = tf.constant([1, 2.5], tf.complex64)
    assert t.dtype == tf.complex64
    np.testing.assert_array_equal(t.numpy(), np.array([1, 2.5], np.complex64))
    assert tf.constant(1e300, tf.complex64).numpy() == complex(np.inf, 0)   # overflow is inf
    for bad in (True, "a"):
        with pytest.raises(TypeError, match="to EagerTensor of dtype complex64"):
            tf.constant(bad, tf.complex64)
    with pytest.raises(TypeError, match=r"Cannot convert \(1\+2j\)"):
        tf.constant(1 + 2j, tf.float32)
    with pytest.raises(ValueError, match="out-of-range integer"):
        tf.constant(2 ** 70, tf.complex64)


def test_printing_matches_tf():
    # The strings TF 2.21 prints for these tensors (NumPy's complex formatting).
    assert repr(tf.constant([5 + 4j])) == \
        "<tf.Tensor: shape=(1,), dtype=complex128, numpy=array([5.+4.j])>"
    assert repr(tf.constant([1 + 2j, 3.5 - 1j], tf.complex64)) == (
        "<tf.Tensor: shape=(2,), dtype=complex64, numpy=array([1. +2.j, 3.5-1.j], "
        "dtype=complex64)>")
    assert repr(tf.constant(1 + 2j, tf.complex64)) == \
        "<tf.Tensor: shape=(), dtype=complex64, numpy=(1+2j)>"
    assert str(tf.constant([[1 + 2j, 3.5 - 1j]], tf.complex64)) == \
        "tf.Tensor([[1. +2.j 3.5-1.j]], shape=(1, 2), dtype=complex64)"
    assert str(tf.constant(1 + 2j)) == "tf.Tensor((1+2j), shape=(), dtype=complex128)"
    assert complex(tf.constant(1 + 2j)) == 1 + 2j
    assert f"{tf.constant(1.5 + 2j):.2f}" == "1.50+2.00j"


def test_tf_print_shows_question_marks(capsys):
    # TF's printer has no complex format: "?" per element, flat, the first `summarize` ones
    import sys
    for t in (tf.constant(1j), tf.constant([1j, 2j]), tf.constant([[1j, 2j], [3j, 4j]]),
              tf.zeros([0], tf.complex64)):
        tf.print(t, output_stream=sys.stdout)
    tf.print(tf.zeros([5], tf.complex64), summarize=-1, output_stream=sys.stdout)
    assert capsys.readouterr().out == "?\n[? ?]\n[? ? ?...]\n[]\n[? ? ? ? ?]\n"


def test_variables():
    v = tf.Variable([5 + 4j, 6 + 1j])
    assert v.dtype == tf.complex128
    assert repr(tf.Variable(1 + 1j, dtype=tf.complex64)) == \
        "<tf.Variable 'Variable:0' shape=() dtype=complex64, numpy=(1+1j)>"
    v.assign([0j, 1j])
    v.assign_add([1j, 1.0])
    np.testing.assert_array_equal(v.numpy(), np.array([1j, 1 + 1j]))


# ---- ops --------------------------------------------------------------------------------------

Z = np.array([1 + 2j, -3 - 4j])
W = np.array([0.5 - 1j, 2 + 1j])


def _c128(a):
    return tf.constant(a, tf.complex128)


def test_complex_real_imag_conj_angle_abs():
    z = _c128(Z)
    c = tf.complex([1.0, -3.0], [2.0, -4.0])
    assert c.dtype == tf.complex64
    np.testing.assert_array_equal(c.numpy(), Z.astype(np.complex64))
    assert tf.complex(np.array([1.0]), np.array([2.0])).dtype == tf.complex128
    np.testing.assert_array_equal(tf.complex([1.0, 2.0], 3.0).numpy(), [1 + 3j, 2 + 3j])
    assert tf.math.real(z).dtype == tf.float64
    np.testing.assert_array_equal(tf.math.real(z).numpy(), [1, -3])
    np.testing.assert_array_equal(tf.math.imag(z).numpy(), [2, -4])
    np.testing.assert_array_equal(tf.math.conj(z).numpy(), [1 - 2j, -3 + 4j])
    np.testing.assert_array_equal(tf.abs(_c128([3 + 4j, 0j])).numpy(), [5, 0])
    np.testing.assert_allclose(tf.math.angle(_c128([1j, -1, 1 + 1j])).numpy(),
                               [np.pi / 2, np.pi, np.pi / 4], rtol=1e-15)
    # real tensors: real is itself, imag zeros, conj itself, angle pi where negative
    r = tf.constant([1.0, -2.0])
    assert tf.math.real(r) is r and tf.math.conj(r) is r
    np.testing.assert_array_equal(tf.math.imag(r).numpy(), [0, 0])
    np.testing.assert_array_equal(tf.math.angle(r).numpy(), np.array([0, np.pi], np.float32))
    np.testing.assert_allclose(tf.sign(_c128([3 + 4j, 0j])).numpy(), [0.6 + 0.8j, 0],
                               rtol=1e-15)


def test_arithmetic_hand_computed():
    z, w = _c128(Z), _c128(W)
    # (1+2j)(0.5-1j) = 0.5 - 1j + 1j + 2 = 2.5; (-3-4j)(2+1j) = -6 -3j -8j + 4 = -2-11j
    np.testing.assert_array_equal((z * w).numpy(), [2.5, -2 - 11j])
    np.testing.assert_array_equal((z + w).numpy(), [1.5 + 1j, -1 - 3j])
    np.testing.assert_array_equal((z - w).numpy(), [0.5 + 3j, -5 - 5j])
    # (1+2j)/(0.5-1j) = (1+2j)(0.5+1j)/1.25 = (-1.5+2j)/1.25
    np.testing.assert_allclose((z / w).numpy()[0], (-1.5 + 2j) / 1.25, rtol=1e-15)
    np.testing.assert_array_equal((z * 2j).numpy(), [-4 + 2j, 8 - 6j])
    np.testing.assert_array_equal((z + 1).numpy(), [2 + 2j, -2 - 4j])
    np.testing.assert_array_equal((-z).numpy(), -Z)
    np.testing.assert_array_equal(tf.square(z).numpy(), [-3 + 4j, -7 + 24j])
    np.testing.assert_array_equal(tf.math.squared_difference(z, 0j * z).numpy(), [5, 25])
    np.testing.assert_array_equal(tf.reduce_sum(z).numpy(), -2 - 2j)
    np.testing.assert_array_equal(tf.reduce_mean(z).numpy(), -1 - 1j)
    np.testing.assert_array_equal(tf.reduce_prod(z).numpy(), 5 - 10j)
    np.testing.assert_array_equal(tf.cumsum(z).numpy(), [1 + 2j, -2 - 2j])
    np.testing.assert_array_equal((z == _c128([1 + 2j, 0])).numpy(), [True, False])
    np.testing.assert_array_equal(tf.not_equal(z, _c128([1 + 2j, 0])).numpy(), [False, True])
    # |z|² summed: 5 + 25; norm keeps TF's complex result type
    assert tf.norm(z).dtype == tf.complex128
    np.testing.assert_allclose(tf.norm(z).numpy(), np.sqrt(30), rtol=1e-15)


def test_elementwise_functions_match_numpy():
    z = _c128(Z)
    for fn, ref in [(tf.exp, np.exp), (tf.math.log, np.log), (tf.sqrt, np.sqrt),
                    (tf.sin, np.sin), (tf.cos, np.cos), (tf.tanh, np.tanh),
                    (tf.math.reciprocal, np.reciprocal), (tf.math.sinh, np.sinh),
                    (tf.math.atan, np.arctan), (tf.math.expm1, np.expm1)]:
        np.testing.assert_allclose(fn(z).numpy(), ref(Z), rtol=1e-15, err_msg=fn.__name__)
    np.testing.assert_allclose(tf.sigmoid(z).numpy(), 1 / (1 + np.exp(-Z)), rtol=1e-15)
    np.testing.assert_allclose(tf.math.rsqrt(z).numpy(), 1 / np.sqrt(Z), rtol=1e-15)


def test_matmul_and_adjoint():
    a = _c128([[1 + 1j, 2j]])
    np.testing.assert_array_equal(tf.matmul(a, a, adjoint_b=True).numpy(), [[6]])   # |a|²
    np.testing.assert_array_equal(tf.matmul(a, a, transpose_b=True).numpy(), [[-4 + 2j]])
    np.testing.assert_array_equal(tf.linalg.adjoint(a).numpy(), [[1 - 1j], [-2j]])
    np.testing.assert_array_equal(tf.transpose(a, conjugate=True).numpy(), [[1 - 1j], [-2j]])
    np.testing.assert_array_equal(tf.transpose(a).numpy(), [[1 + 1j], [2j]])


def test_linspace():
    np.testing.assert_allclose(tf.linspace(_c128(0j), _c128(2 + 4j), 3).numpy(),
                               [0, 1 + 2j, 2 + 4j], rtol=1e-15)


def test_l2_normalize_and_matvec():
    z = _c128(Z)        # |z|² summed: 5 + 25
    np.testing.assert_allclose(tf.math.l2_normalize(z).numpy(), Z / np.sqrt(30), rtol=1e-15)
    a = _c128([[1 + 1j, 2j]])
    np.testing.assert_array_equal(tf.linalg.matvec(a, _c128([1j]), adjoint_a=True).numpy(),
                                  [1 + 1j, 2])    # conj(a)ᵀ·i: (1-1j)·i, (-2j)·i


def test_solve_and_inv():
    a = _c128([[1 + 1j, 2], [0.5j, -1 + 0.2j]])
    b = _c128([[1j], [2]])
    np.testing.assert_allclose(tf.linalg.solve(a, b).numpy(),
                               np.linalg.solve(a.numpy(), b.numpy()), rtol=1e-14)
    np.testing.assert_allclose(tf.linalg.solve(a, b, adjoint=True).numpy(),
                               np.linalg.solve(a.numpy().conj().T, b.numpy()), rtol=1e-14)
    np.testing.assert_allclose((tf.linalg.inv(a) @ a).numpy(), np.eye(2), atol=1e-15)
    # L = real(sum(X)), X = A⁻¹b: dL/db = A⁻ᴴ·1, dL/dA = -(A⁻ᴴ·1)·Xᴴ
    (ga, gb) = _grad(lambda a, b: tf.linalg.solve(a, b), a.numpy(), b.numpy())
    u = np.linalg.solve(a.numpy().conj().T, np.ones((2, 1)))
    x = np.linalg.solve(a.numpy(), b.numpy())
    np.testing.assert_allclose(gb, u, rtol=1e-14)
    np.testing.assert_allclose(ga, -u @ x.conj().T, rtol=1e-14)


def test_cast():
    z = _c128(Z)
    # TF's complex-to-bool cast reads the real part only: 1j is False
    np.testing.assert_array_equal(tf.cast(_c128([0j, 1j, 1]), tf.bool).numpy(),
                                  [False, False, True])
    np.testing.assert_array_equal(tf.cast(z, tf.float32).numpy(), np.float32([1, -3]))
    np.testing.assert_array_equal(tf.cast(z, tf.int32).numpy(), [1, -3])
    np.testing.assert_array_equal(tf.cast(z, tf.bool).numpy(), [True, True])
    assert tf.cast(z, tf.complex64).dtype == tf.complex64
    np.testing.assert_array_equal(tf.cast(tf.constant([1, 2]), tf.complex64).numpy(), [1, 2])


def test_variance():
    # mean -1-1j; deviations ±(2+3j), |·|² = 13
    z = _c128(Z)
    assert tf.math.reduce_variance(z).dtype == tf.float64
    np.testing.assert_allclose(tf.math.reduce_variance(z).numpy(), 13, rtol=1e-15)
    np.testing.assert_allclose(tf.math.reduce_std(z).numpy(), np.sqrt(13), rtol=1e-15)
    mean, var = tf.nn.moments(z, [0])
    np.testing.assert_allclose([mean.numpy(), var.numpy()], [-1 - 1j, 13], rtol=1e-15)


def test_segment_sums():
    z = _c128(Z)
    np.testing.assert_array_equal(tf.math.segment_sum(z, [0, 0]).numpy(), [-2 - 2j])
    np.testing.assert_array_equal(tf.math.unsorted_segment_sum(z, [1, 0], 3).numpy(),
                                  [-3 - 4j, 1 + 2j, 0])


def _traced(z):
    return tf.math.real(z) + tf.math.imag(z), tf.abs(z), tf.signal.fft(z)


def test_inside_tf_function():
    z = tf.constant([1 + 2j, 3 - 1j], tf.complex64)
    f = tf.function(_traced)
    for _ in range(2):      # the trace, then its replay
        s, a, F = f(z)
        np.testing.assert_array_equal(s.numpy(), np.float32([3, 2]))
        np.testing.assert_allclose(a.numpy(), np.abs(z.numpy()), rtol=1e-7)
        np.testing.assert_array_equal(F.numpy(), np.complex64([4 + 1j, -2 + 3j]))


def test_fft():
    x = _c128([1 + 2j, 3j, 0.5])
    np.testing.assert_allclose(tf.signal.fft(x).numpy(), np.fft.fft(x.numpy()), rtol=1e-15)
    np.testing.assert_allclose(tf.signal.ifft(tf.signal.fft(x)).numpy(), x.numpy(), rtol=1e-15)
    assert tf.signal.fft(tf.constant([1j], tf.complex64)).dtype == tf.complex64
    with pytest.raises(InvalidArgumentError, match="'Tcomplex' of float"):
        tf.signal.fft(tf.constant([1.0]))
    with pytest.raises(InvalidArgumentError, match="rank of at least 1"):
        tf.signal.fft(tf.constant(1j))


ERRORS = {   # TF 2.21's exception type for each (complex kernels it does not have)
    "mixed with float": (lambda z: z + tf.constant([1.0, 2.0], tf.float64), InvalidArgumentError),
    "float plus complex": (lambda z: tf.constant([1.0, 2.0]) + 1j, InvalidArgumentError),
    "complex64 plus complex128": (lambda z: z + tf.cast(z, tf.complex64), InvalidArgumentError),
    "maximum": (lambda z: tf.maximum(z, z), InvalidArgumentError),
    "less": (lambda z: z < z, InvalidArgumentError),
    "relu": (lambda z: tf.nn.relu(z), InvalidArgumentError),
    "floor": (lambda z: tf.floor(z), InvalidArgumentError),
    "floormod": (lambda z: z % z, InvalidArgumentError),
    "reduce_max": (lambda z: tf.reduce_max(z), InvalidArgumentError),
    "argmax": (lambda z: tf.argmax(z), InvalidArgumentError),
    "sort": (lambda z: tf.sort(z), InvalidArgumentError),
    "is_nan": (lambda z: tf.math.is_nan(z), InvalidArgumentError),
    "softmax": (lambda z: tf.nn.softmax(z), InvalidArgumentError),
    "round": (lambda z: tf.round(z), NotFoundError),
    "floordiv": (lambda z: z // z, NotFoundError),
    "complex of ints": (lambda z: tf.complex(1, 2), TypeError),
    "complex of mixed floats": (lambda z: tf.complex(tf.constant(1.0, tf.float64),
                                                     tf.constant(2.0)), TypeError),
    "conj of strings": (lambda z: tf.math.conj(tf.constant(["a"])), TypeError),
    "angle of ints": (lambda z: tf.math.angle(tf.constant([1])), TypeError),
    "random normal": (lambda z: tf.random.normal([2], dtype=tf.complex64), InvalidArgumentError),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors(case):
    fn, exc = ERRORS[case]
    with pytest.raises(exc):
        fn(_c128(Z))


# ---- gradients --------------------------------------------------------------------------------

def _grad(f, *values):
    vs = [tf.Variable(v) for v in values]
    with tf.GradientTape() as tape:
        y = f(*vs)
    return [g if g is None else g.numpy() for g in tape.gradient(y, vs)]


CLOSED_FORM = {   # real loss -> dL/dx + i dL/dy, worked out by hand
    "|z|^2": (lambda z: tf.reduce_sum(tf.math.real(z * tf.math.conj(z))), lambda z: 2 * z),
    "real(z w)": (lambda z: tf.reduce_sum(tf.math.real(z * W)), lambda z: np.conj(W)),
    "imag(z w)": (lambda z: tf.reduce_sum(tf.math.imag(z * W)), lambda z: 1j * np.conj(W)),
    "abs": (lambda z: tf.reduce_sum(tf.abs(z)), lambda z: z / np.abs(z)),
    "angle": (lambda z: tf.reduce_sum(tf.math.angle(z)), lambda z: 1j / np.conj(z)),
    "real": (lambda z: tf.reduce_sum(tf.math.real(z)), lambda z: np.ones_like(z)),
    "imag": (lambda z: tf.reduce_sum(tf.math.imag(z)), lambda z: 1j * np.ones_like(z)),
    # complex targets: upstream ones, so the gradient is conj(f'(z))
    "exp": (lambda z: tf.exp(z), lambda z: np.conj(np.exp(z))),
    "z w": (lambda z: z * W, lambda z: np.conj(W)),
    "w / z": (lambda z: W / z, lambda z: np.conj(-W / z ** 2)),
    "log": (lambda z: tf.math.log(z), lambda z: np.conj(1 / z)),
    "sqrt": (lambda z: tf.sqrt(z), lambda z: np.conj(0.5 / np.sqrt(z))),
    "square": (lambda z: tf.square(z), lambda z: np.conj(2 * z)),
    "z ** w": (lambda z: tf.pow(z, W), lambda z: np.conj(W * z ** (W - 1))),
    "conj": (lambda z: tf.math.conj(z), lambda z: np.ones_like(z)),
    "sin": (lambda z: tf.sin(z), lambda z: np.conj(np.cos(z))),
    "tanh": (lambda z: tf.tanh(z), lambda z: np.conj(1 - np.tanh(z) ** 2)),
    "mean": (lambda z: tf.reduce_mean(z * W), lambda z: np.conj(W) / 2),
    "prod": (lambda z: tf.reduce_prod(z), lambda z: np.conj(np.prod(z) / z)),
    "fft": (lambda z: tf.signal.fft(z), lambda z: np.array([2, 0])),   # 2·ifft(ones)
    "einsum": (lambda z: tf.einsum("i,i->", z, W), lambda z: np.conj(W)),
    # TF's own gradient formulas for these take no conjugate: g·f'(z), kept for TF's numbers
    "xlogy": (lambda z: tf.math.xlogy(z, W), lambda z: np.log(W)),
    "xdivy": (lambda z: tf.math.xdivy(W, z), lambda z: -W / z ** 2),
    "silu": (lambda z: tf.nn.silu(z),
             lambda z: (1 / (1 + np.exp(-z))) * (1 + z * (1 - 1 / (1 + np.exp(-z))))),
}


@pytest.mark.parametrize("case", sorted(CLOSED_FORM))
def test_gradient_closed_form(case):
    f, expected = CLOSED_FORM[case]
    (g,) = _grad(f, Z)
    # complex128 throughout: a few roundings of numbers of size ~10, so 1e-13 relative
    np.testing.assert_allclose(g, expected(Z), rtol=1e-13, atol=1e-14)


def _loss_fd(f, z: np.ndarray) -> np.ndarray:
    """dL/dx + i·dL/dy of the real loss ``f`` by central differences, element by element.
    Error: truncation h²/6·|L'''| ~ 1e-12 plus rounding eps·|L|/h ~ 1e-10 (|L| ~ 10, h = 1e-6),
    so 1e-8 absolute is a safe bound."""
    h = 1e-6
    out = np.zeros_like(z)
    for k in range(z.size):
        for unit in (1, 1j):
            e = np.zeros_like(z)
            e[k] = unit * h
            d = (float(f(tf.constant(z + e))) - float(f(tf.constant(z - e)))) / (2 * h)
            out[k] += unit * d
    return out


FD_LOSSES = {
    "abs of z w": lambda z: tf.reduce_sum(tf.abs(z * W)),
    "real of exp": lambda z: tf.reduce_sum(tf.math.real(tf.exp(z))),
    "abs of matmul": lambda z: tf.reduce_sum(tf.abs(tf.matmul(tf.reshape(z, [1, 2]),
                                                              tf.reshape(tf.constant(W), [2, 1])))),
    "abs of adjoint matmul": lambda z: tf.reduce_sum(tf.abs(tf.matmul(
        tf.reshape(z, [1, 2]), tf.reshape(z * W, [1, 2]), adjoint_b=True))),
    "imag of sigmoid": lambda z: tf.reduce_sum(tf.math.imag(tf.sigmoid(z))),
    "angle of fft": lambda z: tf.reduce_sum(tf.math.angle(tf.signal.fft(z))),
    "abs of sign": lambda z: tf.reduce_sum(tf.math.real(tf.sign(z) * W)),
    "norm": lambda z: tf.math.real(tf.norm(z * W)),
    "cast to float": lambda z: tf.reduce_sum(tf.cast(z * W, tf.float64) ** 2),
    "atanh": lambda z: tf.reduce_sum(tf.math.imag(tf.math.atanh(z / 10))),
}


@pytest.mark.parametrize("case", sorted(FD_LOSSES))
def test_gradient_finite_differences(case):
    f = FD_LOSSES[case]
    (g,) = _grad(f, Z)
    np.testing.assert_allclose(g, _loss_fd(f, Z), rtol=0, atol=1e-8)


def test_gradient_through_complex_constructor_and_cast():
    # L = sum |complex(a, b) * w|: dL/da = real(u), dL/db = imag(u), u = conj(w)·zw/|zw|
    a, b = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    ga, gb = _grad(lambda a, b: tf.reduce_sum(tf.abs(tf.complex(a, b) * W)), a, b)
    zw = (a + 1j * b) * W
    u = np.conj(W) * zw / np.abs(zw)
    np.testing.assert_allclose(ga, u.real, rtol=1e-14)
    np.testing.assert_allclose(gb, u.imag, rtol=1e-14)
    # a real source cast to complex gets the real part of its gradient: d sum(real(a·w))/da
    (ga,) = _grad(lambda a: tf.cast(a, tf.complex128) * W, a)
    np.testing.assert_array_equal(ga, W.real)
    assert ga.dtype == np.float64
    # and a complex source cast to real gets complex(g, 0)
    (gz,) = _grad(lambda z: tf.cast(z, tf.float64) * np.array([2.0, 3.0]), Z)
    np.testing.assert_array_equal(gz, [2, 3])
    assert gz.dtype == np.complex128


def test_gradient_dtype_is_the_source_dtype():
    (g,) = _grad(lambda z: tf.abs(z * z), np.array([1 + 2j], np.complex64))
    assert g.dtype == np.complex64
    # |z²| = |z|², whose gradient is 2z
    np.testing.assert_allclose(g, [2 + 4j], rtol=1e-6)   # float32: a few ulp of 4.5


def test_second_order():
    # g = grad of sum |z·z·w| = 2·|w|·z (|z²w| = |z|²|w|); then grad of sum |g|² = 8|w|²·z
    z = tf.Variable(Z)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.abs(z * z * W))
        g = inner.gradient(y, z)
        s = tf.reduce_sum(tf.math.real(g * tf.math.conj(g)))
    np.testing.assert_allclose(g.numpy(), 2 * np.abs(W) * Z, rtol=1e-14)
    np.testing.assert_allclose(outer.gradient(s, z).numpy(), 8 * np.abs(W) ** 2 * Z, rtol=1e-13)


def _square_twice(z):
    return tf.while_loop(lambda i, z: i < 2, lambda i, z: (i + 1, z * z), (0, z))[1]


def test_gradient_through_tf_function_and_traced_while_loop():
    # |z·z| = |z|² has gradient 2z; |z⁴| = |z|⁴ has gradient 4|z|²·z
    z = tf.Variable([1 + 2j])
    with tf.GradientTape() as tape:
        y = tf.function(lambda z: tf.abs(z * z))(z)
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), [2 + 4j], rtol=1e-15)
    with tf.GradientTape() as tape:
        y = tf.abs(tf.function(_square_twice)(z))
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), [20 + 40j], rtol=1e-14)


def test_forward_mode():
    # JVPs J·t: holomorphic f gives f'(z)·t; |z| gives Re(conj(z)·t)/|z|; real(z) gives Re(t)
    z, t = _c128(Z), _c128([1 + 0.5j, 1j])
    with tf.autodiff.ForwardAccumulator(z, t) as acc:
        y1, y2, y3 = tf.exp(z) * z, tf.abs(z), tf.math.real(z)
    T = t.numpy()
    np.testing.assert_allclose(acc.jvp(y1).numpy(), np.exp(Z) * (1 + Z) * T, rtol=1e-14)
    np.testing.assert_allclose(acc.jvp(y2).numpy(), (np.conj(Z) * T).real / np.abs(Z),
                               rtol=1e-14)
    np.testing.assert_array_equal(acc.jvp(y3).numpy(), T.real)


def test_unconnected_complex_is_none():
    z = tf.Variable(Z)
    with tf.GradientTape() as tape:
        y = tf.math.real(tf.constant(W))
    assert tape.gradient(y, z) is None
