"""GradientTape.gradient's argument checks against live TensorFlow: the same exception type, or
the same gradient where both accept the arguments.

Only the cases where TF's answer does not depend on which op made the target are here. For a
seed of another shape TF hands the seed to the op's gradient unchecked (an InvalidArgumentError
for most ops, a gradient of the wrong shape for ``x + 1``); minitf always raises, so such
cases are listed where TF raises too. A seed count that differs from the target count is a
ValueError in minitf and silently patched up in TF (tests/test_tape_arguments.py).
"""
from __future__ import annotations

import numpy as np
import pytest

import minitf


def _gradient(tf, target, sources=None, **kwargs):
    """Record y = x·x for x = [1, 2, 3]; ``target``/``sources`` may use "y" and "x"."""
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x * x
        total = tf.reduce_sum(y)
    names = {"x": x, "y": y, "total": total}

    def pick(v):
        if isinstance(v, list):
            return [pick(e) for e in v]
        return names.get(v, v) if isinstance(v, str) else v

    og = kwargs.pop("seed", None)
    return tape.gradient(pick(target), pick("x" if sources is None else sources),
                         output_gradients=None if og is None else og(tf), **kwargs)


CASES = {
    "target string": lambda tf: _gradient(tf, "abc"),
    "target list of strings": lambda tf: _gradient(tf, ["a", "b"]),
    "target tensor and string": lambda tf: _gradient(tf, ["y", "b"]),
    "target empty string": lambda tf: _gradient(tf, ""),
    "target bytes": lambda tf: _gradient(tf, b"loss"),
    "target complex": lambda tf: _gradient(tf, 1j),
    "target object": lambda tf: _gradient(tf, object()),
    "target int": lambda tf: _gradient(tf, 3),
    "target float": lambda tf: _gradient(tf, 2.5),
    "target float dtype code": lambda tf: _gradient(tf, 3.0),
    "target zero": lambda tf: _gradient(tf, 0),
    "target large int": lambda tf: _gradient(tf, 1000),
    "target dtype name": lambda tf: _gradient(tf, "float32"),
    "target bool": lambda tf: _gradient(tf, True),
    "target numpy scalar": lambda tf: _gradient(tf, np.float32(1.0)),
    "target numpy array": lambda tf: _gradient(tf, np.ones(3, np.float32)),
    "target dtype": lambda tf: _gradient(tf, tf.float32),
    "target number then string": lambda tf: _gradient(tf, [1.0, "a"]),
    "target string tensor": lambda tf: _gradient(tf, tf.constant("abc")),
    "target empty list": lambda tf: _gradient(tf, []),
    "source string": lambda tf: _gradient(tf, "y", "abc"),
    "source variable and string": lambda tf: _gradient(tf, "y", ["x", "abc"]),
    "source int": lambda tf: _gradient(tf, "y", 3),
    "source numpy array": lambda tf: _gradient(tf, "y", np.ones(3, np.float32)),
    "source None": lambda tf: _gradient(tf, "y", ["x", None]),
    "target int, source string": lambda tf: _gradient(tf, 3, "abc"),
    "target string, source int": lambda tf: _gradient(tf, "abc", 3),
    "seed shape [2]": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.ones([2])),
    "seed shape [2, 3]": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.ones([2, 3])),
    "seed shape [3, 1]": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.ones([3, 1])),
    "seed shape [3, 2]": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.ones([3, 2])),
    "scalar target, seed [3]": lambda tf: _gradient(tf, "total", seed=lambda tf: tf.ones([3])),
    "scalar seed": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.constant(5.0)),
    "seed [1]": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.constant([5.0])),
    "seed of the target's shape": lambda tf: _gradient(
        tf, "y", seed=lambda tf: tf.constant([1.0, 10.0, 100.0])),
    "seed dtype": lambda tf: _gradient(tf, "y", seed=lambda tf: tf.ones([3], tf.float64)),
    "seed None in a list": lambda tf: _gradient(tf, ["y", "total"],   # (TF aborts for ["y", "y"])
                                                seed=lambda tf: [tf.ones([3]), None]),
    "unconnected target, any seed": lambda tf: _gradient(
        tf, ["y", tf.constant(1.0)], seed=lambda tf: [tf.ones([3]), tf.ones([5])]),
}


def _outcome(fn, fw):
    try:
        result = fn(fw)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    if result is None:
        return None, "None"
    return None, fw.nest.map_structure(lambda g: None if g is None else g.numpy().tolist(),
                                       result)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_tensorflow(tf_real, name):
    mine, mine_detail = _outcome(CASES[name], minitf)
    theirs, their_detail = _outcome(CASES[name], tf_real)
    assert mine == theirs, (f"minitf: {mine}: {mine_detail}\n"
                            f"TF:     {theirs}: {their_detail}")
    if theirs is None:
        assert mine_detail == their_detail          # the same gradient (exact: small integers)


def test_a_refused_target_leaves_the_tape_usable_in_both(tf_real):
    for tf in (tf_real, minitf):
        x = tf.Variable(2.0)
        with tf.GradientTape() as tape:
            y = x * x
        with pytest.raises(TypeError):
            tape.gradient("y", x)
        assert float(tape.gradient(y, x)) == 4.0
