"""Bad and unusual input, op by op, against TensorFlow (issue 12 §3; outcomes in docs/bad-input.md).

One declaration drives every check: each op of the op table (``minitf/checks/op_specs.py``) plus the
public non-differentiable ops in ``EXTRA_OPS`` is called under TensorFlow and under minitf with
its arguments rewritten by each input FAMILY (None, bool, string, complex64, empty tensors,
NaN/Inf, float16, int32, wrong rank, mixed dtypes, Python lists), and each out-of-range axis in
``AXIS_OPS``. Both frameworks must agree: the same exception type, or the same value (dtype,
shape, NaN/inf positions, numbers at the project's tolerances).

Where minitf differs on purpose, ``DELIBERATE`` says why, and the test checks the difference is
the documented one (complex64: the few ops with no complex kernel yet raise, never a wrong
value).

Run ``python parity/test_bad_input_parity.py`` for the table of outcomes per family.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import minitf
from minitf.checks.op_specs import SPECS, OpSpec
from minitf.checks.parity_check import TOL

# float16: 1 ulp is 2^-10 = 9.8e-4 relative. TF's float16 kernels compute in float32 and round
# once, as NumPy's float16 loops do, so elementwise results agree to 1 ulp; sums of a handful of
# terms (the inputs here have at most 24 elements) round at most a few times more.
TOL16 = (4e-3, 4e-3)


@dataclass(frozen=True)
class ExtraOp:
    """A public op outside the differentiable op table, called the same way as an OpSpec."""
    name: str
    fn: Callable
    arity: int = 1
    shapes: object = None
    domain: tuple = (-3.0, 3.0)


EXTRA_OPS = [
    ExtraOp("floor", lambda tf, x: tf.floor(x)),
    ExtraOp("ceil", lambda tf, x: tf.math.ceil(x)),
    ExtraOp("round", lambda tf, x: tf.round(x)),
    ExtraOp("sign", lambda tf, x: tf.sign(x)),
    ExtraOp("is_nan", lambda tf, x: tf.math.is_nan(x)),
    ExtraOp("is_finite", lambda tf, x: tf.math.is_finite(x)),
    ExtraOp("is_inf", lambda tf, x: tf.math.is_inf(x)),
    ExtraOp("logical_not", lambda tf, x: tf.logical_not(x)),
    ExtraOp("logical_and", lambda tf, x, y: tf.logical_and(x, y), 2),
    ExtraOp("cast_int32", lambda tf, x: tf.cast(x, tf.int32)),
    ExtraOp("cast_float64", lambda tf, x: tf.cast(x, tf.float64)),
    ExtraOp("stop_gradient", lambda tf, x: tf.stop_gradient(x)),
    ExtraOp("zeros_like", lambda tf, x: tf.zeros_like(x)),
    ExtraOp("ones_like", lambda tf, x: tf.ones_like(x)),
    ExtraOp("floordiv", lambda tf, x, y: tf.math.floordiv(x, y), 2, "broadcast", (0.5, 3.0)),
    ExtraOp("divide_no_nan", lambda tf, x, y: tf.math.divide_no_nan(x, y), 2, "broadcast"),
    ExtraOp("equal", lambda tf, x, y: tf.equal(x, y), 2, "broadcast"),
    ExtraOp("less", lambda tf, x, y: tf.less(x, y), 2, "broadcast"),
    ExtraOp("reduce_any", lambda tf, x: tf.reduce_any(x, axis=0), shapes=[(3, 2)]),
    ExtraOp("reduce_all", lambda tf, x: tf.reduce_all(x), shapes=[(3, 2)]),
    ExtraOp("argmax", lambda tf, x: tf.argmax(x, axis=1), shapes=[(3, 4)]),
    ExtraOp("argmin", lambda tf, x: tf.argmin(x), shapes=[(3, 4)]),
    ExtraOp("cumprod", lambda tf, x: tf.math.cumprod(x, axis=1), shapes=[(3, 4)]),
    ExtraOp("reduce_prod_all", lambda tf, x: tf.reduce_prod(x), shapes=[(2, 3)]),
    ExtraOp("reduce_max_all", lambda tf, x: tf.reduce_max(x), shapes=[(2, 3)]),
    ExtraOp("reduce_min_all", lambda tf, x: tf.reduce_min(x), shapes=[(2, 3)]),
    ExtraOp("reduce_logsumexp_all", lambda tf, x: tf.reduce_logsumexp(x), shapes=[(2, 3)]),
    ExtraOp("reduce_mean_all", lambda tf, x: tf.reduce_mean(x), shapes=[(2, 3)]),
    ExtraOp("shape", lambda tf, x: tf.shape(x), shapes=[(2, 3)]),
    ExtraOp("size", lambda tf, x: tf.size(x), shapes=[(2, 3)]),
    ExtraOp("rank", lambda tf, x: tf.rank(x), shapes=[(2, 3)]),
    ExtraOp("reshape_0_neg1", lambda tf, x: tf.reshape(x, [0, -1]), shapes=[(2, 3)]),
    ExtraOp("reshape_neg1", lambda tf, x: tf.reshape(x, [-1]), shapes=[(2, 3)]),
    ExtraOp("squeeze", lambda tf, x: tf.squeeze(x), shapes=[(2, 1)]),
    ExtraOp("one_hot", lambda tf, x: tf.one_hot(x, 3), shapes=[(4,)]),
    ExtraOp("trace", lambda tf, x: tf.linalg.trace(x), shapes=[(3, 3)]),
    ExtraOp("matvec", lambda tf, a, b: tf.linalg.matvec(a, b), 2, [(2, 3), (3,)]),
    ExtraOp("l2_normalize", lambda tf, x: tf.math.l2_normalize(x, axis=-1), shapes=[(2, 3)]),
    ExtraOp("embedding_lookup", lambda tf, x: tf.nn.embedding_lookup(x, [1, 0]),
            shapes=[(3, 2)]),
    ExtraOp("moments_mean", lambda tf, x: tf.nn.moments(x, axes=[0])[0], shapes=[(4, 3)]),
    ExtraOp("global_norm", lambda tf, x, y: tf.linalg.global_norm([x, y]), 2,
            [(2, 2), (3,)]),
]

# Ops with an axis argument, called with an axis one past the rank on each side.
AXIS_OPS = {
    "reduce_sum": lambda tf, x, a: tf.reduce_sum(x, axis=a),
    "reduce_mean": lambda tf, x, a: tf.reduce_mean(x, axis=a),
    "reduce_max": lambda tf, x, a: tf.reduce_max(x, axis=a),
    "reduce_min": lambda tf, x, a: tf.reduce_min(x, axis=a),
    "reduce_prod": lambda tf, x, a: tf.reduce_prod(x, axis=a),
    "reduce_logsumexp": lambda tf, x, a: tf.reduce_logsumexp(x, axis=a),
    "reduce_variance": lambda tf, x, a: tf.math.reduce_variance(x, axis=a),
    "reduce_std": lambda tf, x, a: tf.math.reduce_std(x, axis=a),
    "reduce_any": lambda tf, x, a: tf.reduce_any(x > 0, axis=a),
    "argmax": lambda tf, x, a: tf.argmax(x, axis=a),
    "argmin": lambda tf, x, a: tf.argmin(x, axis=a),
    "cumsum": lambda tf, x, a: tf.cumsum(x, axis=a),
    "cumprod": lambda tf, x, a: tf.math.cumprod(x, axis=a),
    "softmax": lambda tf, x, a: tf.nn.softmax(x, axis=a),
    "log_softmax": lambda tf, x, a: tf.nn.log_softmax(x, axis=a),
    "reverse": lambda tf, x, a: tf.reverse(x, [a]),
    "split": lambda tf, x, a: tf.split(x, 1, axis=a),
    "gather": lambda tf, x, a: tf.gather(x, [0], axis=a),
    "concat": lambda tf, x, a: tf.concat([x, x], axis=a),
    "stack": lambda tf, x, a: tf.stack([x, x], axis=a + (1 if a > 0 else -1)),
    "unstack": lambda tf, x, a: tf.unstack(x, axis=a),
    "expand_dims": lambda tf, x, a: tf.expand_dims(x, a + (1 if a > 0 else -1)),
    "squeeze": lambda tf, x, a: tf.squeeze(x, [a]),
    "norm": lambda tf, x, a: tf.norm(x, axis=a),
    "l2_normalize": lambda tf, x, a: tf.math.l2_normalize(x, axis=a),
    "moments": lambda tf, x, a: tf.nn.moments(x, axes=[a])[1],
    "reduce_sum_dup": lambda tf, x, a: tf.reduce_sum(x, axis=[0, a - 2 if a > 0 else a + 3]),
}

OPS = {s.name: s for s in SPECS} | {e.name: e for e in EXTRA_OPS}

# Single bad calls that no family produces: conversion limits, creation ops, indexing, empty
# lists, unsigned kernels. Each is called as ``fn(tf)`` under both frameworks.
CALLS = {
    "constant 2**70": lambda tf: tf.constant(2 ** 70),
    "constant 2**70 int64": lambda tf: tf.constant(2 ** 70, tf.int64),
    "constant [2**70] float32": lambda tf: tf.constant([2 ** 70, 1], tf.float32),
    "constant 1e300": lambda tf: tf.constant(1e300),
    "constant [1e300, inf]": lambda tf: tf.constant([1e300, float("inf")]),
    "constant [inf, nan]": lambda tf: tf.constant([float("inf"), float("nan")]),
    "constant 2**31 int32": lambda tf: tf.constant(2 ** 31, tf.int32),
    "constant [1, 'a']": lambda tf: tf.constant([1, "a"]),
    "constant [1.0, None]": lambda tf: tf.constant([1.0, None]),
    "constant ragged": lambda tf: tf.constant([[1, 2], [3]]),
    "constant object()": lambda tf: tf.constant(object()),
    "constant object array": lambda tf: tf.constant(np.array([object()])),
    "constant datetime64": lambda tf: tf.constant(np.array(["2020-01-01"], "datetime64[D]")),
    "constant longdouble": lambda tf: tf.constant(np.array([1.0], np.longdouble)),
    "constant shape mismatch": lambda tf: tf.constant([1, 2, 3], shape=[2, 2]),
    "constant uint16": lambda tf: tf.constant(np.array([1], np.uint16)),
    "constant uint32": lambda tf: tf.constant(np.array([1], np.uint32)),
    "constant uint64": lambda tf: tf.constant(np.array([1], np.uint64)),
    "convert 1.5 int32": lambda tf: tf.convert_to_tensor(1.5, tf.int32),
    "convert 'a' float32": lambda tf: tf.convert_to_tensor("a", tf.float32),
    "float32 + 'a'": lambda tf: tf.constant(1.0) + "a",
    "as_dtype None": lambda tf: tf.as_dtype(None),
    "cast to 'foo'": lambda tf: tf.cast(tf.ones(2), "foo"),
    "int32 // 0": lambda tf: tf.constant(5) // tf.constant(0),
    "int32 % 0": lambda tf: tf.constant(5) % 0,
    "int32 ** -1": lambda tf: tf.constant(0) ** -1,
    "int32 / 0": lambda tf: tf.constant(5) / 0,
    "int32 min // -1": lambda tf: tf.constant(-2 ** 31) // tf.constant(-1),
    "int(inf)": lambda tf: int(tf.constant(np.inf)),
    "int(vector)": lambda tf: int(tf.constant([1, 2])),
    "bool(vector)": lambda tf: bool(tf.constant([1.0, 2.0])),
    "cast inf/nan to int32": lambda tf: tf.cast(tf.constant([np.inf, np.nan, 1e20]), tf.int32),
    "abs uint8": lambda tf: tf.abs(tf.constant([1], tf.uint8)),
    "negative uint8": lambda tf: tf.negative(tf.constant([1], tf.uint8)),
    "sign uint8": lambda tf: tf.sign(tf.constant([1], tf.uint8)),
    "relu uint8": lambda tf: tf.nn.relu(tf.constant([1], tf.uint8)),
    "square int8 overflow": lambda tf: tf.square(tf.constant([100], tf.int8)),
    "equal string number": lambda tf: tf.equal(tf.constant(["a"]), 1),
    "float == 'a'": lambda tf: tf.constant([1.0]) == "a",
    "add strings": lambda tf: tf.add(tf.constant(["a"]), tf.constant(["b"])),
    "reduce_sum ['a', 'b']": lambda tf: tf.reduce_sum(["a", "b"]),
    "index out of range": lambda tf: tf.constant([1, 2])[5],
    "index 2**62": lambda tf: tf.constant([1, 2])[2 ** 62],
    "index 2**70": lambda tf: tf.constant([1, 2])[2 ** 70],
    "slice to 2**70": lambda tf: tf.constant([1, 2])[:2 ** 70],
    "index -3": lambda tf: tf.constant([1, 2])[-3],
    "index float": lambda tf: tf.constant([1, 2])[1.0],
    "index scalar": lambda tf: tf.constant(1)[0],
    "slice step 0": lambda tf: tf.constant([1, 2])[::0],
    "range step 0": lambda tf: tf.range(0, 5, 0),
    "range backwards": lambda tf: tf.range(0, 5, -1),
    "range too long": lambda tf: tf.range(0.0, 1e30, 1.0),
    "linspace num 0": lambda tf: tf.linspace(0.0, 1.0, 0),
    "eye -1": lambda tf: tf.eye(-1),
    "fill negative": lambda tf: tf.fill([-1], 1.0),
    "tile negative": lambda tf: tf.tile(tf.ones(2), [-1]),
    "split into 0": lambda tf: tf.split(tf.ones(4), 0),
    "split uneven": lambda tf: tf.split(tf.ones(4), 3),
    "transpose repeated perm": lambda tf: tf.transpose(tf.ones((2, 3)), [0, 0]),
    "transpose short perm": lambda tf: tf.transpose(tf.ones((2, 3)), [0]),
    "broadcast_to incompatible": lambda tf: tf.broadcast_to(tf.ones(3), [2, 2]),
    "concat ranks": lambda tf: tf.concat([tf.ones(3), tf.ones((1, 3))], 0),
    "concat []": lambda tf: tf.concat([], 0),
    "stack []": lambda tf: tf.stack([]),
    "add_n []": lambda tf: tf.add_n([]),
    "add_n [None, x]": lambda tf: tf.add_n([None, tf.ones(2)]),
    "gather -1": lambda tf: tf.gather(tf.ones(3), [-1]),
    "scatter out of range": lambda tf: tf.tensor_scatter_nd_update(tf.ones(3), [[5]], [1.0]),
    "random.normal [-1]": lambda tf: tf.random.normal([-1]),
    "random.uniform int no maxval": lambda tf: tf.random.uniform([2], dtype=tf.int32),
    "shuffle scalar": lambda tf: tf.random.shuffle(tf.constant(1.0)),
    "where(cond) of floats": lambda tf: tf.where(tf.constant([[1.0, 0.0], [0.0, 3.0]])),
    "where(cond) of strings": lambda tf: tf.where(tf.constant(["a", ""])),
    "where(float cond, x, y)": lambda tf: tf.where(tf.constant([1.0, 0.0]), 1.0, 2.0),
    "where(cond, x) only": lambda tf: tf.where(tf.constant([True]), tf.constant([1.0])),
    "squeeze size 2": lambda tf: tf.squeeze(tf.ones((2, 3)), [0]),
    "clip lo > hi": lambda tf: tf.clip_by_value(tf.constant([1.0, 5.0]), 3.0, 2.0),
    "Variable(None)": lambda tf: tf.Variable(None),
    "len(scalar Variable)": lambda tf: len(tf.Variable(1.0)),
    "matmul int32 overflow": lambda tf: tf.matmul(tf.constant([[2 ** 30]]), tf.constant([[4]])),
    "norm ord 0": lambda tf: tf.norm(tf.ones(3), ord=0),
    "norm ord -1": lambda tf: tf.norm(tf.ones(3), ord=-1),
    "l2_loss int32": lambda tf: tf.nn.l2_loss(tf.constant([1, 2])),
    "dropout rate 1": lambda tf: tf.nn.dropout(tf.ones(3), 1.0),
    "dropout int32": lambda tf: tf.nn.dropout(tf.constant([1, 2]), 0.5),
    "softplus int32": lambda tf: tf.nn.softplus(tf.constant([1])),
    "gelu of a list": lambda tf: tf.nn.gelu([1.0, 2.0]),
    "sparse CE scalar logits": lambda tf: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([0]), logits=tf.constant(1.0)),
    "softmax CE int logits": lambda tf: tf.nn.softmax_cross_entropy_with_logits(
        labels=[[1, 0]], logits=[[1, 1]]),
    "inv float16 singular": lambda tf: tf.linalg.inv(tf.ones((3, 3), tf.float16)),
    "inv of a vector": lambda tf: tf.linalg.inv(tf.ones(3)),
    # 0-d integer arguments (where ZeroDivisionError and IndexError used to leak)
    "range delta 0-d 0": lambda tf: tf.range(0, 5, tf.constant(0)),
    "range 0-d limit": lambda tf: tf.range(tf.constant(0)),
    "split by 0-d 0": lambda tf: tf.split(tf.ones(4), tf.constant(0)),
    "tile by 0-d": lambda tf: tf.tile(tf.ones(2), tf.constant(0)),
    "tile by a longer vector": lambda tf: tf.tile(tf.ones(2), [1, 2]),
    "linspace 0-d num": lambda tf: tf.linspace(0.0, 1.0, tf.constant(0)),
    "one_hot 0-d depth 0": lambda tf: tf.one_hot([0, 1], tf.constant(0)),
    "fill 0-d dims": lambda tf: tf.fill(tf.constant(0), 1.0),
    "uniform int maxval 0": lambda tf: tf.random.uniform([2], maxval=0, dtype=tf.int32),
    "uniform int minval == maxval": lambda tf: tf.random.uniform([2], minval=3, maxval=3,
                                                                 dtype=tf.int32),
    "floormod 0 by 0-d 0": lambda tf: tf.math.floormod(tf.constant(0), tf.constant(0)),
    "floordiv 0 by 0-d 0": lambda tf: tf.math.floordiv(tf.constant(0), tf.constant(0)),
    "0-d int / 0-d int 0": lambda tf: tf.constant(0) / tf.constant(0),
    "0-d int ** 0-d int": lambda tf: tf.constant(0) ** tf.constant(0),
    "reduce_mean 0-d int": lambda tf: tf.reduce_mean(tf.constant(7)),
    "reduce_mean empty int": lambda tf: tf.reduce_mean(tf.zeros((0,), tf.int32)),
    "reduce_mean empty int rows": lambda tf: tf.reduce_mean(tf.zeros((2, 0), tf.int32), axis=1),
    "cumsum 0-d": lambda tf: tf.cumsum(tf.constant(0)),
    "reverse 0-d": lambda tf: tf.reverse(tf.constant(0), [0]),
    "gather from 0-d": lambda tf: tf.gather(tf.constant(0), 0),
    "gather 0-d index": lambda tf: tf.gather(tf.ones(3), tf.constant(0)),
    "squeeze 0-d": lambda tf: tf.squeeze(tf.constant(0)),
    "transpose 0-d": lambda tf: tf.transpose(tf.constant(0)),
    "reshape 0-d to [-1]": lambda tf: tf.reshape(tf.constant(0), [-1]),
    "reshape 0-d to [0]": lambda tf: tf.reshape(tf.constant(0), [0]),
    "unstack 0-d": lambda tf: tf.unstack(tf.constant(0)),
    "concat 0-d": lambda tf: tf.concat([tf.constant(0), tf.constant(0)], 0),
    "boolean_mask 0-d": lambda tf: tf.boolean_mask(tf.constant(0), True),
    "pad 0-d": lambda tf: tf.pad(tf.constant(0), []),
    "pad by a vector": lambda tf: tf.pad(tf.ones(2), [1, 1]),
    "pad negative": lambda tf: tf.pad(tf.ones(2), [[-1, 1]]),
    "matmul 0-d": lambda tf: tf.matmul(tf.constant(0), tf.constant(0)),
    "argmax 0-d": lambda tf: tf.argmax(tf.constant(0)),
    "softmax 0-d": lambda tf: tf.nn.softmax(tf.constant(0.0)),
    "scatter 0-d indices": lambda tf: tf.tensor_scatter_nd_update(tf.ones(3), tf.constant(0),
                                                                  1.0),
    "scatter indices too deep": lambda tf: tf.tensor_scatter_nd_update(tf.ones(3), [[0, 1]],
                                                                       [1.0]),
    "scatter updates too many": lambda tf: tf.tensor_scatter_nd_update(tf.ones(3), [[0]],
                                                                       [1.0, 2.0]),
    "int32 max + 1": lambda tf: tf.constant(2 ** 31 - 1) + 1,
    "int64 overflow *": lambda tf: tf.constant(2 ** 62, tf.int64) * 4,
    "int8 constant 300": lambda tf: tf.constant(300, tf.int8),
    "uint8 constant -1": lambda tf: tf.constant(-1, tf.uint8),
    "float16 constant 1e6": lambda tf: tf.constant(1e6, tf.float16),
    "Variable.assign(True)": lambda tf: tf.Variable(1.0).assign(True),
    "Variable.assign(None)": lambda tf: tf.Variable(1.0).assign(None),
    "Variable + None": lambda tf: tf.Variable([1.0]) + None,
    # integers no int64 holds (OverflowError used to leak) and sizes that overflow
    "int32 + 2**64": lambda tf: tf.constant(1) + 2 ** 64,
    "float32 + 2**70": lambda tf: tf.constant(1.0) + 2 ** 70,
    "float32 + 10**400": lambda tf: tf.constant(1.0) + 10 ** 400,
    "float32 * 1e300": lambda tf: tf.constant(1.0) * 1e300,
    "float16 + 1e10": lambda tf: tf.constant(1.0, tf.float16) + 1e10,
    "uint8 + -1": lambda tf: tf.constant(1, tf.uint8) + (-1),
    "int8 * 1000": lambda tf: tf.constant(1, tf.int8) * 1000,
    "fill with 2**70": lambda tf: tf.fill([2], 2 ** 70),
    "ones [2**40, 2**40]": lambda tf: tf.ones([2 ** 40, 2 ** 40]),
    "zeros [2**70]": lambda tf: tf.zeros([2 ** 70]),
    "reshape to [2**70]": lambda tf: tf.reshape(tf.ones(2), [2 ** 70]),
    "range from 2**70": lambda tf: tf.range(2 ** 70, 2 ** 70 + 2),
    "one_hot [2**70]": lambda tf: tf.one_hot([2 ** 70], 3),
    "gather [2**70]": lambda tf: tf.gather(tf.ones(3), [2 ** 70]),
    "expand_dims at 2**70": lambda tf: tf.expand_dims(tf.ones(2), 2 ** 70),
    "reduce_sum axis 2**70": lambda tf: tf.reduce_sum(tf.ones(2), 2 ** 70),
    "transpose perm 2**70": lambda tf: tf.transpose(tf.ones((2, 2)), [0, 2 ** 70]),
    "split sizes 2**70": lambda tf: tf.split(tf.ones(2), [2 ** 70, -2 ** 70 + 2]),
    "pad 2**70": lambda tf: tf.pad(tf.ones(2), [[2 ** 70, 0]]),
    "tile 2**70": lambda tf: tf.tile(tf.ones(2), [2 ** 70]),
    "linspace num 2**70": lambda tf: tf.linspace(0.0, 1.0, 2 ** 70),
    "random shape [2**70]": lambda tf: tf.random.normal([2 ** 70]),
    "cast 1e30 to int32": lambda tf: tf.cast(tf.constant([1e30]), tf.int32),
    "constant inf as int32": lambda tf: tf.constant(float("inf"), tf.int32),
    "int32 ** 100": lambda tf: tf.constant(2) ** 100,
}


# ---- input families ---------------------------------------------------------------------------
# A family rewrites the op's base arguments (float64 NumPy arrays). Each argument becomes
# ("t", array): ``tf.constant(array)`` in the framework under test, or ("py", value): passed as is.

def _shapes(op) -> list:
    if op.shapes is None:
        return [(2, 3)] * op.arity
    if op.shapes == "broadcast":
        return [(2, 3), (3,)][:op.arity]
    return list(op.shapes)


def _base(op) -> list:
    rng = np.random.default_rng(sum(map(ord, op.name)))
    lo, hi = op.domain
    return [rng.uniform(lo, hi, size=s) for s in _shapes(op)]


def _t(arr):
    return ("t", arr)


def _all(arrays, dtype):
    return [_t(a.astype(dtype)) for a in arrays]


def _first(arrays, first, dtype=np.float32):
    return [first] + [_t(a.astype(dtype)) for a in arrays[1:]]


def _nan_inf(a):
    a = a.copy().ravel()
    a[: min(3, a.size)] = [np.nan, np.inf, -np.inf][: min(3, a.size)]
    return a.reshape(-1 if a.ndim else ())


def _reshaped_like(flat, a):
    return flat.reshape(a.shape)


def _empty(arrays, axis):
    out = []
    for a in arrays:
        shape = list(a.shape)
        if shape:
            shape[axis] = 0
        out.append(_t(np.zeros(shape, np.float32)))
    return out


def _strings(a):
    return np.array(["ab", "c", "", "d"] * (a.size // 4 + 1))[: a.size].reshape(a.shape)


FAMILIES = {
    "none": lambda arrays: _first(arrays, ("py", None)),
    "bool": lambda arrays: _first(arrays, _t(arrays[0] > arrays[0].mean())),
    "bool_all": lambda arrays: [_t(a > a.mean()) for a in arrays],
    "string": lambda arrays: _first(arrays, _t(_strings(arrays[0]))),
    "string_all": lambda arrays: [_t(_strings(a)) for a in arrays],
    "complex64": lambda arrays: _all([a + 0.5j for a in arrays], np.complex64),
    "empty_first_dim": lambda arrays: _empty(arrays, 0),
    "empty_last_dim": lambda arrays: _empty(arrays, -1),
    "nan_inf_f32": lambda arrays: _first(
        arrays, _t(_reshaped_like(_nan_inf(arrays[0]), arrays[0]).astype(np.float32))),
    "nan_inf_f64": lambda arrays: _first(
        arrays, _t(_reshaped_like(_nan_inf(arrays[0]), arrays[0])), np.float64),
    "float16": lambda arrays: _all(arrays, np.float16),
    "int32": lambda arrays: _all([np.round(a) for a in arrays], np.int32),
    "int32_scalar_zero": lambda arrays: [_t(np.int32(0)) for _ in arrays],
    "rank0": lambda arrays: _first(arrays, _t(np.float32(arrays[0].ravel()[0]))),
    "rank_plus1": lambda arrays: _first(arrays, _t(np.stack([arrays[0]] * 2).astype(np.float32))),
    "mixed_f32_f64": lambda arrays: None if len(arrays) < 2 else [
        _t(arrays[0].astype(np.float32))] + _all(arrays[1:], np.float64),
    "mixed_f32_i32": lambda arrays: None if len(arrays) < 2 else [
        _t(arrays[0].astype(np.float32))] + _all([np.round(a) for a in arrays[1:]], np.int32),
    "python_lists": lambda arrays: [("py", a.tolist()) for a in arrays],
    "python_int_lists": lambda arrays: [("py", np.round(a).astype(int).tolist()) for a in arrays],
}

# Where minitf differs from TensorFlow on purpose: the reason, and what minitf does instead
# (checked: an exception class it must raise, or VALUE for a result). Keys are (family, op) with
# "*" for every op. docs/bad-input.md lists the same rows.
VALUE = "value"
_NONFINITE_SOLVE = ("a matrix holding NaN/inf: TF's LU either returns NaN or says 'not "
                    "invertible' depending on where the pivots fall; minitf returns LAPACK's NaN",
                    VALUE)
_LIST_PARAMS = ("TF reads a Python list of params as a list of shards (partitioned lookup); "
                "minitf reads it as one tensor, as every other op does", VALUE)
_MOMENTS_LIST = ("TF's moments reads x.dtype before converting x (AttributeError for a list); "
                 "minitf converts its argument as every other op does", VALUE)
DELIBERATE = {
    ("nan_inf_f32", "linalg_solve"): _NONFINITE_SOLVE,
    ("nan_inf_f32", "linalg_solve_batched"): _NONFINITE_SOLVE,
    ("nan_inf_f32", "linalg_inv"): _NONFINITE_SOLVE,
    ("nan_inf_f64", "linalg_solve"): _NONFINITE_SOLVE,
    ("nan_inf_f64", "linalg_solve_batched"): _NONFINITE_SOLVE,
    ("nan_inf_f64", "linalg_inv"): _NONFINITE_SOLVE,
    ("nan_inf_f64", "erf"): ("TF's float64 erf gives NaN at ±inf; minitf gives the limits ±1 "
                             "(as TF's float32 erf and every maths library do)", VALUE),
    ("none", "moments_mean"): ("TF's moments reads x.dtype first (AttributeError); minitf "
                               "converts x and raises TF's ValueError for None", ValueError),
    ("none", "moments_var"): ("as moments_mean", ValueError),
    ("python_lists", "moments_mean"): _MOMENTS_LIST,
    ("python_lists", "moments_var"): _MOMENTS_LIST,
    ("python_int_lists", "moments_mean"): _MOMENTS_LIST,
    ("python_int_lists", "moments_var"): _MOMENTS_LIST,
    ("python_lists", "embedding_lookup"): _LIST_PARAMS,
    ("python_int_lists", "embedding_lookup"): _LIST_PARAMS,
    ("string", "silu"): ("TF's UnimplementedError comes from casting beta to string inside "
                         "silu; minitf rejects the string input itself (InvalidArgumentError, "
                         "as every float-only op)", "InvalidArgumentError"),
    ("string_all", "silu"): ("as string/silu", "InvalidArgumentError"),
    ("call", "constant uint16"): ("minitf has uint8 only among unsigned types: a TypeError "
                                  "naming the dtype, never a silent cast", TypeError),
    ("call", "constant uint32"): ("as uint16", TypeError),
    ("call", "constant uint64"): ("as uint16", TypeError),
}

# Complex kernels minitf does not have yet (TF computes these): each refuses complex64 with
# the op's InvalidArgumentError (einsum: NotFoundError), never a wrong value. Every other op
# of the table matches TF under the complex64 family (values, or TF's own error).
_COMPLEX_NOT_YET = ("linalg_cholesky_lower", "linalg_cholesky_spd",
                    "linalg_det", "linalg_eigh", "linalg_eigh_lower", "linalg_qr",
                    "linalg_qr_wide", "linalg_slogdet",
                    "linalg_svd_values", "linalg_triangular_solve",
                    "linalg_triangular_solve_upper_adjoint", "segment_prod",
                    "unsorted_segment_prod")
for _name in _COMPLEX_NOT_YET:
    DELIBERATE[("complex64", _name)] = ("no complex kernel in minitf yet (TF has one): the "
                                        "op's InvalidArgumentError, never a wrong value",
                                        "InvalidArgumentError")


def _case_args(fw, args):
    return [fw.constant(v) if kind == "t" else v for kind, v in args]


def outcome(fw, fn, args):
    """('raise', exception class name, text, class) or ('value', [(dtype name, ndarray), ...])."""
    try:
        r = fn(fw, *_case_args(fw, args))
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return ("raise", type(e).__name__, str(e)[:300], type(e))
    flat = r if isinstance(r, (list, tuple)) else [r]
    return ("value", [(t.dtype.name, np.asarray(t.numpy())) for t in flat])


def _close(a: np.ndarray, b: np.ndarray, dtype: str) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind not in "fc":
        return np.array_equal(a, b)
    # complex: the non-finite positions of both parts, then the modulus rule (parity_check.TOL)
    parts = [(a.real, b.real), (a.imag, b.imag)] if a.dtype.kind == "c" else [(a, b)]
    for p, q in parts:
        if not (np.array_equal(np.isnan(p), np.isnan(q)) and
                np.array_equal(np.isposinf(p), np.isposinf(q)) and
                np.array_equal(np.isneginf(p), np.isneginf(q))):
            return False
    ok = np.isfinite(a)
    rtol, atol = TOL16 if dtype == "float16" else TOL[dtype]
    wide = np.complex128 if a.dtype.kind == "c" else np.float64
    return np.allclose(a[ok].astype(wide), b[ok].astype(wide), rtol, atol)


def same(mine, theirs) -> bool:
    if mine[0] != theirs[0]:
        return False
    if mine[0] == "raise":
        return mine[1] == theirs[1]
    if len(mine[1]) != len(theirs[1]):
        return False
    return all(da == db and _close(a, b, da) for (da, a), (db, b) in zip(mine[1], theirs[1]))


def _cases():
    cases = {}
    for name, op in OPS.items():
        base = _base(op)
        for fam, build in FAMILIES.items():
            args = build(base)
            if args is not None:
                cases[f"{fam}-{name}"] = (fam, name, op.fn, args)
    for name, fn in AXIS_OPS.items():
        x = _t(_base(OPS["exp"])[0].astype(np.float32))
        for axis in (2, -3):
            cases[f"axis{axis}-{name}"] = ("axis", name, _bind_axis(fn, axis), [x])
    for name, fn in CALLS.items():
        cases[f"call-{name}"] = ("call", name, _no_args(fn), [])
    return cases


def _no_args(fn):
    return lambda tf: fn(tf)


def _bind_axis(fn, axis):
    return lambda tf, x: fn(tf, x, axis)


CASES = _cases()


def _deliberate(fam, name):
    return DELIBERATE.get((fam, name)) or DELIBERATE.get((fam, "*"))


# Ops added for issue 17 (einsum, linalg decompositions, segments, scatter_nd, linspace) whose
# answer to these bad inputs is not TF's yet: another exception type or message (TF's einsum
# has no bool kernel, NotFoundError; its cholesky refuses bool with TypeError; ...). Listed so
# the other rows stay checked; tracked in issue 17's note and docs/bad-input.md. The list can
# only shrink: test_not_yet_matched_still_differ fails for a row that has come to match.
NOT_YET_MATCHED = frozenset([
    "bool-einsum_ellipsis",
    "bool-einsum_matmul",
    "bool-linalg_cholesky_spd",
    "bool_all-linalg_cholesky_spd",
    "empty_first_dim-einsum_diag_trace",
    "empty_first_dim-einsum_three_implicit",
    "empty_last_dim-einsum_ellipsis",
    "empty_last_dim-einsum_matmul",
    "float16-einsum_three_implicit",
    "float16-linalg_cholesky_lower",
    "float16-linalg_cholesky_spd",
    "float16-linalg_det",
    "float16-linalg_eigh",
    "float16-linalg_eigh_lower",
    "float16-linalg_slogdet",
    "float16-linalg_svd",
    "float16-linalg_svd_values",
    "float16-linalg_svd_wide",
    "float16-linalg_triangular_solve",
    "float16-linalg_triangular_solve_upper_adjoint",
    "int32-unsorted_segment_mean",
    "int32_scalar_zero-einsum_three_implicit",
    "nan_inf_f32-segment_max",
    "nan_inf_f32-unsorted_segment_min",
    "nan_inf_f64-segment_max",
    "nan_inf_f64-unsorted_segment_min",
    "none-einsum_diag_trace",
    "none-einsum_ellipsis",
    "none-einsum_matmul",
    "none-einsum_three_implicit",
    "python_int_lists-einsum_diag_trace",
    "python_int_lists-einsum_ellipsis",
    "python_int_lists-einsum_matmul",
    "python_int_lists-einsum_three_implicit",
    "python_int_lists-unsorted_segment_mean",
    "python_lists-einsum_diag_trace",
    "python_lists-einsum_ellipsis",
    "python_lists-einsum_matmul",
    "python_lists-einsum_three_implicit",
    "rank0-einsum_three_implicit",
    "rank_plus1-einsum_three_implicit",
    "string-einsum_ellipsis",
    "string-einsum_matmul",
    "string-linalg_cholesky_spd",
    "string-scatter_nd",
    "string-unsorted_segment_mean",
    "string_all-linalg_cholesky_spd",
    "string_all-linspace",
    "string_all-scatter_nd",
    "string_all-unsorted_segment_mean",
])


def _check(tf_real, case) -> str | None:
    """None if minitf behaves as TF (or as documented, for a deliberate row), else the story."""
    if case in NOT_YET_MATCHED:
        return None
    fam, name, fn, args = CASES[case]
    mine = outcome(minitf, fn, args)
    deliberate = _deliberate(fam, name)
    if deliberate is not None:
        _assert_documented(mine, *deliberate)
        return None
    theirs = outcome(tf_real, fn, args)
    return None if same(mine, theirs) else f"{case}\n  minitf: {mine}\n  TF:     {theirs}"


FAMILY_CASES = {}
for _case, (_fam, _name, _, _) in sorted(CASES.items()):
    FAMILY_CASES.setdefault(_fam, []).append(_case)


@pytest.mark.parametrize("family", sorted(f for f in FAMILY_CASES if f != "axis"))
def test_family_matches_tensorflow(tf_real, family):
    """Every op under one input family (one test per family keeps 2,300 checks fast)."""
    stories = [s for s in (_check(tf_real, case) for case in FAMILY_CASES[family]) if s]
    assert not stories, f"{len(stories)} ops differ from TF:\n" + "\n".join(stories)


@pytest.mark.parametrize("case", sorted(NOT_YET_MATCHED))
def test_not_yet_matched_still_differ(tf_real, case):
    """A listed row that now matches TF must leave NOT_YET_MATCHED (strict, as an xfail)."""
    fam, name, fn, args = CASES[case]
    assert not same(outcome(minitf, fn, args), outcome(tf_real, fn, args)), \
        f"{case} now matches TensorFlow: remove it from NOT_YET_MATCHED"


@pytest.mark.parametrize("case", FAMILY_CASES["axis"])
def test_out_of_range_axis_matches_tensorflow(tf_real, case):
    story = _check(tf_real, case)
    assert story is None, story


def _assert_documented(mine, reason, expected):
    """A deliberate difference holds as documented: the exception (a class, or a class name for
    minitf's own errors) or a value."""
    if expected == VALUE:
        assert mine[0] == "value", (reason, mine)
    elif isinstance(expected, str):
        assert mine[0] == "raise" and mine[1] == expected, (reason, mine)
    else:
        assert mine[0] == "raise" and issubclass(mine[3], expected), (reason, mine)


def _report():  # pragma: no cover - a developer's table, not a test
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    bad = {}
    for case in sorted(CASES):
        fam, name, fn, args = CASES[case]
        mine, theirs = outcome(minitf, fn, args), outcome(tf, fn, args)
        if not same(mine, theirs) and not _deliberate(fam, name):
            bad.setdefault(fam, []).append((name, mine, theirs))
    for fam, rows in bad.items():
        print(f"== {fam}: {len(rows)} differ")
        for name, mine, theirs in rows:
            print(f"  {name:24} minitf {_short(mine):60} TF {_short(theirs)}")


def _short(o):
    if o[0] == "raise":
        return f"{o[1]}: {o[2][:70]!r}"
    return "value " + ", ".join(f"{d}{list(a.shape)}" for d, a in o[1])


if __name__ == "__main__":  # pragma: no cover
    _report()
