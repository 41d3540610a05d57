"""Comparing minitf with TensorFlow on identical inputs: the shared machinery behind
``python -m minitf parity`` and the ``parity/`` test suite.

Tolerances (docs/parity.md explains them):

* float64: relative 1e-12, absolute 1e-12. Both frameworks compute in IEEE double; what differs
  is summation order in reductions and matmuls, a few ulp.
* float32: relative 1e-5, absolute 1e-6, the bound TF_SEMANTICS §0 measured for TF's own
  float32 kernels (Eigen's exp/tanh/sigmoid are up to 6 ulp from correctly rounded; oneDNN sums
  matmuls in another order).
"""
from __future__ import annotations

import numpy as np

from .. import nest
from .op_specs import SPECS, OpSpec

TOL = {"float64": (1e-12, 1e-12), "float32": (1e-5, 1e-6)}
# Complex values are compared by the modulus of the difference (NumPy's allclose on complex
# arrays), against the modulus of the expected value. A complex product's components are
# sums of two real products, each rounded in the real type, so each component errs by a few
# ulp of |x|·|y| = |x·y|: the real type's bound, applied to the modulus, covers it.
TOL["complex64"], TOL["complex128"] = TOL["float32"], TOL["float64"]


def tolerance(dtype: str, spec: OpSpec | None = None) -> tuple:
    """(rtol, atol) for one comparison: the dtype's rule, or an op's own float32 atol where
    its spec states one with its derivation (the one rule every checker uses)."""
    rtol, atol = TOL[dtype]
    if dtype == "float32" and spec is not None and spec.atol32 is not None:
        atol = spec.atol32
    return rtol, atol


def import_tensorflow():
    """Import TensorFlow quietly, or raise ImportError saying how to install it."""
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf  # noqa: PLC0415 - optional dependency
    except ImportError as e:
        raise ImportError("TensorFlow is not installed; install it with "
                          "`pip install 'minitf[parity]'` (tensorflow-cpu 2.21).") from e
    tf.get_logger().setLevel("ERROR")
    return tf


def run_spec(fw, spec: OpSpec, arrays: list, w: np.ndarray, dtype: str):
    """Value of the op and the gradients of sum(value · w), as NumPy arrays (None kept)."""
    dt = getattr(fw, dtype)
    xs = [fw.constant(np.asarray(a, dtype=dtype), dtype=dt) for a in arrays]
    with fw.GradientTape() as tape:
        tape.watch(xs)
        y = spec.fn(fw, *xs)
        loss = fw.reduce_sum(y * fw.constant(np.asarray(w, dtype=dtype), dtype=dt))
    grads = tape.gradient(loss, xs)
    # TF returns gather's gradient as IndexedSlices; densify it (duplicates summed).
    grads = [g if g is None or not hasattr(g, "indices") else fw.convert_to_tensor(g)
             for g in grads]
    return y.numpy(), [None if g is None else np.asarray(g) for g in grads]


def diff(a, b):
    """(max absolute difference, max relative difference, mismatch-in-kind message or None)."""
    if a is None or b is None:
        return 0.0, 0.0, None if a is None and b is None else "None vs value"
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return np.inf, np.inf, f"shape {a.shape} vs {b.shape}"
    same_special = (np.isnan(a) & np.isnan(b)) | ((a == b) & ~np.isfinite(a))
    if np.any((~np.isfinite(a) | ~np.isfinite(b)) & ~same_special):
        return np.inf, np.inf, "nan/inf differ"
    ok = ~same_special
    if not ok.any():
        return 0.0, 0.0, None
    d = np.abs(a[ok] - b[ok])
    rel = d / np.maximum(np.abs(b[ok]), np.finfo(np.float64).tiny)
    return float(d.max()), float(rel.max()), None


