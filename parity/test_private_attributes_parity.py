"""tests/test_private_attributes.py's model built in Keras 3: the same weights and layers."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from test_private_attributes import build, summary  # noqa: E402

import minitf  # noqa: E402


def test_private_attributes_tracked_as_keras(tf_real):
    assert summary(build(minitf.keras)) == summary(build(tf_real.keras)) == (4, ["hidden", "out"])
