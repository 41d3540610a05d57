"""Static shapes inside a ``tf.function`` traced with unknown dimensions (an input_signature
with ``None``): what ``t.shape`` shows the body, for the ops whose TF rule is not the shadow
computation's (``minitf/function/static_shapes.py``). The expected shapes are TF 2.21's,
printed by real TensorFlow for the same bodies (``parity/test_function_signatures_parity.py``
runs them side by side)."""
import numpy as np
import pytest

import minitf as tf


def static_shape(specs, body, sizes=4):
    """The static shape of ``body(*args)`` seen inside a trace with ``specs`` as its
    signature (None: an unknown rank), called with arguments whose unknown dimensions are
    ``sizes`` long (an unknown rank: a ``[sizes, 3]``)."""
    seen = []

    def f(*args):
        out = body(*args)
        seen.append(str(out.shape))
        return out

    fn = tf.function(f, input_signature=[tf.TensorSpec(s, tf.float32) for s in specs])
    args = []
    for s in specs:
        shape = [sizes, 3] if s is None else [sizes if d is None else d for d in s]
        args.append(tf.constant(np.arange(np.prod(shape), dtype=np.float32).reshape(shape)))
    fn(*args)
    return seen[0]


# (signature, body, TF 2.21's static shape)
SLICES = [
    ([[None]], lambda x: x[:2], "(None,)"),
    ([[None]], lambda x: x[1:], "(None,)"),
    ([[None]], lambda x: x[::2], "(None,)"),
    ([[None]], lambda x: x[-2:], "(None,)"),
    ([[None]], lambda x: x[:-1], "(None,)"),
    ([[None]], lambda x: x[::-1], "(None,)"),
    ([[None]], lambda x: x[0:0], "(None,)"),
    ([[None, 3]], lambda x: x[:, 0], "(None,)"),
    ([[None, 3]], lambda x: x[0], "(3,)"),
    ([[None, 3]], lambda x: x[-1], "(3,)"),
    ([[None, 3]], lambda x: x[:, 1:], "(None, 2)"),
    ([[None, 3]], lambda x: x[:, 5:], "(None, 0)"),
    ([[3, None]], lambda x: x[:, :2], "(3, None)"),
    ([[None, 3]], lambda x: x[1:3, 1:], "(None, 2)"),
    ([[None, 3]], lambda x: x[..., :2], "(None, 2)"),
    ([[None, 3]], lambda x: x[None, :, None], "(1, None, 1, 3)"),
    ([[5]], lambda x: x[:2], "(2,)"),
    ([[None, 4]], lambda x: tf.split(x, 2, axis=0)[0], "(None, 4)"),
]

MERGES = [   # broadcasting, matmul, concat and stack merge an unknown size with a known one
    ([[None]], lambda x: x + tf.ones([4]), "(4,)"),
    ([[None, 3]], lambda x: x + tf.ones([4, 3]), "(4, 3)"),
    ([[None, 1]], lambda x: x + tf.ones([4, 3]), "(4, 3)"),
    ([[None]], lambda x: tf.where(x > 0, x, tf.ones([4])), "(4,)"),
    ([[None]], lambda x: tf.stack([x, tf.ones([4])]), "(2, 4)"),
    ([[None, 3]], lambda x: tf.concat([x, tf.ones([4, 2])], 1), "(4, 5)"),
    ([[3, None]], lambda x: tf.matmul(x, tf.ones([4, 2])), "(3, 2)"),
    ([[None]], lambda x: x[:2] + tf.ones([2]), "(2,)"),
]


@pytest.mark.parametrize("specs, body, expected", SLICES)
def test_slices_of_unknown_dimensions_have_unknown_lengths(specs, body, expected):
    # whatever the trace's concrete size: x[:2] of a (None,) is (None,) also when it is 4 long
    assert static_shape(specs, body) == expected
    assert static_shape(specs, body, sizes=2) == expected


@pytest.mark.parametrize("specs, body, expected", MERGES)
def test_an_unknown_size_merged_with_a_known_one_is_known(specs, body, expected):
    assert static_shape(specs, body) == expected


RESHAPES = [   # TF: -1 is inferred only when the input's size is known; a known 1 is inserted
    ([[None, 3]], lambda x: tf.expand_dims(x, 0), "(1, None, 3)"),
    ([[None, 3]], lambda x: tf.expand_dims(x, 1), "(None, 1, 3)"),
    ([[None, 3]], lambda x: tf.expand_dims(x, -1), "(None, 3, 1)"),
    ([[None, 3]], lambda x: tf.expand_dims(x, -3), "(1, None, 3)"),
    ([None], lambda x: tf.expand_dims(x, 0), "<unknown>"),
    ([[None, 3]], lambda x: tf.expand_dims(x, -1) * tf.ones([1, 1, 4]), "(None, 3, 4)"),
    ([[None, 1, 3]], lambda x: tf.squeeze(x, 1), "(None, 3)"),
    ([[None, 1, 3]], lambda x: tf.squeeze(x), "<unknown>"),
    ([[None, 3]], lambda x: tf.squeeze(x[:1], 0), "(3,)"),
    ([[2, 1, 3]], lambda x: tf.squeeze(x), "(2, 3)"),
    ([[None, 3]], lambda x: tf.reshape(x, [-1, 3]), "(None, 3)"),
    ([[None, 3]], lambda x: tf.reshape(x, [2, -1]), "(2, None)"),
    ([[None, None]], lambda x: tf.reshape(x, [2, -1]), "(2, None)"),
    ([[None, 3]], lambda x: tf.reshape(x, [4, 3]), "(4, 3)"),
    ([[2, 6]], lambda x: tf.reshape(x, [3, -1]), "(3, 4)"),
    ([None], lambda x: tf.reshape(x, [-1, 2]), "(None, 2)"),
    ([[None, 2, 3]], lambda x: tf.keras.layers.Flatten()(x), "(None, 6)"),
    ([[None, 6]], lambda x: tf.keras.layers.Reshape((3, 2))(x), "(None, 3, 2)"),
]

