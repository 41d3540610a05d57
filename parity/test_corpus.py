"""The conformance corpus (parity/corpus/): every case run under minitf must print what
TensorFlow printed when its golden was recorded (parity/corpus/goldens/), under the rule of
parity/corpus/normalise.py. TensorFlow is not run here: the goldens hold its outcomes.

Known failures (parity/corpus/known_failures.py) and cases with a SCOPE marker are
``xfail(strict=True)``: one that starts to pass fails until the table or marker is updated.
"""
import re

import pytest

from parity.corpus import goldens
from parity.corpus.cases import discover, misnamed, sources
from parity.corpus.known_failures import KNOWN_FAILURES
from parity.corpus.normalise import outcome_difference
from parity.corpus.runner import run_case

CASES = discover()


def _param(case):
    marks = []
    if case.id in KNOWN_FAILURES:
        reason, ref = KNOWN_FAILURES[case.id]
        marks.append(pytest.mark.xfail(strict=True, reason=f"{reason} ({ref})"))
    elif case.scope is not None:
        marks.append(pytest.mark.xfail(strict=True, reason=f"SCOPE {case.scope}"))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case_prints_what_tensorflow_printed(case):
    golden = goldens.load(case.source)["cases"].get(case.name)
    assert golden is not None, f"no golden: python -m parity.corpus.record {case.id}"
    outcome = run_case(case.path, "minitf")
    difference = outcome_difference(golden, outcome)
    assert difference is None, f"{case.id}: {difference}\n--- minitf printed:\n{outcome.stdout}"


def test_goldens_cover_exactly_the_case_files_and_are_current():
    on_disk = {c.id: c for c in CASES}
    recorded = {f"{s}/{name}": g for s in sources() for name, g in goldens.load(s)["cases"].items()}
    assert sorted(set(on_disk) - set(recorded)) == [], "cases without a golden"
    assert sorted(set(recorded) - set(on_disk)) == [], "goldens without a case file"
    stale = [i for i, c in on_disk.items() if recorded[i]["sha256"] != c.sha256]
    assert stale == [], "cases edited since their golden was recorded: re-record them"
    stray = sorted(p.stem for p in goldens.path_for("x").parent.glob("*.json")
                   if p.stem not in sources())
    assert stray == [], "golden files without a cases/ folder"


def test_case_files_are_named_and_headed_as_the_format_says():
    assert misnamed() == []
    for case in CASES:
        doc = case.docstring
        assert doc.startswith("Source: ") and "\nAdapted: " in "\n" + doc, case.id
        if case.scope is not None:
            assert re.match(r"^(out|later): \S", case.scope), (case.id, case.scope)


def test_known_failures_name_existing_in_scope_cases_with_a_reference():
    by_id = {c.id: c for c in CASES}
    for case_id, (reason, ref) in KNOWN_FAILURES.items():
        assert case_id in by_id, f"known failure of a case that does not exist: {case_id}"
        assert by_id[case_id].scope is None, f"{case_id} has a SCOPE marker: not listed twice"
        assert reason.strip(), case_id
        assert ref == "#17" or re.match(r"^documented difference: docs/\S+\.md", ref), ref
