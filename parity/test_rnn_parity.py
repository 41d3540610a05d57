"""Recurrent layers against Keras 3 on TensorFlow: the same weights (random, copied in), the
same inputs and masks; outputs and gradients with respect to the inputs and every weight.

float64 is held to the op rule (1e-12). A float32 recurrence compounds each step's rounding
through the next steps, like a training trajectory, so its bound is derived the same way
(``parity_check.trajectory_tolerance``): E = max |Keras float32 - Keras float64| over the
outputs and gradients of the same case, and two float32 implementations that each stay within
E of the exact result are within 2E of each other; atol = max(1e-6, 2E), rtol 1e-5.
"""
import zlib

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import tolerance, trajectory_tolerance, within

B, T, D = 3, 6, 4

# A mask with a hole in the middle, left padding, and one fully masked row (the edge cases of
# the carry rule: the output before any unmasked step, and a row that never updates).
MASK = np.array([[1, 1, 0, 1, 1, 1],
                 [0, 0, 1, 1, 1, 0],
                 [0, 0, 0, 0, 0, 0]], dtype=bool)


def _cases():
    L = lambda fw: fw.keras.layers   # noqa: E731
    return {
        "simple_rnn": (lambda fw, dt: L(fw).SimpleRNN(5, dtype=dt), False, None),
        "simple_rnn_relu_seq_back": (lambda fw, dt: L(fw).SimpleRNN(
            5, activation="relu", return_sequences=True, go_backwards=True, dtype=dt),
            False, None),
        "simple_rnn_masked_state": (lambda fw, dt: L(fw).SimpleRNN(
            5, return_sequences=True, return_state=True, dtype=dt), True, None),
        "lstm": (lambda fw, dt: L(fw).LSTM(5, dtype=dt), False, None),
        "lstm_seq_state": (lambda fw, dt: L(fw).LSTM(5, return_sequences=True,
                                                      return_state=True, dtype=dt), False, None),
        "lstm_masked_seq": (lambda fw, dt: L(fw).LSTM(5, return_sequences=True, dtype=dt),
                            True, None),
        "lstm_masked_back": (lambda fw, dt: L(fw).LSTM(5, return_sequences=True,
                                                        go_backwards=True, return_state=True,
                                                        dtype=dt), True, None),
        "lstm_masked_zero_output": (lambda fw, dt: L(fw).LSTM(
            5, return_sequences=True, zero_output_for_mask=True, dtype=dt), True, None),
        "lstm_initial_state": (lambda fw, dt: L(fw).LSTM(5, return_state=True, dtype=dt),
                               False, 2),
        "lstm_no_bias_hard_sigmoid": (lambda fw, dt: L(fw).LSTM(
            5, use_bias=False, recurrent_activation="hard_sigmoid", dtype=dt), False, None),
        "gru": (lambda fw, dt: L(fw).GRU(5, dtype=dt), False, None),
        "gru_masked_seq": (lambda fw, dt: L(fw).GRU(5, return_sequences=True, dtype=dt),
                           True, None),
        "gru_reset_before_state": (lambda fw, dt: L(fw).GRU(
            5, reset_after=False, return_state=True, dtype=dt), True, None),
        "gru_initial_state_back": (lambda fw, dt: L(fw).GRU(5, go_backwards=True, dtype=dt),
                                   False, 1),
        "rnn_lstm_cell_unroll": (lambda fw, dt: L(fw).RNN(L(fw).LSTMCell(5, dtype=dt),
                                                          unroll=True, return_sequences=True,
                                                          dtype=dt), True, None),
        # (StackedRNNCells given its dtype: Keras's RNN([...]) makes float32 initial states)
        "stacked_cells_masked_state_back": (lambda fw, dt: L(fw).RNN(L(fw).StackedRNNCells(
            [L(fw).LSTMCell(4, dtype=dt), L(fw).GRUCell(3, dtype=dt),
             L(fw).SimpleRNNCell(2, dtype=dt)], dtype=dt), return_sequences=True,
            return_state=True, go_backwards=True, dtype=dt), True, None),
        "time_distributed_dense": (lambda fw, dt: L(fw).TimeDistributed(
            L(fw).Dense(3, activation="tanh", dtype=dt), dtype=dt), False, None),
        **{f"bidirectional_lstm_{m}": (
            lambda fw, dt, m=m: L(fw).Bidirectional(L(fw).LSTM(4, return_sequences=True,
                                                               dtype=dt),
                                                    merge_mode=m, dtype=dt), True, None)
           for m in ("concat", "sum", "mul", "ave", None)},
        "bidirectional_gru_state_none": (lambda fw, dt: L(fw).Bidirectional(
            L(fw).GRU(4, return_state=True, dtype=dt), merge_mode=None, dtype=dt), False, None),
        "bidirectional_lstm_last_masked": (lambda fw, dt: L(fw).Bidirectional(
            L(fw).LSTM(4, dtype=dt), dtype=dt), True, None),
        "bidirectional_simple_rnn_initial_state": (lambda fw, dt: L(fw).Bidirectional(
            L(fw).SimpleRNN(4, return_sequences=True, dtype=dt), dtype=dt), False, 2),
    }


