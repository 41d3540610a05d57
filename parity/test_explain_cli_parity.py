"""``python -m minitf explain`` against TensorFlow: the ops its help lists exist in TF under the
same names, and the exception type in an ``error:`` line is the one TF raises for the same code."""
from __future__ import annotations

import re

import pytest

from minitf import cli
from minitf.cli import explain as explain_cli


def test_every_allowed_op_exists_in_tensorflow(tf_real):
    for namespace, names in explain_cli.ALLOWED_OPS.items():
        module = tf_real if namespace == "tf" else getattr(tf_real, namespace)
        missing = [name for name in names if not callable(getattr(module, name, None))]
        assert missing == [], f"tf.{namespace}: {missing}" if namespace != "tf" else missing


def _variable(tf, value):
    """What ``--at x=VALUE`` makes of VALUE."""
    return tf.Variable(tf.constant(value, dtype=tf.float32), name="x")


# (expression for the CLI, --at value, the same computation written for TensorFlow)
CASES = [
    ("x + tf.argmax(x)", "[1.0, 2.0]", [1.0, 2.0], lambda tf, x: x + tf.argmax(x)),
    ("tf.reshape(x, [3])", "[1.0, 2.0]", [1.0, 2.0], lambda tf, x: tf.reshape(x, [3])),
    ("x @ x", "[1.0, 2.0]", [1.0, 2.0], lambda tf, x: x @ x),
    ("x ** 2**4000", "2.0", 2.0, lambda tf, x: x ** 2 ** 4000),
    ("tf.math.log(x)", "'abc'", "abc", lambda tf, x: tf.math.log(x)),
    ("x", "[1, [2]]", [1, [2]], lambda tf, x: x),
    ("x", "{1: 2}", {1: 2}, lambda tf, x: x),
]


@pytest.mark.parametrize("expr, text, value, fn", CASES, ids=[c[0] + " at " + c[1] for c in CASES])
def test_error_line_names_the_exception_tensorflow_raises(tf_real, capsys, expr, text, value, fn):
    with pytest.raises(Exception) as raised:
        fn(tf_real, _variable(tf_real, value))
    status = cli.main(["explain", expr, "--at", f"x={text}"])
    err = capsys.readouterr().err.splitlines()
    assert status == 2 and len(err) == 1
    match = re.match(r"error: (?:--at x: )?(\w+): ", err[0])
    assert match and match.group(1) == type(raised.value).__name__, err[0]
