"""Keras 3 groups compiled metrics into one ``CompileMetrics`` entry of ``model.metrics``.

The expected names are Keras 3.15's (checked side by side in
parity/test_compile_metrics_parity.py): ``metrics_names`` is ``[]`` before compile,
``['loss']`` without metrics, ``['loss', 'compile_metrics']`` with them (already before the
first batch), and per-output losses follow; logs and history still name every metric."""
import numpy as np

import minitf as tf

keras = tf.keras
X = np.random.RandomState(0).rand(16, 3).astype("float32")
Y = np.random.RandomState(1).rand(16, 2).astype("float32")


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])


def test_names_before_and_after_compile_and_fit():
    m = _model()
    assert m.metrics_names == [] and m.metrics == []
    m.compile("adam", "mse", metrics=["mae", "mse"])
    assert m.metrics_names == ["loss", "compile_metrics"]
    group = m.metrics[1]
    assert isinstance(group, keras.metrics.Metric) and [x.name for x in group.metrics] == [
        "mae", "mse"]
    h = m.fit(X, Y, verbose=0, batch_size=8)
    assert list(h.history) == ["loss", "mae", "mse"]
    assert m.metrics_names == ["loss", "compile_metrics"]
    values = m.evaluate(X, Y, verbose=0)
    assert len(values) == 3 and values[0] == values[2]     # loss is the mse here
    result = group.result()
    assert sorted(result) == ["mae", "mse"]
    np.testing.assert_allclose(float(result["mae"]), values[1], rtol=1e-6)


def test_without_metrics_only_the_loss():
    m = _model()
    m.compile("adam", "mse")
    m.fit(X, Y, verbose=0)
    assert m.metrics_names == ["loss"]


def test_several_outputs_put_their_losses_after_the_group():
    i = keras.Input((3,))
    m = keras.Model(i, [keras.layers.Dense(2, name="a")(i), keras.layers.Dense(1, name="b")(i)])
    m.compile("adam", ["mse", "mse"], metrics=[["mae"], ["mae"]])
    h = m.fit(X, [Y, Y[:, :1]], verbose=0)
    assert m.metrics_names == ["loss", "compile_metrics", "a_loss", "b_loss"]
    assert list(h.history) == ["a_loss", "a_mae", "b_loss", "b_mae", "loss"]


def test_reset_and_update_through_the_group():
    m = _model()
    m.compile("sgd", "mse", metrics=["mae"])
    group = m.metrics[1]
    group.update_state(Y, np.zeros_like(Y))
    np.testing.assert_allclose(float(group.result()["mae"]), np.mean(np.abs(Y)), rtol=1e-6)
    m.reset_metrics()
    assert float(group.result()["mae"]) == 0.0


def test_custom_train_step_over_self_metrics_logs_each_metric():
    # The Keras 3 guide's custom train_step: update "loss" with the loss and every other
    # entry of self.metrics with (y, y_pred); return {m.name: m.result()}.
    class M(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            g = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(g, self.trainable_variables))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    i = keras.Input((3,))
    m = M(i, keras.layers.Dense(2)(i))
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    h = m.fit(X, Y, epochs=2, verbose=0)
    assert list(h.history) == ["loss", "mae"] and len(h.history["mae"]) == 2


def test_recompile_without_loss_or_metrics_keeps_the_previous_ones():
    """Keras 3 replaces the compiled loss only when compile() is given one (and the metrics
    only when given metrics): the subclassing guide's compile(optimizer="adam") after
    compile(loss="mse") keeps training on mse. With fixed data and a weightless model the loss
    is exact: mean((x - y)**2) = 0.4666... plus the add_loss term 0.01 * mean(x) = 0.005."""
    class Reg(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(0.01 * tf.reduce_mean(inputs))
            return inputs

    x = np.linspace(0.0, 1.0, 6).reshape(2, 3)
    y = np.linspace(1.0, 0.0, 6).reshape(2, 3)
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, Reg()(inputs))
    mse = np.mean((x - y) ** 2)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.compile(optimizer="adam")
    h = model.fit(x, y, verbose=0)
    # float32 forward pass of six numbers in [0, 1]: rounding error far below 1e-6.
    assert abs(h.history["loss"][0] - (mse + 0.005)) < 1e-6
    assert abs(h.history["mae"][0] - np.mean(np.abs(x - y))) < 1e-6
    model.compile(optimizer="adam", loss="mae")      # a new loss does replace it
    assert abs(model.fit(x, y, verbose=0).history["loss"][0] - (0.6 + 0.005)) < 1e-6


def test_fit_resets_the_metrics_an_overridden_metrics_property_lists():
    """Keras resets `self.metrics` at each epoch's start; a model whose train_step updates its
    own trackers and lists them in a `metrics` property (the customizing-fit guide) sees them
    count one epoch's batches only: 2 epochs of 4 batches leave the tracker's count at 4."""
    class Custom(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self(x, training=True) - y))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

        @property
        def metrics(self):
            return [self.loss_tracker]

    inputs = keras.Input(shape=(3,))
    model = Custom(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    x, y = np.ones((32, 3)), np.ones((32, 1))
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert int(model.loss_tracker.count.numpy()) == 4
    model.reset_metrics()
    assert int(model.loss_tracker.count.numpy()) == 0