CASES = _cases()
# The merge modes differ from concat only in one elementwise op after the two RNNs, so their
# float32 runs would repeat the concat case's rounding; float64 checks each mode's arithmetic.
FLOAT64_ONLY = {"bidirectional_lstm_sum", "bidirectional_lstm_mul", "bidirectional_lstm_ave"}


def _run(fw, name, dtype, weights=None):
    """Outputs and the gradients of sum(output * fixed cotangent) w.r.t. the inputs and the
    weights, in framework ``fw``; Keras's freshly drawn weights are replaced by ``weights``
    (drawn here the first time, so both frameworks see the same numbers)."""
    make, masked, n_init = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x_np = rng.standard_normal((B, T, D))
    layer = make(fw, dtype)
    units = None
    x = fw.constant(x_np, dtype=dtype)
    init = None
    if n_init:
        units = 4 if name.startswith("bidirectional") else 5
        init = [fw.constant(rng.standard_normal((B, units)), dtype=dtype) for _ in range(n_init)]
    kwargs = {}
    if masked:
        kwargs["mask"] = fw.constant(MASK)
    if init is not None:
        kwargs["initial_state"] = init
    if fw is minitf:
        layer(x, **kwargs)                    # build
    else:
        layer.build(tuple(x.shape))           # Keras builds without a (slow) eager call
    if weights is None:
        weights = [0.5 * rng.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights([w.astype(dtype) for w in weights])
    with fw.GradientTape() as tape:
        tape.watch(x)
        if init is not None:
            for s in init:
                tape.watch(s)
        out = layer(x, **kwargs)
        flat = fw.nest.flatten(out)           # nested states of stacked cells too
        loss = 0
        for i, o in enumerate(flat):
            cot = np.cos(np.arange(np.prod(o.shape)).reshape(tuple(o.shape)) + i)
            loss = loss + fw.reduce_sum(o * fw.constant(cot, dtype=dtype))
    sources = [x] + list(layer.trainable_weights) + (init or [])
    grads = tape.gradient(loss, sources)
    vals = [np.asarray(o) for o in flat] + [None if g is None else np.asarray(g) for g in grads]
    return vals, weights


@pytest.mark.parametrize("name", sorted(CASES, key=str))
def test_layer_matches_keras(tf_real, name):
    want64, weights = _run(tf_real, name, "float64")
    got64, _ = _run(minitf, name, "float64", weights)
    rtol, atol = tolerance("float64")
    assert len(got64) == len(want64)
    for i, (g, w) in enumerate(zip(got64, want64)):
        assert within(g, w, rtol, atol), (name, "float64", i, np.max(np.abs(g - w)))
    if name in FLOAT64_ONLY:
        return
    want32, _ = _run(tf_real, name, "float32", weights)
    got32, _ = _run(minitf, name, "float32", weights)
    rtol, atol = trajectory_tolerance(want32, want64)
    for i, (g, w) in enumerate(zip(got32, want32)):
        assert within(g, w, rtol, atol), (name, "float32", i, np.max(np.abs(g - w)), atol)


def _stack(fw, dtype):
    L = fw.keras.layers
    return fw.keras.Sequential([fw.keras.Input(shape=(T,), dtype="int32"),
                                L.Embedding(7, D, mask_zero=True, dtype=dtype),
                                L.LSTM(5, return_sequences=True, dtype=dtype),
                                L.Dropout(0.3, dtype=dtype), L.Dense(5, dtype=dtype),
                                L.GRU(4, return_sequences=True, dtype=dtype),
                                L.TimeDistributed(L.Dense(2, dtype=dtype), dtype=dtype)])


def test_the_mask_travels_through_a_stack_as_in_keras(tf_real):
    """Embedding(mask_zero) - LSTM - Dropout - Dense - GRU - TimeDistributed(Dense): Keras
    passes the mask through Dropout and Dense to the GRU; the outputs, their mask and the
    gradients agree (float64, the op rule)."""
    ids = np.array([[0, 3, 1, 2, 0, 6], [2, 4, 0, 1, 1, 0], [5, 0, 0, 0, 0, 0]], dtype="int32")
    rng = np.random.default_rng(9)
    nets = {fw: _stack(fw, "float64") for fw in (tf_real, minitf)}
    weights = [0.5 * rng.standard_normal(w.shape) for w in nets[tf_real].get_weights()]
    results = {}
    for fw, net in nets.items():
        net.set_weights(weights)
        with fw.GradientTape() as tape:
            out = net(fw.constant(ids), training=False)
            loss = fw.reduce_sum(out * fw.constant(np.cos(np.arange(out.shape[0] * T * 2)
                                                          .reshape(out.shape[0], T, 2))))
        grads = tape.gradient(loss, net.trainable_variables)
        results[fw] = ([np.asarray(out), np.asarray(out._keras_mask)] +
                       [np.asarray(fw.convert_to_tensor(g)) for g in grads])
    rtol, atol = tolerance("float64")
    for i, (g, w) in enumerate(zip(results[minitf], results[tf_real])):
        assert within(g, w, rtol, atol), i


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
def test_a_sequence_loss_is_weighted_by_the_mask_as_in_keras(tf_real, reduction):
    """The stack's masked (batch, time, 2) logits into SparseCategoricalCrossentropy, with and
    without sample weights: Keras takes the mask from the predictions; loss and gradients agree
    (float64, the op rule). Row 3 keeps one step only."""
    ids = np.array([[0, 3, 1, 2, 0, 6], [2, 4, 0, 1, 1, 0], [5, 0, 0, 0, 0, 0]], dtype="int32")
    y = np.random.default_rng(1).integers(0, 2, ids.shape)
    sw = np.random.default_rng(2).uniform(0.5, 2, ids.shape)     # per-step weights
    rng = np.random.default_rng(10)
    nets = {fw: _stack(fw, "float64") for fw in (tf_real, minitf)}
    weights = [0.5 * rng.standard_normal(w.shape) for w in nets[tf_real].get_weights()]
    results = {}
    for fw, net in nets.items():
        net.set_weights(weights)
        loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                reduction=reduction,
                                                                dtype="float64")
        with fw.GradientTape() as tape:
            pred = net(fw.constant(ids))
            plain = loss_fn(fw.constant(y), pred)
            weighted = loss_fn(fw.constant(y), pred, sample_weight=fw.constant(sw))
            total = plain + weighted
        grads = tape.gradient(total, net.trainable_variables)
        results[fw] = [np.asarray(plain), np.asarray(weighted)] + \
            [np.asarray(fw.convert_to_tensor(g)) for g in grads]
        acc = fw.keras.metrics.SparseCategoricalAccuracy()     # a mean metric: masked too
        acc.update_state(fw.constant(y), pred)
        results[fw].append(np.asarray(acc.result()))
        # per-sequence weights do not broadcast against the (batch, time) mask: both refuse
        with pytest.raises(fw.errors.InvalidArgumentError):
            loss_fn(fw.constant(y), pred, sample_weight=fw.constant([1.5, 0.5, 2.0]))
    rtol, atol = tolerance("float64")
    for i, (g, w) in enumerate(zip(results[minitf], results[tf_real])):
        assert within(g, w, rtol, atol), i


