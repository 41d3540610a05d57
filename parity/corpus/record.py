"""Record TensorFlow's goldens: ``python -m parity.corpus.record [source or case id ...]``.

Runs each case under real TensorFlow (all cases of the named sources, or of every source when
none is named) in this one process, and writes ``goldens/<source>.json``. Goldens of case files
that no longer exist are dropped.

Settings, fixed here so the goldens do not depend on the recording machine:
``TF_ENABLE_ONEDNN_OPTS=0`` makes TensorFlow use its Eigen CPU kernels instead of oneDNN's,
which choose their instructions (AVX-512, AVX2, SSE4.1) at run time and so may round
differently on another processor; ``TF_CPP_MIN_LOG_LEVEL=3`` keeps C++ log lines out of the
captured output; ``CUDA_VISIBLE_DEVICES=""`` keeps a GPU out of it.
"""
from __future__ import annotations

import os
import sys

SETTINGS = {"TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def main(argv: list[str]) -> int:
    """Record the named sources/cases (all when none); print one line per case."""
    for k, v in SETTINGS.items():
        if os.environ.get(k) != v:
            # TensorFlow reads these at import: start again with them set.
            os.environ.update(SETTINGS)
            os.execv(sys.executable, [sys.executable, "-m", "parity.corpus.record", *argv])
    import keras
    import numpy
    import tensorflow as tf

    from . import goldens
    from .cases import discover, sources
    from .normalise import mask_volatile
    from .runner import run_case

    tf.get_logger().setLevel("ERROR")
    todo = discover(argv or None)
    if argv and not todo:
        print(f"no cases match {argv}; sources: {sources()}", file=sys.stderr)
        return 2
    meta = {"tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__, "settings": SETTINGS}
    by_source: dict[str, dict] = {}
    for case in todo:
        data = by_source.setdefault(case.source, goldens.load(case.source))
        outcome = run_case(case.path, "tensorflow")
        data["cases"][case.name] = {"stdout": mask_volatile(outcome.stdout),
                                    "error": outcome.error, "message": outcome.message,
                                    "sha256": case.sha256}
        print(f"{case.id}: {outcome.error or 'ok'}", flush=True)
    for source, data in by_source.items():
        existing = {c.name for c in discover([source])}
        data["cases"] = {k: v for k, v in data["cases"].items() if k in existing}
        data["_meta"] = meta
        goldens.save(source, data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