SHAPE_VALUES = [   # a shape computed from tf.shape(x), read as TF's partly known shape
    ([[None, 3]], lambda x: tf.reshape(x, tf.shape(x)), "(None, 3)"),
    ([[None, 3]], lambda x: tf.reshape(x, [tf.shape(x)[0], 3]), "(None, 3)"),
    ([[None, 3]], lambda x: tf.reshape(x, [tf.shape(x)[0], -1]), "(None, None)"),
    ([[None, 3]], lambda x: tf.reshape(x, tf.concat([tf.shape(x)[:1], [3, 1]], 0)),
     "(None, 3, 1)"),
    ([[None, 5, 8]], lambda x: tf.transpose(tf.reshape(x, [tf.shape(x)[0], -1, 2, 4]),
                                            [0, 2, 1, 3]), "(None, 2, None, 4)"),
    ([[None, 4, 6]], lambda x: tf.reshape(x, [tf.shape(x)[0], tf.shape(x)[1] * tf.shape(x)[2]]),
     "(None, 24)"),
    ([[None, 4, 6]], lambda x: tf.reshape(x, [-1, tf.reduce_prod(tf.shape(x)[1:])]),
     "(None, None)"),
    ([None], lambda x: tf.reshape(x, tf.shape(x)), "<unknown>"),
    ([[None, 3]], lambda x: tf.zeros(tf.shape(x)), "(None, 3)"),
    ([[None, 3]], lambda x: tf.ones([tf.shape(x)[0], 5]), "(None, 5)"),
    ([[None, 3]], lambda x: tf.fill(tf.shape(x), 2.0), "(None, 3)"),
    ([[None, 3]], lambda x: tf.zeros([tf.shape(x)[1] * 2]), "(6,)"),
    ([[None, 3]], lambda x: tf.zeros([tf.shape(x)[0] * 2]), "(None,)"),
    ([[None, 3]], lambda x: tf.zeros(tf.shape(x) * [1, 3]), "(None, None)"),
    ([[None, 3]], lambda x: tf.zeros(tf.cast(tf.shape(x), tf.int64)), "(None, 3)"),
    ([[None, 3]], lambda x: tf.zeros(tf.identity(tf.shape(x))), "(None, None)"),
    ([[None, 3]], lambda x: tf.zeros(tf.stack([tf.shape(x)[0], 3, 2])[1:]), "(3, 2)"),
    ([[None, 3]], lambda x: tf.zeros([tf.concat([tf.shape(x), [2]], 0)[2]]), "(None,)"),
    ([[None, 3]], lambda x: tf.zeros([tf.size(x)]), "(None,)"),
    ([None], lambda x: tf.zeros(tf.shape(x)), "<unknown>"),
    ([None], lambda x: tf.shape(x), "(None,)"),
    ([[None, 3]], lambda x: tf.shape(x), "(2,)"),
    ([[None, 3]], lambda x: tf.range(tf.shape(x)[0]), "(None,)"),
    ([[None, 3]], lambda x: tf.range(tf.shape(x)[1]), "(3,)"),
    ([[None, 3]], lambda x: tf.eye(tf.shape(x)[0]), "(None, None)"),
    ([[None, 3]], lambda x: tf.one_hot([0, 1], tf.shape(x)[0]), "(2, None)"),
    ([[None, 3]], lambda x: tf.tile(x, [tf.shape(x)[0], 1]), "(None, 3)"),
    ([[None, 3]], lambda x: tf.broadcast_to(x[:, :1], tf.shape(x)), "(None, 3)"),
    ([[None, 3]], lambda x: tf.broadcast_to(x[:, :1], [4, 3]), "(4, 3)"),
    ([[None, 3]], lambda x: tf.random.normal(tf.shape(x)), "(None, 3)"),
    ([[None, 3]], lambda x: tf.random.uniform([tf.shape(x)[0]]), "(None,)"),
]

OTHER_OPS = [   # ops that compute with their input's concrete sizes, and dropout's draw
    ([[None, 5]], lambda x: tf.nn.dropout(x, 0.5), "(None, 5)"),
    ([[None, 8, 3]], lambda x: tf.nn.conv1d(x, tf.ones([3, 3, 2]), 1, "SAME"), "(None, 8, 2)"),
    ([[None, 4, 4, 3]], lambda x: tf.keras.layers.MaxPooling2D()(x), "(None, 2, 2, 3)"),
    ([[None, 3]], lambda x: tf.tensordot(x, tf.ones([3, 2]), 1), "(None, 2)"),
]


@pytest.mark.parametrize("specs, body, expected", RESHAPES + SHAPE_VALUES + OTHER_OPS)
def test_static_shapes_of_ops_that_take_sizes_are_tfs(specs, body, expected):
    assert static_shape(specs, body) == expected


def test_shape_values_stay_readable_on_the_host_and_run_per_call():
    # tf.shape(x) of an unknown dimension is a traced Shape node (as TF prints it), whose
    # value Python may still read: the program is specialised to each concrete shape
    seen = []

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        s = tf.shape(x)
        seen.append(str(s))
        if s[0] > 2:                         # a Python branch, decided per specialisation
            return tf.zeros([int(s[0]), 1])
        return tf.reshape(x, [s[0], -1, 1])[:, 0]
    assert f(tf.ones([2, 3])).shape == (2, 1) and f(tf.ones([5, 3])).shape == (5, 1)
    assert seen[0] == 'Tensor("Shape:0", shape=(2,), dtype=int32)'
