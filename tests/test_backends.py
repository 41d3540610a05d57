"""One definition, both backends: every op of minitf/checks/op_specs.py, a tape, and a Keras training
step give the same results on CuPy (GPU) as on NumPy, on identical inputs. CuPy cases skip
cleanly where CuPy or a CUDA device is missing (CI's machine); `make gpu-test` runs them.
Tests that compare a backend with NumPy take the ``gpu_backend`` fixture (CuPy only: on NumPy
they would compare NumPy with itself); tests with expectations of their own (exact values,
placement, traced equals eager) take ``backend`` and run on NumPy too.

Tolerances: elementwise float32 rtol 1e-5 / atol 1e-6; float64 rtol 1e-12 (both are IEEE
arithmetic, but GPU transcendental functions may differ from the CPU's by an ulp or two);
reductions and matmuls rtol 1e-5 (float32) and 1e-10 (float64), since cuBLAS and CuPy's
reductions sum in a different order than OpenBLAS/NumPy.
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf as tf
from minitf import _backend
from minitf.checks.op_specs import SPECS
from minitf.checks.parity_check import run_spec, seeded_inputs

BACKENDS = ["numpy", "cupy"]
REDUCING = ("reduce", "matmul", "tensordot", "norm", "l2_loss", "softmax", "log_softmax",
            "sparse_softmax_ce", "softmax_ce", "cumsum", "moments", "bias_add", "add_n")


def _use_backend(name):
    """Switch to backend ``name`` for one test (skipping if it cannot run here), then back."""
    if name == "cupy" and not _backend.cupy_available():
        pytest.skip("cupy or a CUDA device is not available")
    before = _backend._current[-1]
    tf.set_backend(name)
    yield name
    _backend._current[-1] = before


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each backend in turn, for tests whose expectations hold on either (exact values, device
    placement, traced equals eager)."""
    yield from _use_backend(request.param)


@pytest.fixture(params=["cupy"])
def gpu_backend(request):
    """CuPy only, for tests whose reference is the NumPy backend under ``tf.device("/CPU:0")``
    or which exercise GPU-only kernels: run on NumPy, they would compare NumPy with itself and
    could fail only by crashing, so on a machine without CuPy they are skipped, not counted."""
    if not _backend.cupy_available():
        pytest.skip("cupy or a CUDA device is not available: this test compares CuPy with the "
                    "NumPy backend (on NumPy alone it would compare NumPy with itself)")
    yield from _use_backend(request.param)


def _tol(spec, dtype):
    reducing = any(spec.name.startswith(r) or r in spec.name for r in REDUCING)
    if dtype == "float32":
        # decompositions: NumPy's LAPACK and cuSOLVER are two float32 eigensolvers, the case
        # the spec's atol32 is derived for (op_specs.py, at the svd/eigh rows), as parity_check
        decomposition = spec.name.startswith("linalg_") and spec.atol32 is not None
        return 1e-5, (spec.atol32 if decomposition else 1e-6)
    return (1e-10, 1e-12) if reducing else (1e-12, 1e-14)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_same_on_every_backend(gpu_backend, spec, dtype):
    arrays = seeded_inputs(spec, 7)
    with tf.device("/CPU:0"):
        shape = run_spec(tf, spec, arrays, 1.0, dtype)[0].shape
        w = np.random.default_rng(3).uniform(-2, 2, shape)
        ref_v, ref_g = run_spec(tf, spec, arrays, w, dtype)
    v, g = run_spec(tf, spec, arrays, w, dtype)     # on the backend under test
    rtol, atol = _tol(spec, dtype)
    np.testing.assert_allclose(v, ref_v, rtol=rtol, atol=atol)
    for a, b in zip(g, ref_g):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_placement_and_host_copies(backend):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    v = tf.Variable(tf.ones((2, 2)))
    expected = "GPU:0" if backend == "cupy" else "CPU:0"
    assert x.device.endswith(expected) and v.device.endswith(expected)
    y = x @ v
    assert y.device.endswith(expected)
    host = y.numpy()
    assert isinstance(host, np.ndarray) and host.tolist() == [[3.0, 3.0], [7.0, 7.0]]
    assert np.square(y).tolist() == [[9.0, 9.0], [49.0, 49.0]]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(x @ v)
    assert tape.gradient(loss, v).numpy().tolist() == [[4.0, 4.0], [6.0, 6.0]]


