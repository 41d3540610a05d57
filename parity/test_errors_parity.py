"""Bad inputs raise the exception type TensorFlow raises, with the same op name and, where TF's
words are stable, the same message."""
from __future__ import annotations

import re

import numpy as np
import pytest

import minitf

BAD = {
    "f32+f64": lambda tf: tf.constant(1.0) + tf.constant(1.0, tf.float64),
    "f32+i32": lambda tf: tf.constant(1.0) + tf.constant(1),
    "i32+2.5": lambda tf: tf.constant(1) + 2.5,
    "2.5+i32": lambda tf: 2.5 + tf.constant(1),
    "i32*2.0": lambda tf: tf.constant(1) * 2.0,
    "f32/i32": lambda tf: tf.constant(1.0) / tf.constant(1),
    "i32/2.0": lambda tf: tf.constant(1) / 2.0,
    "shapes": lambda tf: tf.constant([1.0, 2.0]) - tf.constant([1.0, 2.0, 3.0]),
    "matmul rank": lambda tf: tf.matmul(tf.constant([1.0]), tf.constant([1.0])),
    "matmul dims": lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((4, 5))),
    "matmul dtype": lambda tf: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), tf.float64)),
    "reshape": lambda tf: tf.reshape(tf.ones(6), (2, 2)),
    "sqrt int": lambda tf: tf.sqrt(tf.constant(4)),
    "int neg pow": lambda tf: tf.constant(2) ** -1,
    "const 1.5 int": lambda tf: tf.constant(1.5, dtype=tf.int32),
    "convert f64→f32": lambda tf: tf.convert_to_tensor(tf.constant(1.0, tf.float64), tf.float32),
    "assign dtype": lambda tf: tf.Variable(1.0).assign(tf.constant(1.0, tf.float64)),
    "assign shape": lambda tf: tf.Variable(1.0).assign([1.0, 2.0]),
    "watch float": lambda tf: _watch_float(tf),
    "gather range": lambda tf: tf.gather(tf.constant([1.0, 2.0]), [5]),
    "label range": lambda tf: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=[3], logits=tf.ones((1, 3))),
    "label dtype": lambda tf: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([1.0]), logits=tf.ones((1, 3))),
    "ce shapes": lambda tf: tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.ones((1, 2)), logits=tf.ones((1, 3))),
    "sigmoid ce shapes": lambda tf: tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones((1,)), logits=tf.ones((1, 1))),
    "squeeze": lambda tf: tf.squeeze(tf.ones((2, 1)), 0),
    "index oob": lambda tf: tf.constant([1, 2])[5],
    "batch_jacobian rank": lambda tf: _batch_jacobian_rank1(tf),
    "second gradient": lambda tf: _twice(tf),
    "unentered tape": lambda tf: tf.GradientTape().gradient(None, tf.constant(1.0)),
    "None target": lambda tf: _none_target(tf),
    "len scalar": lambda tf: len(tf.constant(1.0)),
    "hash": lambda tf: hash(tf.constant(1.0)),
    "gelu int": lambda tf: tf.nn.gelu(tf.constant(1)),
}


def _watch_float(tf):
    with tf.GradientTape() as t:
        t.watch(3.0)


def _none_target(tf):
    with tf.GradientTape() as t:
        pass
    t.gradient(None, tf.constant(1.0))


def _twice(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    t.gradient(y, x)
    t.gradient(y, x)


def _batch_jacobian_rank1(tf):
    x = tf.ones((5, 3))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x, 1)
    t.batch_jacobian(y, x)


def _outcome(fn, fw):
    try:
        fn(fw)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None, ""


# Where minitf's words differ from TF's on purpose. TF's own text here describes its internals.
MESSAGE_DIFFERS = {
    "gelu int": "TF prints the dtype as <dtype: 'int32'> (its repr) where minitf prints tf.int32",
}


def _core(text: str) -> str:
    """The part of an error message that does not depend on how TF ran the op: without the
    `{{function_node ...}}` prefix of a wrapped kernel, the NodeDef and op signature of an attr
    error, the trailing `[Op:...] name: ...`, and whitespace."""
    text = re.sub(r"\{\{function_node [^}]*\}\}", "", text)
    text = re.split(r"\s*;\s*NodeDef:|\s\[Op:", text)[0]
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", sorted(BAD))
def test_same_exception_type(tf_real, name):
    mine, mine_text = _outcome(BAD[name], minitf)
    theirs, their_text = _outcome(BAD[name], tf_real)
    assert theirs is not None, "the case must fail in TensorFlow"
    assert mine == theirs, f"minitf raised {mine}: {mine_text}\nTF raised {theirs}: {their_text}"
    op = [w for w in their_text.split() if w.startswith("[Op:")]
    if op:
        assert op[0] in mine_text
    if name not in MESSAGE_DIFFERS:
        assert _core(mine_text) == _core(their_text), (
            f"messages differ\nminitf: {mine_text}\nTF:     {their_text}")
    else:
        assert _core(mine_text) != _core(their_text), f"{name} now matches TF's text: unlist it"


_ = np
