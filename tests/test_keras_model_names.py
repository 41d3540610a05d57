"""Default names of Keras models, as Keras 3 gives them (found by the conformance corpus,
parity/corpus/cases/tf_intro_to_modules/032-034: summary() prints the name)."""
from minitf import keras


def _inputs_outputs():
    inputs = keras.Input(shape=(3,))
    return inputs, keras.layers.Dense(2)(inputs)


def test_a_functional_model_is_named_functional_then_numbered():
    keras.backend.clear_session()
    i, o = _inputs_outputs()
    assert keras.Model(i, o).name == "functional"
    assert keras.Model(inputs=i, outputs=o).name == "functional_1"
    assert keras.Model(i, o, name="mine").name == "mine"


def test_a_subclass_keeps_its_own_name_even_when_built_functionally():
    keras.backend.clear_session()
    i, o = _inputs_outputs()

    class TwoOutputs(keras.Model):
        def __init__(self):
            super().__init__(inputs=i, outputs=o)

    assert TwoOutputs().name == "two_outputs"
    assert keras.Sequential().name == "sequential"


def test_summary_shows_the_functional_name():
    keras.backend.clear_session()
    i, o = _inputs_outputs()
    lines = []
    keras.Model(i, o).summary(print_fn=lambda line, **kw: lines.append(line))
    assert 'Model: "functional"' in "\n".join(lines)
