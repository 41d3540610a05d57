"""``Dataset.interleave`` orders against TensorFlow (issue 17): cycle and block lengths,
inner datasets of different lengths (empty ones included), more slots than inputs, a
parallel interleave (deterministic by default, so the same order), and the errors."""
from __future__ import annotations

import minitf


def _program(fw) -> dict:
    out = {}
    src = fw.data.Dataset.range(0, 7)
    for cycle in (1, 2, 3, 5, 9):
        for block in (1, 2, 3):
            d = src.interleave(lambda x: fw.data.Dataset.range(10 * x, 10 * x + x % 4),
                               cycle_length=cycle, block_length=block)
            out[f"c{cycle}/b{block}"] = [int(v) for v in d]
    d = src.interleave(lambda x: fw.data.Dataset.from_tensors(x).repeat(x % 3),
                       cycle_length=3, num_parallel_calls=2)
    out["parallel"] = [int(v) for v in d]
    out["repr"] = repr(d)
    d = fw.data.Dataset.range(3).interleave(
        lambda x: fw.data.Dataset.from_tensors(fw.stack([x, x])), cycle_length=2)
    out["spec"] = repr(d.element_spec)
    out["card"] = int(d.cardinality())
    for kw in ({"cycle_length": 0}, {"block_length": 0}):
        try:
            fw.data.Dataset.range(3).interleave(lambda x: fw.data.Dataset.range(x), **kw)
            out[str(kw)] = "no error"
        except Exception as e:              # noqa: BLE001 - the type and its gist are compared
            out[str(kw)] = (type(e).__name__, str(e).split(" [Op:")[0].split("}} ")[-1])
    return out


def test_interleave_matches_tensorflow(tf_real):
    want, got = _program(tf_real), _program(minitf)
    bad = [k for k in want if got.get(k) != want[k]]
    assert not bad, [(k, want[k], got.get(k)) for k in bad]
