"""``python -m minitf explain`` hardening (issue 12 §2): bounded constant arithmetic, iterative
evaluation, one ``error:`` line (status 2) for every failure, and an explicit allow-list of ops.

Expected values come from mathematics (bit lengths, sums) and Python's own evaluation order; the
exception types that appear in error lines were checked against TensorFlow 2.21."""
from __future__ import annotations

import subprocess
import sys

import pytest

import minitf as tf
from minitf import cli
from minitf.cli import explain as explain_cli
from minitf.cli.explain import UnsafeExpression, evaluate, parse_assignments


def run_cli(capsys, *argv):
    """Run ``python -m minitf explain ...`` in-process: (status, stdout, stderr lines)."""
    status = cli.main(["explain", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err.splitlines()


def assert_one_error_line(status, out, err, *fragments):
    assert status == 2
    assert out == ""                       # nothing half-printed before the error
    assert len(err) == 1 and err[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in err[0], err[0]


# ---- the cost of constant arithmetic is bounded before it is paid ----------------------------

@pytest.mark.parametrize("expr", ["9**9**9", "(10**10**7) % 7"])
def test_huge_constant_powers_are_refused_at_once(expr):
    # Before the bound, 9**9**9 ran for hours and (10**10**7) % 7 for ~20 s; a subprocess with a
    # timeout keeps a regression from hanging the suite (big-int C loops ignore signals).
    r = subprocess.run([sys.executable, "-m", "minitf", "explain", expr], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "4096 bits" in lines[0] and "**" in lines[0]


def test_integer_bound_is_exact_at_the_limit():
    # 2**4095 has 4096 bits (allowed); 2**4096 has 4097 (refused); the limit is MAX_INT_BITS.
    assert explain_cli.MAX_INT_BITS == 4096
    assert evaluate("2**4095 % 1000", {}) == pow(2, 4095, 1000)
    assert evaluate("(10**1000 + 1) % 7", {}) == (pow(10, 1000, 7) + 1) % 7
    with pytest.raises(UnsafeExpression, match="4096 bits"):
        evaluate("2**4096", {})
    with pytest.raises(UnsafeExpression, match="4096 bits"):
        evaluate("2**4000 * 2**100", {})        # a product of 4001 + 101 bits
    with pytest.raises(UnsafeExpression, match="4096 bits"):
        evaluate("-(2**4095) - 2**4095", {})      # 4097 bits
    assert evaluate("2**-3", {}) == 0.125          # negative exponents give floats, no bound
    assert evaluate("1**(10**1000)", {}) == 1      # |base| <= 1 never grows


def test_list_repetition_is_bounded_by_element_count():
    assert explain_cli.MAX_LIST_ELEMENTS == 1_000_000
    nested = evaluate("[[1.0] * 1000] * 1000", {})        # exactly the limit: allowed
    assert len(nested) == 1000 and len(nested[0]) == 1000
    for expr in ["[0.0] * 10**7", "10**7 * [0.0]", "[[1.0] * 1000] * 1001",
                 "[[1.0] * 1000] * 1000 + [[2.0]]", "[[[0.0] * 1000] * 1000] * 10**6"]:
        with pytest.raises(UnsafeExpression, match="1000000 numbers"):
            evaluate(expr, {})


def test_list_bound_counts_empty_lists_and_total_work():
    with pytest.raises(UnsafeExpression, match="1000000 numbers"):
        evaluate("[[]] * 10**7", {})                  # ten million slots hold no number
    assert explain_cli.MAX_LIST_WORK == 10_000_000
    # each + copies its operands: a million-number list concatenated again and again would cost
    # a million copies per term, so list arithmetic in one expression has a total budget
    assert len(evaluate("[0.0] * 999_990 + [] + []", {})) == 999_990
    with pytest.raises(UnsafeExpression, match="10000000 numbers in all"):
        evaluate("[0.0] * 999_990" + " + []" * 20, {})


def test_list_bound_counts_tensor_elements():
    env = parse_assignments(["x=[1, 2, 3, 4]"])
    with pytest.raises(UnsafeExpression, match="1000000 numbers"):
        evaluate("[x] * 250001", env)            # 4 * 250001 numbers once stacked
    assert len(evaluate("[x] * 250000", env)) == 250000


# ---- evaluation is iterative ------------------------------------------------------------------

def test_two_thousand_term_sum_evaluates_and_differentiates():
    env = parse_assignments(["x=1.5"])
    with tf.GradientTape() as tape:
        f = evaluate(" + ".join(["x"] * 2000), env)
    assert float(f) == 3000.0 and float(tape.gradient(f, env["x"])) == 2000.0


def test_deep_unary_and_call_nesting_evaluate():
    env = parse_assignments(["x=2"])
    assert float(evaluate("-" * 2001 + "x", env)) == -2.0
    assert float(evaluate("x" + " ** 1" * 2000, env)) == 2.0
    assert float(evaluate("tf.abs(" * 190 + "x" + ")" * 190, env)) == 2.0


def test_cli_explains_a_two_thousand_term_sum(capsys):
    status, out, err = run_cli(capsys, " + ".join(["w"] * 2000), "--at", "w=1")
    assert status == 0 and err == []
    assert "df/dw = 2000" in out and "step 1999: AddV2" in out


def test_leading_blank_lets_an_expression_begin_with_minus(capsys):
    # argparse takes "-w" for an option; " -w" must then parse (a leading blank is no indent)
    status, out, err = run_cli(capsys, " -w * 2 ", "--at", "w=3")
    assert status == 0 and err == [] and "df/dw = -2" in out


def test_too_deep_for_pythons_parser_is_one_error_line(capsys):
    # Python's own parser (not minitf) stops at roughly 3 x sys.getrecursionlimit() levels.
    status, out, err = run_cli(capsys, " + ".join(["w"] * 50_000), "--at", "w=1")
    assert_one_error_line(status, out, err, "nested too deeply")
    status, out, err = run_cli(capsys, "(" * 300 + "w" + ")" * 300, "--at", "w=1")
    assert_one_error_line(status, out, err, "too many nested parentheses")


def test_arguments_are_evaluated_in_pythons_order():
    # Python evaluates positional arguments, then keyword arguments, left to right; the tape
    # must record the ops in the order TF code run directly would.
    env = parse_assignments(["x=0.5"])
    with tf.GradientTape(persistent=True) as tape:
        evaluate("tf.clip_by_value(exp(x), clip_value_min=sin(x), clip_value_max=cos(x))", env)
    ops = [r.op for r in tape._records]
    assert ops.index("Exp") < ops.index("Sin") < ops.index("Cos")


# ---- every failure is one error line with status 2 -------------------------------------------

@pytest.mark.parametrize("expr, at, fragments", [
    ("x + tf.argmax(x)", ["x=[1, 2]"], ["InvalidArgumentError", "AddV2"]),   # a dtype error
    ("tf.reshape(x, [3])", ["x=[1, 2]"], ["InvalidArgumentError", "Reshape"]),
    ("tf.math.log(x)", ["x='abc'"], ["--at x", "TypeError"]),                 # log of a string
    ("x", ["x=[1, [2]]"], ["--at x", "ValueError"]),                          # ragged
    ("x", ["x={1: 2}"], ["--at x", "ValueError"]),
    ("x", ["x=" + "[" * 300 + "1" + "]" * 300], ["--at x"]),
    ("x", ["x=1", "x=2"], ["x is given twice"]),
    ("x", ["x"], ["name=value"]),
    ("1 / 0", [], ["ZeroDivisionError"]),
    ("10.0 ** 400", [], ["OverflowError"]),
    ("x ** 2**4000", ["x=2"], ["ValueError"]),
])
def test_op_errors_and_bad_values_give_one_error_line(capsys, expr, at, fragments):
    argv = [expr, "--at", *at] if at else [expr]
    assert_one_error_line(*run_cli(capsys, *argv), *fragments)


def test_unwritable_output_gives_one_error_line(capsys, tmp_path):
    status, out, err = run_cli(capsys, "w * w", "--at", "w=3", "--dot",
                               str(tmp_path / "missing" / "g.dot"))
    assert status == 2 and "df/dw = 6" in out       # the explanation came first
    assert len(err) == 1 and err[0].startswith("error: ") and "g.dot" in err[0]
    assert list(tmp_path.iterdir()) == []            # nothing half-written


def test_error_lines_stay_short(capsys):
    status, out, err = run_cli(capsys, "a" * 700 + " * x", "--at", "x=2")   # quoted in full
    assert_one_error_line(status, out, err)
    assert len(err[0]) <= len("error: ") + 500 and err[0].endswith("...")


# ---- only the listed ops are reachable --------------------------------------------------------

@pytest.mark.parametrize("expr", [
    "tf.cli.main(x)", "tf.config.list_physical_devices()", "tf.print(x)", "tf.set_backend(x)",
    "tf.keras.layers.Dense(x)", "tf.function(x)", "tf.Variable(x)", "tf.ones([10**9])",
    "tf.tile(x, [10**9])", "tf.io.read_file(x)", "tf.nn.dropout(x, 0.5)", "tf.tf.exp(x)",
    "tf.log(x)", "math.exp.__call__(x)", "tf.math", "explain.describe(x)", "x.numpy()",
    "exp.__globals__(x)", "tf.math.nn.relu(x)",
])
def test_only_listed_ops_are_reachable(capsys, expr):
    with pytest.raises(UnsafeExpression):
        evaluate(expr, parse_assignments(["x=1"]))
    assert_one_error_line(*run_cli(capsys, expr, "--at", "x=1"))


def test_every_listed_op_is_a_minitf_function_and_is_in_the_help(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["explain", "--help"])
    assert stop.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for namespace, names in explain_cli.ALLOWED_OPS.items():
        module = tf if namespace == "tf" else getattr(tf, namespace)
        assert list(names) == sorted(set(names))
        for name in names:
            assert getattr(getattr(module, name), "__module__", "").startswith("minitf")
            assert name in help_text
    assert "4096 bits" in help_text and "1000000 numbers" in help_text
    assert "ALLOWED_OPS" in explain_cli.__doc__ and "MAX_INT_BITS" in explain_cli.__doc__


@pytest.mark.parametrize("expr, expected", [
    ("exp(0 * x)", 1.0), ("tf.math.log(x)", 0.0), ("math.log1p(x - 1)", 0.0),
    ("nn.relu(-x)", 0.0), ("tf.nn.softplus(0 * x)", 0.6931471805599453),
    ("tf.linalg.trace([[x, x], [x, x]])", 2.0), ("reduce_sum([x, x, x])", 3.0),
    ("tf.reduce_sum(x * [1.0, 2.0], axis=0)", 3.0),
])
def test_listed_ops_are_reachable_by_every_spelling(expr, expected):
    env = parse_assignments(["x=1"])
    assert float(evaluate(expr, env)) == pytest.approx(expected, rel=1e-6)
