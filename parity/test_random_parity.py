"""Random numbers against TensorFlow and Keras, bit for bit (issue 17).

The same program, seeded the same way, runs under TF 2.21 / Keras 3 and under minitf, and
every value must be identical (float bits, dtype and shape): stateless ops over seeds, shapes
(odd sizes, sizes that are not multiples of 4, large) and dtypes; stateful ops over the
global/op seed rules, repeated calls (the eager kernel cache), ``tf.function`` graphs and
shuffles; Keras initializers, ``keras.random`` with int seeds, SeedGenerators and the global
generator, and the initial weights of Dense, Conv2D, LSTM and GRU models after
``keras.utils.set_random_seed``, and Dropout / GaussianNoise in training.

One documented difference is bounded instead of exact: the Orthogonal initializer (LSTM's and
GRU's recurrent kernels) takes the QR factorisation of the same normal draw, and TF's Eigen
Householder QR and minitf's LAPACK one round differently (bound derived in the test).
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import minitf

SEEDS = [[1, 2], [0, 0], [-5, 123456789], [2 ** 31 - 1, -2 ** 31]]
SHAPES = [[], [1], [3], [5], [7, 3], [1001]]


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape and
            a.reshape(-1).view(np.uint8).tobytes() == b.reshape(-1).view(np.uint8).tobytes())


def _assert_all_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    bad = [k for k in want if not _same(got[k], want[k])]
    assert not bad, f"differ from TF: {bad[:8]}"


@pytest.mark.parametrize("dist", ["stateless_uniform", "stateless_normal",
                                  "stateless_truncated_normal"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_stateless_floats(tf_real, dist, dtype):
    def run(fw):
        return {(tuple(seed), tuple(shape)): getattr(fw.random, dist)(shape, seed=seed,
                                                                      dtype=dtype).numpy()
                for seed in SEEDS for shape in SHAPES}
    _assert_all_same(run(minitf), run(tf_real))


def test_stateless_with_bounds_and_scales(tf_real):
    def run(fw):
        r = fw.random
        return {
            "u": r.stateless_uniform([9], [3, 4], minval=-2.5, maxval=7.0).numpy(),
            "u64": r.stateless_uniform([9], [3, 4], -2.5, 7.0, dtype="float64").numpy(),
            "n": r.stateless_normal([2, 5], [7, 8], mean=1.5, stddev=0.3).numpy(),
            "t": r.stateless_truncated_normal([11], [7, 8], mean=-1.0, stddev=2.0).numpy(),
            "i32": r.stateless_uniform([13], [9, 9], -7, 1000003, dtype="int32").numpy(),
            "i32w": r.stateless_uniform([6], [9, 9], -2 ** 31, 2 ** 31 - 1, "int32").numpy(),
            "i64": r.stateless_uniform([7], [9, 9], -2 ** 62, 2 ** 62 + 5, "int64").numpy(),
            "full32": r.stateless_uniform([5], [1, 1], None, None, dtype="int32").numpy(),
            "full64": r.stateless_uniform([5], [1, 1], None, None, dtype="int64").numpy(),
            "seed64": r.stateless_normal([3], fw.constant([2 ** 40, -7], "int64")).numpy(),
        }
    _assert_all_same(run(minitf), run(tf_real))


def test_large_draws(tf_real):
    def run(fw):
        return {d: getattr(fw.random, d)([100_003], seed=[11, 12]).numpy()
                for d in ("stateless_uniform", "stateless_normal", "stateless_truncated_normal")}
    _assert_all_same(run(minitf), run(tf_real))


def _stateful_program(fw):
    r, out = fw.random, {}
    for gs in (0, 1234, None):
        r.set_seed(gs)
        for rep in range(2):
            k = f"{gs}/{rep}/"
            if gs is not None:
                out[k + "u"] = r.uniform([5]).numpy()              # op seed from the context
                out[k + "n"] = r.normal([3]).numpy()
            out[k + "u7"] = r.uniform([3], seed=7).numpy()         # the cached kernel continues
            out[k + "u7b"] = r.uniform([6], seed=7).numpy()
            out[k + "n7"] = r.normal([7], seed=7).numpy()
            out[k + "n64"] = r.normal([2, 3], 1.5, 2.0, dtype="float64", seed=9).numpy()
            out[k + "h"] = r.normal([5], dtype="float16", seed=9).numpy()
            out[k + "t"] = r.truncated_normal([9], seed=7).numpy()
            out[k + "t64"] = r.truncated_normal([5], dtype="float64", seed=7).numpy()
            out[k + "range"] = r.uniform([4], -3, 5, seed=11).numpy()
            out[k + "max"] = r.uniform([4], maxval=5.0, seed=11).numpy()
            out[k + "i32"] = r.uniform([5], 2, 30, dtype="int32", seed=11).numpy()
            out[k + "i64"] = r.uniform([5], -2 ** 40, 30, dtype="int64", seed=11).numpy()
            out[k + "s1"] = r.shuffle(fw.range(10), seed=3).numpy()
            out[k + "s2"] = r.shuffle(fw.reshape(fw.range(12), [6, 2]), seed=3).numpy()
            out[k + "s0"] = r.shuffle(fw.range(1), seed=3).numpy()     # draws nothing
            out[k + "s3"] = r.shuffle(fw.range(7), seed=3).numpy()
    r.set_seed(0)
    out["zero"] = r.uniform([3], seed=0).numpy()                   # (0, 0) becomes (0, 2**31-1)
    return out


def test_stateful_ops_and_seed_rules(tf_real):
    try:
        _assert_all_same(_stateful_program(minitf), _stateful_program(tf_real))
    finally:
        minitf.random.set_seed(None)


def _function_program(fw):
    out = {}
    fw.random.set_seed(3)

    @fw.function
    def f(x):
        return fw.random.uniform([3]) + x, fw.random.normal([2], seed=5), fw.random.uniform([2])
    for i in range(3):                       # each call continues the traced ops' streams
        for j, v in enumerate(f(fw.constant(0.0))):
            out[f"f{i}{j}"] = v.numpy()
    out["eager"] = fw.random.uniform([2]).numpy()
    for j, v in enumerate(f(fw.constant([1.0, 1.0, 1.0]))):           # a new trace
        out[f"g{j}"] = v.numpy()
    fw.random.set_seed(0)

    @fw.function
    def g():
        return fw.random.uniform([2]), fw.random.uniform([2], seed=0)
    for j, v in enumerate(g()):
        out[f"zero{j}"] = v.numpy()
    return out


def test_random_ops_in_tf_function(tf_real):
    try:
        _assert_all_same(_function_program(minitf), _function_program(tf_real))
    finally:
        minitf.random.set_seed(None)


_INITS = ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
          "LecunUniform", "RandomNormal", "RandomUniform", "TruncatedNormal"]


def _keras_program(fw, keras):
    out = {}
    keras.utils.set_random_seed(7)
    for name in _INITS:
        cls = getattr(keras.initializers, name)
        init = cls()                                   # seeded from `random` when made
        out[name] = init((5, 7)).numpy()
        out[name + "/again"] = init((5, 7)).numpy()    # an int seed: the same values
        out[name + "/seeded"] = cls(seed=3)((3, 2, 4)).numpy()
        out[name + "/f64"] = cls(seed=2 ** 40)((9,), "float64").numpy()
    out["normal/global"] = keras.random.normal([5]).numpy()        # the global generator
    out["normal/global2"] = keras.random.normal([5]).numpy()
    g = keras.random.SeedGenerator(42)
    out["gen/u"] = keras.random.uniform([3], seed=g).numpy()
    out["gen/t"] = keras.random.truncated_normal([3], seed=g).numpy()
    out["gen/state"] = np.asarray(g.state.numpy())
    out["randint"] = keras.random.randint([6], 0, 10, seed=4).numpy()
    out["dropout"] = keras.random.dropout(fw.ones([10]), 0.3, seed=5).numpy()
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dropout(0.5),
                          keras.layers.GaussianNoise(0.1),
                          keras.layers.Dense(2, kernel_initializer="he_normal")])
    for i, w in enumerate(m.weights):
        out[f"dense/{i}"] = w.numpy()
    # the random layers alone (a matmul after them would add its own rounding differences)
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3.5
    noisy = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5),
                              keras.layers.GaussianNoise(0.1)])
    out["noise/train"] = noisy(x, training=True).numpy()      # each call: new masks and noise
    out["noise/train2"] = noisy(x, training=True).numpy()
    out["noise/infer"] = noisy(x).numpy()
    keras.utils.set_random_seed(1)
    c = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Conv2D(3, 3),
                          keras.layers.Flatten(), keras.layers.Dense(2)])
    for i, w in enumerate(c.weights):
        out[f"conv/{i}"] = w.numpy()
    for kind in ("LSTM", "GRU"):
        keras.utils.set_random_seed(2)
        r = keras.Sequential([keras.Input((3, 4)), getattr(keras.layers, kind)(5),
                              keras.layers.Dense(2), keras.layers.Embedding(10, 3)])
        for i, w in enumerate(r.weights):
            out[f"{kind}/{i}"] = w.numpy()
        # the recurrent initializer's seed, drawn from `random` (an int in both)
        out[f"{kind}/rseed"] = np.int64(r.layers[0].cell.recurrent_initializer.seed)
    out["orthogonal"] = keras.initializers.Orthogonal(seed=3)((7, 5)).numpy()
    out["orthogonal/wide"] = keras.initializers.Orthogonal(seed=4)((3, 2, 8)).numpy()
    return out


_ORTHO = {"orthogonal": ((7, 5), 3), "orthogonal/wide": ((6, 8), 4)}


def _orthogonal_draws(out) -> dict:
    """key -> (flat shape of the normal draw, its seed) for every Orthogonal result."""
    draws = {k: ((max(r, c), min(r, c)), seed) for k, ((r, c), seed) in _ORTHO.items()}
    for kind, gates in (("LSTM", 4), ("GRU", 3)):   # recurrent kernel (5, gates * 5)
        draws[f"{kind}/1"] = ((gates * 5, 5), int(out[f"{kind}/rseed"]))
    return draws


def test_keras_initializers_and_layers(tf_real):
    import keras
    state = random.getstate()
    try:
        want = _keras_program(tf_real, keras)
        got = _keras_program(minitf, minitf.keras)
    finally:
        random.setstate(state)
        minitf.random.set_seed(None)
    draws = _orthogonal_draws(want)
    _assert_all_same({k: v for k, v in got.items() if k not in draws},
                     {k: v for k, v in want.items() if k not in draws})
    for k, (shape, seed) in draws.items():
        # Same normal draw A (m x n; keras.random.normal is bit-exact, checked above), two QR
        # codes (TF: Eigen's Householder QR; minitf: LAPACK's). Householder QR is backward
        # stable with ||dA||_F <= m n u ||A|| (u = 2**-24, Higham thm 19.4, constant ~1),
        # and the thin Q moves by at most sqrt(2) cond(A) ||dA|| / ||A|| (Sun's perturbation
        # bound); two such Q differ by twice that.
        a = np.asarray(minitf.keras.random.normal(shape, seed=seed), np.float64)
        m, n = shape
        bound = 2 * np.sqrt(2) * np.linalg.cond(a) * m * n * 2.0 ** -24
        assert got[k].shape == want[k].shape and got[k].dtype == want[k].dtype
        assert np.max(np.abs(got[k] - want[k])) <= bound, (k, bound)


def _generator_program(fw):
    out = {}
    for seed in (1, 2 ** 70 + 5, -1, 12345678901234):
        g = fw.random.Generator.from_seed(seed)
        k = f"{seed}/"
        out[k + "state0"] = g.state.numpy()
        out[k + "u"] = g.uniform([5]).numpy()
        out[k + "state1"] = g.state.numpy()            # the counter moved on by 256 per value
        out[k + "n"] = g.normal([3, 2]).numpy()
        out[k + "n64"] = g.normal([3], 1.0, 2.0, dtype="float64").numpy()
        out[k + "t"] = g.truncated_normal([7]).numpy()
        out[k + "i64"] = g.uniform([2], 0, 10, dtype="int64").numpy()
        out[k + "i32"] = g.uniform([4], -5, 7, dtype="int32").numpy()
        out[k + "range"] = g.uniform([3], -2.0, 3.0).numpy()
        out[k + "full"] = g.uniform_full_int([3], dtype="int64").numpy()
        out[k + "seeds"] = g.make_seeds(2).numpy()
        out[k + "skip"] = g.skip(10).numpy()
        out[k + "state2"] = g.state.numpy()
        for i, s in enumerate(g.split(2)):
            out[k + f"split{i}"] = s.normal([2]).numpy()
        g.reset_from_seed(7)
        out[k + "reset"] = g.uniform([]).numpy()
    out["create"] = fw.random.create_rng_state(99, "philox").numpy()
    return out


def test_generator(tf_real):
    _assert_all_same(_generator_program(minitf), _generator_program(tf_real))


def _categorical_program(fw):
    rng = np.random.default_rng(0)
    one = rng.standard_normal((1, 65)).astype(np.float32)        # a text model's one row
    few = (rng.standard_normal((7, 10)) * 3).astype(np.float32)
    wide = rng.standard_normal((3, 5))                           # float64 logits
    odd = np.array([[0.0, -np.inf, 1.0, np.inf], [np.nan, 0.0, 0.0, 0.0]], np.float32)
    out = {}
    fw.random.set_seed(0)
    for rep in range(2):                                         # the kernel's stream continues
        out[f"one{rep}"] = fw.random.categorical(one, 1, seed=3).numpy()
        out[f"few{rep}"] = fw.random.categorical(few, 9, seed=3).numpy()
        out[f"i32{rep}"] = fw.random.categorical(few, 2, dtype="int32").numpy()
        out[f"wide{rep}"] = fw.random.categorical(wide, 6, seed=4).numpy()
    out["odd"] = fw.random.categorical(odd, 5, seed=2).numpy()
    out["sl"] = fw.random.stateless_categorical(few, 13, seed=[5, 6]).numpy()
    out["sl32"] = fw.random.stateless_categorical(one, 3, seed=[5, 6], dtype="int32").numpy()
    return out


def test_categorical(tf_real):
    # small batches: TF's kernel then runs them in one shard (see docs/random.md)
    try:
        _assert_all_same(_categorical_program(minitf), _categorical_program(tf_real))
    finally:
        minitf.random.set_seed(None)


def _keras_categorical_shuffle(fw, keras):
    out = {}
    keras.utils.set_random_seed(3)
    out["cat"] = keras.random.categorical([[0.0, 1.0, 2.0]], 4, seed=1).numpy()
    out["shuffle"] = keras.random.shuffle(fw.range(6), seed=1).numpy()
    out["shuffle/axis1"] = keras.random.shuffle(fw.reshape(fw.range(20), [4, 5]), axis=1,
                                                seed=2).numpy()
    g = keras.random.SeedGenerator(5)
    probs = np.log(np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]))
    out["cat/gen"] = keras.random.categorical(probs, 7, seed=g, dtype="int64").numpy()
    out["shuffle/gen"] = keras.random.shuffle(fw.range(100), seed=g).numpy()
    out["cat/global"] = keras.random.categorical([[1.0, 1.0]], 5).numpy()
    return out


def test_keras_categorical_and_shuffle(tf_real):
    import keras
    state = random.getstate()
    try:
        want = _keras_categorical_shuffle(tf_real, keras)
        got = _keras_categorical_shuffle(minitf, minitf.keras)
    finally:
        random.setstate(state)
        minitf.random.set_seed(None)
    _assert_all_same(got, want)


def _categorical_in_function(fw):
    fw.random.set_seed(1)

    @fw.function
    def f(x):
        return fw.random.categorical(x, 3, seed=1), fw.random.categorical(x * 2.0, 2)
    x = fw.constant([[0.0, 1.0, 2.0], [2.0, 0.0, -1.0]])
    return {f"{i}/{j}": v.numpy() for i in range(3) for j, v in enumerate(f(x))}


def test_categorical_in_tf_function(tf_real):
    try:
        _assert_all_same(_categorical_in_function(minitf), _categorical_in_function(tf_real))
    finally:
        minitf.random.set_seed(None)


def _errors(fw):
    r = fw.random
    cases = {
        "int8": lambda: r.uniform([2], 0, 5, dtype=fw.int8),
        "no_maxval": lambda: r.uniform([2], dtype=fw.int32),
        "int_normal": lambda: r.normal([2], dtype=fw.int32),
        "empty_range": lambda: r.uniform([2], 5, 5, dtype=fw.int32),
        "seed_shape": lambda: r.stateless_uniform([2], seed=[1, 2, 3]),
        "seed_dtype": lambda: r.stateless_normal([2], seed=[1.0, 2.0]),
        "stateless_int8": lambda: r.stateless_uniform([2], seed=[1, 2], dtype=fw.int8),
        "logits_rank": lambda: r.categorical([1.0, 2.0], 2),
        "negative_samples": lambda: r.categorical([[1.0, 2.0]], -1),
        "half_bounds": lambda: r.stateless_uniform([2], seed=[1, 2], minval=1, dtype=fw.int32),
    }
    out = {}
    for k, fn in cases.items():
        try:
            fn()
            out[k] = ("no error", "")
        except Exception as e:  # noqa: BLE001 - the type and text are what is compared
            # the first line: TF's attribute errors add the op's NodeDef on the next ones
            out[k] = (type(e).__name__, str(e).split("\n")[0])
    return out


def test_error_types_and_messages(tf_real):
    assert _errors(minitf) == _errors(tf_real)


def _augmented_conv_weights(keras):
    keras.utils.set_random_seed(4)
    m = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.RandomFlip(),
                          keras.layers.RandomCrop(6, 6), keras.layers.Conv2D(2, 3)])
    return {f"w{i}": w.numpy() for i, w in enumerate(m.weights)}


def test_random_image_layers_take_keras_seeds(tf_real):
    # RandomFlip takes one int from `random` when made, RandomCrop two: the Conv2D after them
    # then gets Keras's initial weights
    import keras
    state = random.getstate()
    try:
        _assert_all_same(_augmented_conv_weights(minitf.keras), _augmented_conv_weights(keras))
    finally:
        random.setstate(state)
        minitf.random.set_seed(None)
