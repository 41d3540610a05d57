"""``Model.evaluate``'s return forms compared with Keras 3: the dict's key order and the list's
order, for the built-in test step, an overridden one that returns ``self.metrics``' results,
and a two-output model (per-output losses and metrics)."""
import numpy as np
import pytest

import minitf

X = np.linspace(0.0, 1.0, 16 * 3).reshape(16, 3)
Y = np.linspace(1.0, 0.0, 16).reshape(16, 1)
KERNEL, BIAS = np.full((3, 1), 0.25), np.array([0.5])


def _custom_model_class(keras, tf):
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
            return {m.name: m.result() for m in self.metrics}
    return CustomModel


def _one_output(keras, tf, custom):
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1)(inputs)
    cls = _custom_model_class(keras, tf) if custom else keras.Model
    model = cls(inputs, outputs)
    model.compile(loss="mse", metrics=["mae", "mse"])
    model.layers[-1].set_weights([KERNEL, BIAS])
    return model, (X, Y)


def _two_outputs(keras, tf, custom):
    inputs = keras.Input(shape=(3,))
    a = keras.layers.Dense(1, name="a")(inputs)
    b = keras.layers.Dense(1, name="b")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile(loss=["mse", "mae"], metrics=[["mae"], ["mse"]])
    model.get_layer("a").set_weights([KERNEL, BIAS])
    model.get_layer("b").set_weights([-KERNEL, BIAS])
    return model, (X, [Y, 2 * Y])


def _evaluate(framework, build, custom):
    keras = framework.keras
    model, (x, y) = build(keras, framework, custom)
    as_list = model.evaluate(x, y, verbose=0, batch_size=16)
    as_dict = model.evaluate(x, y, verbose=0, batch_size=16, return_dict=True)
    return as_list, as_dict


@pytest.mark.parametrize("build,custom", [(_one_output, False), (_one_output, True),
                                          (_two_outputs, False)],
                         ids=["builtin", "custom_test_step", "two_outputs"])
def test_evaluate_return_forms_match_keras(tf_real, build, custom):
    want_list, want_dict = _evaluate(tf_real, build, custom)
    got_list, got_dict = _evaluate(minitf, build, custom)
    assert list(got_dict) == list(want_dict)
    # float32 forward passes of 16 rows with 3 inputs: a few ulps of float32 (eps 1.2e-7)
    # on values of order 1, so 1e-6 relative bounds them.
    np.testing.assert_allclose(list(got_dict.values()), list(want_dict.values()), rtol=1e-6)
    np.testing.assert_allclose(got_list, want_list, rtol=1e-6)
