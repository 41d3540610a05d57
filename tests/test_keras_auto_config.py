"""Keras 3's automatic config of user layers and models without ``get_config`` (which
arguments it keeps, when it refuses with NotImplementedError), the output shapes summary()
shows for a subclassed model's eagerly called layers, and the optimizer variables it counts."""
from __future__ import annotations

import os

import numpy as np
import pytest

import minitf as tf

keras = tf.keras


class NeedsUnits(keras.Model):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        return self.dense(x)


class DefaultUnits(keras.Model):
    def __init__(self, units=3, **kw):
        super().__init__(**kw)
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        return self.dense(x)


class Plain(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units


class Spread(keras.layers.Layer):
    def __init__(self, units, *args, **kw):
        super().__init__(**kw)
        self.units = units


class PositionalOnly(keras.layers.Layer):
    def __init__(self, units, /, **kwargs):
        super().__init__(**kwargs)
        self.units = units


def test_subclassed_model_with_a_required_argument_has_no_auto_config(tmp_path):
    # Keras's Model.__new__ passes no arguments on, so `units` cannot be bound.
    model = NeedsUnits(2)
    with pytest.raises(NotImplementedError) as info:
        model.get_config()
    text = str(info.value)
    assert text.startswith("\nObject NeedsUnits was created by passing\nnon-serializable "
                           "argument values in `__init__()`,\n")
    assert "Please implement `get_config()`.\n\nExample:\n\n\nclass CustomLayer(" in text
    model.compile(loss="mse", optimizer="sgd")
    model(np.ones((2, 4), np.float32))
    with pytest.raises(NotImplementedError, match="Object NeedsUnits was created"):
        model.save(os.path.join(tmp_path, "m.keras"))


def test_subclassed_model_auto_config_holds_the_defaults_not_the_arguments():
    config = DefaultUnits(5).get_config()
    assert config["units"] == 3
    assert "name" not in config        # `**kw` is not spelt `**kwargs`: Keras drops the name


def test_layer_auto_config_keeps_its_arguments_and_name():
    config = Plain([1, 2], name="p").get_config()
    assert config["units"] == [1, 2] and config["name"] == "p"
    with pytest.raises(NotImplementedError, match="non-serializable argument values"):
        Plain(keras.layers.Dense(1)).get_config()
    with pytest.raises(NotImplementedError, match="non-serializable argument values"):
        Plain(np.int64(2)).get_config()      # NumPy integers are not among the plain types


def test_positional_only_or_extra_positional_arguments_have_their_own_message():
    assert Spread(2).get_config()["units"] == 2      # an empty *args is fine
    for layer in (Spread(2, 3), PositionalOnly(2)):
        with pytest.raises(NotImplementedError) as info:
            layer.get_config()
        assert str(info.value).startswith(
            f"\nObject {type(layer).__name__} was created by passing\npositional only or "
            "variadic positional arguments (e.g.,\n`*args`) to `__init__()`")
        assert "the object serializatble.\n\nExample:" in str(info.value)


class Block(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = keras.layers.Dense(4)

    def call(self, x):
        return x + self.inner(x)


class ShapedBlock(Block):
    def compute_output_shape(self, input_shape):
        return input_shape


class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(4)
        self.block = Block()
        self.shaped = ShapedBlock()

    def call(self, x):
        return self.shaped(self.block(self.first(x)))


def _shapes(model) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    rows = [l for l in "\n".join(lines).splitlines() if l.startswith("│")]
    return [r.split("│")[2].strip() for r in rows if r.split("│")[1].strip()]


def test_summary_shows_question_mark_for_eager_only_user_layers():
    net = Net()
    net(np.ones((2, 3), np.float32))
    # Dense and a user layer with compute_output_shape have a shape rule; Block has none.
    assert _shapes(net) == ["(None, 4)", "?", "(None, 4)"]
    seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), Block()])
    assert _shapes(seq) == ["(None, 4)", "(None, 4)"]      # symbolic calls give the shapes


def test_nadam_counts_its_momentum_product_among_its_variables():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="nadam")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    # iteration, learning rate, 2 slots for each of kernel and bias, then the product.
    shapes = [tuple(v.shape) for v in model.optimizer.variables]
    assert shapes == [(), (), (2, 1), (2, 1), (1,), (1,), ()]
    assert model.optimizer.variables[-1] is model.optimizer._u_product
    adam = keras.optimizers.Adam()
    adam.build(model.trainable_variables)
    assert len(adam.variables) == 6
