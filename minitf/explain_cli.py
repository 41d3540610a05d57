"""``python -m minitf explain EXPR --at name=value ...``: record EXPR on a tape and show it.

The expression is parsed, never ``eval``-ed: only numbers, the names given with ``--at``,
arithmetic (+ - * / // % ** @, unary -), parentheses, and calls of minitf ops by name
(``exp(x)``, ``tf.math.log(x)``, ``tf.reduce_sum(x * x)``) are allowed; anything else is refused
with a clear error.
"""
from __future__ import annotations

import ast
import operator

import minitf as tf
from . import explain

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow, ast.MatMult: operator.matmul}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_NAMESPACES = {"tf": tf, "math": tf.math, "nn": tf.nn, "linalg": tf.linalg}


class UnsafeExpression(ValueError):
    """The expression uses something other than arithmetic, numbers, given names and ops."""


def _op(path: list):
    """Resolve ``exp`` / ``tf.math.log`` / ``nn.relu`` to a public minitf function."""
    if path[0] in _NAMESPACES:
        obj, rest = _NAMESPACES[path[0]], path[1:]
    else:
        obj, rest = None, path
        for ns in (tf, tf.math, tf.nn, tf.linalg):
            if hasattr(ns, path[0]) and not path[0].startswith("_"):
                obj, rest = getattr(ns, path[0]), path[1:]
                break
        if obj is None:
            raise UnsafeExpression(f"unknown function {'.'.join(path)!r}")
    for part in rest:
        if part.startswith("_") or not hasattr(obj, part):
            raise UnsafeExpression(f"unknown function {'.'.join(path)!r}")
        obj = getattr(obj, part)
    if not callable(obj) or isinstance(obj, type) or getattr(obj, "__module__", "").split(
            ".")[0] != "minitf":
        raise UnsafeExpression(f"{'.'.join(path)!r} is not a minitf op")
    return obj


def _dotted(node) -> list:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise UnsafeExpression("only calls of minitf ops by name are allowed")
    return [node.id] + parts[::-1]


def evaluate(expr: str, env: dict):
    """Evaluate ``expr`` over the tensors in ``env`` with only the allowed constructs."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as e:
        raise UnsafeExpression(f"not a valid expression: {e.msg}") from None

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
                not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            raise UnsafeExpression(f"unknown name {node.id!r}; define it with --at "
                                   f"{node.id}=VALUE")
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](ev(node.operand))
        if isinstance(node, (ast.List, ast.Tuple)):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.Call):
            fn = _op(_dotted(node.func))
            kwargs = {}
            for kw in node.keywords:
                if kw.arg is None:
                    raise UnsafeExpression("**kwargs are not allowed")
                kwargs[kw.arg] = ev(kw.value)
            return fn(*[ev(a) for a in node.args], **kwargs)
        raise UnsafeExpression(f"{type(node).__name__} is not allowed in an expression "
                               f"(only arithmetic, numbers, names given with --at and minitf "
                               f"ops)")
    return ev(tree)


def parse_assignments(items: list) -> dict:
    """``["w1=5", "x=[1,2]"]`` → {name: float32 Variable}."""
    env = {}
    for item in items:
        if "=" not in item:
            raise UnsafeExpression(f"--at expects name=value, got {item!r}")
        name, _, value = item.partition("=")
        name = name.strip()
        if not name.isidentifier() or name in _NAMESPACES:
            raise UnsafeExpression(f"invalid variable name {name!r}")
        try:
            v = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise UnsafeExpression(f"the value of {name} must be a number or a list of numbers, "
                                   f"got {value!r}") from None
        env[name] = tf.Variable(tf.constant(v, dtype=tf.float32), name=name)
    return env


def run(expr: str, at: list, dot: str | None = None, svg: str | None = None,
        out=print) -> int:
    try:
        env = parse_assignments(at)
        with tf.GradientTape(persistent=True) as tape:
            f = evaluate(expr, env)
            f = tf.convert_to_tensor(f)
    except UnsafeExpression as e:
        out(f"error: {e}")
        return 2
    out(f"f = {expr}")
    out(explain.describe(tape, f))
    out("")
    trace = explain.backward_trace(tape, f, list(env.values()))
    out(str(trace))
    out("")
    for (name, var), g in zip(env.items(), trace.gradients):
        out(f"df/d{name} = {explain._short(g)}")
    graph = trace.graph()
    if dot:
        out(f"wrote {graph.render(dot)}")
    if svg:
        try:
            out(f"wrote {graph.render(svg)}")
        except RuntimeError as e:
            out(f"error: {e}")
            return 1
    return 0
