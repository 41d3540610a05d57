"""Packaging (issue 16 §6): what `pip install .` ships and what `python -m minitf` answers.

The goldens (TensorFlow's recorded results, which `python -m minitf parity` falls back to where
TensorFlow is not installed) and the PEP 561 marker `py.typed` are package data, so an installed
minitf finds them from any working directory, not only inside a checkout."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

import minitf
from minitf import cli
from minitf.checks.parity_check import GOLDENS, Goldens

ROOT = Path(__file__).resolve().parent.parent


def test_goldens_are_package_data_found_through_importlib_resources():
    packaged = files("minitf").joinpath("goldens").joinpath("tensorflow.npz")
    assert packaged.is_file()
    # GOLDENS is that resource, not a path into the checkout's parity/ folder.
    assert Path(GOLDENS).resolve() == Path(str(packaged)).resolve()
    assert Path(GOLDENS).resolve().parent.parent == Path(minitf.__file__).resolve().parent
    with np.load(GOLDENS, allow_pickle=False) as data:
        assert "__meta__" in data.files
    assert Goldens().version.startswith("2.")


def test_py_typed_marker_is_in_the_package():
    assert files("minitf").joinpath("py.typed").is_file()


def test_pyproject_declares_license_and_package_data():
    tomllib = pytest.importorskip("tomllib")   # Python 3.11+
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = meta["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert project["authors"] and project["classifiers"]
    data = meta["tool"]["setuptools"]["package-data"]["minitf"]
    assert "py.typed" in data and "goldens/*.npz" in data
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 the minitf developers" in text


def test_no_command_prints_help_and_succeeds(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m minitf")
    for command in ("parity", "explain", "conventions", "train"):
        assert command in out


def test_version_flag_prints_the_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"minitf {minitf.__version__}"


def _setuptools_with_spdx_license() -> bool:
    """pyproject.toml's ``license = "MIT"`` needs setuptools 77 or later."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools
    return int(setuptools.__version__.split(".")[0]) >= 77


@pytest.mark.skipif(not _setuptools_with_spdx_license(),
                    reason="building offline needs setuptools>=77 in this environment")
def test_wheel_contains_goldens_py_typed_and_license(tmp_path):
    # Build from a copy, so the checkout gets no build/ or egg-info from the test.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "minitf", src / "minitf",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out), str(src)],
                   check=True, timeout=120, env={**os.environ, "PIP_NO_INPUT": "1"})
    (wheel,) = out.glob("minitf-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "minitf/goldens/tensorflow.npz" in names
    assert "minitf/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    _check_installed_wheel(wheel, tmp_path)


# Run in a fresh interpreter, from a directory outside the checkout, with the installed copy:
# the checkout's editable-install finder is removed (a plain `pip install` has none) and
# TensorFlow is made unimportable, so `parity` must fall back to the goldens inside the
# installed package. Only the op cases run (the trajectories take most of the 16 s the whole
# table needs); the path exercised is the same.
_RUN_INSTALLED = """
import runpy, sys
site = sys.argv[1]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
sys.path.insert(0, site)
sys.modules["tensorflow"] = None
import minitf
assert minitf.__file__.startswith(site), minitf.__file__
from minitf.checks import parity_check
every = parity_check.cases
parity_check.cases = lambda: [c for c in every() if c.name.startswith("op ")]
sys.argv = ["python -m minitf"] + sys.argv[2:]
runpy.run_module("minitf", run_name="__main__")
"""


def _check_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(site), str(wheel)], check=True, timeout=120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args):
        return subprocess.run([sys.executable, "-c", _RUN_INSTALLED, str(site), *args],
                              cwd=elsewhere, capture_output=True, text=True, timeout=300)

    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"minitf {minitf.__version__}", r.stderr
    r = run()
    assert r.returncode == 0 and r.stdout.startswith("usage: python -m minitf"), r.stderr
    r = run("parity", "--png", "")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "recorded TensorFlow" in r.stdout and "TensorFlow is not installed here" in r.stdout
    passed, failed = r.stdout.strip().splitlines()[-1].split(" passed, ")
    assert int(passed) > 50 and failed.startswith("0 failed"), r.stdout[-2000:]
