"""model.metrics / metrics_names / history keys as Keras 3 gives them (CompileMetrics)."""
import numpy as np
import pytest

import minitf

X = np.random.RandomState(0).rand(16, 3).astype("float32")
Y = np.random.RandomState(1).rand(16, 2).astype("float32")


@pytest.fixture(scope="module")
def keras(tf_real):
    import keras
    return keras


def _observe(K, metrics, multi):
    if multi:
        i = K.Input((3,))
        m = K.Model(i, [K.layers.Dense(2, name="a")(i), K.layers.Dense(1, name="b")(i)])
        y = [Y, Y[:, :1]]
        loss = ["mse", "mse"]
    else:
        m = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
        y, loss = Y, "mse"
    seen = [list(m.metrics_names)]
    m.compile("adam", loss, metrics=metrics)
    seen.append(list(m.metrics_names) if not multi else None)   # Keras adds output losses later
    h = m.fit(X, y, verbose=0, batch_size=8)
    seen += [list(m.metrics_names), [type(x).__name__ for x in m.metrics], list(h.history),
             len(m.evaluate(X, y, verbose=0)) if metrics or multi else 1,
             sorted(m.evaluate(X, y, verbose=0, return_dict=True))]
    return seen


@pytest.mark.parametrize("metrics, multi", [
    (None, False), (["mae"], False), (["mae", "mse"], False), ([["mae"], ["mae"]], True)])
def test_metrics_names_like_keras(keras, metrics, multi):
    assert _observe(minitf.keras, metrics, multi) == _observe(keras, metrics, multi)
