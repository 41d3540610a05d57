"""Hypothesis strategies that draw inputs for an OpSpec, and upstream gradients.

Draws are shaped so that a gradient check cannot pass trivially:

* elementwise and broadcasting ops get arrays of 2 to 12 elements (a single element would not
  notice a gradient routed to the wrong element, or a broadcast gradient summed the wrong way);
* upstream gradients ``w`` in ``sum(f(x) * w)`` have no zeros and no two equal magnitudes (an
  all-zero ``w`` makes every gradient zero, and a uniform one makes, e.g., softmax's zero).
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitf.checks.op_specs import OpSpec

MIN_ELEMENTS, MAX_ELEMENTS = 2, 12      # see the module docstring; 12 bounds the FD cost


def _size(shape) -> int:
    return int(np.prod(shape))


def _multi_element(shape) -> bool:
    return MIN_ELEMENTS <= _size(shape) <= MAX_ELEMENTS


@st.composite
def op_inputs(draw, spec: OpSpec, dtype=np.float64) -> list:
    if spec.shapes is None:
        shapes = [draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
                       .filter(_multi_element))] * spec.arity
    elif spec.shapes == "broadcast":
        # The result has several elements; an input may still be a scalar (or have size-1
        # axes), so the gradient's sum over broadcast axes is exercised.
        shapes = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=spec.arity, min_dims=0, max_dims=3, min_side=1, max_side=3)
            .filter(lambda b: _multi_element(b.result_shape))).input_shapes
    else:
        shapes = [tuple(s) for s in spec.shapes]
    lo, hi = spec.domain
    sizes = [int(np.prod(s)) for s in shapes]
    if spec.no_ties:
        # Distinct values on a 1e-2 grid: no two are closer than finite differences can resolve.
        grid = st.integers(int(lo * 100), int(hi * 100)).map(lambda k: k / 100)
        flat = draw(st.lists(grid, min_size=sum(sizes), max_size=sum(sizes), unique=True))
        flat = np.array(flat, dtype=np.float64)
    else:
        elems = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        if spec.away_from:
            elems = elems.filter(lambda v: all(abs(v - p) > 1e-3 for p in spec.away_from))
        flat = np.array(draw(st.lists(elems, min_size=sum(sizes), max_size=sum(sizes))),
                        dtype=np.float64)
    out, i = [], 0
    for s, n in zip(shapes, sizes):
        out.append(flat[i:i + n].reshape(s).astype(dtype))
        i += n
    if spec.avoid is not None:
        assume(not spec.avoid(*[a.astype(np.float64) for a in out]))
    return out


@st.composite
def weights_like(draw, shape) -> np.ndarray:
    """An upstream gradient for sum(f(x) * w): every output counts, and each differently.

    Magnitudes are distinct values in [0.25, 2] (an even grid in a shuffled order, shifted by
    a fraction of its step), each with a random sign: never zero, never uniform. One drawn
    seed fixes the order and the signs (one draw instead of 2n keeps hypothesis's overhead
    small; nothing here needs shrinking element by element)."""
    n = _size(shape)
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    grid = (rng.permutation(n) + rng.uniform(0, 0.5)) / max(n - 0.5, 1)
    signs = rng.choice([-1.0, 1.0], n)
    return (signs * (0.25 + 1.75 * grid)).reshape(shape)
