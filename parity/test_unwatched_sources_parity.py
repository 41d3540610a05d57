"""tests/test_unwatched_sources.py's scenarios run in TensorFlow: the same Nones and values."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from test_unwatched_sources import EXPECTED, as_numbers, scenarios  # noqa: E402

import minitf  # noqa: E402


def test_same_nones_as_tensorflow(tf_real):
    want = as_numbers(scenarios(tf_real))
    assert want == EXPECTED                      # the table in tests/ is TF's
    assert as_numbers(scenarios(minitf)) == want
