"""Generate the learning path's notebooks from its pages: docs/learn/NN-name.md -> NN-name.ipynb.

The pages are the source (their code runs as doctests in CI); the notebooks are derived, so
they cannot drift: tests/test_notebooks.py regenerates them and compares with the committed
files, then executes each one and checks every cell's output against the page's expected output.

Each page's prose becomes markdown cells and each doctest becomes code: the ``>>>``/``...``
prompts are removed, and a code cell ends at every example that has an expected output, so
that the notebook shows that output under the cell that produces it. The expected outputs are
kept in the cell's metadata (``minitf.expected``) for the test to check.

    python notebooks/build.py            # rewrite the notebooks
    python notebooks/build.py --check    # exit 1 if a committed notebook is out of date
"""
from __future__ import annotations

import doctest
import json
import os
import pathlib
import re
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
PAGES = HERE.parent / "docs" / "learn"

# A fenced ```python block of a page; everything outside such blocks is prose.
_FENCE = re.compile(r"^```python\n(.*?)^```\n?", re.S | re.M)


def _links(text: str) -> str:
    """Links between pages point at the notebooks; links to other docs at docs/."""
    text = re.sub(r"\((\d\d-[\w-]+)\.md\)", r"(\1.ipynb)", text)
    return re.sub(r"\(\.\./([\w-]+\.md)\)", r"(../docs/\1)", text)


def _markdown(text: str, n: int) -> dict:
    return {"cell_type": "markdown", "id": f"md-{n}", "metadata": {},
            "source": text.strip("\n").splitlines(keepends=True)}


def _code(lines: list, expected: str, n: int) -> dict:
    meta = {"minitf": {"expected": expected}} if expected else {}
    source = "".join(lines).rstrip("\n")
    return {"cell_type": "code", "execution_count": None, "id": f"code-{n}",
            "metadata": meta, "outputs": [], "source": source.splitlines(keepends=True)}


def _code_cells(block: str, start: int) -> list:
    cells, pending = [], []
    for ex in doctest.DocTestParser().get_examples(block):
        pending.append(ex.source)
        if ex.want:
            cells.append(_code(pending, ex.want, start + len(cells)))
            pending = []
    if pending:
        cells.append(_code(pending, "", start + len(cells)))
    return cells


def notebook(page: pathlib.Path) -> dict:
    """The notebook for one page, as nbformat 4 JSON (a dict)."""
    text = page.read_text(encoding="utf-8")
    cells, pos = [], 0
    for m in _FENCE.finditer(text):
        if text[pos:m.start()].strip():
            cells.append(_markdown(_links(text[pos:m.start()]), len(cells)))
        cells.extend(_code_cells(m.group(1), len(cells)))
        pos = m.end()
    if text[pos:].strip():
        cells.append(_markdown(_links(text[pos:]), len(cells)))
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "language_info": {"name": "python"}}}


def render(page: pathlib.Path) -> str:
    """The notebook file's text (stable: the same page always gives the same bytes)."""
    return json.dumps(notebook(page), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def pages() -> list:
    return sorted(PAGES.glob("[0-9][0-9]-*.md"))


def target(page: pathlib.Path) -> pathlib.Path:
    return HERE / (page.stem + ".ipynb")


def _write(path: pathlib.Path, text: str) -> None:
    # written whole or not at all: a temporary file in the same folder, then renamed
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv: list) -> int:
    stale = [target(p).name for p in pages()
             if not target(p).exists() or target(p).read_text(encoding="utf-8") != render(p)]
    if "--check" in argv:
        for name in stale:
            print(f"out of date: notebooks/{name} (run python notebooks/build.py)")
        return 1 if stale else 0
    for p in pages():
        _write(target(p), render(p))
    print(f"wrote {len(pages())} notebooks ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
