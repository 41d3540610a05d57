"""``fit``/``evaluate``/``predict`` cast floating NumPy data to ``floatx()``, as Keras 3 does.

What Keras 3.15 does (checked against TF 2.21): its array adapter casts every floating input,
target and sample weight (float64 and float16 alike, validation data included, dict inputs per
entry) to ``floatx()``; integer labels and integer sample weights keep their dtype; Datasets
and ``train_on_batch`` data are not cast. A loss *function* given to ``compile`` is wrapped in a
``Loss`` that converts ``y_true`` and ``y_pred`` to ``floatx()`` and brings a ``(m,)`` target to
``(m, 1)`` before the function sees them, so ``y_true - y_pred`` works whatever the data.
"""
import numpy as np
import pytest

import minitf as tf

keras = tf.keras


def _loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred))   # raises if the dtypes differ


def _metric(y_true, y_pred):
    return tf.reduce_mean(tf.abs(y_true - y_pred))


class _Recorder(keras.Model):
    """A one-Dense model that records the dtypes its train/test/predict steps are handed."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.seen = []

    def call(self, x):
        return self.dense(x["a"] if isinstance(x, dict) else x)

    def _record(self, kind, data):
        self.seen.append((kind,) + tuple(
            None if d is None else tf.nest.map_structure(lambda t: t.dtype.name, d)
            for d in (data if isinstance(data, tuple) else (data,))))

    def train_step(self, data):
        self._record("train", data)
        return super().train_step(data)

    def test_step(self, data):
        self._record("test", data)
        return super().test_step(data)

    def predict_step(self, data):
        self._record("predict", data)
        return super().predict_step(data)


def _data(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 3)), rng.random((n, 1))


def _recorder(loss=_loss, metrics=None):
    model = _Recorder()
    model.compile("sgd", loss=loss, metrics=metrics, run_eagerly=True)
    return model


def test_fit_float64_numpy_reaches_train_step_as_float32_and_custom_loss_runs():
    x, y = _data()
    model = _recorder(metrics=[_metric])
    history = model.fit(x, y, sample_weight=np.ones(8), batch_size=4, epochs=1, verbose=0)
    assert set(model.seen) == {("train", "float32", "float32", "float32")}
    assert np.isfinite(history.history["loss"][0]) and "_metric" in history.history


def test_float16_data_is_cast_to_float32_too():
    x, y = _data()
    model = _recorder()
    model.fit(x.astype(np.float16), y.astype(np.float16), batch_size=8, verbose=0)
    assert model.seen == [("train", "float32", "float32")]


def test_integer_labels_and_weights_keep_their_dtype_but_the_loss_sees_float32():
    x, y = _data()
    labels = (y * 3).astype(np.int64)
    model = _recorder()
    model.fit(x, labels, sample_weight=np.arange(8), batch_size=8, verbose=0)
    assert model.seen == [("train", "float32", "int64", "int64")]


def test_dict_inputs_cast_per_entry():
    x, y = _data()
    model = _recorder()
    model.fit({"a": x, "b": np.arange(8)}, y, batch_size=8, verbose=0)
    assert model.seen == [("train", {"a": "float32", "b": "int64"}, "float32")]


@pytest.mark.parametrize("how", ["validation_data", "validation_split"])
def test_validation_data_is_cast(how):
    x, y = _data()
    model = _recorder(metrics=[_metric])
    kwargs = {"validation_data": (x, y)} if how == "validation_data" else \
        {"validation_split": 0.5}
    history = model.fit(x, y, batch_size=8, verbose=0, **kwargs)
    assert ("test", "float32", "float32") in model.seen
    assert np.isfinite(history.history["val_loss"][0])


def test_evaluate_and_predict_cast():
    x, y = _data()
    model = _recorder(metrics=[_metric])
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert model.seen == [("test", "float32", "float32"), ("predict", "float32")]


def test_train_on_batch_data_is_not_cast_but_the_loss_function_sees_float32():
    x, y = _data()
    shapes = []

    def loss(y_true, y_pred):
        shapes.append((y_true.dtype, tuple(y_true.shape), y_pred.dtype, tuple(y_pred.shape)))
        return tf.reduce_mean(tf.square(y_true - y_pred))
    model = _recorder(loss=loss)
    model.train_on_batch(x, y[:, 0])        # a (m,) target against (m, 1) predictions
    model.test_on_batch(x, (y[:, 0] * 3).astype(np.int64))
    assert [s[0] for s in model.seen] == ["train", "test"]
    assert model.seen[0][1:3] == ("float64", "float64")
    assert shapes == [(tf.float32, (8, 1), tf.float32, (8, 1))] * 2


def test_dataset_batches_are_not_cast():
    x, y = _data()
    model = _recorder()
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), verbose=0)
    assert model.seen == [("train", "float64", "float64")]


def test_a_float64_model_output_is_cast_to_float32_for_a_loss_function():
    seen = []

    def loss(y_true, y_pred):
        seen.append((y_true.dtype, y_pred.dtype))
        return tf.reduce_mean(tf.square(y_true - y_pred))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, dtype="float64")])
    model.compile("sgd", loss=loss, run_eagerly=True)
    model.train_on_batch(*_data())
    assert seen == [(tf.float32, tf.float32)]


def test_floatx_float64_casts_float32_data_up():
    x, y = _data()
    keras.backend.set_floatx("float64")
    try:
        model = _recorder()
        model.fit(x.astype(np.float32), y.astype(np.float32), batch_size=8, verbose=0)
    finally:
        keras.backend.set_floatx("float32")
    assert model.seen == [("train", "float64", "float64")]


def test_float64_data_trains_exactly_as_the_same_data_rounded_to_float32():
    """Keras rounds the data to float32 once, so the History is the float32 run's, bit for bit."""
    x, y = _data(16)
    histories, start = [], None
    for cast in (np.float64, np.float32):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                                  keras.layers.Dense(1)])
        start = start or model.get_weights()
        model.set_weights(start)
        model.compile(keras.optimizers.SGD(0.1), loss=_loss, metrics=[_metric])
        histories.append(model.fit(x.astype(cast), y.astype(cast), batch_size=4, epochs=3,
                                   shuffle=False, validation_data=(x.astype(cast),
                                                                   y.astype(cast)),
                                   verbose=0).history)
    assert histories[0] == histories[1]


def test_the_callers_arrays_are_not_changed():
    x, y = _data()
    x0, y0, sw = x.copy(), y.copy(), np.full(8, 0.5)
    _recorder().fit(x, y, sample_weight=sw, batch_size=4, verbose=0)
    assert x.dtype == y.dtype == sw.dtype == np.float64
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(sw, np.full(8, 0.5))
