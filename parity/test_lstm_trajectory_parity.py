"""A small LSTM text classifier's 100-step training trajectory against Keras 3 on TensorFlow:
Embedding(12, 6, mask_zero=True) - LSTM(8) - Dense(3) on random id sequences of length 7 with
left and right padding (id 0, so the mask matters), Adam, a custom loop with GradientTape,
Keras's initial weights (uniform embeddings, glorot-uniform kernels, orthogonal recurrent
kernel, forget-gate bias 1, all drawn by Keras) copied in, the same batches. Per-step losses and
the final weights are compared. The sparse embedding gradient is densified before Adam on
both sides (repeated ids: see the comment in ``run``).

Bounds: float64 as every float64 check (1e-12: both sides do IEEE double arithmetic; matmul
summation order is the only difference). float32 from an ensemble on each side: 16 float32
runs from the same randomly rounded initial weights, each side's RMS drift from TensorFlow's
float64 run, and minitf's at most 2.8 times TensorFlow's (the derivation is beside the test;
docs/parity.md has the measured numbers). This trajectory amplifies ulp-level differences too
much for ``trajectory_tolerance``'s one-draw bound.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL

VOCAB, DIM, UNITS, CLASSES, LENGTH = 12, 6, 8, 3, 7


def _data(steps: int, batch: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        ids = rng.integers(1, VOCAB, (batch, LENGTH))
        lengths = rng.integers(1, LENGTH + 1, batch)
        for i, n in enumerate(lengths):        # half left-padded, half right-padded
            if i % 2:
                ids[i, :LENGTH - n] = 0
            else:
                ids[i, n:] = 0
        last = ids[np.arange(batch), np.where(np.arange(batch) % 2, LENGTH - 1, lengths - 1)]
        out.append((ids, last % CLASSES))      # the class of the last real id: learnable
    return out


def _model(fw, dtype):
    L = fw.keras.layers
    return fw.keras.Sequential([fw.keras.Input(shape=(LENGTH,), dtype="int32"),
                                L.Embedding(VOCAB, DIM, mask_zero=True, dtype=dtype),
                                L.LSTM(UNITS, dtype=dtype),
                                L.Dense(CLASSES, dtype=dtype)])


def run(fw, dtype, init, steps=100, learning_rate=0.01):
    net = _model(fw, dtype)
    net.set_weights([w.astype(dtype) for w in init])
    opt = fw.keras.optimizers.Adam(learning_rate=learning_rate)
    loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=dtype)

    def step(ids, y):
        with fw.GradientTape() as tape:
            loss = loss_fn(y, net(ids, training=True))
        grads = tape.gradient(loss, net.trainable_variables)
        # The embedding's gradient is IndexedSlices in TF, and with repeated ids Keras's Adam
        # squares each slice before summing them (TF_SEMANTICS.md, optimizers). Both sides
        # densify it (a no-op on a dense gradient), so both run the dense Adam update, as the
        # project's other parity checks do (docs/parity.md).
        grads = [fw.convert_to_tensor(g) for g in grads]
        opt.apply_gradients(zip(grads, net.trainable_variables))
        return loss
    if fw is not minitf:
        # Keras's eager LSTM loop costs ~0.25 s a step on this CPU; traced, the same kernels
        # run in a fraction. minitf runs eagerly: that is what is checked.
        step = fw.function(step)
    losses = [float(step(fw.constant(ids.astype("int32")), fw.constant(y)))
              for ids, y in _data(steps)]
    return [np.array(losses)] + [np.asarray(w) for w in net.get_weights()]


@pytest.fixture(scope="module")
def keras_init(tf_real):
    tf_real.keras.utils.set_random_seed(0)
    return [np.asarray(w, np.float64) for w in _model(tf_real, "float64").get_weights()]


@pytest.fixture(scope="module")
def keras_float64(tf_real, keras_init):
    return run(tf_real, "float64", keras_init)


def test_lstm_trajectory_float64(tf_real, keras_init, keras_float64):
    got = run(minitf, "float64", keras_init)
    rtol, atol = TOL["float64"]
    assert len(got) == len(keras_float64) == 7
    assert keras_float64[0][-1] < keras_float64[0][0]      # it learns something
    for a, b in zip(got, keras_float64):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# float32: an ensemble of rounding realisations on each side, not one draw (#15).
#
# This trajectory amplifies ulp-level differences about a thousandfold. Adam divides each
# gradient entry by its own running size, so an entry that is near zero in exact arithmetic
# moves its weight by up to lr * |g| / (|g| + eps) whatever float32 residue a cancelling sum
# leaves in g; and the trajectory is sensitive to its start: a float64 run from the float32
# rounding of Keras's initial weights ends 1.1e-5 from the float64 run from the weights
# themselves. How far one float32 run lands from exact is then one draw from a wide
# distribution. With one draw each (the old bound, 2 x TF's drift), TF's float32 run on an
# Intel Xeon with AVX-512 drifted 4.95e-6 from exact and minitf's 3.55e-5, so minitf failed a
# 9.9e-6 bound there while passing on an AMD EPYC. So each side is sampled instead.
#
# Realisations. Each side runs the trajectory in float32 from the same N_RUNS sets of initial
# weights: the nearest float32 rounding of Keras's float64 weights (what the float64 check and
# the old bound start from), then N_RUNS - 1 sets in which each weight is rounded to one of its
# two float32 neighbours at random (fixed seed; a weight that float32 holds exactly is kept).
# Each is an equally valid float32 computation of the exact trajectory: its input error is
# within one ulp, as rounding makes it, and the trajectory's sensitivity turns the different
# starts into different draws of all the later roundings too (the random rounding of Monte
# Carlo arithmetic, applied at the inputs). The drift of a run is D = max |run - TF's float64
# run from Keras's float64 weights| over the per-step losses and the final weights (TF's float64
# run agrees with minitf's to ~1e-13: test_lstm_trajectory_float64).
#
# Statistic. RMS(D) over one side's runs: how far that implementation's float32 lands from
# exact, bias and spread together. minitf passes when its RMS(D) <= C * TF's RMS(D), on the same
# machine and kernels: its float32 is no less accurate than TensorFlow's, up to sampling noise.
#
# C. Suppose minitf's D is distributed as TF's, as a |Gaussian| of mean 0 (the most variable
# case: a common non-zero mean only narrows the spread of a mean square). Each side's sum of
# N_RUNS squares over sigma^2 is then chi-square with 16 degrees of freedom, and the ratio of the
# two mean squares is F(16, 16), which exceeds 7.6 with probability 1e-4 (its 0.999 quantile is
# 5.2); sqrt(7.6) = 2.76, so C = 2.8: a false failure about one machine or kernel setting in
# 10^4. Running both sides from the same starts correlates their mean squares positively, which
# only narrows the ratio. D is not Gaussian (Adam's amplification of discrete residues makes it
# come in steps), so C was also checked by resampling: from 25 TF and 25 minitf realisations on
# the Xeon (reference kernels), the ratio of two 16-run RMS(D) drawn with replacement passes
# 2.79 (pooled) or 2.86 (TF's alone) one time in 10^4 -- the same C.
#
# Power (on the Xeon, reference kernels; the ratio minitf RMS(D) / TF RMS(D), 0.89 as it is):
# caught -- Adam's lr 1e-4 relative off 4.4 (4.4 to 6.0 under the four kernel settings of
# docs/parity.md), beta_2 1e-5 relative off 7.2, an additive residue of 0.5 ulp of the largest
# entry in each gradient at each step 10.9, one Dense kernel weight 1e-6 off 9.4. Not caught,
# being below float32's own spread here: one embedding weight 1e-5 off (2.0) and Adam's
# epsilon 1e-4 relative off (the float64 check catches both at 1e-12), and relative (not
# additive) gradient errors of up to 32 ulp, which leave D as it was. The last test below keeps
# the bound from going vacuous.
N_RUNS, C = 16, 2.8


def _float32_inits(init, count=N_RUNS, seed=15):
    """``count`` float32 starts (held in float64) for the float64 weights ``init``: ``init``
    itself (``run`` rounds it to nearest), then random choices of each weight's two float32
    neighbours."""
    rng = np.random.default_rng(seed)
    out = [init]
    for _ in range(count - 1):
        one = []
        for w in init:
            near = w.astype(np.float32)
            far = np.where(near > w, np.nextafter(near, np.float32(-np.inf)),
                           np.nextafter(near, np.float32(np.inf)))
            pick = (rng.random(w.shape) < 0.5) & (near != w)
            one.append(np.where(pick, far, near).astype(np.float64))
        out.append(one)
    return out


def _drift(result, exact) -> float:
    return max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
               for a, b in zip(result, exact))


def _rms(drifts) -> float:
    return float(np.sqrt(np.mean(np.square(drifts))))


def _drifts(fw, init, exact, **kw) -> list:
    return [_drift(run(fw, "float32", w, **kw), exact) for w in _float32_inits(init)]


@pytest.fixture(scope="module")
def keras_float32_drifts(tf_real, keras_init, keras_float64):
    return _drifts(tf_real, keras_init, keras_float64)


def _summary(name, drifts):
    return (f"{name}: RMS(D) {_rms(drifts):.3g}, D from {min(drifts):.3g} to {max(drifts):.3g}"
            f" (nearest-rounded start {drifts[0]:.3g})")


def test_lstm_trajectory_float32(keras_init, keras_float64, keras_float32_drifts):
    got = _drifts(minitf, keras_init, keras_float64)
    theirs = keras_float32_drifts
    assert _rms(theirs) > 0
    assert _rms(got) <= C * _rms(theirs), (
        f"minitf's float32 lands farther from exact than TF's float32 rounding explains: "
        f"{_summary('minitf', got)}; {_summary('TF', theirs)}; ratio "
        f"{_rms(got) / _rms(theirs):.2f} > C = {C}")


def test_lstm_trajectory_float32_bound_catches_a_small_error(keras_init, keras_float64,
                                                            keras_float32_drifts):
    # Adam's learning rate 3e-4 relative off (0.010003): the statistic must see it. Measured
    # ratio 13 to 18 on the Xeon; lr 1e-4 off gives 4.4 to 6.0 under the four TF kernel settings,
    # caught too, but with a margin (1.6) that another CPU's TF spread could eat; this test is
    # here to keep the bound from going vacuous, not to sit on its edge.
    got = _drifts(minitf, keras_init, keras_float64, learning_rate=0.01 * (1 + 3e-4))
    assert _rms(got) > C * _rms(keras_float32_drifts), (
        f"{_summary('minitf, lr off', got)}; {_summary('TF', keras_float32_drifts)}")
