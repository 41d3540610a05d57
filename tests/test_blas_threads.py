"""BLAS threads (issue 16 §7): minitf limits NumPy's BLAS to one thread fewer than the usable
cores (a busy neighbour process otherwise makes OpenBLAS's threads stall each other: numbers in
benchmarks/README.md), leaves a user's own OPENBLAS/OMP/MKL setting alone, and is overridable by
MINITF_BLAS_THREADS and tf.config.threading.set_intra_op_parallelism_threads."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

threadpool_info = pytest.importorskip("threadpoolctl").threadpool_info   # a minitf dependency

import minitf as tf
from minitf import _blas

USER_VARS = ("MINITF_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


@pytest.fixture
def clean_env(monkeypatch):
    for v in USER_VARS:
        monkeypatch.delenv(v, raising=False)
    return monkeypatch


@pytest.mark.parametrize("cores, want", [(1, 1), (2, 1), (8, 7), (64, 63)])
def test_policy_leaves_one_core_free(clean_env, cores, want):
    clean_env.setattr(_blas, "usable_cores", lambda: cores)
    assert _blas.policy_threads() == want


@pytest.mark.parametrize("var", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_a_users_own_blas_setting_is_left_alone(clean_env, var):
    clean_env.setenv(var, "4")
    assert _blas.policy_threads() is None


def test_minitf_variable_overrides_everything(clean_env):
    clean_env.setenv("OPENBLAS_NUM_THREADS", "4")
    clean_env.setenv("MINITF_BLAS_THREADS", "3")
    assert _blas.policy_threads() == 3
    clean_env.setenv("MINITF_BLAS_THREADS", "0")
    assert _blas.policy_threads() is None
    clean_env.setenv("MINITF_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="MINITF_BLAS_THREADS"):
        _blas.policy_threads()


def test_import_applies_the_policy_in_a_fresh_process():
    env = {k: v for k, v in os.environ.items() if k not in USER_VARS}
    code = ("import minitf, threadpoolctl, os\n"
            "n = max(i['num_threads'] for i in threadpoolctl.threadpool_info()"
            " if i['user_api'] == 'blas')\n"
            "print(n, len(os.sched_getaffinity(0)))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    threads, cores = int(out[0]), int(out[1])
    assert threads == max(1, cores - 1)


def test_intra_op_threads_set_the_blas_and_zero_returns_to_the_policy(clean_env):
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    try:
        tf.config.threading.set_intra_op_parallelism_threads(2)
        assert blas_threads() == 2
        assert tf.config.threading.get_intra_op_parallelism_threads() == 2
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert blas_threads() == 1
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(0)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    assert blas_threads() == max(1, _blas.usable_cores() - 1)


@pytest.mark.parametrize("bad", [1.5, "2", None])
def test_intra_op_threads_reject_non_integers_with_tfs_type_error(bad):
    with pytest.raises(TypeError):
        tf.config.threading.set_intra_op_parallelism_threads(bad)
