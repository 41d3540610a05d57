"""One table of differentiable ops, read by three checkers.

Each ``OpSpec`` calls the op through a framework module passed in as ``tf``, so the same line runs
on minitf and on TensorFlow. ``tests/`` checks minitf's values against ``ref`` (NumPy float64
mathematics) and its gradients against central finite differences; ``parity/`` and
``python -m minitf parity`` check values and gradients against TensorFlow on identical inputs.

``kinks`` are inputs chosen on purpose where an op is not smooth (zeros, ties, bounds), where
only TensorFlow can say what the gradient should be.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable                    # fn(tf, *tensors) -> tensor
    ref: Callable | None = None     # ref(*float64 arrays) -> float64 array (the mathematics)
    arity: int = 1
    domain: tuple = (-3.0, 3.0)     # range values are drawn from
    shapes: object = None           # None: elementwise, "broadcast", or a list of fixed shapes
    smooth: bool = True             # second derivatives are checked by finite differences
    away_from: tuple = ()           # points (kinks) that random inputs keep 1e-3 away from
    no_ties: bool = False           # random inputs keep all values 1e-3 apart (max, min, sort)
    kinks: tuple = field(default_factory=tuple)  # deliberate edge inputs, as tuples of lists
    fd: bool = True                 # False: the gradient is TF's convention, not the derivative
    atol32: float | None = None     # a float32 atol other than TOL's, with its reason at the spec
    avoid: Callable | None = None   # a kink that is not elementwise: random inputs where
                                    # avoid(*arrays) is true are redrawn (test it in `kinks`)


def _erf(x):
    return np.vectorize(math.erf)(x)


def _erfc(x):
    return np.vectorize(math.erfc)(x)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _lse(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return (np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m).squeeze(axis)


def _min_gap(values) -> float:
    """The smallest gap between sorted values, relative to the largest magnitude."""
    v = np.sort(np.abs(values) if np.all(values >= 0) else values, axis=-1)
    scale = max(np.abs(v).max(), 1e-30)
    return float(np.diff(v, axis=-1).min() / scale) if v.shape[-1] > 1 else 1.0


def _householder_pivot_small(a) -> bool:
    """True where QR's Householder sign choice is near a switch (a column's leading entry, after
    the earlier reflections, near 0 flips the signs of Q's column and R's row: a jump finite
    differences would straddle), or where R has a diagonal entry near 0 (Q is then not
    differentiable)."""
    r = np.array(a, dtype=np.float64)
    scale = max(np.linalg.norm(r), 1e-30)
    for j in range(min(r.shape[-2:])):
        x = r[j:, j]
        norm = np.linalg.norm(x)
        if abs(x[0]) < 0.05 * norm or norm < 0.1 * scale:
            return True
        if len(x) > 1 and np.linalg.norm(x[1:]) < 1e-3 * norm:
            return True    # LAPACK skips the reflection of a zero column: R's sign flips there
        v = x.copy()
        v[0] += np.sign(x[0]) * norm
        r[j:, :] -= 2 * np.outer(v, v @ r[j:, :]) / (v @ v)
    return False


def _ill_conditioned_svd(a) -> bool:
    """Singular values too close together, or one too close to 0 (where the singular vectors,
    and so the gradients, are not differentiable)."""
    s = np.linalg.svd(a, compute_uv=False)
    return _min_gap(s) < 0.1 or s.min() < 0.1 * s.max()


def _svd_invariants(tf, a):
    s, u, v = tf.linalg.svd(a)
    pieces = [s, u * u, v * v, tf.matmul(u[..., :1], v[..., :1], transpose_b=True)]
    return tf.concat([tf.reshape(p, [-1]) for p in pieces], 0)


def _svd_invariants_ref(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    v = np.swapaxes(vh, -1, -2)
    return np.concatenate([p.reshape(-1) for p in (s, u * u, v * v, u[..., :1] @ vh[..., :1, :])])


def _eigh_invariants(tf, a):
    e, v = tf.linalg.eigh(a)
    pieces = [e, v * v, tf.matmul(v[..., -1:], v[..., -1:], transpose_b=True)]
    return tf.concat([tf.reshape(p, [-1]) for p in pieces], 0)


def _eigh_invariants_ref(a):
    e, v = np.linalg.eigh(a)
    return np.concatenate([p.reshape(-1) for p in
                           (e, v * v, v[..., -1:] @ np.swapaxes(v[..., -1:], -1, -2))])


_DECOMP_ATOL32 = 2e-5      # derived at the svd/eigh rows below
_SELU_L, _SELU_A = 1.0507009873554804934, 1.6732632423543772848

SPECS: list[OpSpec] = [
    # ---- unary elementwise -------------------------------------------------------------------
    OpSpec("negative", lambda tf, x: tf.negative(x), lambda x: -x),
    OpSpec("square", lambda tf, x: tf.square(x), lambda x: x * x),
    OpSpec("sqrt", lambda tf, x: tf.sqrt(x), np.sqrt, domain=(0.1, 4.0),
           kinks=(([0.0, 1e-30, 4.0],),)),
    OpSpec("rsqrt", lambda tf, x: tf.math.rsqrt(x), lambda x: 1 / np.sqrt(x), domain=(0.1, 4.0)),
    OpSpec("reciprocal", lambda tf, x: tf.math.reciprocal(x), lambda x: 1 / x, domain=(0.2, 3.0)),
    OpSpec("exp", lambda tf, x: tf.exp(x), np.exp),
    OpSpec("log", lambda tf, x: tf.math.log(x), np.log, domain=(0.05, 5.0),
           kinks=(([0.0, 1.0],),)),
    OpSpec("log1p", lambda tf, x: tf.math.log1p(x), np.log1p, domain=(-0.9, 3.0)),
    OpSpec("expm1", lambda tf, x: tf.math.expm1(x), np.expm1),
    OpSpec("abs", lambda tf, x: tf.abs(x), np.abs, smooth=False, away_from=(0.0,),
           kinks=(([0.0, -0.0, 1.0, -1.0],),)),
    OpSpec("sin", lambda tf, x: tf.sin(x), np.sin),
    OpSpec("cos", lambda tf, x: tf.cos(x), np.cos),
    OpSpec("tan", lambda tf, x: tf.tan(x), np.tan, domain=(-1.2, 1.2)),
    OpSpec("tanh", lambda tf, x: tf.tanh(x), np.tanh, kinks=(([0.0, 10.0, -10.0],),)),
    OpSpec("sigmoid", lambda tf, x: tf.sigmoid(x), _sigmoid, kinks=(([0.0, 30.0, -30.0],),)),
    OpSpec("softplus", lambda tf, x: tf.nn.softplus(x), lambda x: np.log1p(np.exp(x)),
           domain=(-20.0, 20.0),
           kinks=(([-100.0, -20.0, -15.0, -13.9, 0.0, 13.9, 14.0, 15.0, 100.0],),)),
    OpSpec("erf", lambda tf, x: tf.math.erf(x), _erf),
    OpSpec("erfc", lambda tf, x: tf.math.erfc(x), _erfc),
    OpSpec("relu", lambda tf, x: tf.nn.relu(x), lambda x: np.maximum(x, 0), smooth=False,
           away_from=(0.0,), kinks=(([-1.0, 0.0, 2.0],),)),
    OpSpec("relu6", lambda tf, x: tf.nn.relu6(x), lambda x: np.clip(x, 0, 6), smooth=False,
           domain=(-2.0, 8.0), away_from=(0.0, 6.0), kinks=(([-1.0, 0.0, 3.0, 6.0, 7.0],),)),
    OpSpec("leaky_relu", lambda tf, x: tf.nn.leaky_relu(x),
           lambda x: np.where(x > 0, x, float(np.float32(0.2)) * x), smooth=False, away_from=(0.0,),
           kinks=(([-1.0, 0.0, 1.0],),)),
    OpSpec("elu", lambda tf, x: tf.nn.elu(x), lambda x: np.where(x > 0, x, np.exp(x) - 1),
           smooth=False, away_from=(0.0,), kinks=(([-1.0, 0.0, 1.0],),)),
    OpSpec("selu", lambda tf, x: tf.nn.selu(x),
           lambda x: _SELU_L * np.where(x > 0, x, _SELU_A * (np.exp(x) - 1)), smooth=False,
           away_from=(0.0,), kinks=(([-1.0, 0.0, 1.0],),)),
    # TF rounds gelu's constants through float32 (see ops/nn_ops.py); the references do too.
    OpSpec("gelu", lambda tf, x: tf.nn.gelu(x),
           lambda x: 0.5 * x * _erfc(-x * float(np.float32(0.7071067811865476)))),
    # float32 atol 4e-6: TF's float32 tanh is Eigen's approximation, up to 5.2 ulp (3.1e-7) off
    # (TF_SEMANTICS §0). For x < -2, 1 - tanh(u)² and 1 + tanh(u) cancel (tanh(u) ≈ -0.994),
    # and the gradient 0.5·x·(1 - tanh²)·u' multiplies that absolute error by up to 2.5 on the
    # domain, and by the weight (up to 2): about 3e-6 is the bound; 1.6e-6 was observed.
    OpSpec("gelu_tanh", lambda tf, x: tf.nn.gelu(x, approximate=True), atol32=4e-6,
           ref=lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (
               x + float(np.float32(0.044715)) * x ** 3)))),
    OpSpec("silu", lambda tf, x: tf.nn.silu(x), lambda x: x * _sigmoid(x)),
    # At ±inf the value is inf/inf = nan but TF's gradient 1/(1+|x|)² is 0; at 1e30 the
    # quotient rule would cancel to 0 in float64 where 1/(1+|x|)² is 1e-60.
    OpSpec("softsign", lambda tf, x: tf.nn.softsign(x), lambda x: x / (1 + np.abs(x)),
           smooth=False, away_from=(0.0,),
           kinks=(([-math.inf, -1e30, -50.0, -1.0, 0.0, 1.0, 50.0, 1e30, math.inf],),)),
    OpSpec("identity", lambda tf, x: tf.identity(x), lambda x: x),
    OpSpec("clip_by_value", lambda tf, x: tf.clip_by_value(x, -1.0, 1.0),
           lambda x: np.clip(x, -1, 1), smooth=False, away_from=(-1.0, 1.0),
           kinks=(([-1.5, -1.0, 0.0, 1.0, 1.5],),)),
    OpSpec("pow_scalar", lambda tf, x: x ** 3, lambda x: x ** 3),
    # ---- binary, broadcasting -------------------------------------------------------------------
    OpSpec("add", lambda tf, x, y: tf.add(x, y), np.add, 2, shapes="broadcast"),
    OpSpec("subtract", lambda tf, x, y: x - y, np.subtract, 2, shapes="broadcast"),
    OpSpec("multiply", lambda tf, x, y: x * y, np.multiply, 2, shapes="broadcast"),
    OpSpec("divide", lambda tf, x, y: x / y, np.divide, 2, domain=(0.3, 3.0),
           shapes="broadcast", kinks=(([1.0, 0.0, 2.0], [0.0, 0.0, 0.0]),)),
    OpSpec("pow", lambda tf, x, y: tf.pow(x, y), np.power, 2, domain=(0.2, 2.5),
           shapes="broadcast",
           kinks=(([0.0, 0.0, 0.0, 0.0, -2.0], [2.0, 0.5, 1.0, 3.0, 2.0]),)),
    OpSpec("maximum", lambda tf, x, y: tf.maximum(x, y), np.maximum, 2, shapes="broadcast",
           smooth=False, no_ties=True, kinks=(([1.0, 2.0, 3.0], [1.0, 1.0, 4.0]),)),
    OpSpec("minimum", lambda tf, x, y: tf.minimum(x, y), np.minimum, 2, shapes="broadcast",
           smooth=False, no_ties=True, kinks=(([1.0, 2.0, 3.0], [1.0, 1.0, 4.0]),)),
    OpSpec("squared_difference", lambda tf, x, y: tf.math.squared_difference(x, y),
           lambda x, y: (x - y) ** 2, 2, shapes="broadcast"),
    OpSpec("floormod", lambda tf, x: tf.math.floormod(x, 2.5), lambda x: np.mod(x, 2.5),
           smooth=False, away_from=(-2.5, 0.0, 2.5)),
    OpSpec("where", lambda tf, x, y: tf.where(x > y, x * 2.0, y * 3.0),
           lambda x, y: np.where(x > y, 2 * x, 3 * y), 2, shapes="broadcast", smooth=False,
           no_ties=True),
    OpSpec("add_n", lambda tf, x, y: tf.add_n([x, y, x]), lambda x, y: 2 * x + y, 2),
    OpSpec("bias_add", lambda tf, x, b: tf.nn.bias_add(x, b), np.add, 2,
           shapes=[(4, 3), (3,)]),
    # ---- reductions -----------------------------------------------------------------------------
    OpSpec("reduce_sum", lambda tf, x: tf.reduce_sum(x, axis=1), lambda x: x.sum(1),
           shapes=[(3, 4, 2)]),
    OpSpec("reduce_sum_all", lambda tf, x: tf.reduce_sum(x), np.sum, shapes=[(3, 4)]),
    OpSpec("reduce_mean", lambda tf, x: tf.reduce_mean(x, axis=[0, 2], keepdims=True),
           lambda x: x.mean((0, 2), keepdims=True), shapes=[(3, 4, 2)]),
    OpSpec("reduce_max", lambda tf, x: tf.reduce_max(x, axis=-1), lambda x: x.max(-1),
           shapes=[(3, 5)], smooth=False, no_ties=True,
           kinks=(([[1.0, 3.0, 3.0, 2.0], [3.0, 3.0, 3.0, 0.0]],),)),
    OpSpec("reduce_min", lambda tf, x: tf.reduce_min(x, axis=0), lambda x: x.min(0),
           shapes=[(4, 3)], smooth=False, no_ties=True,
           kinks=(([[1.0, 0.0], [1.0, 2.0]],),)),
    OpSpec("reduce_prod", lambda tf, x: tf.reduce_prod(x, axis=1), lambda x: x.prod(1),
           shapes=[(2, 4)], away_from=(0.0,), kinks=(([[0.0, 2.0, 3.0], [0.0, 0.0, 3.0]],),)),
    OpSpec("reduce_logsumexp", lambda tf, x: tf.reduce_logsumexp(x, axis=-1),
           lambda x: _lse(x), shapes=[(3, 4)],
           kinks=(([[1000.0, 1000.0], [-1000.0, 0.0]],),)),
    OpSpec("reduce_variance", lambda tf, x: tf.math.reduce_variance(x, axis=0),
           lambda x: x.var(0), shapes=[(5, 3)]),
    OpSpec("reduce_std", lambda tf, x: tf.math.reduce_std(x, axis=1),
           lambda x: x.std(1), shapes=[(3, 5)], no_ties=True),
    OpSpec("cumsum", lambda tf, x: tf.cumsum(x, axis=1), lambda x: np.cumsum(x, 1),
           shapes=[(3, 4)]),
    OpSpec("cumsum_excl_rev", lambda tf, x: tf.cumsum(x, axis=0, exclusive=True, reverse=True),
           lambda x: np.flip(np.cumsum(np.flip(x, 0), 0), 0) - x, shapes=[(4, 2)]),
    OpSpec("norm", lambda tf, x: tf.norm(x), lambda x: np.sqrt((x * x).sum()), shapes=[(3, 4)],
           away_from=(0.0,), kinks=(([[0.0, 0.0], [0.0, 0.0]],),)),
    OpSpec("l2_loss", lambda tf, x: tf.nn.l2_loss(x), lambda x: (x * x).sum() / 2,
           shapes=[(3, 4)]),
    # ---- linear algebra and shapes -------------------------------------------------------------
    OpSpec("matmul", lambda tf, a, b: tf.matmul(a, b), np.matmul, 2, shapes=[(3, 4), (4, 2)]),
    OpSpec("matmul_batched_bcast", lambda tf, a, b: a @ b, np.matmul, 2,
           shapes=[(2, 1, 3, 4), (5, 4, 2)]),
    OpSpec("matmul_ta_tb", lambda tf, a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
           lambda a, b: a.T @ b.T, 2, shapes=[(4, 3), (2, 4)]),
    OpSpec("matmul_tb", lambda tf, a, b: tf.matmul(a, b, transpose_b=True),
           lambda a, b: a @ b.T, 2, shapes=[(3, 4), (2, 4)]),
    OpSpec("tensordot", lambda tf, a, b: tf.tensordot(a, b, axes=[[1, 2], [0, 1]]),
           lambda a, b: np.tensordot(a, b, axes=[[1, 2], [0, 1]]), 2,
           shapes=[(2, 3, 4), (3, 4, 5)]),
    # Matrices kept well-conditioned: a shifted identity plus bounded entries.
    OpSpec("linalg_solve", lambda tf, a, b: tf.linalg.solve(a + 4.0 * tf.eye(3, dtype=a.dtype), b),
           lambda a, b: np.linalg.solve(a + 4 * np.eye(3), b), 2, domain=(-1.0, 1.0),
           shapes=[(3, 3), (3, 2)]),
    OpSpec("linalg_solve_batched", lambda tf, a, b: tf.linalg.solve(
               a + 4.0 * tf.eye(3, dtype=a.dtype), b),
           lambda a, b: np.linalg.solve(a + 4 * np.eye(3), b), 2, domain=(-1.0, 1.0),
           shapes=[(2, 3, 3), (2, 3, 1)]),
    OpSpec("linalg_inv", lambda tf, a: tf.linalg.inv(a + 4.0 * tf.eye(3, dtype=a.dtype)),
           lambda a: np.linalg.inv(a + 4 * np.eye(3)), domain=(-1.0, 1.0), shapes=[(3, 3)]),
    OpSpec("clip_by_norm", lambda tf, x: tf.clip_by_norm(x, 2.0),
           lambda x: x * 2.0 / max(np.sqrt((x * x).sum()), 2.0), shapes=[(2, 3)],
           smooth=False, kinks=(([[0.0, 0.0], [0.0, 0.0]],), ([[1.0, 1.0], [1.0, 1.0]],)),
           avoid=lambda x: abs(np.sqrt((x * x).sum()) - 2.0) < 1e-3),
    # A row whose norm is exactly the clip norm is a kink: TF's maximum sends the tie's gradient
    # to the norm (the clipping side), which the kink case checks against TF.
    OpSpec("clip_by_norm_axes", lambda tf, x: tf.clip_by_norm(x, 1.0, axes=[1]),
           lambda x: x * 1.0 / np.maximum(np.sqrt((x * x).sum(1, keepdims=True)), 1.0),
           shapes=[(3, 2)], smooth=False,
           kinks=(([[0.0, 1.0], [3.0, 4.0], [0.0, 0.0]],),),
           avoid=lambda x: bool((np.abs(np.sqrt((x * x).sum(1)) - 1.0) < 1e-3).any())),
    OpSpec("clip_by_global_norm", lambda tf, x, y: tf.add_n(
               tf.clip_by_global_norm([x, y * 2.0], 1.5)[0]),
           lambda x, y: (x + 2 * y) * 1.5 / max(np.sqrt((x * x).sum() + (2 * y * 2 * y).sum()),
                                               1.5), 2, shapes=[(2, 2), (2, 2)], smooth=False,
           away_from=(0.0,), kinks=(([[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]),)),
    OpSpec("transpose", lambda tf, x: tf.transpose(x, [2, 0, 1]),
           lambda x: x.transpose(2, 0, 1), shapes=[(2, 3, 4)]),
    OpSpec("reshape", lambda tf, x: tf.reshape(x, [4, -1]), lambda x: x.reshape(4, -1),
           shapes=[(2, 3, 2)]),
    OpSpec("expand_squeeze", lambda tf, x: tf.squeeze(tf.expand_dims(x, 1) * 2.0, [1]),
           lambda x: 2 * x, shapes=[(3, 2)]),
    OpSpec("concat", lambda tf, x, y: tf.concat([x, y * 2.0, x], axis=1),
           lambda x, y: np.concatenate([x, 2 * y, x], 1), 2, shapes=[(2, 3), (2, 1)]),
    OpSpec("stack", lambda tf, x, y: tf.stack([x, y], axis=1),
           lambda x, y: np.stack([x, y], 1), 2, shapes=[(3, 2), (3, 2)]),
    OpSpec("unstack", lambda tf, x: tf.unstack(x, axis=1)[0] * 3.0 + tf.unstack(x, axis=1)[2],
           lambda x: 3 * x[:, 0] + x[:, 2], shapes=[(2, 3)]),
    OpSpec("split", lambda tf, x: tf.split(x, [1, 3], axis=1)[1] * 2.0,
           lambda x: 2 * x[:, 1:], shapes=[(2, 4)]),
    OpSpec("tile", lambda tf, x: tf.tile(x, [2, 3]), lambda x: np.tile(x, [2, 3]),
           shapes=[(2, 3)]),
    OpSpec("broadcast_to", lambda tf, x: tf.broadcast_to(x, [4, 2, 3]),
           lambda x: np.broadcast_to(x, (4, 2, 3)), shapes=[(2, 1)]),
    OpSpec("gather", lambda tf, x: tf.gather(x, [2, 0, 2, 1]), lambda x: x[[2, 0, 2, 1]],
           shapes=[(3, 2)]),
    OpSpec("gather_axis1", lambda tf, x: tf.gather(x, [[1, 1], [0, 2]], axis=1),
           lambda x: x[:, [[1, 1], [0, 2]]], shapes=[(2, 3)]),
    OpSpec("boolean_mask", lambda tf, x: tf.boolean_mask(x, [True, False, True]),
           lambda x: x[[0, 2]], shapes=[(3, 2)]),
    OpSpec("pad", lambda tf, x: tf.pad(x, [[1, 0], [2, 1]]),
           lambda x: np.pad(x, [[1, 0], [2, 1]]), shapes=[(2, 3)]),
    OpSpec("pad_reflect", lambda tf, x: tf.pad(x, [[1, 1], [2, 1]], mode="REFLECT"),
           lambda x: np.pad(x, [[1, 1], [2, 1]], mode="reflect"), shapes=[(3, 4)]),
    OpSpec("reverse", lambda tf, x: tf.reverse(x, [0]), lambda x: x[::-1], shapes=[(3, 2)]),
    OpSpec("slice", lambda tf, x: x[1:, ::-2, 0], lambda x: x[1:, ::-2, 0], shapes=[(3, 4, 2)]),
    OpSpec("slice_newaxis", lambda tf, x: x[..., None, 1], lambda x: x[..., None, 1],
           shapes=[(2, 3)]),
    # ---- softmax and cross-entropy -------------------------------------------------------------
    OpSpec("softmax", lambda tf, x: tf.nn.softmax(x), _softmax, shapes=[(3, 4)],
           kinks=(([[1000.0, 0.0], [1.0, 1.0]],),)),
    OpSpec("log_softmax", lambda tf, x: tf.nn.log_softmax(x),
           lambda x: x - _lse(x)[..., None], shapes=[(3, 4)],
           kinks=(([[1000.0, 0.0], [1.0, 1.0]],),)),
    OpSpec("softmax_axis0", lambda tf, x: tf.nn.softmax(x, axis=0),
           lambda x: _softmax(x, 0), shapes=[(3, 2)]),
    OpSpec("sparse_softmax_ce",
           lambda tf, x: tf.nn.sparse_softmax_cross_entropy_with_logits(
               labels=tf.constant([2, 0, 1]), logits=x),
           lambda x: _lse(x) - x[[0, 1, 2], [2, 0, 1]], shapes=[(3, 4)]),
    OpSpec("softmax_ce", lambda tf, y, x: tf.nn.softmax_cross_entropy_with_logits(
               labels=y / tf.reduce_sum(y, -1, keepdims=True), logits=x),
           lambda y, x: -(y / y.sum(-1, keepdims=True) * (x - _lse(x)[..., None])).sum(-1), 2,
           domain=(0.1, 1.0), shapes=[(2, 3), (2, 3)]),
    # Labels that do not sum to 1: TF's fused gradient is softmax - labels, not the derivative.
    OpSpec("softmax_ce_unnormalised", lambda tf, y, x: tf.nn.softmax_cross_entropy_with_logits(
               labels=y, logits=x),
           lambda y, x: -(y * (x - _lse(x)[..., None])).sum(-1), 2, domain=(0.0, 1.0),
           shapes=[(2, 3), (2, 3)], fd=False, kinks=(([[1.0, 1.0, 0.0]], [[1.0, 2.0, 3.0]]),)),
    OpSpec("sigmoid_ce", lambda tf, z, x: tf.nn.sigmoid_cross_entropy_with_logits(
               labels=z, logits=x),
           lambda z, x: np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))), 2,
           shapes=[(2, 3), (2, 3)], smooth=False, away_from=(0.0,),
           kinks=(([-2.0, 0.0, 3.0, 100.0, -100.0, 0.0], [1.0, 1.0, 0.0, 0.0, 1.0, 0.3]),)),
    # smooth=False: moments stops the gradient through the mean inside the variance (as TF
    # does), which leaves first derivatives exact but drops a term of the Hessian.
    OpSpec("moments_var", lambda tf, x: tf.nn.moments(x, axes=[0])[1],
           lambda x: x.var(0), shapes=[(4, 3)], smooth=False),
    # ---- issue #17: inverse trig and hyperbolic, special functions ------------------------------
    OpSpec("atan", lambda tf, x: tf.math.atan(x), np.arctan,
           kinks=(([0.0, math.inf, -math.inf],),)),
    OpSpec("asin", lambda tf, x: tf.math.asin(x), np.arcsin, domain=(-0.9, 0.9),
           kinks=(([-1.0, 0.0, 1.0, 2.0],),)),
    OpSpec("acos", lambda tf, x: tf.math.acos(x), np.arccos, domain=(-0.9, 0.9),
           kinks=(([-1.0, 0.0, 1.0, 2.0],),)),
    OpSpec("sinh", lambda tf, x: tf.math.sinh(x), np.sinh),
    OpSpec("cosh", lambda tf, x: tf.math.cosh(x), np.cosh),
    OpSpec("asinh", lambda tf, x: tf.math.asinh(x), np.arcsinh,
           kinks=(([0.0, math.inf, -math.inf],),)),
    OpSpec("acosh", lambda tf, x: tf.math.acosh(x), np.arccosh, domain=(1.1, 4.0),
           kinks=(([1.0, 0.5, math.inf],),)),
    OpSpec("atanh", lambda tf, x: tf.math.atanh(x), np.arctanh, domain=(-0.9, 0.9),
           kinks=(([-1.0, 0.0, 1.0, 2.0],),)),
    OpSpec("atan2", lambda tf, y, x: tf.math.atan2(y, x), np.arctan2, 2, shapes="broadcast",
           away_from=(0.0,), kinks=(([0.0, 0.0, 1.0, -1.0], [0.0, 1.0, 0.0, -1.0]),)),
    OpSpec("log_sigmoid", lambda tf, x: tf.math.log_sigmoid(x),
           lambda x: -np.log1p(np.exp(-x)), domain=(-20.0, 20.0),
           kinks=(([-1000.0, 0.0, 1000.0],),)),
    OpSpec("xlogy", lambda tf, x, y: tf.math.xlogy(x, y), lambda x, y: x * np.log(y), 2,
           domain=(0.1, 3.0), shapes="broadcast",
           kinks=(([0.0, 0.0, 1.0, 0.0, 2.0], [0.0, 1.0, 0.0, 2.0, 3.0]),)),
    OpSpec("xdivy", lambda tf, x, y: tf.math.xdivy(x, y), np.divide, 2, domain=(0.3, 3.0),
           shapes="broadcast", kinks=(([0.0, 0.0, 1.0, 2.0], [0.0, 1.0, 0.0, 3.0]),)),
    OpSpec("lgamma", lambda tf, x: tf.math.lgamma(x), np.vectorize(math.lgamma),
           domain=(0.1, 6.0), kinks=(([0.0, -1.0, -0.5, 1.0, 2.0, -2.5],),)),
    # digamma and polygamma: no NumPy reference (their values are checked at closed-form points
    # in tests/test_more_ops.py and against TF); their gradients by finite differences.
    OpSpec("digamma", lambda tf, x: tf.math.digamma(x), domain=(0.2, 6.0),
           kinks=(([0.0, -1.0, -0.5, 1.0, 1e-3, -2.5],),)),
    OpSpec("polygamma", lambda tf, x: tf.math.polygamma(tf.ones_like(x) * 2.0, x),
           domain=(0.3, 5.0), kinks=(([0.0, -1.0, -0.5, 1.0],),)),
    # ---- einsum ------------------------------------------------------------------------------
    OpSpec("einsum_matmul", lambda tf, a, b: tf.einsum("ij,jk->ik", a, b),
           lambda a, b: a @ b, 2, shapes=[(3, 4), (4, 2)]),
    OpSpec("einsum_ellipsis", lambda tf, a, b: tf.einsum("...ij,...jk->...ik", a, b),
           lambda a, b: np.einsum("...ij,...jk->...ik", a, b), 2,
           shapes=[(2, 1, 3, 4), (5, 4, 2)]),
    OpSpec("einsum_diag_trace", lambda tf, a: tf.einsum("iij->j", a) * 2.0 +
           tf.einsum("ii", a[..., 0]), lambda a: 2 * np.einsum("iij->j", a) +
           np.trace(a[..., 0]), shapes=[(3, 3, 2)]),
    OpSpec("einsum_three_implicit", lambda tf, a, b, c: tf.einsum("ba,ac,c", a, b, c),
           lambda a, b, c: np.einsum("ba,ac,c", a, b, c), 3, shapes=[(2, 3), (3, 4), (4,)]),
    # ---- linear algebra (well-conditioned by a shifted identity) -----------------------------
    OpSpec("linalg_det", lambda tf, a: tf.linalg.det(a + 3.0 * tf.eye(3, dtype=a.dtype)),
           lambda a: np.linalg.det(a + 3 * np.eye(3)), domain=(-1.0, 1.0), shapes=[(2, 3, 3)]),
    OpSpec("linalg_slogdet", lambda tf, a: tf.linalg.slogdet(
               a + 3.0 * tf.eye(3, dtype=a.dtype))[1],
           lambda a: np.linalg.slogdet(a + 3 * np.eye(3))[1], domain=(-1.0, 1.0),
           shapes=[(3, 3)]),
    OpSpec("linalg_cholesky_spd", lambda tf, a: tf.linalg.cholesky(
               tf.matmul(a, a, transpose_b=True) + 3.0 * tf.eye(3, dtype=a.dtype)),
           lambda a: np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)),
           domain=(-1.0, 1.0), shapes=[(2, 3, 3)]),
    # Only the lower triangle is read, yet TF's gradient is symmetric: TF's convention, not the
    # derivative (fd=False); the parity tests compare it with TF.
    OpSpec("linalg_cholesky_lower", lambda tf, a: tf.linalg.cholesky(
               a + 4.0 * tf.eye(3, dtype=a.dtype)),
           lambda a: np.linalg.cholesky(np.tril(a) + np.tril(a, -1).T + 4 * np.eye(3)),
           domain=(-0.5, 0.5), shapes=[(3, 3)], fd=False),
    OpSpec("linalg_triangular_solve", lambda tf, a, b: tf.linalg.triangular_solve(
               a + 3.0 * tf.eye(3, dtype=a.dtype), b),
           lambda a, b: np.linalg.solve(np.tril(a) + 3 * np.eye(3), b), 2,
           domain=(-1.0, 1.0), shapes=[(2, 3, 3), (3, 2)]),
    OpSpec("linalg_triangular_solve_upper_adjoint", lambda tf, a, b: tf.linalg.triangular_solve(
               a + 3.0 * tf.eye(3, dtype=a.dtype), b, lower=False, adjoint=True),
           lambda a, b: np.linalg.solve(np.triu(a).T + 3 * np.eye(3), b), 2,
           domain=(-1.0, 1.0), shapes=[(3, 3), (3, 1)]),
    OpSpec("linalg_qr", lambda tf, a: tf.concat([tf.reshape(t, [-1]) for t in tf.linalg.qr(a)],
                                                 0),
           lambda a: np.concatenate([t.reshape(-1) for t in np.linalg.qr(a)]),
           shapes=[(4, 3)], avoid=_householder_pivot_small),
    OpSpec("linalg_qr_wide", lambda tf, a: tf.concat(
               [tf.reshape(t, [-1]) for t in tf.linalg.qr(a)], 0),
           lambda a: np.concatenate([t.reshape(-1) for t in np.linalg.qr(a)]),
           shapes=[(2, 3)], avoid=_householder_pivot_small),
    # Singular and eigen vectors are unique up to sign: the checked quantities are sign-free
    # (values, squared entries, rank-one projectors). Close values (or a singular value near 0)
    # make the vectors and the gradients ill-conditioned: such random inputs are redrawn.
    # float32 atol 2e-5 (_DECOMP_ATOL32): two float32 eigensolvers (LAPACK's, Eigen's) each
    # land within their own float32 error of the exact vectors. TF's float32 result against its
    # float64 one exceeded rtol 1e-5 by at most 3.4e-6 (svd) and 1.5e-6 (eigh) over 150 random
    # draws; by Davis-Kahan the error grows like ‖A‖/gap, at most 10 under the redraw rule, so
    # a draw at the limit may be ~3x the random worst: minitf - TF <= 2 x 3 x 3.4e-6 = 2e-5.
    OpSpec("linalg_svd", lambda tf, a: _svd_invariants(tf, a), _svd_invariants_ref,
           shapes=[(4, 3)], atol32=_DECOMP_ATOL32, avoid=_ill_conditioned_svd),
    OpSpec("linalg_svd_wide", lambda tf, a: _svd_invariants(tf, a), _svd_invariants_ref,
           shapes=[(2, 3)], atol32=_DECOMP_ATOL32, avoid=_ill_conditioned_svd),
    OpSpec("linalg_svd_values", lambda tf, a: tf.linalg.svd(a, compute_uv=False),
           lambda a: np.linalg.svd(a, compute_uv=False), shapes=[(3, 4)],
           atol32=_DECOMP_ATOL32, avoid=_ill_conditioned_svd),
    OpSpec("linalg_eigh", lambda tf, a: _eigh_invariants(tf, a + tf.linalg.matrix_transpose(a)),
           lambda a: _eigh_invariants_ref(a + np.swapaxes(a, -1, -2)), shapes=[(2, 3, 3)],
           atol32=_DECOMP_ATOL32,
           avoid=lambda a: _min_gap(np.linalg.eigvalsh(a + np.swapaxes(a, -1, -2))) < 0.1),
    # Only the lower triangle is read, and TF's gradient is lower-triangular with a halved
    # diagonal: exactly the derivative of that lower-reading function (the upper entries do
    # not matter, an off-diagonal lower entry stands for two entries of the symmetric matrix).
    OpSpec("linalg_eigh_lower", lambda tf, a: _eigh_invariants(tf, a),
           lambda a: _eigh_invariants_ref(np.tril(a) + np.tril(a, -1).T), shapes=[(3, 3)],
           atol32=_DECOMP_ATOL32,
           avoid=lambda a: _min_gap(np.linalg.eigvalsh(a)) < 0.1),
    # ---- ordering, segments, coordinates ---------------------------------------------------
    OpSpec("sort_desc_axis0", lambda tf, x: tf.sort(x, axis=0, direction="DESCENDING"),
           lambda x: -np.sort(-x, axis=0), shapes=[(3, 4)], smooth=False, no_ties=True,
           kinks=(([[1.0, 2.0], [1.0, 0.0], [1.0, 2.0]],),)),
    OpSpec("top_k", lambda tf, x: tf.math.top_k(x, k=2).values,
           lambda x: -np.sort(-x, axis=-1)[..., :2], shapes=[(3, 4)], smooth=False,
           no_ties=True, kinks=(([[3.0, 1.0, 3.0, 3.0]],),)),
    OpSpec("gather_nd", lambda tf, x: tf.gather_nd(x, [[[0, 1], [2, 0]], [[0, 1], [1, 1]]]),
           lambda x: x[[[0, 2], [0, 1]], [[1, 0], [1, 1]]], shapes=[(3, 2)]),
    OpSpec("scatter_nd", lambda tf, u: tf.scatter_nd([[1], [3], [1]], u, [5, 2]),
           lambda u: np.stack([np.zeros(2), u[0] + u[2], np.zeros(2), u[1], np.zeros(2)]),
           shapes=[(3, 2)]),
    OpSpec("segment_sum", lambda tf, x: tf.math.segment_sum(x, [0, 0, 2, 2]),
           lambda x: np.stack([x[0] + x[1], 0 * x[0], x[2] + x[3]]), shapes=[(4, 2)]),
    OpSpec("unsorted_segment_sum", lambda tf, x: tf.math.unsorted_segment_sum(
               x, [[1, -1], [0, 1]], 3),
           lambda x: np.stack([x[1, 0], x[0, 0] + x[1, 1], 0 * x[0, 0]]), shapes=[(2, 2, 3)]),
    OpSpec("unsorted_segment_mean", lambda tf, x: tf.math.unsorted_segment_mean(
               x, [1, 0, 1, 1], 3),
           lambda x: np.stack([x[1], (x[0] + x[2] + x[3]) / 3, 0 * x[0]]), shapes=[(4, 2)]),
    OpSpec("segment_max", lambda tf, x: tf.math.segment_max(x, [0, 0, 0, 2]),
           lambda x: np.stack([x[:3].max(0), 0 * x[0], x[3]]), shapes=[(4, 2)], smooth=False,
           no_ties=True, kinks=(([[1.0, 2.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]],),)),
    OpSpec("unsorted_segment_min", lambda tf, x: tf.math.unsorted_segment_min(
               x, [1, 0, 1, 1], 2),
           lambda x: np.stack([x[1], np.minimum(np.minimum(x[0], x[2]), x[3])]),
           shapes=[(4,)], smooth=False, no_ties=True, kinks=(([2.0, 3.0, 1.0, 1.0],),)),
    # TF's product gradient divides the product by each entry: exact at zeros (the kinks, one
    # and two zeros in a segment, checked against TF) but ill-conditioned beside a tiny entry
    # (its second derivative cancels, as TF's does), so random inputs keep away from 0
    OpSpec("segment_prod", lambda tf, x: tf.math.segment_prod(x, [0, 0, 2, 2]),
           lambda x: np.stack([x[0] * x[1], 0 * x[0] + 1, x[2] * x[3]]), shapes=[(4, 2)],
           away_from=(0.0,), kinks=(([[0.0, 0.0], [2.0, 0.0], [0.0, -1.5], [3.0, 0.5]],),)),
    OpSpec("unsorted_segment_prod", lambda tf, x: tf.math.unsorted_segment_prod(
               x, [[1, -1], [0, 1]], 3),
           lambda x: np.stack([x[1, 0], x[0, 0] * x[1, 1], 0 * x[0, 0] + 1]),
           shapes=[(2, 2, 3)], away_from=(0.0,),
           kinks=(([[[0.0, 0.0, 2.0], [0.0, 1.0, 0.0]], [[1.5, 0.0, 0.0], [-2.0, 0.0, 0.0]]],),)),
    OpSpec("linspace", lambda tf, a, b: tf.linspace(a, b, 5, axis=1),
           lambda a, b: np.linspace(a, b, 5, axis=1), 2, shapes=[(2,), (2,)]),
]

BY_NAME = {s.name: s for s in SPECS}