def test_keras_training_same_on_every_backend(gpu_backend):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    weights = [rng.uniform(-0.3, 0.3, s).astype(np.float32) for s in [(8, 16), (16,), (16, 3),
                                                                       (3,)]]

    def train():
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                     tf.keras.layers.Dense(16, activation="relu"),
                                     tf.keras.layers.Dense(3)])
        model.set_weights(weights)
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        return h.history["loss"], model.get_weights()

    with tf.device("/CPU:0"):
        ref_loss, ref_w = train()
    loss, w = train()
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5)
    for a, b in zip(w, ref_w):                     # the header's float32 bound
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_gpu_listed_only_when_usable():
    gpus = tf.config.list_physical_devices("GPU")
    assert (len(gpus) > 0) == _backend.cupy_available()
    assert tf.config.list_physical_devices("CPU")[0].device_type == "CPU"


def test_missing_cupy_names_the_extra(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_cupy(name, *args, **kwargs):
        if name == "cupy" or name.startswith("cupy."):
            raise ImportError("No module named 'cupy'")
        return real_import(name, *args, **kwargs)
    before = tf.get_backend()
    monkeypatch.setattr(_backend, "_cupy", None)
    monkeypatch.setattr(builtins, "__import__", no_cupy)
    with pytest.raises(RuntimeError, match=r"minitf\[gpu\].*minitf\[gpu-cuda13\]"):
        tf.set_backend("cupy")
    # tf.device is TF's soft placement: without a usable GPU the block runs on the CPU...
    with tf.device("/GPU:0"):
        assert tf.get_backend() == "numpy"
        assert tf.constant(1.0).device.endswith("device:CPU:0")
    # ... and with soft placement off it is TF's error, whose text names the extra.
    tf.config.set_soft_device_placement(False)
    try:
        with pytest.raises(tf.errors.InvalidArgumentError, match="gpu-cuda13"):
            with tf.device("/GPU:0"):
                pass
    finally:
        tf.config.set_soft_device_placement(True)
    assert tf.get_backend() == before


def test_fit_moves_host_batches_to_the_backend(backend):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    with tf.device("/CPU:0"):
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)   # built on the host
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
    seen = []
    original = model.train_step

    def spy(data):
        seen.append(data[0].device)
        return original(data)
    model.train_step = spy
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)   # spy on every batch
    model.fit(ds, epochs=1, verbose=0)
    expected = "GPU:0" if backend == "cupy" else "CPU:0"
    assert len(seen) == 4 and all(d.endswith(expected) for d in seen)


def test_inputs_on_different_devices_meet_on_the_gpu(backend):
    with tf.device("/CPU:0"):
        host = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    x = tf.constant([[1.0, 0.0], [0.0, 1.0]])          # on the backend under test
    expected = "GPU:0" if backend == "cupy" else "CPU:0"
    for out in (x + host, host * x, x @ host, host @ x):
        assert out.device.endswith(expected)
    assert (x @ host).numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]


# ---- tf.function on each backend -------------------------------------------------------------

def _traced_training(traced: bool, opt_name: str, steps: int = 8):
    rng = np.random.default_rng(5)
    xs = [tf.constant(rng.standard_normal((32, 8)).astype(np.float32)) for _ in range(2)]
    ys = [tf.constant(rng.integers(0, 3, 32)) for _ in range(2)]
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(3)])
    model.set_weights([rng.uniform(-0.3, 0.3, s).astype(np.float32)
                       for s in [(8, 16), (16,), (16, 3), (3,)]])
    opt = {"adam": lambda: tf.keras.optimizers.Adam(0.01),
           "sgd": lambda: tf.keras.optimizers.SGD(0.05, momentum=0.9)}[opt_name]()
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    fn = tf.function(step) if traced else step
    losses = [float(fn(xs[i % 2], ys[i % 2])) for i in range(steps)]
    return losses, model.get_weights(), fn


@pytest.mark.parametrize("opt_name", ["adam", "sgd"])
def test_traced_training_equals_eager_on_every_backend(backend, opt_name):
    """The replayed step runs the same kernels as eager execution on the same arrays, on
    either backend (on the GPU as a CUDA graph): the results are identical."""
    le, we, _ = _traced_training(False, opt_name)
    lt, wt, fn = _traced_training(True, opt_name)
    assert le == lt
    for a, b in zip(we, wt):
        assert np.array_equal(a, b)
    if backend == "cupy":
        spec = next(iter(next(iter(fn._concrete.values()))._specialisations.values()))
        assert spec.graph_runner is not None and spec.graph_runner.graph is not None, \
            getattr(spec.graph_runner, "reason", "no graph runner")


