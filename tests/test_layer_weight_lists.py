"""A layer keeps the lists its ``weights`` / ``trainable_weights`` built until any layer's
structure changes (keras/variables.py ``STRUCTURE``): a sub-layer or weight tracked, a weight
added, a Sequential's layer popped, a layer's or a weight's ``trainable`` flag set. Each check
compares the lists with what Keras 3 gives, built by hand from the layers' own weights."""
import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def _names(ws):
    return [w.path for w in ws]


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="a"),
                              keras.layers.Dense(2, name="b")], name="sequential")
    return model


def test_lists_follow_trainable_flags_of_layers_and_weights():
    model = _model()
    a, b = model.layers
    assert _names(model.trainable_weights) == ["sequential/a/kernel", "sequential/a/bias",
                                               "sequential/b/kernel", "sequential/b/bias"]
    a.trainable = False
    assert _names(model.trainable_weights) == ["sequential/b/kernel", "sequential/b/bias"]
    assert _names(model.non_trainable_weights) == ["sequential/a/kernel", "sequential/a/bias"]
    a.trainable = True
    b.bias.trainable = False
    assert _names(model.trainable_weights) == ["sequential/a/kernel", "sequential/a/bias",
                                               "sequential/b/kernel"]
    # b's own list puts its trainable weights first
    assert _names(b.weights) == ["sequential/b/kernel", "sequential/b/bias"]
    b.kernel.trainable = False
    b.bias.trainable = True
    assert _names(b.weights) == ["sequential/b/bias", "sequential/b/kernel"]
    model.trainable = False
    assert model.trainable_weights == [] and len(model.weights) == 4


def test_lists_follow_layers_added_popped_and_built_later():
    model = keras.Sequential([keras.layers.Dense(3)])
    assert model.weights == []                    # not built yet
    model.add(keras.layers.Dense(2))
    model(tf.zeros([1, 4]))                       # builds both: their weights appear
    assert [tuple(w.shape) for w in model.weights] == [(4, 3), (3,), (3, 2), (2,)]
    model.pop()
    assert [tuple(w.shape) for w in model.weights] == [(4, 3), (3,)]


def test_lists_follow_a_sub_layer_assigned_after_the_first_call():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(2)

        def call(self, x):
            y = self.d1(x)
            return self.d2(y) if hasattr(self, "d2") else y

    net = Net()
    net(tf.zeros([1, 3]))
    assert len(net.trainable_variables) == 2
    net.d2 = keras.layers.Dense(5)
    net(tf.zeros([1, 3]))
    assert [tuple(w.shape) for w in net.trainable_variables] == [(3, 2), (2,), (2, 5), (5,)]


def test_returned_lists_are_the_callers_own():
    model = _model()
    ws = model.trainable_variables
    ws.clear()
    model.weights.append("x")
    assert len(model.trainable_variables) == 4 and len(model.weights) == 4


def test_a_layer_that_is_not_hashable_still_lists_its_weights():
    class Eq(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

        def __eq__(self, other):            # (and so no __hash__, as in Python)
            return isinstance(other, Eq)

    layer = Eq()
    with pytest.raises(TypeError):
        hash(layer)
    layer(tf.zeros([1, 3]))
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(3,)]
    layer.w.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1


def test_training_steps_read_the_weights_kept_by_the_layers():
    # the same SGD step from lists kept and from lists built anew gives the same variables
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((8, 4)).astype("float32"))
    results = []
    for rebuild in (False, True):
        tf.keras.utils.set_random_seed(1)
        model = _model()
        opt = keras.optimizers.SGD(0.1)
        for _ in range(3):
            if rebuild:
                model.layers[0].trainable = True          # bumps the structure version
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(model(x) ** 2)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
        results.append([w.numpy() for w in model.weights])
    for p, q in zip(*results):
        np.testing.assert_array_equal(p, q)


def test_lists_follow_a_built_layer_assigned_as_an_attribute():
    # tracking alone changes the lists: the layer brings weights it already has
    inner = keras.layers.Dense(2)
    inner.build((None, 3))
    outer = keras.layers.Layer()
    assert outer.weights == []
    outer.inner = inner
    assert [tuple(w.shape) for w in outer.weights] == [(3, 2), (2,)]
