"""Which op function the user called: TF's name, op type and inputs for the node it makes.

TF's graph has one node per op the user calls (``tf.exp(x)`` is one ``Exp``, ``tf.nn.relu``
one ``Relu``), named after the op function (``tf.add`` is ``Add``, op type ``AddV2``; the
Python operator ``+`` is ``add``). minitf's trace records array operations, several for some
ops (``tf.sigmoid`` is an ``abs``, an ``exp``, a ``where``, ...). While a trace runs,
``tensor._make`` tells it, through the seam (``_backend.Tracer.made``), the frame of the op
function that made each value; ``op_frame`` finds the outermost op function of the table below
among the frames of ``minitf/ops`` that are running, and the trace groups the array operations
that function recorded into one node of TF's name and type (``tracing.Trace.made``).

Each entry: (TF's node name, TF's op type, the op's inputs in TF's order as (TF's input name,
the op function's local variable that holds it, or None for an input TF makes a Const of that
minitf has no value for, such as a slice's ``begin``)), or a function of the op function's
locals that gives one. The input name names a Const made of a Python value (``Add/y``,
``Reshape/shape``); a name ending in ``*`` is a list of inputs (``concat/values_1`` for the
second). Checked against TF 2.21 in
``parity/test_graph_def_parity.py``.

>>> import minitf as tf
>>> f = tf.function(lambda x: tf.nn.relu(tf.add(x, 1.0)))
>>> graph = f.get_concrete_function(tf.TensorSpec([2])).graph
>>> [(n.name, n.type) for n in graph.get_operations()]  # doctest: +NORMALIZE_WHITESPACE
[('x', 'Placeholder'), ('Add/y', 'Const'), ('Add', 'AddV2'), ('Relu', 'Relu'),
 ('Identity', 'Identity')]
"""
from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_OPS_DIR = _PACKAGE + "ops" + os.sep
_TENSOR = _PACKAGE + "tensor.py"      # conversions an op makes (``convert_to_tensor``)

_X = (("x", "x"),)
# tf.identity: a node of its own, though it computes nothing (``tracing.Trace.made``)
IDENTITY = ("Identity", "Identity", _X)
_XY = (("x", "x"), ("y", "y"))


def _build() -> dict:
    from ..ops import array_ops as A
    from ..ops import complex_ops as C
    from ..ops import linalg_ops as L
    from ..ops import math_ops as M
    from ..ops import nn_ops as N
    from ..ops import overloads as O
    from ..ops import reduction_ops as R
    unary = {M.exp: "Exp", M.log: "Log", M.sqrt: "Sqrt", M.square: "Square", M.abs: "Abs",
             M.negative: "Neg", M.tanh: "Tanh", M.sigmoid: "Sigmoid", M.rsqrt: "Rsqrt",
             M.log1p: "Log1p", M.expm1: "Expm1"}
    table = {fn.__code__: (t, t, _X) for fn, t in unary.items()}
    binary = {M.add: ("Add", "AddV2"), M.subtract: ("Sub", "Sub"), M.multiply: ("Mul", "Mul"),
              M.realdiv: ("RealDiv", "RealDiv"), M.divide: ("truediv", "RealDiv"),
              M.floordiv: ("floordiv", "FloorDiv"), M.floormod: ("FloorMod", "FloorMod"),
              M.pow: ("Pow", "Pow"), M.maximum: ("Maximum", "Maximum"),
              M.minimum: ("Minimum", "Minimum"),
              M.squared_difference: ("SquaredDifference", "SquaredDifference")}
    table.update({fn.__code__: (n, t, _XY) for fn, (n, t) in binary.items()})
    features = (("features", "x"),)
    for fn, t in ((N.relu, "Relu"), (N.relu6, "Relu6"), (N.elu, "Elu"), (N.selu, "Selu"),
                  (N.leaky_relu, "LeakyRelu")):
        table[fn.__code__] = (t, t, features)
    for fn, t in ((N.softmax, "Softmax"), (N.log_softmax, "LogSoftmax")):
        table[fn.__code__] = (t, t, (("logits", "x"),))
    table[M.softplus.__code__] = ("Softplus", "Softplus", (("features", "features"),))
    table[N.sigmoid.__code__] = ("Sigmoid", "Sigmoid", _X)
    table[N.tanh.__code__] = ("Tanh", "Tanh", _X)
    table[M.cast.__code__] = ("Cast", "Cast", _X)
    table[M.identity.__code__] = IDENTITY
    table[C.conj.__code__] = ("Conj", "Conj", (("input", "x"),))
    # one OneHot reading its depth, on and off values from Consts listed in another order;
    # an on or off value given is converted in the scope: ``one_hot/Const``, ``.../Const_1``
    one_hot = {}
    for on in (False, True):
        for off in (False, True):
            given = iter(("Const", "Const_1"))
            names = (next(given) if on else "on_value", next(given) if off else "off_value")
            one_hot[on, off] = ("one_hot", "OneHot", (("indices", "idx"), (names[0], None),
                                                      (names[1], None), ("depth", None)),
                                (0, 3, 1, 2))
    table[A.one_hot.__code__] = lambda local: one_hot[local.get("on_value") is not None,
                                                     local.get("off_value") is not None]
    table[L.matmul.__code__] = ("MatMul", "MatMul", (("a", "a"), ("b", "b")))
    table[A.reshape.__code__] = ("Reshape", "Reshape", (("tensor", "x"), ("shape", "shape")))
    table[A.transpose.__code__] = ("transpose", "Transpose", (("x", "x"), ("perm", None)))
    table[A.expand_dims.__code__] = ("ExpandDims", "ExpandDims", (("input", "x"),
                                                                  ("dim", "axis")))
    table[A.tile.__code__] = ("Tile", "Tile", (("input", "x"), ("multiples", "multiples")))
    table[R.argmax.__code__] = ("ArgMax", "ArgMax", (("input", "input"),
                                                     ("dimension", "axis")))
    table[R.argmin.__code__] = ("ArgMin", "ArgMin", (("input", "input"),
                                                     ("dimension", "axis")))
    table[A.squeeze.__code__] = ("Squeeze", "Squeeze", (("input", "x"),))
    table[A.concat.__code__] = ("concat", "ConcatV2", (("values*", "ts"), ("axis", "axis")))
    table[A.gather.__code__] = ("GatherV2", "GatherV2", (("params", "x"), ("indices", "idx"),
                                                         ("axis", "axis")))
    table[M.add_n.__code__] = ("AddN", "AddN", (("inputs*", "ts"),))
    table[N.l2_loss.__code__] = ("L2Loss", "L2Loss", (("t", "t"),))
    table[N.bias_add.__code__] = ("BiasAdd", "BiasAdd", (("value", "x"), ("bias", "b")))
    erf_like = {"Erf": ("Erf", "Erf", _X), "Erfc": ("Erfc", "Erfc", _X)}
    table[M.erf.__code__] = lambda local: erf_like.get(local.get("op"))
    select = ("SelectV2", "SelectV2", (("condition", "c"), ("t", "x"), ("e", "y")))
    table[M.where.__code__] = lambda local: ("Where", "Where", (("input", "c"),)) \
        if local.get("x") is None else select
    slice_ = ("strided_slice", "StridedSlice", (("input", "x"), ("stack", None),
                                                ("stack_1", None), ("stack_2", None)))
    # constant bounds only (a traced index: TF packs its bounds from it, minitf lists its steps)
    table[A.strided_slice.__code__] = lambda local: None if local.get("positions") else slice_
    # Python operators: lower-case names, TF's (``x + y`` is ``add``); the binary ones share
    # one code object, told apart by the op function they call (``fn``)
    operators = {M.add: ("add", "AddV2"), M.subtract: ("sub", "Sub"),
                 M.divide: ("truediv", "RealDiv"), M.floordiv: ("floordiv", "FloorDiv"),
                 M.floormod: ("mod", "FloorMod"), M.pow: ("pow", "Pow"),
                 L.matmul: ("matmul", "MatMul")}
    forward = {fn: (n, t, (("x", "self"), ("y", "other"))) for fn, (n, t) in operators.items()}
    backward = {fn: (n, t, (("x", "other"), ("y", "self"))) for fn, (n, t) in operators.items()}
    op, rop = O._binary(M.add, None)
    table[op.__code__] = lambda local: forward.get(local.get("fn"))
    table[rop.__code__] = lambda local: backward.get(local.get("fn"))
    table[O._mul.__code__] = ("mul", "Mul", (("x", "self"), ("y", "other")))
    table[O._rmul.__code__] = ("mul", "Mul", (("x", "other"), ("y", "self")))
    return table


