"""Issue #17's ops against TensorFlow, beyond the op_specs table (which compares every new
differentiable op's values and gradients on random inputs and at its kinks): the same call made
with ``tf`` bound to TensorFlow and to minitf must give the same values (dtype, shape, nan/inf
pattern; numbers to float64 1e-12 / float32 1e-5·|x| + 1e-6, parity_check's rule), the same
integer results, the same None gradients, or an exception of the same type.

Each CASES entry is ``name: lambda tf: result``; a result may be a tensor, a tuple/list of
them, or a gradient list. What TF leaves unspecified (NaN's place in a sort, the signs of
singular vectors, top_k's order with ``sorted=False``) is not compared here.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import minitf
from minitf.checks.parity_check import TOL


def _grad(tf, f, *xs, dtype="float64"):
    """Gradients of sum(f(*xs)) for constants xs (lists of numbers) in ``dtype``."""
    ts = [tf.constant(np.asarray(x, dtype=dtype)) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = tf.reduce_sum(f(*ts))
    return tape.gradient(y, ts)


def _c(tf, x, dtype="float64"):
    return tf.constant(np.asarray(x, dtype=dtype))


NAN, INF = math.nan, math.inf
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.5, 1e-30, 1e30, INF, -INF, NAN]

CASES = {
    # ---- special values of the elementwise functions, both dtypes ---------------------------
    **{f"{fn}-special-{dt}": (lambda tf, fn=fn, dt=dt: getattr(tf.math, fn)(_c(tf, SPECIAL, dt)))
       for fn in ["atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh",
                  "log_sigmoid", "lgamma", "digamma"] for dt in ["float32", "float64"]},
    **{f"{fn}-special-grad": (lambda tf, fn=fn: _grad(tf, getattr(tf.math, fn), SPECIAL))
       for fn in ["atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh",
                  "log_sigmoid", "lgamma", "digamma"]},
    "digamma-negative-and-tiny": lambda tf: tf.math.digamma(_c(tf, [
        -3.9, -100.5, 1e-300, 1e10, 1.4616321449683623, -1e20])),
    "lgamma-large-and-poles": lambda tf: tf.math.lgamma(_c(tf, [-3.9, 1e10, 1e306, -1e20, -7.0,
                                                                1.0000001, 3.0])),
    "polygamma-orders": lambda tf: tf.math.polygamma(
        _c(tf, [0., 1., 2., 3., -1., 1.5, 1., 2., 1., 4.]),
        _c(tf, [0.5, 0.5, 2.0, 1.5, 0.5, 0.5, -1.0, 0.0, -0.5, -2.5])),
    "polygamma-broadcast-float32": lambda tf: tf.math.polygamma(
        _c(tf, [[1.], [2.]], "float32"), _c(tf, [1., 2., 3.], "float32")),
    "polygamma-grad-order-is-None": lambda tf: _grad(tf, tf.math.polygamma, [1., 2.], [0.5, 3.]),
    "atan2-signed-zeros": lambda tf: tf.math.atan2(_c(tf, [0., 0., -0., 1., -1.]),
                                                   _c(tf, [0., -0., -1., 0., -INF])),
    "atan2-grad-origin": lambda tf: _grad(tf, tf.math.atan2, [0., 1., 0.], [0., 2., 1.]),
    "xlogy-zeros": lambda tf: tf.math.xlogy(_c(tf, [0., 0., 1., 0., 2., 0.]),
                                            _c(tf, [0., -1., 0., NAN, 3., INF])),
    "xdivy-zeros": lambda tf: tf.math.xdivy(_c(tf, [0., 0., 1., 0., 2.]),
                                            _c(tf, [0., -1., 0., NAN, 3.])),
    "xlogy-grads": lambda tf: _grad(tf, tf.math.xlogy, [0., 0., 1., 0., 2.], [0., 1., 0., 2., 3.]),
    "xdivy-grads": lambda tf: _grad(tf, tf.math.xdivy, [0., 0., 1., 0., 2.], [0., 1., 0., 2., 3.]),
    "log_sigmoid-extremes-float32": lambda tf: tf.math.log_sigmoid(
        _c(tf, [-1000., -20., 0., 1000.], "float32")),
    # ---- dtype errors ------------------------------------------------------------------------
    **{f"{fn}-int": (lambda tf, fn=fn: getattr(tf.math, fn)(tf.constant([1, 2])))
       for fn in ["atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh", "lgamma",
                  "digamma", "log_sigmoid"]},
    "atan2-dtypes": lambda tf: tf.math.atan2(tf.constant([1.]), _c(tf, [1.])),
    "atan2-shapes": lambda tf: tf.math.atan2(tf.constant([1., 2.]), tf.constant([1., 2., 3.])),
    "atan2-int": lambda tf: tf.math.atan2(tf.constant([1]), tf.constant([1])),
    "xlogy-int": lambda tf: tf.math.xlogy(tf.constant([1]), tf.constant([1])),
    "polygamma-int": lambda tf: tf.math.polygamma(tf.constant([1]), tf.constant([1])),
    "polygamma-shapes": lambda tf: tf.math.polygamma(tf.constant([1., 2.]),
                                                     tf.constant([1., 2., 3.])),
    # ---- einsum --------------------------------------------------------------------------------
    "einsum-implicit-transpose": lambda tf: tf.einsum("ba", _c(tf, [[1., 2., 3.], [4., 5., 6.]])),
    "einsum-implicit-sum": lambda tf: tf.einsum("ji,jk", _c(tf, np.arange(6.).reshape(2, 3)),
                                                _c(tf, np.ones((2, 2)))),
    "einsum-trace": lambda tf: tf.einsum("ii", _c(tf, np.arange(9.).reshape(3, 3))),
    "einsum-diag-grad": lambda tf: _grad(tf, lambda x: tf.einsum("ii->i", x) * _c(tf, [1., 2., 3.]),
                                         np.arange(9.).reshape(3, 3)),
    "einsum-ellipsis-bcast": lambda tf: tf.einsum("...ij,...jk->...ik",
                                                  _c(tf, np.ones((5, 2, 3))),
                                                  _c(tf, np.arange(12.).reshape(1, 3, 4))),
    "einsum-ellipsis-grad": lambda tf: _grad(
        tf, lambda a, b: tf.einsum("...ij,...jk->...ik", a, b) * _c(tf, np.arange(40.).reshape(
            5, 2, 4)), np.ones((5, 2, 3)), np.arange(12.).reshape(1, 3, 4)),
    "einsum-empty-output-ellipsis": lambda tf: tf.einsum("ij->i...", _c(tf, [[1., 2.], [3., 4.]])),
    "einsum-int": lambda tf: tf.einsum("ij,jk->ik", tf.constant([[1, 2], [3, 4]]),
                                       tf.constant([[1, 2], [3, 4]])),
    "einsum-spaces": lambda tf: tf.einsum("i j -> i", _c(tf, [[1., 2.], [3., 4.]])),
    "einsum-bad-format": lambda tf: tf.einsum("i1,jk->ik", _c(tf, [[1.]]), _c(tf, [[1.]])),
    "einsum-operand-count": lambda tf: tf.einsum("ij,jk->ik", _c(tf, [[1.]])),
    "einsum-repeated-output": lambda tf: tf.einsum("ij->ii", _c(tf, [[1.]])),
    "einsum-unknown-output": lambda tf: tf.einsum("ij->k", _c(tf, [[1.]])),
    "einsum-rank": lambda tf: tf.einsum("ijk->ij", _c(tf, [[1.]])),
    "einsum-dimension": lambda tf: tf.einsum("ij,jk->ik", _c(tf, np.ones((2, 3))),
                                             _c(tf, np.ones((4, 4)))),
    "einsum-no-size1-broadcast": lambda tf: tf.einsum("ij,ij->ij", _c(tf, np.ones((1, 3))),
                                                      _c(tf, np.ones((2, 3)))),
    "einsum-bad-ellipsis-broadcast": lambda tf: tf.einsum("...ij,...jk->...ik",
                                                          _c(tf, np.ones((5, 2, 3))),
                                                          _c(tf, np.ones((2, 3, 4)))),
    "einsum-implicit-with-broadcast": lambda tf: tf.einsum("...ij,...jk",
                                                           _c(tf, np.ones((5, 2, 3))),
                                                           _c(tf, np.ones((3, 4)))),
    "einsum-dtypes": lambda tf: tf.einsum("i,i->", tf.constant([1.]), _c(tf, [1.])),
    "einsum-bool": lambda tf: tf.einsum("ij,jk->ik", tf.constant([[True]]), tf.constant([[True]])),
    # ---- linear algebra --------------------------------------------------------------------------
    "det-empty": lambda tf: tf.linalg.det(tf.zeros([2, 0, 0])),
    "slogdet-singular": lambda tf: tf.linalg.slogdet(_c(tf, [[1., 2.], [2., 4.]]))[1],
    "slogdet-sign-grad-zero": lambda tf: _grad(tf, lambda a: tf.linalg.slogdet(a)[0],
                                               [[2., 1.], [1., 3.]]),
    "det-not-square": lambda tf: tf.linalg.det(_c(tf, [[1., 2., 3.], [3., 4., 5.]])),
    "det-int": lambda tf: tf.linalg.det(tf.constant([[1, 2], [3, 4]])),
    "cholesky-reads-lower": lambda tf: tf.linalg.cholesky(_c(tf, [[4., 100.], [2., 5.]])),
    "cholesky-grad-symmetric": lambda tf: _grad(
        tf, lambda a: tf.linalg.cholesky(a) * _c(tf, [[1., 0.], [2., 3.]]), [[4., 7.], [2., 5.]]),
    "cholesky-rank": lambda tf: tf.linalg.cholesky(_c(tf, [1., 2.])),
    "cholesky-not-square": lambda tf: tf.linalg.cholesky(_c(tf, np.ones((2, 3)))),
    "cholesky-int": lambda tf: tf.linalg.cholesky(tf.constant([[1, 2], [2, 1]])),
    "triangular-solve-reads-lower": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[2., 7.], [1., 4.]]), _c(tf, [[2.], [3.]])),
    "triangular-solve-upper": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[2., 7.], [1., 4.]]), _c(tf, [[2.], [3.]]), lower=False),
    "triangular-solve-adjoint": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[2., 7.], [1., 4.]]), _c(tf, [[2.], [3.]]), adjoint=True),
    "triangular-solve-zero-diagonal": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[0., 0.], [1., 4.]]), _c(tf, [[2.], [3.]])),
    "triangular-solve-broadcast": lambda tf: tf.linalg.triangular_solve(
        _c(tf, np.eye(2) * 2), _c(tf, np.arange(6.).reshape(3, 2, 1))),
    "triangular-solve-broadcast-grad": lambda tf: _grad(
        tf, tf.linalg.triangular_solve, [[2., 5.], [1., 4.]], np.arange(6.).reshape(3, 2, 1)),
    "triangular-solve-rhs-rank": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[2., 0.], [1., 4.]]), _c(tf, [2., 3.])),
    "triangular-solve-rows": lambda tf: tf.linalg.triangular_solve(
        _c(tf, [[2., 0.], [1., 4.]]), _c(tf, [[2.], [3.], [4.]])),
    "qr-shapes-complete": lambda tf: [t.shape.as_list() for t in
                                      tf.linalg.qr(_c(tf, np.ones((2, 4, 3))), full_matrices=True)],
    "qr-wide-values": lambda tf: tf.linalg.qr(_c(tf, [[3., 1., 2.], [4., 2., 0.]])),
    "qr-rank": lambda tf: tf.linalg.qr(_c(tf, [1., 2.])),
    "qr-int": lambda tf: tf.linalg.qr(tf.constant([[1, 2]])),
    "svd-shapes": lambda tf: [t.shape.as_list() for t in tf.linalg.svd(_c(tf, np.ones((2, 4, 3))))],
    "svd-shapes-full": lambda tf: [t.shape.as_list() for t in
                                   tf.linalg.svd(_c(tf, np.ones((4, 3))), full_matrices=True)],
    "svd-values-only": lambda tf: tf.linalg.svd(_c(tf, [[3., 0.], [0., -2.], [1., 1.]]),
                                                compute_uv=False),
    "svd-nan": lambda tf: tf.linalg.svd(_c(tf, [[NAN, 2.], [2., 1.]]), compute_uv=False),
    "svd-rank": lambda tf: tf.linalg.svd(_c(tf, [1., 2.])),
    "eigh-values": lambda tf: tf.linalg.eigh(_c(tf, [[2., 1.], [1., 2.]]))[0],
    "eigh-reads-lower": lambda tf: tf.linalg.eigh(_c(tf, [[2., 100.], [1., 2.]]))[0],
    "eigvalsh-grad-lower": lambda tf: _grad(
        tf, lambda a: tf.linalg.eigvalsh(a) * _c(tf, [1., 3.]), [[2., 5.], [1., 2.]]),
    "eigh-nan": lambda tf: tf.linalg.eigh(_c(tf, [[NAN, 2.], [2., 1.]])),
    "eigh-not-square": lambda tf: tf.linalg.eigh(_c(tf, np.ones((2, 3)))),
    "eigh-int": lambda tf: tf.linalg.eigh(tf.constant([[1, 2], [2, 1]])),
    "band-part": lambda tf: tf.linalg.band_part(_c(tf, np.arange(16.).reshape(4, 4)), 1, 2),
    "diag-part": lambda tf: tf.linalg.diag_part(_c(tf, np.arange(6.).reshape(2, 3))),
    "diag": lambda tf: tf.linalg.diag(_c(tf, [[1., 2.], [3., 4.]])),
    # ---- ordering ----------------------------------------------------------------------------
    "sort-ascending-ties": lambda tf: tf.argsort(tf.constant([1, 1, 0, 1, 0])),
    "sort-descending-ties": lambda tf: tf.argsort(tf.constant([1, 1, 0, 1, 0]),
                                                  direction="DESCENDING"),
    "sort-signed-zeros": lambda tf: tf.argsort(_c(tf, [0.0, -0.0, 1.0, -0.0])),
    "sort-axis0-int": lambda tf: tf.sort(tf.constant([[3, 1, 2], [0, 5, 4]]), axis=0),
    "sort-uint8": lambda tf: tf.sort(tf.constant([3, 1, 2], tf.uint8), direction="DESCENDING"),
    "sort-grad-ties": lambda tf: _grad(tf, lambda x: tf.sort(x) * _c(tf, [1., 10., 100., 1000.]),
                                       [3., 1., 3., 2.]),
    "sort-desc-grad-ties": lambda tf: _grad(
        tf, lambda x: tf.sort(x, direction="DESCENDING") * _c(tf, [1., 10., 100., 1000.]),
        [3., 1., 3., 2.]),
    "sort-bad-direction": lambda tf: tf.sort(tf.constant([3, 1]), direction="UP"),
    "sort-bool": lambda tf: tf.sort(tf.constant([True, False])),
    "sort-axis": lambda tf: tf.sort(tf.constant([3, 1]), axis=1),
    "sort-scalar": lambda tf: tf.sort(tf.constant(3.)),
    "top_k-ties": lambda tf: tf.math.top_k(_c(tf, [1., 3., 3., 2., 3.]), k=3),
    "top_k-nan-first": lambda tf: tf.math.top_k(_c(tf, [1., NAN, 3., 2.]), k=2),
    "top_k-int-2d": lambda tf: tf.math.top_k(tf.constant([[1, 3], [2, 0]]), k=1),
    "top_k-default-k": lambda tf: tf.math.top_k(_c(tf, [1., 3.])),
    "top_k-grad-ties": lambda tf: _grad(tf, lambda x: tf.math.top_k(x, 2).values *
                                        _c(tf, [1., 10.]), [3., 1., 3., 2.]),
    "top_k-too-large": lambda tf: tf.math.top_k(_c(tf, [1., 3.]), k=3),
    "top_k-negative": lambda tf: tf.math.top_k(_c(tf, [1., 3.]), k=-1),
    "top_k-scalar": lambda tf: tf.math.top_k(_c(tf, 3.), k=1),
    "unique-order": lambda tf: tf.unique(tf.constant([4, 1, 4, 2, 1, 7])),
    "unique-nan": lambda tf: tf.unique(_c(tf, [3., 1., 3., NAN, NAN])),
    "unique-int64-idx": lambda tf: tf.unique(tf.constant([1, 2, 1]), out_idx=tf.int64).idx,
    "unique-strings": lambda tf: tf.unique(tf.constant(["b", "a", "b"])),
    "unique-2d": lambda tf: tf.unique(tf.constant([[1, 2]])),
    "searchsorted-left": lambda tf: tf.searchsorted(_c(tf, [[0., 1., 1., 3.]]),
                                                    _c(tf, [[1., 2.5, 4., -1.]])),
    "searchsorted-right": lambda tf: tf.searchsorted(_c(tf, [[0., 1., 1., 3.]]),
                                                     _c(tf, [[1., 2.5, 4., -1.]]), side="right"),
    "searchsorted-rows-int64": lambda tf: tf.searchsorted(
        _c(tf, [[0., 1.], [2., 3.]]), _c(tf, [[1.], [2.5]]), out_type=tf.int64),
    "searchsorted-rows-mismatch": lambda tf: tf.searchsorted(_c(tf, [[0., 1.], [2., 3.]]),
                                                             _c(tf, [[1.]])),
    "searchsorted-side": lambda tf: tf.searchsorted(_c(tf, [[0., 1.]]), _c(tf, [[1.]]),
                                                    side="middle"),
    "searchsorted-dtypes": lambda tf: tf.searchsorted([0, 1], [1.]),
    # ---- segments --------------------------------------------------------------------------
    "segment_sum-empty-segment": lambda tf: tf.math.segment_sum(
        _c(tf, [[1., 2.], [3., 4.], [5., 6.]]), [0, 0, 2]),
    "segment_mean": lambda tf: tf.math.segment_mean(_c(tf, [1., 2., 3.]), [0, 0, 2]),
    "segment_max": lambda tf: tf.math.segment_max(_c(tf, [1., 2., 3.]), [0, 0, 2]),
    "segment_min": lambda tf: tf.math.segment_min(_c(tf, [1., 2., 3.]), [0, 0, 2]),
    "segment-not-sorted": lambda tf: tf.math.segment_sum(_c(tf, [1., 2., 3.]), [0, 2, 1]),
    "segment-size": lambda tf: tf.math.segment_sum(_c(tf, [1., 2., 3.]), [0, 1]),
    "segment-negative": lambda tf: tf.math.segment_sum(_c(tf, [1., 2., 3.]), [-1, 0, 1]),
    "unsorted-drop-negative": lambda tf: tf.math.unsorted_segment_sum(
        _c(tf, [1., 2., 3.]), [2, -1, 2], 4),
    "unsorted-out-of-range": lambda tf: tf.math.unsorted_segment_sum(
        _c(tf, [1., 2., 3.]), [2, 5, 2], 4),
    "unsorted-mean": lambda tf: tf.math.unsorted_segment_mean(_c(tf, [1., 2., 3.]), [2, 0, 2], 4),
    "unsorted-sqrt-n": lambda tf: tf.math.unsorted_segment_sqrt_n(_c(tf, [1., 2., 3.]),
                                                                 [2, 0, 2], 4),
    "unsorted-max-empty-float32": lambda tf: tf.math.unsorted_segment_max(
        _c(tf, [1., 2., 3.], "float32"), [2, 0, 2], 4),
    "unsorted-min-empty-int": lambda tf: tf.math.unsorted_segment_min(tf.constant([1, 2, 3]),
                                                                      [2, 0, 2], 4),
    "segment_prod-zeros-and-empty": lambda tf: tf.math.segment_prod(
        _c(tf, [2., 5., 0., 3., 0., 0., 7., 4.]), [0, 0, 1, 1, 2, 2, 2, 4]),
    "segment_prod-grad-zeros": lambda tf: _grad(
        tf, lambda v: tf.math.segment_prod(v, [0, 0, 1, 1, 2, 2, 2, 4]) *
        _c(tf, [1., 10., 100., 1000., 1e4]), [2., 5., 0., 3., 0., 0., 7., 4.]),
    "unsorted_segment_prod-grad": lambda tf: _grad(
        tf, lambda v: tf.math.unsorted_segment_prod(v, [[1, 0], [-1, 1]], 3) *
        _c(tf, [[1., 2.], [3., 4.], [5., 6.]]),
        [[[1.5, -2.], [0., 3.]], [[2.5, 0.], [-1., 0.5]]]),
    "unsorted_segment_prod-int-float32": lambda tf: (
        tf.math.unsorted_segment_prod(tf.constant([1, 2, 3]), [2, 0, 2], 4),
        tf.math.unsorted_segment_prod(_c(tf, [1., 2., 3.], "float32"), [2, 0, 2], 4)),
    "segment_prod-bool": lambda tf: tf.math.segment_prod(tf.constant([True]), [0]),
    "unsorted_segment_prod-out-of-range": lambda tf: tf.math.unsorted_segment_prod(
        _c(tf, [1., 2., 3.]), [2, 5, 2], 4),
    "unsorted-2d-ids": lambda tf: tf.math.unsorted_segment_sum(_c(tf, [[1., 2.], [3., 4.]]),
                                                               [[0, 1], [1, 1]], 2),
    "unsorted-ids-shape": lambda tf: tf.math.unsorted_segment_sum(
        _c(tf, [[1., 2.], [3., 4.]]), [0, 1, 1], 2),
    "unsorted-float-ids": lambda tf: tf.math.unsorted_segment_sum(_c(tf, [1., 2.]),
                                                                  tf.constant([0., 1.]), 2),
    "segment-max-grad-ties": lambda tf: _grad(
        tf, lambda x: tf.math.unsorted_segment_max(x, [0, 0, 0, 1, 1, 1], 2) * _c(tf, [1., 10.]),
        [1., 3., 3., 2., 2., 0.]),
    "segment-sum-grad-dropped": lambda tf: _grad(
        tf, lambda x: tf.math.unsorted_segment_sum(x, [1, -1, 0], 2) * _c(tf, [1., 10.]),
        [1., 2., 3.]),
    # ---- coordinates -------------------------------------------------------------------------
    "gather_nd-elements": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[0, 1], [1, 0]]),
    "gather_nd-slices": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[[1]], [[0]]]),
    "gather_nd-batch": lambda tf: tf.gather_nd(tf.constant([[[1, 2], [5, 6]], [[3, 4], [7, 8]]]),
                                               [[1], [0]], batch_dims=1),
    "gather_nd-out-of-range": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[2, 0]]),
    "gather_nd-negative": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[-1, 0]]),
    "gather_nd-too-long": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[0, 0, 0]]),
    "gather_nd-float-index": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[0.5, 0]]),
    "gather_nd-scalar-index": lambda tf: tf.gather_nd(tf.constant([[1, 2], [3, 4]]), 1),
    "gather_nd-grad-repeats": lambda tf: _grad(tf, lambda x: tf.gather_nd(x, [[0, 1], [0, 1],
                                                                              [1, 0]]),
                                               [[1., 2.], [3., 4.]]),
    "scatter_nd-repeats-add": lambda tf: tf.scatter_nd([[1], [3], [1]], [9., 10., 11.], [5]),
    "scatter_nd-slices": lambda tf: tf.scatter_nd([[1]], [[9., 1.]], [3, 2]),
    "scatter_nd-int64-shape": lambda tf: tf.scatter_nd([[1]], [9], tf.constant([5], tf.int64)),
    "scatter_nd-out-of-range": lambda tf: tf.scatter_nd([[5]], [9.], [5]),
    "scatter_nd-negative-index": lambda tf: tf.scatter_nd([[-1]], [9.], [5]),
    "scatter_nd-negative-shape": lambda tf: tf.scatter_nd([[1]], [9.], [-5]),
    "scatter_nd-updates-shape": lambda tf: tf.scatter_nd([[1, 0], [0, 1]], [[9., 10.]], [2, 2]),
    "scatter_nd-float-index": lambda tf: tf.scatter_nd([[1.]], [9], [5]),
    "scatter_nd-grad": lambda tf: _grad(
        tf, lambda u: tf.scatter_nd([[1], [3], [1]], u, [5]) * _c(tf, [1., 2., 3., 4., 5.]),
        [9., 10., 11.]),
    # ---- linspace ----------------------------------------------------------------------------
    "linspace-ints-float64": lambda tf: tf.linspace(0, 10, 5),
    "linspace-int16-float32": lambda tf: tf.linspace(tf.constant(0, tf.int16),
                                                     tf.constant(10, tf.int16), 5),
    "linspace-int64": lambda tf: tf.linspace(tf.constant(0, tf.int64), 10, 4),
    "linspace-numpy-float64": lambda tf: tf.linspace(np.float64(0), 1, 3),
    "linspace-one-and-none": lambda tf: [tf.linspace(0., 1., 1), tf.linspace(0., 1., 0)],
    "linspace-axis": lambda tf: tf.linspace([0., 1.], [1., 3.], 3, axis=1),
    "linspace-axis-neg-int": lambda tf: tf.linspace([0, 1], [1, 3], 3, axis=-1),
    "linspace-broadcast": lambda tf: tf.linspace([[0.], [1.]], [2., 3., 4.], 3),
    "linspace-grad": lambda tf: _grad(tf, lambda a, b: tf.linspace(a, b, 4, axis=1) *
                                      _c(tf, [[1., 2., 3., 4.], [5., 6., 7., 8.]]),
                                      [0., 1.], [1., 3.]),
    "linspace-float-stop-for-int": lambda tf: tf.linspace(0, 10.0, 5),
    "linspace-float-num": lambda tf: tf.linspace(0., 1., 2.5),
    "linspace-negative-num": lambda tf: tf.linspace(0., 1., -1),
    "linspace-dtype-mismatch": lambda tf: tf.linspace(tf.constant(0.), _c(tf, 1.), 3),
    "linspace-bool": lambda tf: tf.linspace(True, False, 3),
    "linspace-shapes": lambda tf: tf.linspace([0., 1.], [1., 3., 4.], 3),
    "linspace-axis-range": lambda tf: tf.linspace(0., 1., 3, axis=2),
    # ---- TensorArray -------------------------------------------------------------------------
    "ta-stack-zeros-for-unwritten": lambda tf: tf.TensorArray(tf.float32, size=3).write(
        1, [1., 2.]).stack(),
    "ta-dynamic-grows": lambda tf: tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(
        3, 1.).stack(),
    "ta-empty-with-shape": lambda tf: tf.TensorArray(tf.float32, size=0,
                                                     element_shape=[2]).stack(),
    "ta-size": lambda tf: tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(
        4, 1.).size(),
    "ta-unstack-read": lambda tf: tf.TensorArray(tf.float32, size=2).unstack(
        [[1., 2.], [3., 4.]]).read(1),
    "ta-concat": lambda tf: tf.TensorArray(tf.float32, size=0, dynamic_size=True).unstack(
        [[1., 2.], [3., 4.]]).concat(),
    "ta-gather": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, 1.).write(
        1, 2.).gather([1, 0, 1]),
    "ta-scatter": lambda tf: tf.TensorArray(tf.float32, size=3).scatter([2, 0], [1., 2.]).stack(),
    "ta-split": lambda tf: tf.TensorArray(tf.float32, size=2).split([1., 2., 3.], [1, 2]).read(1),
    "ta-overwrite": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, 1.).write(
        0, 2.).stack(),
    "ta-gradient": lambda tf: _ta_gradient(tf),
    "ta-no-size": lambda tf: tf.TensorArray(tf.float32),
    "ta-write-past-size": lambda tf: tf.TensorArray(tf.float32, size=2).write(2, 1.),
    "ta-write-negative": lambda tf: tf.TensorArray(tf.float32, size=2).write(-1, 1.),
    "ta-write-dtype": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1)),
    "ta-write-shape": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, 1.).write(1, [1.]),
    "ta-element-shape": lambda tf: tf.TensorArray(tf.float32, size=2,
                                                  element_shape=[3]).write(0, [1., 2.]),
    "ta-read-past-size": lambda tf: tf.TensorArray(tf.float32, size=2).read(5),
    "ta-read-twice": lambda tf: _read_twice(tf, None),
    "ta-read-twice-allowed": lambda tf: _read_twice(tf, False),
    "ta-unstack-too-many": lambda tf: tf.TensorArray(tf.float32, size=1).unstack([[1.], [2.]]),
    "ta-stack-unknown-shape": lambda tf: tf.TensorArray(tf.float32, size=3).stack(),    "K-sum": lambda tf: _k(tf, "K.sum(x, axis=1, keepdims=True)"),
    "K-mean-int": lambda tf: _k(tf, "K.mean(i)"),
    "K-max": lambda tf: _k(tf, "K.max(x, 1)"),
    "K-min": lambda tf: _k(tf, "K.min(x)"),
    "K-prod": lambda tf: _k(tf, "K.prod(x)"),
    "K-std": lambda tf: _k(tf, "K.std(x)"),
    "K-var": lambda tf: _k(tf, "K.var(x, axis=0)"),
    "K-square-int": lambda tf: _k(tf, "K.square(i)"),
    "K-sqrt-clips": lambda tf: _k(tf, "K.sqrt(tf.constant([-1., 4.]))"),
    "K-abs": lambda tf: _k(tf, "K.abs(tf.constant([-1, 2]))"),
    "K-log": lambda tf: _k(tf, "K.log(x)"),
    "K-pow": lambda tf: _k(tf, "K.pow(x, 2)"),
    "K-clip": lambda tf: _k(tf, "K.clip(x, 2., 3.)"),
    "K-clip-swapped": lambda tf: _k(tf, "K.clip(x, 3., 2.)"),
    "K-clip-int": lambda tf: _k(tf, "K.clip(i, 2, 3)"),
    "K-cast": lambda tf: _k(tf, "K.cast(x, 'int32')"),
    "K-cast_to_floatx": lambda tf: _k(tf, "K.cast_to_floatx(np.array([1, 2]))"),
    "K-int_shape": lambda tf: _k(tf, "K.int_shape(x)"),
    "K-shape": lambda tf: _k(tf, "K.shape(x)"),
    "K-ndim": lambda tf: _k(tf, "K.ndim(x)"),
    "K-dtype": lambda tf: _k(tf, "K.dtype(x)"),
    "K-concatenate": lambda tf: _k(tf, "K.concatenate([x, x])"),
    "K-stack": lambda tf: _k(tf, "K.stack([x, x])"),
    "K-reshape": lambda tf: _k(tf, "K.reshape(x, (4,))"),
    "K-transpose": lambda tf: _k(tf, "K.transpose(x)"),
    "K-permute": lambda tf: _k(tf, "K.permute_dimensions(x, (1, 0))"),
    "K-expand": lambda tf: _k(tf, "K.expand_dims(x)"),
    "K-squeeze": lambda tf: _k(tf, "K.squeeze(K.expand_dims(x), -1)"),
    "K-flatten": lambda tf: _k(tf, "K.flatten(x)"),
    "K-batch_flatten": lambda tf: _k(tf, "K.batch_flatten(tf.ones([2, 3, 4]))"),
    "K-dot": lambda tf: _k(tf, "K.dot(x, x)"),
    "K-dot-3d": lambda tf: _k(tf, "K.dot(tf.ones([2, 3, 4]), tf.ones([3, 4, 5]))"),
    "K-maximum": lambda tf: _k(tf, "K.maximum(x, 2.5)"),
    "K-equal": lambda tf: _k(tf, "K.equal(x, 2.)"),
    "K-argmax": lambda tf: _k(tf, "K.argmax(x)"),
    "K-argmin": lambda tf: _k(tf, "K.argmin(x, axis=0)"),
    "K-relu": lambda tf: _k(tf, "K.relu(x - 2., alpha=0.1)"),
    "K-relu-max": lambda tf: _k(tf, "K.relu(x, max_value=2.5)"),
    "K-softmax": lambda tf: _k(tf, "K.softmax(x)"),
    "K-zeros-variable": lambda tf: _k(tf, "K.zeros((2,))"),
    "K-ones-int": lambda tf: _k(tf, "K.ones((2,), dtype='int32')"),
    "K-eye": lambda tf: _k(tf, "K.eye(2)"),
    "K-constant-floatx": lambda tf: _k(tf, "K.constant([1, 2])"),
    "K-constant-shape": lambda tf: _k(tf, "K.constant(1., shape=(2,))"),
    "K-variable-floatx": lambda tf: _k(tf, "K.variable([1, 2])"),
    "K-variable-float64": lambda tf: _k(tf, "K.variable([1., 2.], dtype='float64')"),
    "K-get_value": lambda tf: _k(tf, "K.get_value(tf.Variable([1., 2.]))"),
    "K-count_params": lambda tf: _k(tf, "K.count_params(x)"),
    "K-gather": lambda tf: _k(tf, "K.gather(x, [1])"),
    "K-one_hot": lambda tf: _k(tf, "K.one_hot(tf.constant([0, 2]), 3)"),
    "K-l2_normalize": lambda tf: _k(tf, "K.l2_normalize(x, axis=1)"),
    "K-cumsum": lambda tf: _k(tf, "K.cumsum(x, axis=1)"),
    "K-cumprod": lambda tf: _k(tf, "K.cumprod(x)"),
    "K-switch-scalar": lambda tf: _k(tf, "K.switch(tf.constant(True), x, -x)"),
    "K-switch-elementwise": lambda tf: _k(tf, "K.switch(x > 2., x, -x)"),
    "K-any": lambda tf: _k(tf, "K.any(x > 3.)"),
    "K-all": lambda tf: _k(tf, "K.all(x > 0., axis=1)"),
    "K-tile": lambda tf: _k(tf, "K.tile(x, [1, 2])"),
    "K-reverse": lambda tf: _k(tf, "K.reverse(x, 0)"),
    "K-repeat_elements": lambda tf: _k(tf, "K.repeat_elements(x, 2, axis=0)"),
    "K-bce": lambda tf: _k(tf, "K.binary_crossentropy(tf.constant([1., 0.]), tf.constant([0.9, 0.2]))"),
    "K-bce-logits": lambda tf: _k(tf, "K.binary_crossentropy(tf.constant([1., 0.]), tf.constant([2., -1.]), from_logits=True)"),
    "K-cce": lambda tf: _k(tf, "K.categorical_crossentropy(tf.constant([[0., 1.]]), tf.constant([[0.2, 0.6]]))"),
    "K-cce-logits": lambda tf: _k(tf, "K.categorical_crossentropy(tf.constant([[0., 1.]]), tf.constant([[1., 2.]]), from_logits=True)"),
    "K-scce": lambda tf: _k(tf, "K.sparse_categorical_crossentropy(tf.constant([1]), tf.constant([[0.2, 0.6]]))"),
    "K-floatx-epsilon": lambda tf: _k(tf, "[K.floatx(), K.epsilon()]"),
    "K-set_value": lambda tf: _k(tf, "_set_value(K, tf)"),
}


def _slices(tf, kind: str):
    """Gather's gradient as IndexedSlices: what users see, and what consumes it."""
    v = tf.Variable([[1., 2.], [3., 4.], [5., 6.]])
    w = tf.constant([[1.], [2.], [3.]])
    with tf.GradientTape() as tape:
        if kind == "dense":
            y = tf.reduce_sum(tf.gather(v, [2])) + tf.reduce_sum(v)
        elif kind == "two":
            y = tf.reduce_sum(tf.gather(v, [2])) + tf.reduce_sum(tf.gather(v, [0, 2]) * w[:2])
        elif kind == "embedding":
            y = tf.reduce_sum(tf.nn.embedding_lookup(v, [1, 1, 0]) * w)
        elif kind == "axis1":
            y = tf.reduce_sum(tf.gather(v, [1], axis=1))
        else:
            y = tf.reduce_sum(tf.gather(v, [2, 0, 2]) * w)
    g = tape.gradient(y, v)
    sparse = hasattr(g, "indices")
    head = [np.array(sparse)] + ([g.values, g.indices, g.dense_shape] if sparse else [])
    return head + [tf.convert_to_tensor(g)]