def test_traced_function_with_host_work_replays_without_a_graph(backend):
    """tf.print and tf.cond need the host on every call: such traces replay without a CUDA
    graph, with the same results."""
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        v.assign_add(tf.reduce_sum(x))
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)

    outs = [f(tf.constant(d)).numpy().tolist() for d in ([1.0, 2.0], [-3.0, 1.0], [4.0, 0.0])]
    assert outs == [[2.0, 4.0], [3.0, -1.0], [8.0, 0.0]]
    assert float(v) == 5.0
    assert f(tf.constant([1.0, 1.0])).device == tf.constant([1.0]).device


def test_variable_read_before_a_traced_step_keeps_its_value(backend):
    w = tf.Variable([1.0, 2.0, 3.0])
    opt = tf.keras.optimizers.SGD(0.5)

    @tf.function
    def step():
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(w * w)
        opt.apply_gradients(zip(t.gradient(loss, [w]), [w]))

    for _ in range(3):
        step()                               # trace, capture, launch
    kept = w.read_value()
    before = kept.numpy().copy()
    step()
    step()
    assert np.array_equal(kept.numpy(), before)
    np.testing.assert_allclose(w.numpy(), before * 0.0, atol=0)   # SGD(0.5) on w²: w -> 0


_FUSED_OPTIMIZERS = {
    "adam": lambda: tf.keras.optimizers.Adam(0.01),
    "sgd": lambda: tf.keras.optimizers.SGD(0.1),
    "momentum": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9),
    "nesterov": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "scheduled adam": lambda: tf.keras.optimizers.Adam(
        tf.keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.5)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(_FUSED_OPTIMIZERS))
def test_fused_optimizer_step_matches_numpy(gpu_backend, name, dtype):
    """The GPU's one-launch update of all variables (fused.py) against rules.py's NumPy
    expressions, from the same state at steps far apart (Adam's β^t for t up to 100000),
    for variables of several sizes (the kernel's blocks are spread over them)."""
    rng = np.random.default_rng(4)
    shapes = [(3,), (70, 5), (1,), (1000,)]
    values = [rng.standard_normal(s) for s in shapes]
    grads = [rng.standard_normal(s) for s in shapes]
    for it in (0, 1, 9, 99, 999, 9999, 99999):
        results = []
        for device in ("/GPU:0", "/CPU:0"):
            with tf.device(device):
                opt = _FUSED_OPTIMIZERS[name]()
                vs = [tf.Variable(v, dtype=dtype) for v in values]
                opt.build(vs)
                opt.iterations.assign(it)
                for _ in range(2):     # the second step reads the slots the first wrote
                    opt.apply_gradients(zip([tf.constant(g, dtype=dtype) for g in grads], vs))
                results.append([v.numpy() for v in vs + list(opt.variables)])
        rtol, atol = (1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-14)
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", list(_FUSED_OPTIMIZERS))
def test_fused_optimizer_step_on_long_and_misaligned_arrays(gpu_backend, name):
    """The kernel updates whole 16-byte vectors when every array of a variable is aligned and
    single elements otherwise: a variable longer than its grid covers at once (1024 blocks of
    256 threads, 4 floats each), whose length leaves a tail, and a gradient that starts one
    element into its buffer (a slice: not 16-byte aligned). Expected: rules.py's NumPy
    expressions on the CPU."""
    rng = np.random.default_rng(6)
    n = 1024 * 256 * 4 + 4099
    w0 = [rng.standard_normal(n).astype("float32"), rng.standard_normal(1001).astype("float32")]
    g = [rng.standard_normal(n).astype("float32"), rng.standard_normal(1002).astype("float32")]
    results = []
    for device in ("/GPU:0", "/CPU:0"):
        with tf.device(device):
            opt = _FUSED_OPTIMIZERS[name]()
            vs = [tf.Variable(w) for w in w0]
            for _ in range(2):
                grads = [tf.constant(g[0]), tf.constant(g[1])[1:]]
                if device == "/GPU:0":
                    assert grads[1]._value.data.ptr % 16      # a view one float in
                opt.apply_gradients(zip(grads, vs))
            results.append([v.numpy() for v in vs] + [s.numpy() for s in opt.variables])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(_FUSED_OPTIMIZERS))
