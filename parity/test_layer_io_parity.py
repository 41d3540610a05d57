"""layer.input / layer.output inside models: the same tensors (by shape) and the same errors
as Keras 3."""
import pytest

import minitf


@pytest.fixture(scope="module")
def keras(tf_real):
    import keras
    return keras


def _observe(K):
    out = []
    d = K.layers.Dense(2, name="lonely")
    for attr in ("input", "output"):
        try:
            getattr(d, attr)
            out.append("no error")
        except Exception as e:                       # noqa: BLE001 - the type is compared
            out.append((type(e).__name__, str(e)))
    s = K.Sequential([K.Input((3,)), K.layers.Dense(4, name="h"), K.layers.Dense(2, name="y")])
    out.append([tuple(layer.output.shape) for layer in s.layers])
    out.append([tuple(layer.input.shape) for layer in s.layers])
    extractor = K.Model(s.inputs, s.get_layer("h").output)
    out.append(tuple(extractor.output.shape))
    return out


def test_layer_io_like_keras(keras):
    assert _observe(minitf.keras) == _observe(keras)