def _slices_use(tf, kind: str):
    g = tf.IndexedSlices(tf.constant([[1., 1.], [2., 2.], [3., 3.]]), tf.constant([2, 0, 2]),
                         tf.constant([3, 2]))
    v = tf.Variable([[1., 2.], [3., 4.], [5., 6.]])
    if kind == "clip_global":
        clipped, norm = tf.clip_by_global_norm([g], 1.0)
        return [norm, tf.convert_to_tensor(clipped[0])]
    if kind == "clip_norm":
        return tf.convert_to_tensor(tf.clip_by_norm(g, 1.0))
    if kind in ("scatter_update", "scatter_add", "scatter_sub"):
        getattr(v, kind)(tf.IndexedSlices(tf.constant([[9., 9.], [1., 1.]]),
                                          tf.constant([1, 0])))
        return v.read_value()
    if kind == "scatter_not_slices":
        return v.scatter_update(tf.constant([[1.]]))
    if kind == "add_n":
        return tf.add_n([g, g])
    unique = tf.IndexedSlices(g.values[:2], tf.constant([2, 0]), g.dense_shape)
    opt = {"sgd": tf.keras.optimizers.SGD(0.1, momentum=0.9),
           "adam": tf.keras.optimizers.Adam(0.1),
           "rmsprop": tf.keras.optimizers.RMSprop(0.1)}[kind]
    for _ in range(3):      # unique indices: Keras's sparse update equals the dense one
        opt.apply_gradients([(g if kind == "sgd" else unique, v)])
    return v.read_value()


