"""Write docs/corpus.md: ``python -m parity.corpus.report``.

Runs every case under minitf (no TensorFlow: the goldens hold its outcomes), compares with the
goldens under normalise.py's rule, and writes, per source, how many in-scope cases print what
TensorFlow printed, the later- and out-of-scope counts, and every failing or scoped case with its
reason. The per-source table is also written into README.md between the markers
``<!-- corpus-table -->`` and ``<!-- /corpus-table -->``.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from . import goldens
from .cases import discover
from .known_failures import KNOWN_FAILURES
from .normalise import ATOL, RTOL, outcome_difference
from .runner import run_case

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- corpus-table -->", "<!-- /corpus-table -->"


def _source_url(case) -> str:
    first = case.docstring.split("\n", 1)[0]
    return first[len("Source: "):].split(",", 1)[0].strip() if first.startswith("Source:") else ""


def collect() -> list[dict]:
    """One row per case: id, source, scope kind and text, whether it matched, the difference."""
    rows = []
    for case in discover():
        golden = goldens.load(case.source)["cases"].get(case.name)
        if golden is None:
            difference = "no golden recorded"
        else:
            outcome = run_case(case.path, "minitf")
            difference = outcome_difference(golden, outcome)
        rows.append({"case": case, "kind": case.scope_kind, "scope": case.scope,
                     "ok": difference is None, "difference": difference})
        print(f"{case.id}: {'ok' if difference is None else 'DIFFERS'}", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    """The per-source Markdown table."""
    per = defaultdict(lambda: {"in": 0, "ok": 0, "later": 0, "later_ok": 0, "out": 0})
    for r in rows:
        s = per[r["case"].source]
        s[r["kind"]] += 1
        if r["kind"] == "in" and r["ok"]:
            s["ok"] += 1
        if r["kind"] == "later" and r["ok"]:
            s["later_ok"] += 1
    lines = ["| source | in-scope cells identical to TF | in scope | % | later scope | out of scope |",
             "|---|---:|---:|---:|---:|---:|"]
    tot = defaultdict(int)
    for source in sorted(per):
        s = per[source]
        for k, v in s.items():
            tot[k] += v
        pct = f"{100 * s['ok'] / s['in']:.1f}" if s["in"] else "-"
        lines.append(f"| {source} | {s['ok']} | {s['in']} | {pct} | {s['later']} | {s['out']} |")
    pct = f"{100 * tot['ok'] / tot['in']:.1f}" if tot["in"] else "-"
    lines.append(f"| **all** | **{tot['ok']}** | **{tot['in']}** | **{pct}** | {tot['later']} "
                 f"| {tot['out']} |")
    return "\n".join(lines)


def page(rows: list[dict]) -> str:
    """docs/corpus.md's text."""
    out = [
        "# The conformance corpus",
        "",
        "The code cells of TensorFlow's and Keras's public guides, and of the seed study notes, "
        "adapted into standalone programs (`parity/corpus/cases/<source>/`), run under real "
        "TensorFlow once to record what they print (`make corpus-goldens`, i.e. "
        "`python -m parity.corpus.record`), and under minitf by `parity/test_corpus.py` on "
        "every test run. A case is *identical* when minitf prints the same text and raises the "
        "same exception type (or none).",
        "",
        "This page is written by `python -m parity.corpus.report`; do not edit it by hand.",
        "",
        "## Results",
        "",
        table(rows),
        "",
        "*In scope* excludes cases marked `SCOPE = \"later: ...\"` (features minitf will have: "
        "string tensors, ragged and sparse tensors, TFRecord, preprocessing layers) and "
        "`SCOPE = \"out: ...\"` (outside minitf's aims, such as TF1 APIs); those still run and "
        "are listed below with their reasons.",
        "",
        "## How outputs are compared",
        "",
        "- Captured: standard output and standard error interleaved as a terminal shows them "
        "(`tf.print` writes to stderr from C++, so capture is at the file-descriptor level). "
        "Warnings and log records are not compared.",
        "- Masked: durations (`0s`, `45ms/step`, `ETA: ...`) and memory addresses (`0x...`).",
        "- Blanks: runs of spaces become one space (NumPy pads columns to the widest element).",
        f"- Numbers: integers exactly; others within `|a - b| <= {ATOL:g} + {RTOL:.3g} * "
        "max(|a|, |b|)` (float32 rounding of ~128 dependent operations in a different order), "
        "plus one unit of the last printed digit when both show it with at least 4 significant "
        "digits (Keras's logs round to 4 decimals). The derivation is in "
        "`parity/corpus/normalise.py`.",
        "- Every case starts with Keras's session cleared and the seeds of `random`, NumPy and "
        "the framework set to 0. minitf draws TensorFlow's own random numbers (the Philox "
        "streams and Keras's seeding, `docs/random.md`), so cases keep the guides' random "
        "draws and randomly initialised weights; a few, adapted earlier, print "
        "seed-independent facts (shapes, dtypes) where the adaptation says so.",
        "- Goldens are recorded with `TF_ENABLE_ONEDNN_OPTS=0` (TensorFlow's Eigen CPU kernels, "
        "which do not change with the processor's instruction set).",
        "",
    ]
    failing = [r for r in rows if r["kind"] == "in" and not r["ok"]]
    out += ["## In-scope cases that differ", ""]
    if not failing:
        out.append("None.")
    for r in failing:
        cid = r["case"].id
        reason, ref = KNOWN_FAILURES.get(cid, ("not in known_failures.py", "unlisted"))
        out.append(f"- `{cid}` ({ref}): {reason}  \n  first difference: {r['difference']}")
    for kind, title in (("later", "Later scope"), ("out", "Out of scope")):
        scoped = [r for r in rows if r["kind"] == kind]
        out += ["", f"## {title}", ""]
        if not scoped:
            out.append("None.")
        for r in scoped:
            state = "identical" if r["ok"] else "differs"
            out.append(f"- `{r['case'].id}` ({state}): {r['scope'].split(':', 1)[1].strip()}")
    sources = sorted({r["case"].source for r in rows})
    out += ["", "## Sources", ""]
    for source in sources:
        urls = sorted({_source_url(r["case"]) for r in rows if r["case"].source == source} - {""})
        out.append(f"- `{source}`: " + ", ".join(urls))
    return "\n".join(out) + "\n"


def update_readme(rows: list[dict]) -> bool:
    """Put the table between README.md's markers; ``False`` if the markers are missing."""
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table(rows)}\n{END}{tail}", encoding="utf-8")
    return True


def main() -> int:
    """Write docs/corpus.md and README.md's table; print the table."""
    rows = collect()
    (REPO / "docs" / "corpus.md").write_text(page(rows), encoding="utf-8")
    if not update_readme(rows):
        print("README.md has no corpus-table markers; table not written there", file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
