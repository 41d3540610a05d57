"""``python -m minitf explain EXPR --at name=value ...``: record EXPR on a tape and show it.

The expression is parsed, never ``eval``-ed. It may use numbers, the names given with ``--at``,
arithmetic (+ - * / // % ** @, unary - and +), parentheses, lists, and calls of the ops listed in
``ALLOWED_OPS`` -- spelt bare (``exp(x)``), by namespace (``math.log(x)``, ``nn.relu(x)``) or as
in TensorFlow (``tf.math.log(x)``, ``tf.reduce_sum(x * x, axis=0)``). Nothing else is reachable:
not other attributes of ``tf`` (``tf.config``, ``tf.cli``, ``tf.keras``, ``tf.print``), not
methods, subscripts, comparisons or strings. The allow-list holds ops that compute tensors from
tensors: none does I/O, changes global state, takes a function, or allocates a tensor whose size is
an argument (``tf.ones``, ``tf.tile``, ``tf.pad``).

Limits, so that no expression can hang the command or exhaust memory:

- Arithmetic on Python integers is refused, before it runs, when its result could need more than
  ``MAX_INT_BITS`` (4096) bits: ``9**9**9`` would need about 1.2e9 bits (150 MB) and a
  computation of hours. No tensor holds an integer beyond 2**64, nor a float beyond 2**1024, so
  the bound refuses nothing that could become a tensor, yet leaves room for ``(10**1000) % 7``.
- Python lists built with ``*`` and ``+`` may hold at most ``MAX_LIST_ELEMENTS`` (1000000)
  numbers, counting a tensor inside a list as its number of elements, and all such list
  arithmetic in one expression may read and build at most ``MAX_LIST_WORK`` (10000000).
- Evaluation walks the syntax tree with an explicit stack, so deep expressions (a 2000-term sum)
  cost no Python recursion. Python's own parser still has limits: about 3 x
  ``sys.getrecursionlimit()`` levels (a sum of up to about 2980 terms at the default limit of
  1000 on CPython 3.11) and 200 nested brackets. Beyond them the command says so.

Every failure -- a refused expression, an op's error (a dtype mismatch, a bad shape), a bad
``--at`` value, an output file that cannot be written -- prints one ``error: ...`` line on stderr
and exits with status 2 (status 1: ``--svg`` needs Graphviz and it is missing).
"""
from __future__ import annotations

import ast
import math
import operator
import sys
import textwrap

import minitf as tf
from .. import explain

MAX_INT_BITS = 4096
MAX_LIST_ELEMENTS = 1_000_000
MAX_LIST_WORK = 10 * MAX_LIST_ELEMENTS
_MAX_ERROR_CHARS = 500      # an op's message can quote a 1000-digit number; keep the line readable

