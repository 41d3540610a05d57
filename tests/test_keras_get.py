"""``keras.<module>.get(identifier)``: one rule (minitf/keras/_lookup.py) for seven modules.

Expected behaviour read from Keras 3.15 (parity/test_keras_get_parity.py runs the same table
against Keras): an unknown name, a number, or a config dict naming an unknown class is a
ValueError "Could not interpret <kind> identifier: <identifier>"; None is None (``linear`` for
activations); a plain function comes back unchanged; a config dict builds the named class.
"""
import pytest

import minitf as tf

keras = tf.keras
KINDS = {"losses": "loss", "metrics": "metric", "optimizers": "optimizer",
         "activations": "activation function", "initializers": "initializer",
         "regularizers": "regularizer", "constraints": "constraint"}


# (Keras's activations.get hands a dict to its deserialiser, which raises TypeError: not covered.)
@pytest.mark.parametrize("module, ident", [(m, i) for m in sorted(KINDS) for i in
                                           ["foo", 3, {"class_name": "Foo", "config": {}}]
                                           if not (m == "activations" and isinstance(i, dict))])
def test_uninterpretable_identifier(module, ident):
    with pytest.raises(ValueError) as e:
        getattr(keras, module).get(ident)
    assert str(e.value) == f"Could not interpret {KINDS[module]} identifier: {ident}"


@pytest.mark.parametrize("module", sorted(KINDS))
def test_none(module):
    got = getattr(keras, module).get(None)
    assert got is (keras.activations.linear if module == "activations" else None)


@pytest.mark.parametrize("module", ["losses", "metrics", "constraints", "regularizers",
                                    "initializers", "activations"])
def test_plain_function_is_returned_unchanged(module):
    def fn(*a):
        return a[0]
    assert getattr(keras, module).get(fn) is fn


def test_optimizer_refuses_a_function():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        keras.optimizers.get(lambda: None)


def test_config_dicts_build_the_named_class():
    init = keras.initializers.get({"class_name": "GlorotUniform", "config": {"seed": 1}})
    assert type(init).__name__ == "GlorotUniform" and init.seed == 1
    assert type(keras.losses.get({"class_name": "MeanSquaredError", "config": {}})).__name__ \
        == "MeanSquaredError"
    assert type(keras.metrics.get({"class_name": "Mean", "config": {}})).__name__ == "Mean"
    assert type(keras.optimizers.get({"class_name": "Adam", "config": {}})).__name__ == "Adam"
    assert type(keras.optimizers.get("Adam")).__name__ == "Adam"     # names in any case


def test_classes_and_instances():
    assert type(keras.initializers.get(keras.initializers.GlorotUniform)).__name__ == \
        "GlorotUniform"
    opt = keras.optimizers.SGD()
    assert keras.optimizers.get(opt) is opt


def test_compile_still_wraps_a_metric_function():
    model = keras.Sequential([keras.layers.Dense(1)])

    def my_metric(y_true, y_pred):
        return tf.reduce_mean(y_pred)
    model.compile("sgd", "mse", metrics=[my_metric])
    logs = model.fit(tf.ones((4, 2)), tf.ones((4, 1)), verbose=0).history
    assert sorted(logs) == ["loss", "my_metric"]    # the key Keras 3 gives a wrapped function