def _seq2seq(fw, dtype):
    L = fw.keras.layers
    enc_in = fw.keras.Input(shape=(T, D), dtype=dtype)
    dec_in = fw.keras.Input(shape=(4, 2), dtype=dtype)
    _, h, c = L.LSTM(5, return_state=True, dtype=dtype)(enc_in)
    seq = L.LSTM(5, return_sequences=True, dtype=dtype)(dec_in, initial_state=[h, c])
    return fw.keras.Model([enc_in, dec_in], L.Dense(3, dtype=dtype)(seq))


def test_encoder_states_feed_the_decoder_in_a_functional_model(tf_real):
    """The encoder-decoder pattern: a functional model whose decoder LSTM takes the encoder's
    final states as ``initial_state``. Same layer order, weights and (float64) outputs and
    gradients as Keras."""
    rng = np.random.default_rng(11)
    xs = [rng.standard_normal((2, T, D)), rng.standard_normal((2, 4, 2))]
    models = {fw: _seq2seq(fw, "float64") for fw in (tf_real, minitf)}
    assert [type(l).__name__ for l in models[minitf].layers] == \
        [type(l).__name__ for l in models[tf_real].layers]
    weights = [0.5 * rng.standard_normal(w.shape) for w in models[tf_real].get_weights()]
    results = {}
    for fw, model in models.items():
        model.set_weights(weights)
        inputs = [fw.constant(x) for x in xs]
        with fw.GradientTape() as tape:
            tape.watch(inputs)
            out = model(inputs)
            loss = fw.reduce_sum(out * fw.constant(np.cos(np.arange(24).reshape(2, 4, 3))))
        grads = tape.gradient(loss, inputs + list(model.trainable_variables))
        results[fw] = [np.asarray(out)] + [np.asarray(g) for g in grads]
    rtol, atol = tolerance("float64")
    for i, (g, w) in enumerate(zip(results[minitf], results[tf_real])):
        assert within(g, w, rtol, atol), i


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell",
                                  "GRUCell"])
