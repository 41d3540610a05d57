"""A tensor read from a Variable keeps its value, whatever updates the Variable afterwards.

TF's rule: a read is a value. minitf hands reads out without copying, so every in-place update
(the optimizers' fast path, the fused GPU kernels, a traced program, a CUDA graph) must know
whether the Variable's array is lent (variable.py): these tests read a Variable in every way a
tensor can come from it -- ``read_value()``, ``value()``, ``tf.identity``, ``v + 0``, a
``tf.reshape`` or slice (NumPy views), ``tf.convert_to_tensor``, a tf.function that returns it --
then update it every way there is -- ``assign``, ``assign_add``, ``assign_sub``, each optimizer's
``apply_gradients``, eagerly and inside tf.function -- and check the tensor still holds the old
value. Expected values are the values read before the update (TF semantics), not minitf output.

The last tests check the other side of the bargain: with nothing lent, updates stay in place.
Every test runs on NumPy and, where a GPU is present, on CuPy (fused kernels, CUDA graphs).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import _backend


@pytest.fixture(params=["numpy", "cupy"])
def backend(request):
    """Each backend in turn (CuPy skips without CuPy and a GPU), as tests/test_backends.py."""
    if request.param == "cupy" and not _backend.cupy_available():
        pytest.skip("cupy or a CUDA device is not available")
    before = _backend._current[-1]
    tf.set_backend(request.param)
    yield request.param
    _backend._current[-1] = before


READS = {
    "read_value": lambda v: v.read_value(),
    "value": lambda v: v.value(),
    "identity": lambda v: tf.identity(v),
    "plus_zero": lambda v: v + 0,
    "reshape_view": lambda v: tf.reshape(v, [-1]),
    "slice_view": lambda v: v[0],
    "convert_to_tensor": lambda v: tf.convert_to_tensor(v),
    "function_output": lambda v: tf.function(lambda: v.read_value())(),
    "function_returns_variable": lambda v: tf.function(lambda: tf.identity(v))(),
    "function_reshape_view": lambda v: tf.function(lambda: tf.reshape(v, [-1]))(),
}

OPTIMIZERS = {
    "sgd": lambda: tf.keras.optimizers.SGD(0.1),
    "sgd_momentum": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9),
    "sgd_nesterov": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "adam": lambda: tf.keras.optimizers.Adam(0.1),
    "adam_amsgrad": lambda: tf.keras.optimizers.Adam(0.1, amsgrad=True),
    "adamw": lambda: tf.keras.optimizers.AdamW(0.1),
    "rmsprop": lambda: tf.keras.optimizers.RMSprop(0.1),
    "rmsprop_momentum_centered": lambda: tf.keras.optimizers.RMSprop(0.1, momentum=0.5,
                                                                     centered=True),
    "adagrad": lambda: tf.keras.optimizers.Adagrad(0.1),
    "nadam": lambda: tf.keras.optimizers.Nadam(0.1),
}

START = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
GRAD = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]], np.float32)


def _host(t) -> np.ndarray:
    return np.asarray(t.numpy())


def _check_kept(reads: dict, before: dict, v, changed_from):
    for name, t in reads.items():
        np.testing.assert_array_equal(_host(t), before[name], err_msg=name)
    assert not np.array_equal(v.numpy(), changed_from), "the update did not happen"


def _read_all(v):
    reads = {name: read(v) for name, read in READS.items()}
    return reads, {name: _host(t).copy() for name, t in reads.items()}


def _apply(opt, v, traced):
    g = tf.constant(GRAD)

    def step():
        opt.apply_gradients([(g, v)])

    return tf.function(step) if traced else step


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_reads_survive_every_optimizer(backend, opt_name, traced):
    v = tf.Variable(START)
    opt = OPTIMIZERS[opt_name]()
    step = _apply(opt, v, traced)
    step()
    step()          # slots exist, the trace is made, the variable owns its array again
    reads, before = _read_all(v)
    old = v.numpy()
    step()
    _check_kept(reads, before, v, old)
    # and once more, with the reads still alive (a CUDA graph must not write into them)
    step()
    _check_kept(reads, before, v, old)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("opt_name", ["sgd_momentum", "adam", "adam_amsgrad", "rmsprop",
                                      "adagrad", "nadam"])
def test_reads_of_optimizer_slots_survive(backend, opt_name, traced):
    # An optimizer's slots (momentum, velocity, ...) are Variables too: a tensor read from one
    # keeps its value although the optimizer updates slots in place when it owns them.
    v = tf.Variable(START)
    opt = OPTIMIZERS[opt_name]()
    step = _apply(opt, v, traced)
    step()
    step()
    slots = [s for s in opt.variables if tuple(s.shape) == START.shape]
    assert slots
    reads = [s.read_value() for s in slots]
    before = [_host(t).copy() for t in reads]
    step()
    for s, t, b in zip(slots, reads, before):
        np.testing.assert_array_equal(_host(t), b, err_msg=s.name)
    assert any(not np.array_equal(s.numpy(), b) for s, b in zip(slots, before))


UPDATES = {
    "assign": lambda v: v.assign(v * 2.0),
    "assign_add": lambda v: v.assign_add(START),
    "assign_sub": lambda v: v.assign_sub(START),
    "slice_assign": lambda v: v[0].assign(v[0] * 2.0),
}


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("update", sorted(UPDATES))
def test_reads_survive_assignments(backend, update, traced):
    v = tf.Variable(START)
    body = UPDATES[update]

    def fn(v):
        body(v)

    if traced:
        fn = tf.function(fn)
    fn(v)
    reads, before = _read_all(v)
    old = v.numpy()
    fn(v)
    _check_kept(reads, before, v, old)


def test_a_variable_made_from_a_tensor_leaves_the_tensor_alone(backend):
    # The initial value's array becomes the variable's: updating it in place would change t.
    t = tf.constant(START)
    v = tf.Variable(t)
    opt = tf.keras.optimizers.Adam(0.1)
    for _ in range(3):
        opt.apply_gradients([(tf.constant(GRAD), v)])
    np.testing.assert_array_equal(_host(t), START)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_an_assigned_tensor_is_not_updated_through_the_variable(backend, traced):
    t = tf.constant(START * 3)
    v = tf.Variable(START)
    opt = tf.keras.optimizers.SGD(0.1)
    step = _apply(opt, v, traced)
    step()
    v.assign(t)                      # v now holds t's array
    step()
    step()
    np.testing.assert_array_equal(_host(t), START * 3)


def test_a_traced_assign_from_a_program_constant_keeps_the_constant(backend):
    # Inside tf.function, `assign(constant)` hands the variable the program's own constant; an
    # in-place update of the variable must not change what the next call assigns.
    v = tf.Variable(START)

    @tf.function
    def reset():
        v.assign(tf.constant(START * 2))

    opt = tf.keras.optimizers.SGD(0.1)
    for _ in range(2):
        reset()
        opt.apply_gradients([(tf.constant(GRAD), v)])
        opt.apply_gradients([(tf.constant(GRAD), v)])
        reset()
        np.testing.assert_array_equal(v.numpy(), START * 2)


def test_a_persistent_tape_sees_the_value_it_recorded(backend):
    # The tape keeps the reads its records use; an update between two gradient calls must not
    # reach them (TF's gradient is that of the recorded forward pass).
    v = tf.Variable(START)
    opt = tf.keras.optimizers.SGD(0.1)
    opt.apply_gradients([(tf.constant(GRAD), v)])
    recorded = v.numpy()
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(v * v)
    opt.apply_gradients([(tf.constant(GRAD), v)])
    assert not np.array_equal(v.numpy(), recorded)
    np.testing.assert_array_equal(_host(tape.gradient(y, v)), 2 * recorded)   # d(v²)/dv, exact


# ---- the fast path: nothing lent, updates in place -------------------------------------------

def _array_of(v):
    return v._array


@pytest.mark.parametrize("opt_name", ["sgd", "adam", "rmsprop"])
def test_eager_updates_stay_in_place_when_nothing_is_lent(backend, opt_name):
    v = tf.Variable(START)
    opt = OPTIMIZERS[opt_name]()
    g = tf.constant(GRAD)
    opt.apply_gradients([(g, v)])       # the variable now owns a fresh array
    opt.apply_gradients([(g, v)])
    if opt_name in ("sgd", "rmsprop") and backend == "numpy":
        # these rules compute a new array by design (Keras's order of operations), so there is
        # no in-place path to keep on the CPU
        return
    buf = _array_of(v)
    opt.apply_gradients([(g, v)])
    assert _array_of(v) is buf          # in place: no copy, no new array


def test_traced_updates_stay_in_place_when_nothing_is_lent(backend):
    v = tf.Variable(START)
    opt = tf.keras.optimizers.Adam(0.1)
    g = tf.constant(GRAD)

    @tf.function
    def step():
        opt.apply_gradients([(g, v)])

    step()
    step()
    slots = [s for s in opt.variables if tuple(s.shape) == START.shape]
    before = [_array_of(s) for s in slots], _array_of(v)
    step()
    step()
    # the slots (momentum, velocity) are updated in place by the replayed program; on a GPU
    # the fused kernel updates the variable in place too (on the CPU Adam's last step makes a
    # new array inside a trace)
    assert all(_array_of(s) is b for s, b in zip(slots, before[0]))
    if backend == "cupy":
        assert _array_of(v) is before[1]


def test_numpy_and_python_reads_lend_nothing(backend):
    # .numpy(), float(), repr, format copy the value out: nothing aliases the array
    v = tf.Variable(START)
    opt = tf.keras.optimizers.Adam(0.1)
    g = tf.constant(GRAD)
    opt.apply_gradients([(g, v)])
    opt.apply_gradients([(g, v)])
    buf = _array_of(v)
    host = v.numpy()
    text = repr(v)
    s = tf.Variable(3.0)
    s.assign_add(1.0)                   # now it owns its (new) array
    float(s), f"{s:.2f}", repr(s)
    assert not v._lent and not s._lent
    opt.apply_gradients([(g, v)])
    assert _array_of(v) is buf
    assert "numpy=" in text and not np.array_equal(host, v.numpy())