def _build_scopes() -> dict:
    """The op functions whose ops TF keeps in a name scope: (the scope's name, whether the
    last op is named as the scope itself, as ``clip_by_value`` is)."""
    from ..ops import linalg_ops as L
    from ..ops import math_ops as M
    from ..ops import nn_ops as N
    return {M.clip_by_value.__code__: ("clip_by_value", True), N.gelu.__code__: ("Gelu", False),
            L.norm.__code__: ("norm", False),
            # a Python float cast to the dtype it already has: TF's Const ``Cast/x`` alone
            N._f32_const.__code__: ("Cast/x", None)}


_TABLE: dict | None = None
_SCOPES: dict | None = None
_IN_OPS: dict = {}      # code object -> whether it is a function of minitf/ops


def _spec(frame):
    global _TABLE
    if _TABLE is None:
        _TABLE = _build()
    spec = _TABLE.get(frame.f_code)
    if callable(spec):              # decided by the function's locals
        spec = spec(frame.f_locals)
    return spec


def in_ops(code) -> bool:
    """Whether ``code`` is minitf's op code: a function of ``minitf/ops`` or of
    ``tensor.py`` (whose conversions ops call), not the user's or a library's."""
    inside = _IN_OPS.get(code)
    if inside is None:
        inside = _IN_OPS[code] = code.co_filename.startswith(_OPS_DIR) or \
            code.co_filename == _TENSOR
    return inside


def op_frame(frame):
    """(the frame, its entry) of the outermost op function of the table running around
    ``frame`` (the op code that called ``_make``), or (None, None)."""
    found = (None, None)
    while frame is not None:
        code = frame.f_code
        if not in_ops(code):
            break
        spec = _spec(frame)
        if spec is not None:
            found = (frame, spec)
        frame = frame.f_back
    return found


def scope_frame(frame, const=False):
    """(the frame, its entry) of the outermost op function of ``_build_scopes`` running around
    ``frame`` (an op function's frame), or (None, None). ``const``: ((the scope's frame, its
    entry), the name TF gives the constant being made there, ``Cast/x``) instead, or None
    where the constant has no such name or scope."""
    global _SCOPES
    if _SCOPES is None:
        _SCOPES = _build_scopes()
    found = (None, None)
    const_name = None
    while frame is not None:
        code = frame.f_code
        if not _IN_OPS.get(code, False):
            break
        spec = _SCOPES.get(code)
        if spec is not None:
            if spec[1] is None:
                const_name = const_name or spec[0]
            else:
                found = (frame, spec)
        frame = frame.f_back
    if const:
        return None if const_name is None or found[0] is None else (found, const_name)
    return found


__all__ = ["op_frame", "scope_frame", "in_ops", "IDENTITY"]
