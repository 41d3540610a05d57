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

from . import nest
from .op_specs import SPECS, OpSpec

TOL = {"float64": (1e-12, 1e-12), "float32": (1e-5, 1e-6)}


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


def trajectory_rows(tf, add, curves: dict) -> None:
    """Keras training trajectories: every optimizer on the tutorial MLP in float32 and float64,
    and Adam on the classifier; per-step losses and final weights compared."""
    import minitf
    from .trajectory_cases import OPTIMIZERS, run
    cases = [("tutorial_mlp", name, dt) for name, _, _ in OPTIMIZERS
             for dt in ("float32", "float64")]
    cases += [("classifier", "adam", "float32"), ("classifier", "nadam_wd_clipvalue", "float64")]
    for model, opt, dtype in cases:
        ml, mw = run(minitf, model, opt, dtype, steps=100)
        tl, tw = run(tf, model, opt, dtype, steps=100)
        add(f"trajectory {model} {opt}", [ml] + mw, [tl] + tw, dtype)
        if dtype == "float32":
            curves[f"{model} {opt}"] = (ml, tl)


def plot_curves(curves: dict, path: str) -> str:
    """Overlay minitf's and TF's loss curves in one PNG (written atomically). Returns a message."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ("matplotlib is not installed, so no loss-curve plot was written "
                "(pip install 'minitf[plot]').")
    import os
    import tempfile
    names = sorted(curves)
    cols = 4
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        mine, theirs = curves[name]
        ax.plot(theirs, lw=3, alpha=0.5, label="TensorFlow / Keras")
        ax.plot(mine, lw=1, color="k", label="minitf")
        ax.set_title(name, fontsize=9)
        ax.set_yscale("log")
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Per-step training loss, float32: minitf over Keras")
    fig.tight_layout()
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=directory)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=80)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return f"loss curves written to {path}"


def report(out=print, png: str | None = "parity-trajectories.png") -> int:
    """Run the curated cross-checks and print a table. Returns the exit status."""
    import time
    import minitf
    try:
        tf = import_tensorflow()
    except ImportError as e:
        out(str(e))
        return 2
    t0 = time.perf_counter()
    rows = []

    def add(case, got, want, dtype):
        rtol, atol = TOL[dtype]
        worst_abs = worst_rel = 0.0
        ok = True
        for a, b in zip(got, want):
            da, dr, kind = diff(a, b)
            worst_abs, worst_rel = max(worst_abs, da), max(worst_rel, dr)
            ok &= kind is None and within(a, b, rtol, atol)
        ok &= len(got) == len(want)
        rows.append((case, dtype, worst_abs, worst_rel, f"{rtol:g}/{atol:g}", ok))

    for i, spec in enumerate(SPECS):
        arrays = seeded_inputs(spec, i)
        for dtype in ("float32", "float64"):
            val_shape = run_spec(minitf, spec, arrays, 1.0, dtype)[0].shape
            w = np.random.default_rng(1000 + i).uniform(-2, 2, size=val_shape)
            mv, mg = run_spec(minitf, spec, arrays, w, dtype)
            tv, tg = run_spec(tf, spec, arrays, w, dtype)
            add(f"op {spec.name}", [mv] + mg, [tv] + tg, dtype)
        for k, kink in enumerate(spec.kinks):
            arrays_k = [np.array(a, dtype=np.float64) for a in kink]
            mv, _ = run_spec(minitf, spec, arrays_k, 1.0, "float32")
            w = np.ones(mv.shape)
            mv, mg = run_spec(minitf, spec, arrays_k, w, "float32")
            tv, tg = run_spec(tf, spec, arrays_k, w, "float32")
            add(f"kink {spec.name} #{k}", [mv] + mg, [tv] + tg, "float32")
    from .tutorial_cases import CASES
    for case in CASES:
        add(f"tutorial {case.__name__}", flatten_result(case(minitf)),
            flatten_result(case(tf)), "float32")
    curves: dict = {}
    trajectory_rows(tf, add, curves)

    width = max(len(r[0]) for r in rows)
    out(f"minitf {minitf.__version__} vs TensorFlow {tf.__version__} "
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
