"""``Model.evaluate``'s two return forms, in Keras 3's orders: the dict sorted by key (a
``compile_metrics`` dict entry flattened where its key sorts), the list in ``self.metrics``
order, with the values computed here from the fixed weights."""
import numpy as np

import minitf as tf

keras = tf.keras
X = np.linspace(0.0, 1.0, 8 * 2).reshape(8, 2)
Y = np.linspace(1.0, 0.0, 8).reshape(8, 1)
PRED = X @ np.full((2, 1), 0.25) + 0.5           # the Dense layer's fixed weights below
MSE, MAE = float(np.mean((PRED - Y) ** 2)), float(np.mean(np.abs(PRED - Y)))


class CustomModel(keras.Model):
    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}     # {'loss', 'compile_metrics'}


def _model(cls):
    inputs = keras.Input(shape=(2,))
    model = cls(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", metrics=["mae"])
    model.layers[-1].set_weights([np.full((2, 1), 0.25), np.array([0.5])])
    return model


def _close(got, want):
    # float32 arithmetic on values of order 1: a few float32 ulps (1.2e-7 each).
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_builtin_test_step():
    model = _model(keras.Model)
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "mae"]
    _close(list(as_dict.values()), [MSE, MAE])
    _close(model.evaluate(X, Y, verbose=0), [MSE, MAE])


def test_custom_test_step_returning_metrics_dict():
    # The step's logs name 'compile_metrics' (a dict), not the metrics: Keras keeps them, and
    # flattening after sorting puts 'compile_metrics'' entries before 'loss'.
    model = _model(CustomModel)
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(as_dict) == ["mae", "loss"]
    _close([as_dict["loss"], as_dict["mae"]], [MSE, MAE])
    _close(model.evaluate(X, Y, verbose=0), [MSE, MAE])    # the list: self.metrics' order


def test_get_metrics_result_is_flat():
    model = _model(keras.Model)
    model.evaluate(X, Y, verbose=0)
    res = model.get_metrics_result()
    assert sorted(res) == ["loss", "mae"]
    _close([float(res["loss"]), float(res["mae"])], [MSE, MAE])


def test_two_outputs_list_order():
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(1, name="a")(inputs)
    b = keras.layers.Dense(1, name="b")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile(loss=["mse", "mae"], metrics=[["mae"], ["mse"]])
    model.get_layer("a").set_weights([np.full((2, 1), 0.25), np.array([0.5])])
    model.get_layer("b").set_weights([np.full((2, 1), 0.25), np.array([0.5])])
    as_dict = model.evaluate(X, [Y, Y], verbose=0, return_dict=True)
    assert list(as_dict) == ["a_loss", "a_mae", "b_loss", "b_mse", "loss"]
    # The list: loss, then the per-output losses (named in self.metrics), then the prefixed
    # metric entries by sorted name.
    _close(model.evaluate(X, [Y, Y], verbose=0), [MSE + MAE, MSE, MAE, MAE, MSE])