CASES.update({f"slices-{k}": (lambda tf, k=k: _slices(tf, k))
              for k in ["one", "two", "dense", "embedding", "axis1"]})
CASES.update({f"slices-use-{k}": (lambda tf, k=k: _slices_use(tf, k))
              for k in ["clip_global", "clip_norm", "scatter_update", "scatter_add",
                        "scatter_sub", "scatter_not_slices", "add_n", "sgd", "adam",
                        "rmsprop"]})


def _k(tf, expr: str):
    """Evaluate a tf.keras.backend expression with x (float32 2x2) and i (int32 2x2)."""
    K = tf.keras.backend
    x = tf.constant([[1., 2.], [3., 4.]])
    i = tf.constant([[1, 2], [3, 4]])
    return eval(expr, {"K": K, "tf": tf, "np": np, "x": x, "i": i, "_set_value": _set_value})


def _set_value(K, tf):
    v = tf.Variable([1., 2.])
    K.set_value(v, [3., 4.])
    return K.batch_get_value([v, tf.Variable(1)])


def _ta_gradient(tf):
    x = tf.Variable(3.)
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=3)
        for i in range(3):
            ta = ta.write(i, x * float(i + 1))
        y = tf.reduce_sum(ta.stack() ** 2) + ta.read(1)
    return tape.gradient(y, x)


