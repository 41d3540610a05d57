"""Sub-layers and Variables held in private attributes of a user's model are tracked, as in
Keras 3 (checked against Keras 3.15 in parity/test_private_attributes_parity.py): they are
trained, saved and listed like public ones. minitf's own private bookkeeping (the loss tracker
and other metrics a model holds) stays out of ``layers`` and ``weights``."""
import numpy as np

import minitf as tf

keras = tf.keras


def build(keras):
    class PrivateNet(keras.Model):
        def __init__(self):
            super().__init__()
            self._hidden = keras.layers.Dense(2, name="hidden")
            self.__out = keras.layers.Dense(1, name="out")   # name-mangled: _Net__out

        def call(self, x):
            return self.__out(self._hidden(x))

    net = PrivateNet()
    net(np.ones((1, 3), np.float32))
    return net


def summary(net):
    return len(net.trainable_weights), [layer.name for layer in net.layers]


def test_private_sublayers_are_tracked_and_trained():
    net = build(keras)
    assert summary(net) == (4, ["hidden", "out"])
    net.compile("sgd", "mse")
    before = [w.numpy().copy() for w in net.trainable_weights]
    net.fit(np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32), verbose=0)
    assert all(not np.array_equal(a, w.numpy()) for a, w in zip(before, net.trainable_weights))
    assert [m.name for m in net.metrics] == ["loss"]      # the tracker is not a layer