def test_fused_optimizer_step_reads_a_strided_gradient_in_order(gpu_backend, name):
    """The one-launch kernel indexes its arrays as flat memory; a gradient that is a strided
    view (a transpose, as im2col's depthwise-kernel gradient is) must still be read in its
    logical order. Expected: rules.py's NumPy expressions on the CPU."""
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal((6, 4)).astype("float32")
    g = rng.standard_normal((4, 6)).astype("float32")
    results = []
    for device in ("/GPU:0", "/CPU:0"):
        with tf.device(device):
            opt = _FUSED_OPTIMIZERS[name]()
            v = tf.Variable(w0)
            for _ in range(2):
                grad = tf.transpose(tf.constant(g))
                assert not grad._value.flags.c_contiguous
                opt.apply_gradients([(grad, v)])
            results.append([v.numpy()] + [s.numpy() for s in opt.variables])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---- fused GPU kernels -----------------------------------------------------------------------

# (how x is made from a row-major array: as is, through its transpose, every other column)
_LAYOUTS = {"C": lambda xp, a: a, "T": lambda xp, a: xp.ascontiguousarray(a.T).T,
            "strided": lambda xp, a: xp.repeat(a, 2, axis=1)[:, ::2]}
_SMALL_PRODUCTS = [
    # (M, K, N, x's layout, y's layout, the kernel _kernels.matmul_kind picks)
    (512, 512, 10, "C", "C", "rows"), (513, 784, 1, "C", "C", "rows"),
    (37, 300, 16, "C", "T", "rows"), (1, 5, 3, "C", "C", "rows"),
    (512, 512, 10, "T", "C", "cols"), (301, 65, 7, "T", "strided", "cols"),
    (2, 1000, 1, "T", "C", "cols"),
    (512, 10, 512, "C", "T", "smallk"), (33, 1, 700, "C", "C", "smallk"),
    (9, 16, 257, "strided", "strided", "smallk"), (700, 3, 20, "T", "C", "smallk"),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("m, k, n, lx, ly, kind", _SMALL_PRODUCTS)
def test_products_with_a_small_side_are_within_the_summation_bound(gpu_backend, dtype, m, k,
                                                                   n, lx, ly, kind):
    """_kernels.matmul's three small-side kernels against the exact product (NumPy in float64
    on float64-exact inputs, or in extended precision for float64): any order of k additions
    with rounding unit u is within γ_k·Σ|x||y| of the exact sum, γ_k = k·u / (1 - k·u)
    (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), so that bound is the
    test's; tf.matmul with transposes as flags goes through the same kernel."""
    import cupy as cp
    from minitf import _kernels
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    xh = rng.standard_normal((m, k)).astype(dtype)
    yh = rng.standard_normal((k, n)).astype(dtype)
    x, y = _LAYOUTS[lx](cp, cp.asarray(xh)), _LAYOUTS[ly](cp, cp.asarray(yh))
    assert _kernels.matmul_kind(x, y) == kind
    exact = np.matmul(xh.astype(np.longdouble), yh.astype(np.longdouble))
    u = np.finfo(dtype).eps / 2
    bound = k * u / (1 - k * u) * np.matmul(np.abs(xh).astype(np.longdouble),
                                            np.abs(yh).astype(np.longdouble))
    got = cp.asnumpy(_kernels.matmul(x, y))
    assert got.dtype == dtype and got.shape == (m, n)
    assert np.all(np.abs(got - exact) <= bound)
    if "strided" not in (lx, ly):        # the op, given transposes as flags: the same kernel
        a = tf.constant(np.ascontiguousarray(xh.T) if lx == "T" else xh)
        b = tf.constant(np.ascontiguousarray(yh.T) if ly == "T" else yh)
        op = tf.matmul(a, b, transpose_a=lx == "T", transpose_b=ly == "T")
        assert np.array_equal(op.numpy(), got)



def _xent_cases():
    rng = np.random.default_rng(11)
    yield "random", rng.standard_normal((5, 10)) * 3, rng.integers(0, 10, 5)
    yield "one class", rng.standard_normal((4, 1)), np.zeros(4, np.int64)
    yield "many classes", rng.standard_normal((3, 1000)) * 5, np.array([0, 999, 517])
    yield "classes not a multiple of 32", rng.standard_normal((7, 33)), rng.integers(0, 33, 7)
    yield "ties", np.ones((3, 4)), np.array([0, 1, 3])
    yield "one huge logit", np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]]), \
        np.array([2, 1])
    yield "3-D logits", rng.standard_normal((2, 3, 5)), rng.integers(0, 5, (2, 3))
    yield "1-D logits", rng.standard_normal(6), np.array(4)
    yield "many rows", rng.standard_normal((513, 10)), rng.integers(0, 10, 513)


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(_xent_cases()), ids=lambda c: c[0])
def test_fused_sparse_xent_matches_numpy(gpu_backend, case, dtype, label_dtype):
    """TF's fused kernel (loss and softmax - onehot in one launch) on the GPU against the NumPy
    backend's separate array expressions, value and gradient, on identical inputs: ties, a
    huge logit (the max shift must keep exp finite), one class, more classes than a warp."""
    _, logits, labels = case
    w = np.random.default_rng(2).uniform(-2, 2, labels.shape)

    def run():
        x = tf.constant(logits, dtype=dtype)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=tf.constant(labels.astype(label_dtype)), logits=x)
            total = tf.reduce_sum(loss * tf.constant(w, dtype=dtype))
        return loss.numpy(), tape.gradient(total, x).numpy()

    v, g = run()
    with tf.device("/CPU:0"):
        ref_v, ref_g = run()
    rtol, atol = (1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-12)
    np.testing.assert_allclose(v, ref_v, rtol=rtol, atol=atol)
    np.testing.assert_allclose(g, ref_g, rtol=rtol, atol=atol)


