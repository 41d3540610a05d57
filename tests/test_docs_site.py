"""The docs site (mkdocs.yml): it builds with `mkdocs build --strict` (no broken link, no page
left out of the nav), and the learning path comes first, in the issue's order. The pages' code
runs as doctests under `pytest docs`; this file checks the site around them."""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LEARN = ["01-chain-rule", "02-explain-cli", "03-graph", "04-vjp-adjoints", "05-broadcasting",
         "06-higher-order", "07-jacobians", "08-custom-gradients", "09-forward-mode",
         "10-tf-function"]

pytest.importorskip("mkdocs", reason="the docs extra (pip install -e .[docs]) builds the site")


def build(root: pathlib.Path, out: pathlib.Path) -> subprocess.CompletedProcess:
    # no -q: a quiet build does not count the warnings that --strict turns into failures
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(root / "mkdocs.yml"), "-d", str(out)],
                          capture_output=True, text=True, timeout=120)


def nav_pages() -> list:
    import yaml      # mkdocs depends on PyYAML
    def walk(items):
        for item in items:
            for value in (item.values() if isinstance(item, dict) else [item]):
                yield from walk(value) if isinstance(value, list) else [value]
    return list(walk(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]))


def test_site_builds_strict_with_every_page(tmp_path):
    r = build(ROOT, tmp_path / "site")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "site" / "learn" / "01-chain-rule" / "index.html").read_text()
    assert "6·w1 + 2·w2 = 36" in page
    for name in LEARN:
        assert (tmp_path / "site" / "learn" / name / "index.html").exists()


def test_learning_path_comes_first_in_order_and_nav_is_complete():
    pages = nav_pages()
    learn = [p for p in pages if p.startswith("learn/")]
    assert learn == [f"learn/{n}.md" for n in LEARN]
    assert pages.index(learn[0]) == 1                 # right after the home page
    on_disk = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(pages) == on_disk


def test_every_learning_page_ends_with_a_checked_exercise():
    for name in LEARN:
        text = (ROOT / "docs" / "learn" / f"{name}.md").read_text()
        exercise = text.split("## Exercise", 1)[1]
        assert ">>> answer = " in exercise and "== answer" in exercise and "True" in exercise


def test_strict_build_fails_on_a_page_missing_from_the_nav(tmp_path):
    # the check above is only worth something if --strict really refuses an omitted page
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", copy / "docs")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    (copy / "docs" / "stray.md").write_text("# stray\n")
    r = build(copy, tmp_path / "site")
    assert r.returncode != 0 and "stray.md" in r.stderr