# The only ops an expression may call, by namespace ("tf" is minitf's top level). Every name here
# also exists in TensorFlow 2 under the same namespace.
ALLOWED_OPS = {
    "tf": ("abs", "add", "add_n", "argmax", "argmin", "boolean_mask", "clip_by_norm",
           "clip_by_value", "concat", "cos", "cumsum", "divide", "equal", "exp", "expand_dims",
           "floor", "gather", "greater", "greater_equal", "identity", "less", "less_equal",
           "matmul", "maximum", "minimum", "multiply", "negative", "norm", "not_equal",
           "ones_like", "pow", "realdiv", "reduce_logsumexp", "reduce_max", "reduce_mean",
           "reduce_min", "reduce_prod", "reduce_sum", "reshape", "reverse", "round", "sigmoid",
           "sign", "sin", "split", "sqrt", "square", "squeeze", "stack", "stop_gradient",
           "subtract", "tan", "tanh", "tensordot", "transpose", "truediv", "unstack", "where",
           "zeros_like"),
    "math": ("abs", "add", "add_n", "argmax", "argmin", "ceil", "cos", "cumprod", "cumsum",
             "divide", "divide_no_nan", "equal", "erf", "erfc", "exp", "expm1", "floor",
             "floordiv", "floormod", "greater", "greater_equal", "is_finite", "is_inf",
             "is_nan", "l2_normalize", "less", "less_equal", "log", "log1p", "log_softmax",
             "maximum", "minimum", "mod", "multiply", "negative", "not_equal", "pow",
             "reciprocal", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
             "reduce_prod", "reduce_std", "reduce_sum", "reduce_variance", "round", "rsqrt",
             "sigmoid", "sign", "sin", "softmax", "softplus", "sqrt", "square",
             "squared_difference", "subtract", "tan", "tanh", "truediv"),
    "nn": ("bias_add", "elu", "gelu", "l2_loss", "l2_normalize", "leaky_relu", "log_softmax",
           "moments", "relu", "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits",
           "silu", "softmax", "softmax_cross_entropy_with_logits", "softplus", "softsign",
           "sparse_softmax_cross_entropy_with_logits", "swish", "tanh"),
    "linalg": ("adjoint", "global_norm", "inv", "l2_normalize", "matmul", "matrix_transpose",
               "matvec", "norm", "solve", "tensordot", "trace"),
}
_NAMESPACES = {"tf": tf, "math": tf.math, "nn": tf.nn, "linalg": tf.linalg}

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow, ast.MatMult: operator.matmul}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class UnsafeExpression(ValueError):
    """The expression uses something other than arithmetic, numbers, given names and the listed
    ops, or constant arithmetic beyond the documented limits."""


def ops_help(width: int = 88) -> str:
    """The allow-list and the limits as ``python -m minitf explain --help`` prints them."""
    parts = [textwrap.fill("ops an expression may call, bare (exp), by namespace (math.log) "
                           "or as in TensorFlow (tf.math.log):", width)]
    for namespace, names in ALLOWED_OPS.items():
        label = "tf" if namespace == "tf" else f"tf.{namespace}"
        parts.append(textwrap.fill(", ".join(names), width, initial_indent=f"  {label}: ",
                                   subsequent_indent="      "))
    parts.append(textwrap.fill(
        f"limits: integer constant arithmetic up to {MAX_INT_BITS} bits; lists built with * "
        f"and + up to {MAX_LIST_ELEMENTS} numbers ({MAX_LIST_WORK} read and built in all); "
        f"nesting up to what Python's parser takes (about 3 x the recursion limit levels).",
        width))
    parts.append("errors: one 'error: ...' line on stderr, exit status 2.")
    return "\n".join(parts)


def _op(path: list):
    """Resolve ``exp`` / ``math.log`` / ``tf.math.log`` / ``nn.relu`` through ALLOWED_OPS only:
    a name is looked up in a namespace after it is found in the list, never before."""
    spelt = ".".join(path)
    if len(path) == 3 and path[0] == "tf" and path[1] != "tf":
        path = path[1:]                                   # tf.math.log -> math.log
    namespace = None
    if len(path) == 1:                                    # bare: the first namespace listing it
        namespace = next((ns for ns, names in ALLOWED_OPS.items() if path[0] in names), None)
    elif len(path) == 2 and path[1] in ALLOWED_OPS.get(path[0], ()):
        namespace = path[0]
    fn = getattr(_NAMESPACES[namespace], path[-1], None) if namespace else None
    if not callable(fn):
        raise UnsafeExpression(f"{spelt!r} is not one of the ops an expression may call "
                               f"(python -m minitf explain --help lists them)")
    return fn


def _dotted(node) -> list:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise UnsafeExpression("only calls of minitf ops by name are allowed")
    return [node.id] + parts[::-1]


# ---- the cost of constant arithmetic ---------------------------------------------------------

def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _describe(n: int) -> str:
    """An integer for an error message: its digits if short, else its size."""
    return str(n) if n.bit_length() <= 64 else f"<a {n.bit_length()}-bit integer>"