def _read_twice(tf, clear):
    ta = tf.TensorArray(tf.float32, size=2, clear_after_read=clear).write(0, 1.)
    return [ta.read(0), ta.read(0)]


def _run(tf, fn):
    try:
        return "ok", fn(tf)
    except Exception as e:      # noqa: BLE001 - the type is what is compared
        return "raised", e


def _leaves(r) -> list:
    if isinstance(r, (list, tuple)):
        return [x for item in r for x in _leaves(item)]
    return [r]


def _as_array(x):
    if x is None:
        return None
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def _tf_type_name(e: Exception) -> str:
    """TF's exception classes carry the same names as minitf's (InvalidArgumentError, ...)."""
    return type(e).__name__


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_result_as_tensorflow(tf_real, name):
    fn = CASES[name]
    want_kind, want = _run(tf_real, fn)
    got_kind, got = _run(minitf, fn)
    if want_kind == "raised":
        assert got_kind == "raised", f"TF raised {type(want).__name__}: {want}; minitf returned"
        assert _tf_type_name(got) == _tf_type_name(want), (
            f"TF raised {type(want).__name__}, minitf {type(got).__name__}: {got}")
        assert isinstance(got, (minitf.errors.OpError, TypeError, ValueError, LookupError,
                                NotImplementedError)), type(got)
        return
    assert got_kind == "ok", f"minitf raised {type(got).__name__}: {got}"
    wl, gl = _leaves(want), _leaves(got)
    assert len(wl) == len(gl)
    for w, g in zip(wl, gl):
        w, g = _as_array(w), _as_array(g)
        assert (w is None) == (g is None), f"None vs value: tf={w}, minitf={g}"
        if w is None:
            continue
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        if w.dtype.kind in "iubOSU":
            np.testing.assert_array_equal(g, w)
            continue
        assert np.array_equal(np.isnan(g), np.isnan(w)), f"nan pattern: tf={w}, minitf={g}"
        inf = np.isinf(w)
        assert np.array_equal(inf, np.isinf(g)) and np.array_equal(g[inf], w[inf]), (
            f"inf pattern: tf={w}, minitf={g}")
        fin = np.isfinite(w)
        rtol, atol = TOL["float32" if w.dtype == np.float32 else "float64"]
        np.testing.assert_allclose(g[fin], w[fin], rtol=rtol, atol=atol)
