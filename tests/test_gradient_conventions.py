"""Every row of the gradient-conventions table holds in minitf, and the page is current."""
from __future__ import annotations

import pathlib

import pytest

import minitf as tf
from minitf.checks.gradient_conventions import CASES, compute, matches, table_markdown


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_row_holds_in_minitf(case):
    got = compute(tf, case)
    for g, e in zip(got, case[4]):
        assert matches(g, e), (case[1], got, case[4])


def test_docs_page_is_generated_from_the_table():
    page = (pathlib.Path(__file__).parent.parent / "docs" / "gradient-conventions.md").read_text()
    assert table_markdown() in page