def _int_result_bits(fn, a: int, b: int) -> float:
    """An upper bound on the bits of ``fn(a, b)`` for Python ints, found without computing it."""
    if fn in (operator.add, operator.sub):
        return max(a.bit_length(), b.bit_length()) + 1
    if fn is operator.mul:
        return a.bit_length() + b.bit_length()
    if fn is operator.pow and b > 0 and abs(a) > 1:
        if b.bit_length() > 1000:          # b*log2|a| would overflow a float; |a|**b has
            return math.inf                 # more than b bits, far beyond any limit
        return b * math.log2(abs(a)) + 1    # |a|**b has floor(b*log2|a|) + 1 bits
    return 0                                # /, //, % and negative powers never grow an int


def _size(value) -> int:
    """How many numbers a value stands for once made a tensor: a number 1, a tensor its
    elements, a tuple or list that an op returned the sum over its items. Everything counts at
    least 1, so a list of empty lists cannot grow unseen. (Lists the expression builds get their
    size from their parts as they are built, never by walking them.)"""
    if isinstance(value, (int, float)):
        return 1
    if isinstance(value, (list, tuple)):
        return max(1, sum(_size(item) for item in value))
    try:
        return max(1, math.prod(int(d) for d in value.shape))
    except (AttributeError, TypeError, ValueError):
        return 1


def _check_int_cost(fn, a: int, b: int) -> None:
    """Refuse, before it runs, integer arithmetic whose result could exceed MAX_INT_BITS."""
    bits = _int_result_bits(fn, a, b)
    if bits > MAX_INT_BITS:
        symbol = {operator.add: "+", operator.sub: "-", operator.mul: "*"}.get(fn, "**")
        size = f"about {bits:.4g}" if math.isfinite(bits) else "more than 2**1000"
        raise UnsafeExpression(f"{_describe(a)} {symbol} {_describe(b)} could need {size} bits; "
                               f"integer constant arithmetic is limited to {MAX_INT_BITS} bits")


class _ListBudget:
    """What Python sequence arithmetic (``list * n``, ``list + list``) may still cost in one
    expression. Each such op is charged the numbers it reads and builds, known before it runs;
    a result beyond MAX_LIST_ELEMENTS, or a total beyond MAX_LIST_WORK, is refused. The total
    matters because each op copies its operands: ``L + [] + [] + ...`` would otherwise copy a
    million-number L once per term."""

    def __init__(self):
        self.left = MAX_LIST_WORK

    def size_of(self, fn, a, b, size_a: int, size_b: int) -> int | None:
        """The size of ``fn(a, b)`` when it is sequence arithmetic (refused beyond the limits);
        None when it is not (tensors and floats cost what their op costs)."""
        seq = (list, tuple)
        if fn is operator.mul and isinstance(a, seq) and _is_int(b):
            read, size, symbol = size_a, size_a * max(b, 0), "*"
        elif fn is operator.mul and _is_int(a) and isinstance(b, seq):
            read, size, symbol = size_b, size_b * max(a, 0), "*"
        elif fn is operator.add and isinstance(a, seq) and isinstance(b, seq):
            read, size, symbol = size_a + size_b, size_a + size_b, "+"
        else:
            return None
        if size > MAX_LIST_ELEMENTS:
            raise UnsafeExpression(f"a list built with {symbol} would hold {size} numbers; lists "
                                   f"built with * and + are limited to {MAX_LIST_ELEMENTS} "
                                   f"numbers")
        self.left -= read + size
        if self.left < 0:
            raise UnsafeExpression(f"list arithmetic in this expression would handle more than "
                                   f"{MAX_LIST_WORK} numbers in all (the limit)")
        return max(1, size)


# ---- evaluation: an explicit stack over the syntax tree ---------------------------------------

