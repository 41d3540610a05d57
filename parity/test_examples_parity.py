"""The tutorial examples print what TensorFlow prints: each script is run as it is and with
`import tensorflow as tf` in place of `import minitf as tf`; the text must be identical and the
numbers equal within the float32 tolerance (rtol 1e-5, atol 1e-6)."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).parent.parent
# The examples whose numbers do not depend on random initial weights.
EXAMPLES = ["tensors_and_variables", "gradienttape_basics", "higher_order_and_jacobians",
            "custom_gradients", "huber_loss", "custom_loop_basic"]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def _run(source: str, tmp_path) -> str:
    script = tmp_path / "example.py"
    script.write_text(source)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_tensorflow_prints(tf_real, name, tmp_path):
    source = (ROOT / "examples" / f"{name}.py").read_text()
    assert "import minitf as tf" in source
    mine = _run(source, tmp_path)
    theirs = _run(source.replace("import minitf as tf", "import tensorflow as tf"), tmp_path)
    squash = lambda s: re.sub(r"\s+", " ", NUMBER.sub("#", s)).strip()  # noqa: E731
    assert squash(mine) == squash(theirs)
    a = np.array([float(t) for t in NUMBER.findall(mine)])
    b = np.array([float(t) for t in NUMBER.findall(theirs)])
    assert a.shape == b.shape and a.size > 0
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)
