"""The learning path's notebooks (notebooks/*.ipynb): generated from docs/learn by
notebooks/build.py, so the committed files must equal a fresh build; and each one runs in a
real Jupyter kernel (nbclient) with no cell raising, every cell printing what the page says."""
from __future__ import annotations

import doctest
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient")
nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")


def load_build():
    path = ROOT / "notebooks" / "build.py"
    spec = importlib.util.spec_from_file_location("notebooks_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build()
PAGES = build.pages()


def test_one_notebook_per_page_and_committed_ones_are_up_to_date():
    assert len(PAGES) == 10
    on_disk = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(build.target(p).name for p in PAGES)
    for page in PAGES:
        assert build.target(page).read_text(encoding="utf-8") == build.render(page), (
            f"{build.target(page).name} is out of date: run python notebooks/build.py")
        nbformat.validate(nbformat.read(build.target(page), as_version=4))   # a valid v4 file
    assert build.main(["--check"]) == 0


def test_the_generator_notices_a_changed_page(tmp_path, monkeypatch):
    # the drift check above can fail: a page edited without rebuilding is reported
    page = tmp_path / "learn" / "01-x.md"
    page.parent.mkdir()
    page.write_text("# x\n\n```python\n>>> 1 + 1\n2\n\n```\n")
    monkeypatch.setattr(build, "PAGES", page.parent)
    monkeypatch.setattr(build, "HERE", tmp_path)
    assert build.main([]) == 0 and build.main(["--check"]) == 0
    nb = nbformat.reads(build.target(page).read_text(), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == ["1 + 1"] and code[0].metadata.minitf.expected == "2\n"
    page.write_text(page.read_text().replace("1 + 1\n2", "2 + 2\n4"))
    assert build.main(["--check"]) == 1


def cell_text(cell) -> str:
    """What a cell showed, as the doctest on the page sees it: printed text, then the repr of
    the last expression."""
    out = []
    for o in cell.outputs:
        if o.output_type == "stream":
            out.append(o.text)
        elif o.output_type == "execute_result":
            out.append(o.data["text/plain"] + "\n")
    return "".join(out)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_notebook_executes_and_shows_the_pages_outputs(page, tmp_path, monkeypatch):
    # the kernel's connection file and IPython's profile go to a scratch folder, not $HOME
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = nbformat.reads(build.render(page), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()            # raises CellExecutionError if a cell raises
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    checked = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"]
        expected = cell.metadata.get("minitf", {}).get("expected")
        if expected is not None:
            got = cell_text(cell)
            assert checker.check_output(expected, got, flags), (cell.source, expected, got)
            checked += 1
    assert checked >= 2          # every page shows results, and its exercise's check prints True
    if page.stem == "07-jacobians":  # rich display: the Jacobian comes out as an HTML table
        html = [o.data["text/html"] for c in nb.cells if c.cell_type == "code"
                for o in c.outputs if o.output_type == "execute_result" and "text/html" in o.data]
        assert html and "<td>2</td><td>1</td>" in html[0] and "shape=(2, 2)" in html[0]
        assert "<svg" in html[0] and ">-" not in html[0]    # the heat map, of [[2, 1], [2, 0]]
    if page.stem == "03-graph":     # the tape and the backward trace draw their graphs as SVG
        html = [o.data["text/html"] for c in nb.cells if c.cell_type == "code"
                for o in c.outputs if o.output_type == "execute_result" and "text/html" in o.data]
        assert len(html) == 2 and all("<svg" in h for h in html)
        assert "∂ = 36" in html[1] and "∂ = " not in html[0]
