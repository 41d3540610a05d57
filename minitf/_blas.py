"""How many threads NumPy's BLAS (OpenBLAS, MKL, ...) may use: minitf's policy.

Why minitf sets it: OpenBLAS starts one thread per usable core and its threads wait for each
other inside every matmul. When another process keeps even one core busy, the thread sharing
that core stalls the rest, and a training step becomes 10-50x slower (benchmarks/README.md,
"BLAS threads": a 2-core machine's Keras step went from 9 ms to 128 ms). TensorFlow's own
thread pool does not suffer this. One thread fewer than the usable cores removes the stall and,
on a quiet machine, costs little or nothing (the same table).

The policy, applied once when minitf is imported:

* ``MINITF_BLAS_THREADS=n`` in the environment: n threads; ``0`` leaves the BLAS alone.
* otherwise, if ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is set, the
  user has chosen already and minitf leaves the BLAS alone;
* otherwise ``max(1, usable cores - 1)``.

At run time ``tf.config.threading.set_intra_op_parallelism_threads(n)`` (TF's knob for the
threads one op may use) sets n BLAS threads; 0 goes back to the policy above. The limit is the
process's: NumPy code outside minitf shares the same BLAS.
"""
from __future__ import annotations

import os

_USER_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_state = {"requested": 0, "original": None}


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def policy_threads() -> int | None:
    """The thread count the policy picks, or None for "leave the BLAS as it is"."""
    value = os.environ.get("MINITF_BLAS_THREADS", "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"MINITF_BLAS_THREADS must be a whole number of threads (0 leaves "
                             f"the BLAS alone), got {value!r}") from None
        return n if n > 0 else None
    if any(os.environ.get(v) for v in _USER_VARIABLES):
        return None
    return max(1, usable_cores() - 1)


def _limit(n: int | None) -> None:
    """Set the BLAS libraries' thread count to n (None: back to what they had at import)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:   # a dependency, but an optimisation only: never fail an import on it
        return
    if _state["original"] is None:
        _state["original"] = {i["internal_api"]: i["num_threads"] for i in threadpool_info()
                              if i["user_api"] == "blas"}
    if n is None:
        for api, threads in _state["original"].items():
            threadpool_limits(limits={api: threads})
        return
    threadpool_limits(limits=n, user_api="blas")


def apply_policy() -> None:
    """Apply the import-time policy (module docstring)."""
    _limit(policy_threads())


def set_threads(n: int) -> None:
    """``n`` BLAS threads from now on; 0 (or, as TF accepts it, a negative n) returns to the
    policy's choice. A non-integer is TF's TypeError."""
    import operator
    n = operator.index(n)   # TypeError: 'float' object cannot be interpreted as an integer
    _state["requested"] = n
    _limit(n if n > 0 else policy_threads())


def requested_threads() -> int:
    """What ``set_threads`` was last given (0: the policy decides), as TF reports its setting."""
    return _state["requested"]