def _parse(expr: str) -> ast.Expression:
    try:
        # surrounding blanks are not indentation here: " -x" is how a shell user gets an
        # expression that begins with "-" past argparse
        return ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        raise UnsafeExpression(f"not a valid expression: {e.msg}") from None
    except (RecursionError, MemoryError):
        # CPython's parser builds the tree recursively; depth, not length, is what it refuses.
        raise UnsafeExpression(
            f"the expression is nested too deeply for Python's parser (about 3 x the recursion "
            f"limit of {sys.getrecursionlimit()} levels; a chain of n operators is n levels)"
        ) from None
    except ValueError as e:                 # e.g. a NUL byte in the text
        raise UnsafeExpression(f"not a valid expression: {e}") from None


def _visit(node, env: dict):
    """Check ``node`` before anything under it runs: (its sub-expressions in Python's
    evaluation order, the op it calls or None). Anything not allowed is refused here."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return [], None
        raise UnsafeExpression(f"the constant {node.value!r} is not allowed (only int and "
                               f"float numbers)")
    if isinstance(node, ast.Name):
        if node.id in env:
            return [], None
        raise UnsafeExpression(f"unknown name {node.id!r}; define it with --at {node.id}=VALUE")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return [node.left, node.right], None
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return [node.operand], None
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts), None
    if isinstance(node, ast.Call):
        fn = _op(_dotted(node.func))        # Python, too, resolves the callee before the args
        if any(kw.arg is None for kw in node.keywords):
            raise UnsafeExpression("**kwargs are not allowed")
        return list(node.args) + [kw.value for kw in node.keywords], fn
    what = type(getattr(node, "op", node)).__name__
    raise UnsafeExpression(f"{what} is not allowed in an expression (only arithmetic, numbers, "
                           f"names given with --at and the listed ops)")


def _apply(node, args: list, env: dict, fn, budget: _ListBudget) -> tuple:
    """(value, size) of ``node`` given the (value, size) of its sub-expressions."""
    values = [value for value, _ in args]
    if isinstance(node, ast.Constant):
        return node.value, 1
    if isinstance(node, ast.Name):
        return env[node.id], _size(env[node.id])
    if isinstance(node, ast.BinOp):
        op, (a, size_a), (b, size_b) = _BINOPS[type(node.op)], *args
        if _is_int(a) and _is_int(b):
            _check_int_cost(op, a, b)
        size = budget.size_of(op, a, b, size_a, size_b)
        result = op(a, b)
        return result, size if size is not None else _size(result)
    if isinstance(node, ast.UnaryOp):
        result = _UNARY[type(node.op)](values[0])
        return result, _size(result)
    if isinstance(node, (ast.List, ast.Tuple)):  # a Python list, as TF code would pass it
        return values, max(1, sum(size for _, size in args))
    n = len(node.args)
    result = fn(*values[:n], **{kw.arg: v for kw, v in zip(node.keywords, values[n:])})
    return result, _size(result)


def evaluate(expr: str, env: dict):
    """Evaluate ``expr`` over the tensors in ``env`` with only the allowed constructs, in
    Python's order (so a tape records the ops as it would for the same line of TF code).

    Iterative post-order walk: a node is checked when first reached, then evaluated once all
    its sub-expressions have values; depth costs no Python recursion."""
    budget = _ListBudget()
    done: list = []                         # (value, size) of finished sub-expressions, in order
    stack: list = [(_parse(expr).body, None, None)]
    while stack:
        node, count, fn = stack.pop()
        if count is None:                   # first visit: check it, then its children first
            children, fn = _visit(node, env)
            stack.append((node, len(children), fn))
            stack.extend((child, None, None) for child in reversed(children))
        else:
            args = done[len(done) - count:]
            del done[len(done) - count:]
            done.append(_apply(node, args, env, fn, budget))
    return done[0][0]


# ---- the command ------------------------------------------------------------------------------

def _error_text(e: BaseException) -> str:
    """One line for an error: our own refusals as they are, anything else with its type."""
    text = " ".join(str(e).split())
    if not isinstance(e, UnsafeExpression):
        text = f"{type(e).__name__}: {text}" if text else type(e).__name__
    if len(text) > _MAX_ERROR_CHARS:
        text = text[:_MAX_ERROR_CHARS - 3] + "..."
    return text


def _split_assignment(item: str) -> tuple:
    if "=" not in item:
        raise UnsafeExpression(f"--at expects name=value, got {item!r}")
    name, _, value = item.partition("=")
    name = name.strip()
    if not name.isidentifier() or name in _NAMESPACES:
        raise UnsafeExpression(f"invalid variable name {name!r}")
    return name, value


def _variable(name: str, text: str):
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise UnsafeExpression(f"--at {name}: the value must be a number or a list of numbers, "
                               f"got {text!r}") from None
    try:
        return tf.Variable(tf.constant(value, dtype=tf.float32), name=name)
    except Exception as e:                  # ragged lists, strings, dicts: as tf.constant says
        raise UnsafeExpression(f"--at {name}: {_error_text(e)}") from None


def parse_assignments(items: list) -> dict:
    """``["w1=5", "x=[1,2]"]`` → {name: float32 Variable}; a name given twice is refused."""
    env = {}
    for item in items:
        name, value = _split_assignment(item)
        if name in env:
            raise UnsafeExpression(f"--at: {name} is given twice")
        env[name] = _variable(name, value)
    return env


def _explanation(expr: str, at: list, page: bool = False):
    """Everything the command prints, computed before any of it is printed: (lines, graph,
    the explorer page or None)."""
    env = parse_assignments(at)
    with tf.GradientTape(persistent=True) as tape:
        f = tf.convert_to_tensor(evaluate(expr, env))
    trace = explain.backward_trace(tape, f, list(env.values()))
    lines = [f"f = {expr}", explain.describe(tape, f), "", str(trace), ""]
    for (name, var), g in zip(env.items(), trace.gradients):
        lines += _gradient_lines(name, g, tape, f, var)
    text = explain.html(tape, f, list(env.values()), title=f"f = {expr}") if page else None
    return lines, trace.graph(), text


def _gradient_lines(name: str, g, tape, f, var) -> list:
    """``df/dx = 36``; a None gets the reason beside it, from explain.why_none."""
    head = f"df/d{name} = {explain._short(g)}"
    if g is not None:
        return [head]
    why = explain.why_none(tape, f, var)
    return textwrap.wrap(f"{head}   why: {why}", 100, subsequent_indent=" " * 8)


def _print_error(line: str) -> None:
    print(line, file=sys.stderr)


def run(expr: str, at: list, dot: str | None = None, svg: str | None = None,
        out=print, err=_print_error, html: str | None = None) -> int:
    """The ``explain`` command. Returns the exit status: 0; 2 after one ``error:`` line for a
    refused expression, an op's error, a bad ``--at`` value or an unwritable output; 1 when
    Graphviz is needed and missing."""
    try:
        lines, graph, page = _explanation(expr, at, page=bool(html))
    except Exception as e:                  # op errors too: dtype mismatches, bad shapes, ...
        err(f"error: {_error_text(e)}")
        return 2
    for line in lines:
        out(line)
    if html:
        try:
            explain._write_atomically(html, page.encode("utf-8"))    # whole or not at all
            out(f"wrote {html}")
        except OSError as e:
            err(f"error: cannot write {html}: {e.strerror or e}")
            return 2
    for path in (dot, svg):
        if not path:
            continue
        try:
            out(f"wrote {graph.render(path)}")
        except RuntimeError as e:           # Graphviz missing or failing
            err(f"error: {_error_text(e)}")
            return 1
        except OSError as e:
            err(f"error: cannot write {path}: {e.strerror or e}")
            return 2
    return 0