def test_fused_sparse_xent_gives_nan_for_labels_out_of_range(gpu_backend):
    """TF's GPU kernel does not check labels (that would need the host): an out-of-range label
    gives NaN for that row's loss and gradient; the other rows are unaffected."""
    x = tf.constant([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2, 3, -1], logits=x)
    g = tape.gradient(loss, x).numpy()
    v = loss.numpy()
    np.testing.assert_allclose(v[0], np.log(np.exp([1.0, 2.0, 3.0]).sum()) - 3.0, rtol=1e-6)
    assert np.isnan(v[1:]).all() and np.isnan(g[1:]).all() and np.isfinite(g[0]).all()


def test_fused_kernels_off_give_the_same_training(gpu_backend, monkeypatch):
    """MINITF_FUSED_KERNELS=0 (for measuring what they save) runs the separate array
    expressions; the training run agrees with the fused one to float32 rounding."""
    from minitf import _kernels
    fused_l, fused_w, _ = _traced_training(False, "adam")
    monkeypatch.setattr(_kernels, "_ENABLED", [False])
    plain_l, plain_w, _ = _traced_training(False, "adam")
    np.testing.assert_allclose(fused_l, plain_l, rtol=1e-5)
    for a, b in zip(fused_w, plain_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


_SUM_CASES = [((7,), None), ((7,), (0,)), ((), None), ((1,), (0,)), ((33, 70), (0,)),
              ((33, 70), (1,)), ((33, 70), None), ((4, 5, 6), (1,)), ((4, 5, 6), (0, 1)),
              ((4, 5, 6), (1, 2)), ((2, 3, 4, 5), (1, 2)), ((512, 3), (0,)), ((3, 2000), (1,))]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,axes", _SUM_CASES, ids=str)
def test_small_sums_and_means_match_numpy(gpu_backend, shape, axes, dtype, keepdims):
    """GPU sums and means (leading, trailing, middle and all axes; one element; more columns
    than a block) against the NumPy backend, values and gradients. Positive addends, so the
    float32 bound for sums in another order is relative rounding (under 1e-5 for these
    lengths), not cancellation."""
    x = np.random.default_rng(1).uniform(0.5, 1.5, shape)

    def run():
        t = tf.constant(x, dtype=dtype)
        with tf.GradientTape() as tape:
            tape.watch(t)
            s = tf.reduce_sum(t, axis=axes, keepdims=keepdims)
            m = tf.reduce_mean(t, axis=axes, keepdims=keepdims)
            total = tf.reduce_sum(s * s) + tf.reduce_sum(m)
        return s.numpy(), m.numpy(), tape.gradient(total, t).numpy()

    got = run()
    with tf.device("/CPU:0"):
        want = run()
    # Over leading axes (Dense's bias gradient) the GPU kernel adds rows in NumPy's order: the
    # same bits. Other sums are CuPy's, in another order.
    exact = axes is not None and axes[0] == 0 and int(np.prod(shape[len(axes):])) >= 2
    rtol = 0 if exact else 1e-5 if dtype == "float32" else 1e-12
    for a, b in zip(got, want):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=0)
