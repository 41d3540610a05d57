"""Recurrent layers (minitf/keras/layers/rnn/) without TensorFlow: values against NumPy
references written from the equations, gradients through time against central finite
differences in float64, Keras's masking rules, stateful carry-over, parameter counts by
formula, configs, and errors. Parity with Keras itself is in parity/test_rnn_parity.py.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from tests.test_backends import backend  # noqa: F401  (fixture)

L = tf.keras.layers
B, T, D, U = 2, 5, 3, 4


def _sig(x):
    return 1 / (1 + np.exp(-x))


# ---- NumPy references, from the equations (gate order i,f,c,o for LSTM; z,r,h for GRU) -------
def ref_simple(x, k, rk, b, h):
    return np.tanh(x @ k + b + h @ rk), None


def ref_lstm(x, k, rk, b, h, c):
    z = x @ k + h @ rk + b
    i, f, g, o = np.split(z, 4, axis=-1)
    c = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c), c


def ref_gru(x, k, rk, b, h):        # reset_after=True: b is (2, 3u), r applied after the matmul
    xz, xr, xh = np.split(x @ k + b[0], 3, axis=-1)
    rz, rr, rh = np.split(h @ rk + b[1], 3, axis=-1)
    z, r = _sig(xz + rz), _sig(xr + rr)
    return z * h + (1 - z) * np.tanh(xh + r * rh), None


def ref_gru_before(x, k, rk, b, h):  # reset_after=False: r multiplies h before its matmul
    u = h.shape[-1]
    xz, xr, xh = np.split(x @ k + b, 3, axis=-1)
    z = _sig(xz + h @ rk[:, :u])
    r = _sig(xr + h @ rk[:, u:2 * u])
    return z * h + (1 - z) * np.tanh(xh + (r * h) @ rk[:, 2 * u:]), None


def ref_run(step, x, weights, states, mask=None, backwards=False, zero_output=False):
    """Keras's loop: a masked step keeps the states and repeats the previous output (zeros
    before any), or outputs zeros with zero_output_for_mask."""
    steps = list(range(x.shape[1]))[::-1] if backwards else list(range(x.shape[1]))
    outs, prev = [], np.zeros_like(states[0])
    for t in steps:
        h, c = step(x[:, t], *weights, *states)
        new = [h] if c is None else [h, c]
        out = h
        if mask is not None:
            m = mask[:, t][:, None]
            out = np.where(m, h, 0.0 if zero_output else prev)
            new = [np.where(m, n, s) for n, s in zip(new, states)]
        states, prev = new, out
        outs.append(out)
    return np.stack(outs, 1), states


REFS = {"SimpleRNN": ref_simple, "LSTM": ref_lstm, "GRU": ref_gru}


def _layer_with_random_weights(layer, x, seed=0):
    layer(x)
    rng = np.random.default_rng(seed)
    ws = [0.5 * rng.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(ws)
    return ws


def _x(seed=1, shape=(B, T, D)):
    return np.random.default_rng(seed).standard_normal(shape)


MASK = np.array([[1, 0, 1, 1, 0],      # a hole, and a masked last step
                 [0, 0, 1, 1, 1]],     # left padding: zeros are output before the first step
                dtype=bool)


# ---- values from the equations --------------------------------------------------------------
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("backwards", [False, True])
def test_values_match_the_equations(backend, kind, masked, backwards):  # noqa: F811
    x = _x()
    layer = getattr(L, kind)(U, return_sequences=True, return_state=True,
                             go_backwards=backwards, dtype="float64")
    ws = _layer_with_random_weights(layer, tf.constant(x))
    kw = {"mask": tf.constant(MASK)} if masked else {}
    seq, *states = layer(tf.constant(x), **kw)
    n_states = 2 if kind == "LSTM" else 1
    want_seq, want_states = ref_run(REFS[kind], x, ws, [np.zeros((B, U))] * n_states,
                                    MASK if masked else None, backwards)
    np.testing.assert_allclose(seq.numpy(), want_seq, rtol=1e-12, atol=1e-13)
    for s, w in zip(states, want_states):
        np.testing.assert_allclose(s.numpy(), w, rtol=1e-12, atol=1e-13)


def test_gru_reset_before_matches_its_equation():
    x = _x()
    layer = L.GRU(U, reset_after=False, return_sequences=True, dtype="float64")
    ws = _layer_with_random_weights(layer, tf.constant(x))
    want, _ = ref_run(ref_gru_before, x, ws, [np.zeros((B, U))])
    np.testing.assert_allclose(layer(tf.constant(x)).numpy(), want, rtol=1e-12, atol=1e-13)


def test_zero_output_for_mask_outputs_zeros_at_masked_steps():
    x = _x()
    layer = L.LSTM(U, return_sequences=True, zero_output_for_mask=True, dtype="float64")
    ws = _layer_with_random_weights(layer, tf.constant(x))
    got = layer(tf.constant(x), mask=tf.constant(MASK)).numpy()
    want, _ = ref_run(ref_lstm, x, ws, [np.zeros((B, U))] * 2, MASK, zero_output=True)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    assert np.all(got[~MASK] == 0)


def test_a_fully_masked_row_keeps_its_initial_state_and_outputs_zeros():
    x = _x()
    h0 = np.random.default_rng(3).standard_normal((B, U))
    layer = L.GRU(U, return_sequences=True, return_state=True, dtype="float64")
    _layer_with_random_weights(layer, tf.constant(x))
    mask = np.array([[0] * T, [1] * T], dtype=bool)
    seq, h = layer(tf.constant(x), mask=tf.constant(mask), initial_state=[tf.constant(h0)])
    assert np.all(seq.numpy()[0] == 0)
    np.testing.assert_array_equal(h.numpy()[0], h0[0])


def test_go_backwards_reads_from_the_end_and_returns_reversed_order():
    x = _x()
    fwd = L.SimpleRNN(U, return_sequences=True, dtype="float64")
    back = L.SimpleRNN(U, return_sequences=True, go_backwards=True, dtype="float64")
    ws = _layer_with_random_weights(fwd, tf.constant(x))
    back(tf.constant(x))
    back.set_weights(ws)
    np.testing.assert_array_equal(back(tf.constant(x)).numpy(),
                                  fwd(tf.constant(x[:, ::-1])).numpy())


def test_initial_state_and_the_unmutated_arguments():
    x = _x()
    layer = L.LSTM(U, return_state=True, dtype="float64")
    ws = _layer_with_random_weights(layer, tf.constant(x))
    rng = np.random.default_rng(5)
    h0, c0 = rng.standard_normal((B, U)), rng.standard_normal((B, U))
    init = [tf.constant(h0), tf.constant(c0)]
    out, h, c = layer(tf.constant(x), initial_state=init)
    _, (wh, wc) = ref_run(ref_lstm, x, ws, [h0, c0])
    np.testing.assert_allclose(h.numpy(), wh, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(c.numpy(), wc, rtol=1e-12, atol=1e-13)
    assert len(init) == 2 and np.array_equal(init[0].numpy(), h0)
    with pytest.raises(ValueError, match="initial_state"):
        layer(tf.constant(x), initial_state=[tf.constant(h0)])


def test_time_distributed_applies_one_layer_per_step():
    x = _x()
    dense = L.Dense(2, activation="tanh", dtype="float64")
    td = L.TimeDistributed(dense, dtype="float64")
    y = td(tf.constant(x)).numpy()
    k, b = dense.get_weights()
    np.testing.assert_allclose(y, np.tanh(x @ k + b), rtol=1e-12, atol=1e-13)
    assert [w.name for w in td.weights] == ["kernel", "bias"]


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merges_forward_and_flipped_backward(mode):
    x = _x()
    bi = L.Bidirectional(L.GRU(U, return_sequences=True, dtype="float64"), merge_mode=mode,
                         dtype="float64")
    ws = _layer_with_random_weights(bi, tf.constant(x))
    out = bi(tf.constant(x), mask=tf.constant(MASK))
    h0 = [np.zeros((B, U))]
    # Bidirectional makes both directions output zeros at masked steps, as Keras does
    f, _ = ref_run(ref_gru, x, ws[:3], h0, MASK, zero_output=True)
    b, _ = ref_run(ref_gru, x, ws[3:], h0, MASK, backwards=True, zero_output=True)
    b = b[:, ::-1]
    want = {"concat": lambda: np.concatenate([f, b], -1), "sum": lambda: f + b,
            "mul": lambda: f * b, "ave": lambda: (f + b) / 2, None: lambda: [f, b]}[mode]()
    got = [o.numpy() for o in out] if mode is None else out.numpy()
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-13)


# ---- gradients through time against finite differences ---------------------------------------
def _fd_check(layer, x, mask=None, init=None):
    """Tape gradients of sum(out · cot) w.r.t. inputs, initial states and every weight, against
    central differences. Bound: step h = 1e-6 on O(1) smooth functions gives truncation
    ~h²·|f'''| ≈ 1e-12 and rounding ~ε·|f|/h ≈ 1e-10 (|f| ≲ 10 over ≤ 40 terms), so 1e-7
    absolute is ~1000x above the expected error and far below a wrong gradient (≳ 1e-3)."""
    kw = {} if mask is None else {"mask": tf.constant(mask)}
    init_np = [] if init is None else init

    def f(xv, ws, states):
        for v, w in zip(layer.trainable_weights, ws):
            v.assign(w)
        if states:
            kw["initial_state"] = [tf.constant(s) for s in states]
        out = layer(tf.constant(xv), **kw)
        flat = out if isinstance(out, list) else [out]
        return sum(float(np.sum(o.numpy() * np.cos(np.arange(o.numpy().size).reshape(
            o.shape) + i))) for i, o in enumerate(flat))

    ws = [w.numpy() for w in layer.trainable_weights]
    xt = tf.constant(x)
    st = [tf.constant(s) for s in init_np]
    with tf.GradientTape() as tape:
        tape.watch(xt)
        for s in st:
            tape.watch(s)
        if st:
            kw["initial_state"] = st
        out = layer(xt, **kw)
        flat = out if isinstance(out, list) else [out]
        loss = tf.add_n([tf.reduce_sum(o * tf.constant(np.cos(np.arange(
            int(np.prod(o.shape))).reshape(tuple(o.shape)) + i))) for i, o in enumerate(flat)])
    grads = tape.gradient(loss, [xt] + list(layer.trainable_weights) + st)
    params = [x] + ws + list(init_np)
    h = 1e-6
    for gi, (g, p) in enumerate(zip(grads, params)):
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            vals = []
            for sgn in (1, -1):
                q = [a.copy() for a in params]
                q[gi][idx] += sgn * h
                vals.append(f(q[0], q[1:1 + len(ws)], q[1 + len(ws):]))
            num[idx] = (vals[0] - vals[1]) / (2 * h)
        np.testing.assert_allclose(g.numpy(), num, atol=1e-7, err_msg=f"parameter {gi}")
    for v, w in zip(layer.trainable_weights, ws):
        v.assign(w)


@pytest.mark.parametrize("make, masked, n_init", [
    (lambda: L.SimpleRNN(3, return_sequences=True, dtype="float64"), True, 0),
    (lambda: L.LSTM(3, return_state=True, dtype="float64"), True, 2),
    (lambda: L.LSTM(3, go_backwards=True, return_sequences=True, dtype="float64"), False, 0),
    (lambda: L.GRU(3, return_sequences=True, dtype="float64"), True, 1),
    (lambda: L.GRU(3, reset_after=False, dtype="float64"), False, 0),
    (lambda: L.Bidirectional(L.LSTM(2, return_sequences=True, dtype="float64"),
                             dtype="float64"), True, 0),
    (lambda: L.TimeDistributed(L.Dense(2, activation="tanh", dtype="float64"),
                               dtype="float64"), False, 0),
    (lambda: L.RNN(L.GRUCell(3, dtype="float64"), go_backwards=True, return_state=True,
                   dtype="float64"), True, 1),
], ids=["simple_rnn_masked", "lstm_state_init", "lstm_backwards", "gru_masked_init",
        "gru_reset_before", "bidirectional_lstm", "time_distributed", "rnn_gru_cell_back"])
def test_gradients_through_time_match_finite_differences(make, masked, n_init):
    x = _x(shape=(2, 4, 2))
    layer = make()
    _layer_with_random_weights(layer, tf.constant(x), seed=2)
    mask = np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=bool) if masked else None
    init = [np.random.default_rng(4 + i).standard_normal((2, 3)) for i in range(n_init)]
    _fd_check(layer, x, mask, init or None)


# ---- masks riding on tensors ------------------------------------------------------------------
def test_embedding_mask_reaches_the_rnn_and_return_sequences_passes_it_on():
    ids = np.array([[0, 0, 3, 1, 2], [4, 2, 0, 1, 0]])
    emb = L.Embedding(5, D, mask_zero=True, dtype="float64")
    lstm = L.LSTM(U, return_sequences=True, dtype="float64")
    e = emb(tf.constant(ids))
    np.testing.assert_array_equal(e._keras_mask.numpy(), ids != 0)
    seq = lstm(e)
    np.testing.assert_array_equal(seq._keras_mask.numpy(), ids != 0)
    explicit = lstm(tf.constant(e.numpy()), mask=tf.constant(ids != 0))
    np.testing.assert_array_equal(seq.numpy(), explicit.numpy())
    unmasked = lstm(tf.constant(e.numpy()))
    assert not np.allclose(seq.numpy(), unmasked.numpy())
    last = L.LSTM(U, dtype="float64")(e)
    assert getattr(last, "_keras_mask", None) is None       # no time axis left to mask
    assert L.Embedding(5, 2).supports_masking is False
    assert L.Embedding(5, 2, mask_zero=True).get_config()["mask_zero"] is True


def test_masking_layer_feeds_an_rnn_and_an_initial_state_turns_the_automatic_mask_off():
    x = _x()
    x[:, 1] = 0.0
    masked = L.Masking(dtype="float64")(tf.constant(x))
    rnn = L.SimpleRNN(U, return_sequences=True, dtype="float64")
    with_mask = rnn(masked).numpy()
    np.testing.assert_array_equal(with_mask[:, 1], with_mask[:, 0])    # step 1 repeats step 0
    # Keras fills `mask=` only when the sequence is the one tensor argument
    h0 = tf.zeros((B, U), "float64")
    no_auto = rnn(masked, initial_state=[h0]).numpy()
    np.testing.assert_array_equal(no_auto, rnn(tf.constant(masked.numpy())).numpy())


def test_sequential_embedding_lstm_dense_trains_with_a_mask():
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 20, (32, 7))
    ids[:, :3] *= rng.integers(0, 2, (32, 3))            # some left padding
    y = (ids.sum(1) % 2).astype("int64")
    model = tf.keras.Sequential([L.Embedding(20, 8, mask_zero=True), L.LSTM(8), L.Dense(2)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    hist = model.fit(ids, y, epochs=5, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert model.count_params() == 20 * 8 + 4 * 8 * (8 + 8 + 1) + 8 * 2 + 2


def test_functional_model_with_return_state():
    inp = tf.keras.Input(shape=(T, D))
    seq, h, c = L.LSTM(U, return_sequences=True, return_state=True)(inp)
    model = tf.keras.Model(inp, [seq, h, c])
    outs = model(tf.ones((B, T, D)))
    assert [tuple(o.shape) for o in outs] == [(B, T, U), (B, U), (B, U)]
    np.testing.assert_array_equal(outs[0].numpy()[:, -1], outs[1].numpy())


# ---- stateful ---------------------------------------------------------------------------------
def test_stateful_carries_the_state_and_reset_state_zeroes_it():
    x = _x(shape=(B, 6, D))
    stateful = L.GRU(U, stateful=True, dtype="float64")
    plain = L.GRU(U, dtype="float64")
    ws = _layer_with_random_weights(plain, tf.constant(x))
    stateful(tf.constant(x[:, :3]))
    stateful.set_weights(ws)
    stateful.reset_state()
    stateful(tf.constant(x[:, :3]))
    second = stateful(tf.constant(x[:, 3:])).numpy()
    np.testing.assert_allclose(second, plain(tf.constant(x)).numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(stateful.states[0].numpy(), second)
    assert len(stateful.weights) == 3                  # the state Variables are not weights
    stateful.reset_states()
    assert np.all(stateful.states[0].numpy() == 0)
    np.testing.assert_allclose(stateful(tf.constant(x[:, :3])).numpy(),
                               plain(tf.constant(x[:, :3])).numpy(), rtol=1e-12, atol=1e-13)
    with pytest.raises(ValueError, match="Expected batch size: 2"):
        stateful(tf.constant(_x(shape=(3, 6, D))))
    assert plain.states is None
    plain.reset_state()                                # a no-op, as in Keras


# ---- dropout -------------------------------------------------------------------------------
def test_dropout_acts_only_in_training():
    x = tf.constant(_x())
    layer = L.LSTM(U, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    ref = L.LSTM(U, return_sequences=True)
    layer(x)
    ref(x)
    ref.set_weights(layer.get_weights())
    np.testing.assert_array_equal(layer(x).numpy(), ref(x).numpy())
    np.testing.assert_array_equal(layer(x, training=False).numpy(), ref(x).numpy())
    assert not np.allclose(layer(x, training=True).numpy(), ref(x).numpy())
    assert L.LSTM(2, dropout=2.0).cell.dropout == 1.0          # Keras clips to [0, 1]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, training=True))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads)


# ---- weights, counts, names, configs -----------------------------------------------------------
@pytest.mark.parametrize("make, count", [
    (lambda: L.SimpleRNN(U), U * (D + U + 1)),
    (lambda: L.LSTM(U), 4 * U * (D + U + 1)),
    (lambda: L.LSTM(U, use_bias=False), 4 * U * (D + U)),
    (lambda: L.GRU(U), 3 * U * (D + U + 2)),            # reset_after: two bias rows
    (lambda: L.GRU(U, reset_after=False), 3 * U * (D + U + 1)),
    (lambda: L.Bidirectional(L.LSTM(U)), 2 * 4 * U * (D + U + 1)),
    (lambda: L.TimeDistributed(L.Dense(U)), D * U + U),
    (lambda: L.RNN(L.GRUCell(U)), 3 * U * (D + U + 2)),
])
def test_parameter_counts_by_formula(make, count):
    layer = make()
    layer(tf.ones((B, T, D)))
    assert layer.count_params() == count


def test_weight_names_shapes_order_and_initializers():
    lstm = L.LSTM(U)
    lstm(tf.ones((B, T, D)))
    assert [(w.name, tuple(w.shape)) for w in lstm.weights] == [
        ("kernel", (D, 4 * U)), ("recurrent_kernel", (U, 4 * U)), ("bias", (4 * U,))]
    assert lstm.cell.name == "lstm_cell"
    b = lstm.weights[2].numpy()
    np.testing.assert_array_equal(b, np.r_[np.zeros(U), np.ones(U), np.zeros(2 * U)])
    r = lstm.weights[1].numpy()                                   # orthogonal rows
    np.testing.assert_allclose(r @ r.T, np.eye(U), atol=1e-6)
    bi = L.Bidirectional(L.LSTM(U, name="enc"))
    bi(tf.ones((B, T, D)))
    assert (bi.forward_layer.name, bi.backward_layer.name) == ("forward_enc", "backward_enc")
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    assert lstm.units == U and lstm.recurrent_activation is tf.keras.activations.sigmoid


@pytest.mark.parametrize("make", [
    lambda: L.SimpleRNN(U, activation="relu", return_sequences=True, go_backwards=True),
    lambda: L.LSTM(U, unit_forget_bias=False, dropout=0.25, stateful=False, unroll=True),
    lambda: L.GRU(U, reset_after=False, return_state=True, zero_output_for_mask=True),
    lambda: L.RNN(L.LSTMCell(U), return_sequences=True),
    lambda: L.Bidirectional(L.GRU(U, return_sequences=True), merge_mode="sum"),
    lambda: L.TimeDistributed(L.Dense(U)),
])
def test_config_round_trip(make):
    layer = make()
    cfg = layer.get_config()
    again = type(layer).from_config(cfg)
    assert again.get_config() == cfg
    x = tf.constant(_x(), "float32")
    layer(x)
    again(x)
    again.set_weights(layer.get_weights())
    for a, b in zip(tf.nest.flatten(layer(x)), tf.nest.flatten(again(x))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_orthogonal_initializer():
    init = tf.keras.initializers.Orthogonal(gain=2.0, seed=3)
    tall = init((6, 3)).numpy()
    np.testing.assert_allclose(tall.T @ tall, 4 * np.eye(3), atol=1e-5)
    wide = tf.keras.initializers.get("orthogonal")((3, 6)).numpy()
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-6)
    conv = tf.keras.initializers.Orthogonal()((2, 2, 3, 5), dtype="float64").numpy()
    flat = conv.reshape(12, 5)
    np.testing.assert_allclose(flat.T @ flat, np.eye(5), atol=1e-12)
    np.testing.assert_array_equal(init((6, 3)).numpy(), tall)      # one seed, one draw
    assert init.get_config() == {"gain": 2.0, "seed": 3}
    with pytest.raises(ValueError, match="at least two-dimensional"):
        init((4,))


# ---- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: L.LSTM(U), lambda: L.SimpleRNN(U), lambda: L.GRU(U),
                                  lambda: L.Bidirectional(L.LSTM(U))])
def test_rank_2_input_is_keras_value_error(make):
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=2. Full shape "
                                         r"received: \(2, 4\)"):
        make()(tf.ones((2, 4)))


def test_argument_errors():
    with pytest.raises(ValueError, match="expected a positive integer, got 0"):
        L.LSTM(0)
    with pytest.raises(ValueError, match="Invalid merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="keras.layers.Layer"):
        L.Bidirectional("lstm")
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        L.TimeDistributed(L.Dense(2))(tf.ones((2, 3)))
    with pytest.raises(ValueError, match="`go_backwards`"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2))
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(2))
    with pytest.raises(ValueError, match="batch size must be static"):
        L.LSTM(2, stateful=True)(tf.keras.Input(shape=(3, 2)))


# ---- the loop elsewhere: custom cells, tf.function, higher orders, models ----------------------
class MinimalRNNCell(L.Layer):
    """Keras's documented example of a custom cell: h_t = x_t·K + tanh-free h_{t-1}·R."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev = states[0]
        out = tf.matmul(inputs, self.kernel) + tf.matmul(prev, self.recurrent_kernel)
        return out, [out]


def test_rnn_runs_a_custom_cell():
    x = _x()
    layer = L.RNN(MinimalRNNCell(U, dtype="float64"), return_sequences=True, dtype="float64")
    k, r = _layer_with_random_weights(layer, tf.constant(x))
    want, _ = ref_run(lambda xt, k, r, h: (xt @ k + h @ r, None), x, [k, r], [np.zeros((B, U))],
                      MASK)
    np.testing.assert_allclose(layer(tf.constant(x), mask=tf.constant(MASK)).numpy(), want,
                               rtol=1e-12, atol=1e-13)


def test_traced_equals_eager_values_and_gradients():
    x = tf.constant(_x())
    layer = L.LSTM(U, return_sequences=True, dtype="float64")
    _layer_with_random_weights(layer, x)
    m = tf.constant(MASK)

    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, mask=m)
            loss = tf.reduce_sum(y * y)
        return [y] + tape.gradient(loss, [x] + layer.trainable_weights)
    for a, b in zip(f(x), tf.function(f)(x)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-13)


def test_second_order_through_time():
    """d²/dx0² of sum(SimpleRNN(x)) at one input entry, from nested tapes, against the central
    difference of the first derivative (h = 1e-5: truncation ~h²·|f⁗| ≈ 1e-10, rounding
    ~ε/h ≈ 1e-11; bound 1e-7)."""
    x = _x(shape=(1, 3, 2))
    layer = L.SimpleRNN(2, dtype="float64")
    _layer_with_random_weights(layer, tf.constant(x), seed=7)

    def first(xv):
        t = tf.constant(xv)
        with tf.GradientTape() as tape:
            tape.watch(t)
            loss = tf.reduce_sum(layer(t))
        return tape.gradient(loss, t).numpy()[0, 0, 0]
    t = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(t)
        with tf.GradientTape() as inner:
            inner.watch(t)
            loss = tf.reduce_sum(layer(t))
        g = inner.gradient(loss, t)[0, 0, 0]
    second = outer.gradient(g, t).numpy()[0, 0, 0]
    h = 1e-5
    xp, xm = x.copy(), x.copy()
    xp[0, 0, 0] += h
    xm[0, 0, 0] -= h
    np.testing.assert_allclose(second, (first(xp) - first(xm)) / (2 * h), atol=1e-7)
    assert abs(second) > 1e-3                      # not trivially zero


def test_functional_model_passes_the_embedding_mask():
    ids = np.array([[0, 3, 1, 0], [2, 4, 0, 0]])
    inp = tf.keras.Input(shape=(4,), dtype="int32")
    emb = L.Embedding(5, 3, mask_zero=True)
    gru = L.GRU(2, return_sequences=True)
    model = tf.keras.Model(inp, gru(emb(inp)))
    got = model(tf.constant(ids))
    want = gru(emb(tf.constant(ids)).numpy(), mask=tf.constant(ids != 0))
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    np.testing.assert_array_equal(got._keras_mask.numpy(), ids != 0)


def test_weights_file_round_trip(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=(T, D)),
                                 L.Bidirectional(L.LSTM(U, return_sequences=True)),
                                 L.GRU(U), L.Dense(1)])
    path = str(tmp_path / "rnn.weights.npz")
    model.save_weights(path)
    other = tf.keras.Sequential([tf.keras.Input(shape=(T, D)),
                                 L.Bidirectional(L.LSTM(U, return_sequences=True)),
                                 L.GRU(U), L.Dense(1)])
    other.load_weights(path)
    x = tf.constant(_x(), "float32")
    np.testing.assert_array_equal(model(x).numpy(), other(x).numpy())


def test_the_mask_passes_through_dropout_dense_and_batchnorm_to_the_next_rnn():
    ids = np.array([[0, 3, 1, 2, 0], [2, 4, 0, 1, 1]])
    e = L.Embedding(5, D, mask_zero=True)(tf.constant(ids))
    seq = L.LSTM(U, return_sequences=True)(e)
    for layer in (L.Dropout(0.5), L.Dense(U), L.BatchNormalization(), L.Activation("tanh")):
        assert layer.supports_masking
        out = layer(seq, training=True)       # a new tensor: the layer itself passes the mask
        assert out is not seq
        np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    gru = L.GRU(2)
    np.testing.assert_array_equal(gru(L.Dropout(0.5)(seq)).numpy(),
                                  gru(tf.constant(seq.numpy()), mask=tf.constant(ids != 0)).numpy())
    assert not L.Flatten().supports_masking


def test_sequence_loss_skips_masked_steps():
    """Keras weights a loss by the predictions' mask: the mean runs over kept steps only."""
    ids = np.array([[0, 3, 1, 2, 0], [2, 4, 0, 0, 0]])
    keep = ids != 0
    logits = L.TimeDistributed(L.Dense(3, dtype="float64"))(
        L.LSTM(4, return_sequences=True, dtype="float64")(
            L.Embedding(5, 2, mask_zero=True, dtype="float64")(tf.constant(ids))))
    np.testing.assert_array_equal(logits._keras_mask.numpy(), keep)
    y = np.random.default_rng(0).integers(0, 3, ids.shape)
    per_step = tf.keras.losses.sparse_categorical_crossentropy(
        tf.constant(y), tf.constant(logits.numpy()), from_logits=True).numpy()
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    np.testing.assert_allclose(loss(tf.constant(y), logits).numpy(), per_step[keep].mean(),
                               rtol=1e-12)
    sw = np.random.default_rng(1).uniform(0.5, 2, ids.shape)      # per-step weights
    np.testing.assert_allclose(loss(tf.constant(y), logits, sample_weight=tf.constant(sw)).numpy(),
                               (per_step * sw)[keep].sum() / keep.sum(), rtol=1e-12)
    with pytest.raises(tf.errors.InvalidArgumentError):      # per-sequence weights: as Keras
        loss(tf.constant(y), logits, sample_weight=tf.constant([2.0, 0.5]))
    summed = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum",
                                                           dtype="float64")
    np.testing.assert_allclose(summed(tf.constant(y), logits).numpy(), per_step[keep].sum(),
                               rtol=1e-12)
    nothing = tf.constant(logits.numpy())
    nothing._keras_mask = tf.zeros(ids.shape, "bool")
    assert loss(tf.constant(y), nothing).numpy() == 0.0           # no kept step: 0, not NaN


def test_fit_and_evaluate_use_the_masked_sequence_loss():
    ids = np.array([[0, 3, 1, 2, 0], [2, 4, 0, 0, 0]])
    y = np.random.default_rng(0).integers(0, 3, ids.shape)
    # Seeded weights: with random ones the masked and plain means came within 1e-5 of each
    # other once in CI, and the precondition below failed. (Seed 2: the initial weights are
    # Keras's since issue 17, and under seed 0 the two means happen to be 3e-6 apart.)
    tf.keras.utils.set_random_seed(2)
    model = tf.keras.Sequential([tf.keras.Input(shape=(5,), dtype="int32"),
                                 L.Embedding(5, 2, mask_zero=True),
                                 L.LSTM(4, return_sequences=True), L.TimeDistributed(L.Dense(3))])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.0),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    per_step = tf.keras.losses.sparse_categorical_crossentropy(
        tf.constant(y), tf.constant(model(tf.constant(ids)).numpy()), from_logits=True).numpy()
    want = per_step[ids != 0].mean()
    assert not np.isclose(want, per_step.mean(), rtol=1e-5)         # the mask matters here
    hist = model.fit(ids, y, epochs=1, batch_size=2, verbose=0)
    np.testing.assert_allclose(hist.history["loss"][0], want, rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(ids, y, verbose=0), want, rtol=1e-6)


def test_mean_metrics_skip_masked_steps():
    ids = np.array([[0, 3, 1, 2, 0], [2, 4, 0, 0, 0]])
    pred = L.TimeDistributed(L.Dense(3))(L.GRU(4, return_sequences=True)(
        L.Embedding(5, 2, mask_zero=True)(tf.constant(ids))))
    y = np.argmax(pred.numpy(), -1)
    y[0, 0] = (y[0, 0] + 1) % 3              # wrong only at a masked step
    y[1, 1] = (y[1, 1] + 1) % 3              # and at one kept step
    acc = tf.keras.metrics.SparseCategoricalAccuracy()
    acc.update_state(tf.constant(y), pred)
    np.testing.assert_allclose(acc.result().numpy(), 4 / 5)       # 5 kept steps, one wrong


def test_wrong_feature_size_after_build_is_the_matmul_error():
    layer = L.LSTM(2)
    layer(tf.ones((2, 4, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        layer(tf.ones((2, 4, 5)))


def test_bidirectional_with_a_given_backward_layer_and_initial_weights():
    x = tf.constant(_x())
    back = L.GRU(3, go_backwards=True, return_sequences=True, name="mine")
    bi = L.Bidirectional(L.LSTM(3, return_sequences=True), backward_layer=back, merge_mode="sum")
    y = bi(x)
    assert bi.backward_layer is back and y.shape == (B, T, 3)
    assert bi.count_params() == 4 * 3 * (D + 3 + 1) + 3 * 3 * (D + 3 + 2)
    ws = [np.full(w.shape, 0.1, "float32") for w in bi.get_weights()]
    again = L.Bidirectional(L.LSTM(3, return_sequences=True),
                            backward_layer=L.GRU(3, go_backwards=True, return_sequences=True),
                            merge_mode="sum", weights=ws)
    again(x)
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), ws))


def test_functional_encoder_decoder_passes_states_as_initial_state():
    enc_in, dec_in = tf.keras.Input(shape=(T, D)), tf.keras.Input(shape=(4, 2))
    encoder, decoder = L.LSTM(U, return_state=True), L.LSTM(U, return_sequences=True)
    _, h, c = encoder(enc_in)
    model = tf.keras.Model([enc_in, dec_in], decoder(dec_in, initial_state=[h, c]))
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "InputLayer", "LSTM",
                                                         "LSTM"]
    x_enc, x_dec = tf.constant(_x(), "float32"), tf.constant(_x(2, (B, 4, 2)), "float32")
    _, he, ce = encoder(x_enc)
    np.testing.assert_array_equal(model([x_enc, x_dec]).numpy(),
                                  decoder(x_dec, initial_state=[he, ce]).numpy())


def test_positional_arguments_follow_keras_order():
    lstm = L.LSTM(4, "relu", "hard_sigmoid", False)
    assert (lstm.activation, lstm.recurrent_activation, lstm.use_bias) == (
        tf.keras.activations.relu, tf.keras.activations.hard_sigmoid, False)
    rnn = L.SimpleRNN(3, "relu", False)
    assert rnn.activation is tf.keras.activations.relu and rnn.use_bias is False
    cell = L.GRUCell(2, "tanh", "sigmoid", True, "zeros")
    assert isinstance(cell.kernel_initializer, tf.keras.initializers.Zeros)
    with pytest.raises(TypeError, match="multiple values for argument 'activation'"):
        L.LSTM(4, "relu", activation="tanh")
    with pytest.raises(TypeError, match="positional arguments"):
        L.SimpleRNNCell(2, *([None] * 15))


def test_empty_sequences_and_mismatched_masks_raise_as_keras():
    layer = L.LSTM(2, return_sequences=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match="no time steps"):
        layer(tf.zeros((2, 0, 3)))
    with pytest.raises(ValueError, match="Cannot unstack 5 tensors .* static size 4"):
        layer(tf.zeros((2, 4, 3)), mask=tf.ones((2, 5), "bool"))
    with pytest.raises(tf.errors.InvalidArgumentError):          # batch 3 against batch 2
        layer(tf.zeros((2, 4, 3)), mask=tf.ones((3, 4), "bool"))
    out = layer(tf.zeros((2, 4, 3)), mask=tf.ones((2, 4)))       # a float mask: != 0 kept
    assert out.shape == (2, 4, 2)


# ---- stacked cells -------------------------------------------------------------------------------
def test_stacked_cells_equal_stacked_layers_with_masks():
    """Cells stacked inside one loop give what layers stacked one after another give: each
    cell's output at step t depends on its input up to t, and a masked step keeps every
    cell's state and repeats the output either way."""
    x = tf.constant(_x())
    lstm, gru = L.LSTMCell(4, dtype="float64"), L.GRUCell(3, dtype="float64")
    # (a list makes a float32 StackedRNNCells, in Keras too: float64 needs it spelled out)
    stacked = L.RNN(L.StackedRNNCells([lstm, gru], dtype="float64"), return_sequences=True,
                    return_state=True, dtype="float64")
    seq, (h1, c1), (h2,) = stacked(x, mask=tf.constant(MASK))
    assert [w.path for w in stacked.weights][0].endswith("stacked_rnn_cells/" + lstm.name +
                                                        "/kernel")
    first = L.RNN(L.LSTMCell(4, dtype="float64"), return_sequences=True, return_state=True,
                  dtype="float64")
    second = L.RNN(L.GRUCell(3, dtype="float64"), return_sequences=True, return_state=True,
                   dtype="float64")
    first(x)
    first.set_weights(stacked.get_weights()[:3])
    s1, g1, gc1 = first(x, mask=tf.constant(MASK))
    second(s1)
    second.set_weights(stacked.get_weights()[3:])
    s2, g2 = second(s1, mask=tf.constant(MASK))
    for a, b in [(seq, s2), (h1, g1), (c1, gc1), (h2, g2)]:
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-13)


def test_stacked_cells_stateful_config_and_dropout():
    x = tf.constant(_x(shape=(B, 6, D)))
    def cells():
        return L.StackedRNNCells([L.SimpleRNNCell(3, dtype="float64"),
                                  L.LSTMCell(2, dtype="float64")], dtype="float64")
    rnn = L.RNN(cells(), stateful=True, dtype="float64")
    plain = L.RNN(cells(), dtype="float64")
    plain(x)
    rnn(x[:, :3])
    rnn.set_weights(plain.get_weights())
    rnn.reset_state()
    rnn(x[:, :3])
    np.testing.assert_allclose(rnn(x[:, 3:]).numpy(), plain(x).numpy(), rtol=1e-12, atol=1e-13)
    assert [len(s) if isinstance(s, list) else 1 for s in rnn.states] == [1, 2]
    cfg = plain.get_config()
    assert cfg["cell"]["class_name"] == "StackedRNNCells"
    again = L.RNN.from_config(cfg)
    again(x)
    again.set_weights(plain.get_weights())
    np.testing.assert_array_equal(again(x).numpy(), plain(x).numpy())
    # dropout inside stacked cells: one mask per sequence, training only
    drop = L.RNN([L.GRUCell(3, dropout=0.5, recurrent_dropout=0.5), L.GRUCell(2)])
    xf = tf.constant(_x(), "float32")
    np.testing.assert_array_equal(drop(xf).numpy(), drop(xf, training=False).numpy())
    assert not np.allclose(drop(xf, training=True).numpy(), drop(xf).numpy())
    assert "_sequence_masks" not in drop.cell.cells[0].__dict__      # forgotten after the call
    with pytest.raises(ValueError, match="state_size"):
        L.StackedRNNCells([L.LSTMCell(2), L.Dense(2)])
