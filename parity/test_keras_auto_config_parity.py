"""Keras 3's automatic config of user layers and models without get_config, the summary's
output shapes of a subclassed model's eagerly called layers, and the optimizer variables
summary() counts, compared with Keras 3 under TF."""
import os
import tempfile

import numpy as np

import minitf


def _configs(tf):
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

    makers = [lambda: NeedsUnits(2), lambda: DefaultUnits(5), lambda: DefaultUnits(),
              lambda: Plain(2, name="p"), lambda: Plain([1, (2, "a")]), lambda: Plain(None),
              lambda: Plain(np.int64(2)), lambda: Plain(keras.layers.Dense(1)),
              lambda: Spread(2), lambda: Spread(2, 3), lambda: PositionalOnly(2)]
    out = []
    for make in makers:
        try:
            config = make().get_config()
            config.pop("dtype")    # Keras writes a DTypePolicy dict, minitf the name (known)
            out.append(config)
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    model = NeedsUnits(1)
    model.compile(loss="mse", optimizer="sgd")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    try:
        model.save(os.path.join(tempfile.mkdtemp(), "m.keras"))
        out.append("saved")
    except Exception as e:
        out.append((type(e).__name__, str(e)))
    return out


def test_auto_configs_and_their_errors_match_keras(tf_real):
    assert _configs(minitf) == _configs(tf_real)


def _summary(tf):
    keras = tf.keras

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
            self.first = keras.layers.Dense(4, name="first")
            self.block = Block(name="block")
            self.shaped = ShapedBlock(name="shaped")
            self.last = keras.layers.Dense(1, name="last")

        def call(self, x):
            return self.last(self.shaped(self.block(self.first(x))))

    lines = []
    net = Net(name="net")
    net.compile(loss="mse", optimizer="nadam")
    net.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    net.summary(print_fn=lambda line, **_: lines.append(line))
    seq = keras.Sequential([keras.layers.Dense(4, name="d"), Block(name="b")], name="seq")
    seq.compile(loss="mse", optimizer="adam")
    seq.fit(np.ones((8, 3)), np.ones((8, 4)), verbose=0)
    seq.summary(print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines)


def test_summary_shapes_and_optimizer_params_match_keras(tf_real):
    assert _summary(minitf) == _summary(tf_real)