def within(a, b, rtol: float, atol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def flatten_result(r) -> list:
    """Numbers of a tutorial case's result, in order (tensors and Variables become arrays)."""
    out = []
    for leaf in nest.flatten(r):
        if leaf is None:
            out.append(None)
        elif hasattr(leaf, "numpy"):
            out.append(np.asarray(leaf.numpy()))
        else:
            out.append(np.asarray(leaf))
    return out


def seeded_inputs(spec: OpSpec, seed: int):
    """Deterministic inputs for a spec (used by the report; the tests draw with hypothesis)."""
    rng = np.random.default_rng(seed)
    if spec.shapes is None:
        shapes = [(3, 4)] * spec.arity
    elif spec.shapes == "broadcast":
        shapes = [(3, 1, 4), (2, 4)][:spec.arity]
    else:
        shapes = [tuple(s) for s in spec.shapes]
    lo, hi = spec.domain
    arrays = []
    for s in shapes:
        a = rng.uniform(lo, hi, size=s)
        for p in spec.away_from:
            a = np.where(np.abs(a - p) < 1e-2, a + 0.05, a)
        arrays.append(a)
    if spec.no_ties:
        flat = np.concatenate([a.ravel() for a in arrays])
        flat = rng.permutation(np.linspace(lo, hi, flat.size))
        i = 0
        for k, a in enumerate(arrays):
            arrays[k] = flat[i:i + a.size].reshape(a.shape)
            i += a.size
    return arrays


def trajectory_tolerance(want: list, exact: list) -> tuple:
    """(rtol, atol) for a float32 training trajectory against the reference's float32 result
    ``want``, given the reference's float64 run of the same trajectory, ``exact``.

    A float32 trajectory cannot be held to the op bound. Each of its 100 steps rounds
    the weights by a few ulp and the optimizer carries every rounding forward: momentum sums
    the last ~1/(1 - beta) of them, and centered RMSprop divides by
    sqrt(E[g^2] - E[g]^2 + eps), a difference that cancels when the gradients agree, so
    there rounding is multiplied by up to lr/sqrt(eps) (16 here). How far float32 drifts
    from exact arithmetic is measured rather than guessed: E = max|ref float32 - ref
    float64| over the trajectory, the reference's own float32 error on the machine that
    computed it (float64 agrees with exact arithmetic to ~1e-15 there). Two float32
    implementations that each stay within E of the exact trajectory are within 2E of each
    other (the triangle inequality through it), so atol = max(1e-6, 2E), rtol 1e-5. It
    fails when minitf's float32 error grows past TensorFlow's own; docs/parity.md lists
    the measured E, minitf's distance and TensorFlow's spread across processors."""
    drift = max((float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
                 for a, b in zip(want, exact) if a is not None and np.size(a)), default=0.0)
    rtol, atol = TOL["float32"]
    return rtol, max(atol, 2 * drift)


class Case:
    """One cross-check: ``compute(fw)`` returns a list of arrays (or None) for a framework
    module ``fw``; minitf's list is compared with TensorFlow's (live, or recorded goldens).

    ``tol`` is the fixed (rtol, atol); a float32 training trajectory instead names its float64
    twin as ``exact`` and takes its bound from the reference's own float32 error (``bound``)."""

    def __init__(self, name: str, dtype: str, compute, tol: tuple | None = None,
                 exact: "Case | None" = None):
        self.name, self.dtype, self.compute = name, dtype, compute
        self.tol = tol or tolerance(dtype)
        self.exact = exact

    @property
    def key(self) -> str:
        return f"{self.name}|{self.dtype}"

    def bound(self, want: list, exact: list | None = None) -> tuple:
        """(rtol, atol) against the reference result ``want``; ``exact`` is the reference's
        result for the float64 twin, if the case has one (see `trajectory_tolerance`)."""
        return self.tol if exact is None else trajectory_tolerance(want, exact)


def check(case: Case, got: list, ref) -> tuple:
    """Compare minitf's result ``got`` for ``case`` with the reference ``ref`` (a results
    function): (max abs difference, max rel difference, passed, (rtol, atol) used)."""
    want = ref(case)
    tol = case.bound(want, ref(case.exact) if case.exact is not None else None)
    return (*compare(got, want, tol), tol)


def _spec_case(i, spec, dtype):
    def compute(fw):
        import minitf
        arrays = seeded_inputs(spec, i)
        shape = run_spec(minitf, spec, arrays, 1.0, dtype)[0].shape
        w = np.random.default_rng(1000 + i).uniform(-2, 2, size=shape)
        v, g = run_spec(fw, spec, arrays, w, dtype)
        return [v] + g
    return Case(f"op {spec.name}", dtype, compute, tolerance(dtype, spec))


def _kink_case(spec, k, kink):
    def compute(fw):
        import minitf
        arrays = [np.array(a, dtype=np.float64) for a in kink]
        w = np.ones(run_spec(minitf, spec, arrays, 1.0, "float32")[0].shape)
        v, g = run_spec(fw, spec, arrays, w, "float32")
        return [v] + g
    return Case(f"kink {spec.name} #{k}", "float32", compute, tolerance("float32", spec))


def _tutorial_case(fn):
    return Case(f"tutorial {fn.__name__}", "float32", lambda fw: flatten_result(fn(fw)))


def _trajectory_cases(model, opt):
    """The float64 trajectory and its float32 twin, whose bound comes from it (Case.bound)."""
    def run_in(dtype):
        def compute(fw):
            from .trajectory_cases import run
            losses, weights = run(fw, model, opt, dtype, steps=100)
            return [losses] + weights
        return compute
    name = f"trajectory {model} {opt}"
    exact = Case(name, "float64", run_in("float64"))
    return [Case(name, "float32", run_in("float32"), exact=exact), exact]


def cases() -> list:
    """Every curated cross-check: each op on seeded inputs in both dtypes, each kink, the
    tutorials' examples, and Keras training trajectories."""
    from .trajectory_cases import OPTIMIZERS
    from .tutorial_cases import CASES
    out = []
    for i, spec in enumerate(SPECS):
        out += [_spec_case(i, spec, dt) for dt in ("float32", "float64")]
        out += [_kink_case(spec, k, kink) for k, kink in enumerate(spec.kinks)]
    out += [_tutorial_case(fn) for fn in CASES]
    for name, _, _ in OPTIMIZERS:
        out += _trajectory_cases("tutorial_mlp", name)
    out += _trajectory_cases("classifier", "adam")
    out += _trajectory_cases("classifier", "nadam_wd_clipvalue")
    return out


def compare(got: list, want: list, tol: tuple):
    """(largest abs difference, largest rel difference, passed) at ``tol`` = (rtol, atol)."""
    rtol, atol = tol
    worst_abs = worst_rel = 0.0
    ok = len(got) == len(want)
    for a, b in zip(got, want):
        da, dr, kind = diff(a, b)
        worst_abs, worst_rel = max(worst_abs, da), max(worst_rel, dr)
        ok &= kind is None and within(a, b, rtol, atol)
    return worst_abs, worst_rel, bool(ok)


# ---- recorded TensorFlow results ("goldens") --------------------------------------------------

def _packaged_goldens() -> str:
    """Where the recording lies: package data inside minitf (minitf/goldens/tensorflow.npz),
    found through importlib.resources so that an installed minitf (``pip install .``) finds
    it from any working directory, not only a checkout."""
    from importlib.resources import files
    return str(files("minitf").joinpath("goldens").joinpath("tensorflow.npz"))


GOLDENS = _packaged_goldens()


def record_goldens(path: str = GOLDENS) -> str:
    """Run every case with TensorFlow and write the results (and TF's version) to ``path``
    atomically. Run it where TensorFlow is installed: ``python -m minitf parity --record``."""
    import json
    import os
    import tempfile
    tf = import_tensorflow()
    arrays, index = {}, {}
    for n, case in enumerate(cases()):
        result = case.compute(tf)
        index[case.key] = [None if r is None else f"{n:04d}_{j}" for j, r in enumerate(result)]
        for j, r in enumerate(result):
            if r is not None:
                arrays[f"{n:04d}_{j}"] = np.asarray(r)
    meta = {"tensorflow": tf.__version__, "numpy": np.__version__, "index": index}
    arrays["__meta__"] = np.array(json.dumps(meta))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".npz", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


class Goldens:
    """Recorded TensorFlow results, looked up by case."""

    def __init__(self, path: str = GOLDENS):
        import json
        with np.load(path, allow_pickle=False) as data:
            self._arrays = {k: data[k] for k in data.files if k != "__meta__"}
            meta = json.loads(str(data["__meta__"]))
        self.version, self._index = meta["tensorflow"], meta["index"]

    def __contains__(self, case) -> bool:
        return case.key in self._index

    def result(self, case) -> list:
        return [None if k is None else self._arrays[k] for k in self._index[case.key]]


def reference():
    """(name, results-for-case function): live TensorFlow if installed, else the goldens.
    Live results are computed once per case (a float32 trajectory's bound reads its float64
    twin's result as well)."""
    try:
        tf = import_tensorflow()
    except ImportError:
        g = Goldens()
        return (f"recorded TensorFlow {g.version} results (minitf/goldens; TensorFlow is not "
                f"installed here)", g.result)
    memo = {}

    def live(case):
        if case.key not in memo:
            memo[case.key] = case.compute(tf)
        return memo[case.key]
    return f"TensorFlow {tf.__version__}", live


def plot_curves(curves: dict, path: str) -> str:
    """Draw, per float32 training trajectory, |minitf loss - TF loss| at each step on a log
    scale beside the bound it is held to (atol + rtol·|TF loss|), as one PNG written atomically.
    Overlaid loss curves would look identical at this scale; the difference is what the check is
    about. A failing case has a red title. ``curves``: name -> (minitf losses, TF losses,
    (rtol, atol), passed). Returns a message."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ("matplotlib is not installed, so no trajectory plot was written "
                "(pip install 'minitf[plot]').")
    import os
    import tempfile
    names = sorted(curves)
    cols = 4
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        mine, theirs, (rtol, atol), ok = curves[name]
        mine, theirs = np.asarray(mine, np.float64), np.asarray(theirs, np.float64)
        steps = np.arange(1, len(theirs) + 1)
        d = np.abs(mine - theirs)
        # a log scale has no zero: bit-equal steps are counted in the legend instead of drawn
        ax.plot(steps[d > 0], d[d > 0], ".", ms=3, color="k",
                label=f"|minitf - TF| ({int(np.sum(d == 0))} steps equal)")
        ax.plot(steps, atol + rtol * np.abs(theirs), lw=1.5, ls="--", color="tab:red",
                label="bound")
        ax.set_title(name + ("" if ok else "  FAIL"), fontsize=9,
                     color="black" if ok else "red")
        ax.set_yscale("log")
        ax.set_ylim(1e-10, 1e-3)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    for ax in list(axes.flat)[:len(names)]:
        ax.legend(fontsize=6, loc="upper right")
    fig.suptitle("Per-step training loss, float32: |minitf - TensorFlow/Keras| against the bound")
    fig.tight_layout()
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=directory)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=80)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return f"trajectory plot written to {path}"


def _umask() -> int:
    import os
    mask = os.umask(0)
    os.umask(mask)
    return mask


def report(out=print, png: str | None = "parity-trajectories.png") -> int:
    """Run the curated cross-checks and print a table. Returns the exit status."""
    import time
    import minitf
    try:
        ref_name, ref = reference()
    except (ImportError, OSError) as e:
        out(f"{e}\nNo recorded results were found either: install TensorFlow "
            f"(pip install 'minitf[parity]').")
        return 2
    t0 = time.perf_counter()
    rows, curves = [], {}
    # The recorded results are strict float32; on a GPU, TF32 (on by default, as in TF) would
    # round matmul operands to 10-bit mantissas, so the check runs with it off, as TF's were
    tf32 = minitf.config.experimental.tensor_float_32_execution_enabled()
    minitf.config.experimental.enable_tensor_float_32_execution(False)
    try:
        computed = [(case, case.compute(minitf)) for case in cases()]
    finally:
        minitf.config.experimental.enable_tensor_float_32_execution(tf32)
    for case, got in computed:
        da, dr, ok, (rtol, atol) = check(case, got, ref)
        want = ref(case)
        rows.append((case.name, case.dtype, da, dr, f"{rtol:g}/{atol:g}", ok))
        if case.name.startswith("trajectory") and case.dtype == "float32":
            curves[case.name[len("trajectory "):]] = (got[0], want[0], (rtol, atol), ok)
    width = max(len(r[0]) for r in rows)
    out(f"minitf {minitf.__version__} ({minitf.get_backend()} backend) vs {ref_name} "
        f"(numpy {np.__version__})")
    out(f"{'case':<{width}}  dtype    max|abs diff|  max rel diff  tolerance    result")
    for case, dtype, da, dr, tol, ok in rows:
        out(f"{case:<{width}}  {dtype:<7}  {da:12.3e}  {dr:12.3e}  {tol:<11}  "
            f"{'pass' if ok else 'FAIL'}")
    failed = sum(not r[-1] for r in rows)
    if png:
        out(plot_curves(curves, png))
    out(f"{len(rows) - failed} passed, {failed} failed "
        f"({time.perf_counter() - t0:.1f} s)")
    return 0 if failed == 0 else 1