def test_positional_argument_order_is_keras(tf_real, name):
    import inspect
    keras_params = list(inspect.signature(getattr(tf_real.keras.layers, name).__init__)
                        .parameters)
    want = [p for p in keras_params[2:] if p != "kwargs"]        # after self and units
    assert list(getattr(minitf.keras.layers, name)._POSITIONAL) == want


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell",
                                  "GRUCell", "Bidirectional", "TimeDistributed", "RNN",
                                  "Masking"])
def test_config_keys_are_keras(tf_real, name):
    def make(fw):
        L = fw.keras.layers
        if name == "Bidirectional":
            return L.Bidirectional(L.LSTM(3))
        if name == "TimeDistributed":
            return L.TimeDistributed(L.Dense(3))
        if name == "RNN":
            return L.RNN(L.GRUCell(3))
        if name == "Masking":
            return L.Masking()
        return getattr(L, name)(3)
    want, got = make(tf_real).get_config(), make(minitf).get_config()
    assert sorted(got) == sorted(want)
    for key in ("layer", "backward_layer", "cell"):       # the wrapped layer's or cell's
        if key in want:
            # (Dense's quantization_config is Dense's business, not the wrapper's)
            assert set(got[key]["config"]) == set(want[key]["config"]) - {"quantization_config"}
