"""The gradients at kinks and ties, one row per case: docs/gradient-conventions.md is generated
from this table (``python -m minitf conventions``), tests/ checks every row against minitf and
parity/ against TensorFlow. The expected values are TensorFlow's (TF_SEMANTICS §2, §8)."""
from __future__ import annotations

import math

import numpy as np

INF, NAN = math.inf, math.nan
_SELU_SCALE = float(np.float32(1.0507009873554805))

# (op, expression as shown, fn(tf, *inputs), inputs, expected gradients per input, rule)
CASES = [
    ("relu", "relu(x)", lambda tf, x: tf.nn.relu(x), [[-1.0, 0.0, 2.0]], [[0, 0, 1]],
     "relu'(0) = 0 (the kernel masks by output > 0)"),
    ("relu6", "relu6(x)", lambda tf, x: tf.nn.relu6(x), [[0.0, 3.0, 6.0, 7.0]], [[0, 1, 0, 0]],
     "0 at both 0 and 6"),
    ("leaky_relu", "leaky_relu(x), α = 0.2", lambda tf, x: tf.nn.leaky_relu(x),
     [[-1.0, 0.0, 1.0]], [[0.2, 0.2, 1]], "α at 0"),
    ("elu", "elu(x)", lambda tf, x: tf.nn.elu(x), [[0.0]], [[1]], "1 at 0"),
    ("selu", "selu(x)", lambda tf, x: tf.nn.selu(x), [[0.0]], [[_SELU_SCALE]],
     "scale (1.0507…) at 0"),
    ("abs", "abs(x)", lambda tf, x: tf.abs(x), [[-1.0, 0.0, 1.0]], [[-1, 0, 1]],
     "g·sign(x): 0 at 0"),
    ("maximum", "maximum(x, y), tie", lambda tf, x, y: tf.maximum(x, y), [[1.0], [1.0]],
     [[1], [0]], "the first argument takes the whole gradient"),
    ("minimum", "minimum(x, y), tie", lambda tf, x, y: tf.minimum(x, y), [[1.0], [1.0]],
     [[1], [0]], "the first argument takes the whole gradient"),
    ("reduce_max", "reduce_max(x), two-way tie", lambda tf, x: tf.reduce_max(x),
     [[1.0, 3.0, 3.0, 2.0]], [[0, 0.5, 0.5, 0]], "split evenly among the maxima"),
    ("reduce_max", "reduce_max(x), three-way tie", lambda tf, x: tf.reduce_max(x),
     [[3.0, 3.0, 3.0]], [[1 / 3, 1 / 3, 1 / 3]], "split evenly among the maxima"),
    ("clip_by_value", "clip_by_value(x, 0, 1)",
     lambda tf, x: tf.clip_by_value(x, 0.0, 1.0), [[-0.5, 0.0, 0.5, 1.0, 1.5]],
     [[0, 1, 1, 1, 0]], "passes at the bounds, 0 strictly outside"),
    ("sqrt", "sqrt(x)", lambda tf, x: tf.sqrt(x), [[0.0, 4.0]], [[INF, 0.25]],
     "g/(2·sqrt(x)): +inf at 0"),
    ("log", "log(x)", lambda tf, x: tf.math.log(x), [[0.0, -1.0]], [[INF, -1]],
     "g/x: +inf at 0"),
    ("pow (base)", "pow(x, y), x = 0", lambda tf, x, y: tf.pow(x, y),
     [[0.0, 0.0, 0.0, 0.0], [2.0, 0.5, 0.0, 1.0]], [[0, INF, NAN, 1], [0, 0, 0, 0]],
     "g·y·x^(y-1); the exponent's gradient is 0 where x <= 0"),
    ("pow (exponent)", "pow(x, y), x < 0", lambda tf, x, y: tf.pow(x, y), [[-2.0], [2.0]],
     [[-4], [0]], "the exponent's gradient is masked to 0 for x <= 0"),
    ("reduce_prod", "reduce_prod(x), one zero", lambda tf, x: tf.reduce_prod(x),
     [[0.0, 2.0, 3.0]], [[6, 0, 0]], "products of the others, no division"),
    ("reduce_prod", "reduce_prod(x), two zeros", lambda tf, x: tf.reduce_prod(x),
     [[0.0, 0.0, 3.0]], [[0, 0, 0]], "products of the others, no division"),
    ("norm", "norm(x) at 0", lambda tf, x: tf.norm(x), [[0.0, 0.0]], [[NAN, NAN]],
     "sqrt'(0)·0 = nan"),
    ("softplus", "softplus(x) regimes", lambda tf, x: tf.nn.softplus(x),
     [[-100.0, -15.0, 0.0, 14.0, 100.0]],
     [[0.0, 3.0590223e-07, 0.5, 0.99999917, 1.0]], "g·sigmoid(x) in every regime"),
    ("sigmoid", "sigmoid(x) saturated", lambda tf, x: tf.sigmoid(x), [[-100.0, 0.0, 100.0]],
     [[0, 0.25, 0]], "g·y·(1-y) from the output"),
    ("tanh", "tanh(x) saturated", lambda tf, x: tf.tanh(x), [[0.0, 100.0]], [[1, 0]],
     "g·(1-y²) from the output"),
    ("where", "where(x > 0, log(x), x) at 0",
     lambda tf, x: tf.where(x > 0, tf.math.log(x), x), [[0.0]], [[NAN]],
     "0·inf from the unselected branch: use a safe input"),
    ("hand softplus", "log(1+exp(-|x|)) + maximum(0, x) at 0",
     lambda tf, x: tf.math.log(1 + tf.exp(-tf.abs(x))) + tf.maximum(0.0, x), [[0.0]], [[0]],
     "abs'(0) = 0 and the tie in maximum goes to the constant: 0, not 0.5"),
    ("sign", "sign(x)", lambda tf, x: tf.sign(x), [[0.0, 1.0]], [[0, 0]],
     "zeros (a registered zero gradient, not None)"),
    ("floor", "floor(x)", lambda tf, x: tf.math.floor(x), [[0.5, 1.5]], [None],
     "no gradient: None"),
    ("round", "round(x)", lambda tf, x: tf.round(x), [[0.5, 1.5]], [None], "no gradient: None"),
    ("argmax", "gather(x, argmax(x)), tie", lambda tf, x: tf.gather(x, tf.argmax(x)),
     [[1.0, 3.0, 3.0]], [[0, 1, 0]], "one-hot at the first maximum"),
]


