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
  ``MAX_INT_BITS`` (4096) bits: ``9**9**9`` would need about 10**9 bits and hours of CPU. No
  tensor holds an integer beyond 2**64, nor a float beyond 2**1024, so the bound refuses nothing
  that could become a tensor, yet leaves room for ``(10**1000) % 7``.
- Python lists built with ``*`` and ``+`` may hold at most ``MAX_LIST_ELEMENTS`` (1000000)
  numbers, counting a tensor inside a list as its number of elements.
- Evaluation walks the syntax tree with an explicit stack, so deep expressions (a 2000-term sum)
  cost no Python recursion. Python's own parser still has limits: about 3 x
  ``sys.getrecursionlimit()`` levels (a sum of up to about 2980 terms at the default limit of
  1000 on CPython 3.11) and 200 nested brackets. Beyond them the command says so.

Every failure -- a refused expression, an op's error (a dtype mismatch, a bad shape), a bad
``--at`` value, an output file that cannot be written -- prints one ``error: ...`` line on stderr
and exits with status 2.
"""
from __future__ import annotations

import ast
import math
import operator
import sys
import textwrap

import minitf as tf
from . import explain

MAX_INT_BITS = 4096
MAX_LIST_ELEMENTS = 1_000_000
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
        f"and + up to {MAX_LIST_ELEMENTS} numbers; nesting up to what Python's parser takes "
        f"(about 3 x the recursion limit levels).", width))
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


def _elements(value) -> int:
    """How many numbers a (nested) Python list holds once made a tensor. Lists repeated with
    ``*`` share their items, so each distinct list is counted once (memo by id) and the walk is
    iterative: neither a wide nor a deep list can make it slow or recurse."""
    if not isinstance(value, list):
        return _tensor_size(value)
    counts: dict = {}                       # id of a list -> its number count
    stack = [value]
    while stack:
        v = stack[-1]
        if id(v) in counts:
            stack.pop()
            continue
        pending = [c for c in v if isinstance(c, list) and id(c) not in counts]
        if pending:
            stack.extend(pending)
        else:
            counts[id(v)] = sum(counts[id(c)] if isinstance(c, list) else _tensor_size(c)
                                for c in v)
            stack.pop()
    return counts[id(value)]


def _tensor_size(v) -> int:
    """A number counts 1; a tensor or Variable its number of elements."""
    if isinstance(v, (int, float)):
        return 1
    try:
        return math.prod(int(d) for d in v.shape)
    except (AttributeError, TypeError, ValueError):
        return 1


def _check_cost(fn, a, b) -> None:
    """Refuse, before it runs, constant arithmetic whose result would exceed the limits:
    integers beyond MAX_INT_BITS, lists beyond MAX_LIST_ELEMENTS numbers."""
    symbol = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.pow: "**"}.get(fn)
    if _is_int(a) and _is_int(b):
        bits = _int_result_bits(fn, a, b)
        if bits > MAX_INT_BITS:
            raise UnsafeExpression(
                f"{_describe(a)} {symbol} {_describe(b)} could need "
                f"{f'about {bits:.4g}' if math.isfinite(bits) else 'more than 2**1000'} bits; "
                f"integer constant arithmetic is limited to {MAX_INT_BITS} bits")
        return
    if fn is operator.mul and (isinstance(a, list) and _is_int(b) or
                               _is_int(a) and isinstance(b, list)):
        items, times = (a, b) if isinstance(a, list) else (b, a)
        size = _elements(items) * max(times, 0)
    elif fn is operator.add and isinstance(a, list) and isinstance(b, list):
        size = _elements(a) + _elements(b)
    else:
        return                              # tensors and floats: the op's own cost
    if size > MAX_LIST_ELEMENTS:
        raise UnsafeExpression(f"a list built with {symbol} would hold {size} numbers; lists "
                               f"built with * and + are limited to {MAX_LIST_ELEMENTS} numbers")


# ---- evaluation: an explicit stack over the syntax tree ---------------------------------------

def _parse(expr: str) -> ast.Expression:
    try:
        return ast.parse(expr, mode="eval")
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


def _apply(node, values: list, env: dict, fn):
    """The value of ``node`` given the values of its sub-expressions."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.BinOp):
        op = _BINOPS[type(node.op)]
        _check_cost(op, *values)
        return op(*values)
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](values[0])
    if isinstance(node, (ast.List, ast.Tuple)):
        return values                       # a Python list, as TF code would pass it
    n = len(node.args)
    return fn(*values[:n], **{kw.arg: v for kw, v in zip(node.keywords, values[n:])})


def evaluate(expr: str, env: dict):
    """Evaluate ``expr`` over the tensors in ``env`` with only the allowed constructs, in
    Python's order (so a tape records the ops as it would for the same line of TF code).

    Iterative post-order walk: a node is checked when first reached, then evaluated once all
    its sub-expressions have values; depth costs no Python recursion."""
    values: list = []                       # values of finished sub-expressions, in order
    stack: list = [(_parse(expr).body, None, None)]
    while stack:
        node, count, fn = stack.pop()
        if count is None:                   # first visit: check it, then its children first
            children, fn = _visit(node, env)
            stack.append((node, len(children), fn))
            stack.extend((child, None, None) for child in reversed(children))
        else:
            args = values[len(values) - count:]
            del values[len(values) - count:]
            values.append(_apply(node, args, env, fn))
    return values[0]


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


def _explanation(expr: str, at: list):
    """Everything the command prints, computed before any of it is printed: (lines, graph)."""
    env = parse_assignments(at)
    with tf.GradientTape(persistent=True) as tape:
        f = tf.convert_to_tensor(evaluate(expr, env))
    trace = explain.backward_trace(tape, f, list(env.values()))
    lines = [f"f = {expr}", explain.describe(tape, f), "", str(trace), ""]
    lines += [f"df/d{name} = {explain._short(g)}" for name, g in zip(env, trace.gradients)]
    return lines, trace.graph()


def _print_error(line: str) -> None:
    print(line, file=sys.stderr)


def run(expr: str, at: list, dot: str | None = None, svg: str | None = None,
        out=print, err=_print_error) -> int:
    """The ``explain`` command. Returns the exit status: 0; 2 after one ``error:`` line for a
    refused expression, an op's error, a bad ``--at`` value or an unwritable output; 1 when
    Graphviz is needed and missing."""
    try:
        lines, graph = _explanation(expr, at)
    except Exception as e:                  # op errors too: dtype mismatches, bad shapes, ...
        err(f"error: {_error_text(e)}")
        return 2
    for line in lines:
        out(line)
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
