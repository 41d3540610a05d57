"""``layer.input`` / ``layer.output`` of a layer inside a model, as Keras 3 defines them:
the tensors of the layer's first call on symbolic tensors (messages checked against Keras in
parity/test_layer_io_parity.py)."""
import numpy as np
import pytest

import minitf as tf

K = tf.keras


def test_never_called_layer_has_no_input_or_output():
    d = K.layers.Dense(2)
    for attr in ("input", "output"):
        with pytest.raises(AttributeError, match=f"has never been called and thus has no "
                                                 f"defined {attr}"):
            getattr(d, attr)


def test_functional_layers_know_their_tensors():
    i = K.Input((3,))
    h = K.layers.Dense(4)(i)
    o = K.layers.Dense(2)(h)
    m = K.Model(i, o)
    assert m.layers[0].output is i and m.layers[0].input is i
    assert m.layers[1].input is i and m.layers[1].output is h and m.layers[2].input is h
    assert m.input is i and m.output is o


def test_feature_extractor_from_a_sequential_model():
    tf.keras.utils.set_random_seed(0)
    s = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="relu", name="hidden"),
                      K.layers.Dense(2)])
    extractor = K.Model(s.inputs, s.get_layer("hidden").output)
    x = np.random.RandomState(0).rand(5, 3).astype("float32")
    want = np.maximum(x @ s.layers[0].kernel.numpy() + s.layers[0].bias.numpy(), 0)
    np.testing.assert_allclose(extractor(x).numpy(), want, rtol=1e-6)
    assert tuple(s.output.shape) == (None, 2) and len(s.outputs) == 1


def test_sequential_without_input_shape_has_no_inputs_yet():
    with pytest.raises(AttributeError, match="has no defined inputs"):
        K.Sequential([K.layers.Dense(2)]).inputs