def compute(tf, case):
    """The gradients of sum(fn(inputs)) for one case, as lists (None kept)."""
    _, _, fn, inputs, _, _ = case
    xs = [tf.constant(np.array(v, dtype=np.float32)) for v in inputs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = tf.reduce_sum(fn(tf, *xs))
    grads = [g if g is None or not hasattr(g, "indices") else tf.convert_to_tensor(g)
             for g in tape.gradient(y, xs)]   # TF's gather gradient is IndexedSlices
    return [None if g is None else np.asarray(g).tolist() for g in grads]


def matches(got, expected) -> bool:
    if expected is None or got is None:
        return got is None and expected is None
    return bool(np.allclose(np.array(got, np.float64), np.array(expected, np.float64),
                            rtol=1e-6, atol=1e-7, equal_nan=True))


def _fmt(v):
    if v is None:
        return "None"
    out = []
    for e in v:
        e = float(e)
        out.append("inf" if e == INF else "nan" if e != e else f"{e:.8g}")
    return "[" + ", ".join(out) + "]"


def table_markdown() -> str:
    lines = ["| op | case | input(s) | gradient (minitf = TensorFlow) | rule |",
             "|---|---|---|---|---|"]
    for op, text, _, inputs, expected, rule in CASES:
        ins = "; ".join(_fmt(v) for v in inputs)
        grads = "; ".join(_fmt(g) for g in expected)
        lines.append(f"| {op} | `{text}` | {ins} | {grads} | {rule} |")
    return "\n".join(lines)
