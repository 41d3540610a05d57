"""Hypothesis strategies that draw inputs for an OpSpec."""
from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitf.op_specs import OpSpec


@st.composite
def op_inputs(draw, spec: OpSpec, dtype=np.float64) -> list:
    if spec.shapes is None:
        shapes = [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))] \
            * spec.arity
    elif spec.shapes == "broadcast":
        shapes = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=spec.arity, min_dims=0, max_dims=3, min_side=1, max_side=3)).input_shapes
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
    """An upstream gradient for sum(f(x) * w): non-uniform, so every output counts differently."""
    n = int(np.prod(shape))
    vals = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=n, max_size=n))
    return np.array(vals, dtype=np.float64).reshape(shape)
