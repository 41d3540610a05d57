"""``compile`` / ``fit`` / ``evaluate`` / ``predict`` for Models.

One training step is what a custom loop does: forward with ``training=True``, the compiled loss
plus ``model.losses``, the gradient of that with a tape, ``optimizer.apply_gradients``, then the
metrics. The epoch's ``loss`` is the mean of the batch losses weighted by batch size, as in Keras.
"""
from __future__ import annotations

import numpy as np

from .. import nest
from ..ops import math_ops as M
from ..tape import GradientTape
from ..tensor import Tensor, convert_to_tensor
from . import callbacks as cbks
from . import losses as losses_mod
from . import metrics as metrics_mod
from . import optimizers as optimizers_mod


def _n_samples(x) -> int:
    return int(np.shape(nest.flatten(x)[0])[0])


class Trainer:
    """The training half of a Keras model: ``compile``, ``fit``, ``evaluate``, ``predict``,
    ``train_on_batch`` and the step methods a subclass may override."""
    compiled = False

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile=None, **kwargs):
        self.optimizer = optimizers_mod.get(optimizer)
        # As Keras 3 does, a recompile that names no loss (or no metrics) keeps the ones the
        # previous compile gave: compile(optimizer="adam") after compile(loss="mse") still
        # trains on mse (plus any add_loss terms).
        if loss is not None or not self.compiled:
            self.loss = loss
            self._loss_weights = loss_weights
        if metrics is not None or weighted_metrics is not None or not self.compiled:
            self._metric_specs = metrics
            self._weighted_metric_specs = weighted_metrics
        self._compiled_metrics = None      # resolved on the first batch (needs output shapes)
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self._output_loss_trackers = None   # per-output losses, for models with several outputs
        self.run_eagerly = run_eagerly
        self.train_function = self.test_function = None
        self.compiled = True
        self.stop_training = False

    # ---- compiled steps ---------------------------------------------------------------------
    # As in Keras on TensorFlow, fit and evaluate run their steps as tf.functions unless
    # compile(run_eagerly=True) (or tf.config.run_functions_eagerly(True)): the first batch
    # traces train_step (Python side effects in it run then, not per batch), later batches
    # replay the trace (on a GPU, one CUDA graph launch per batch), a smaller last batch traces
    # once more. Set model.run_eagerly = True to step through train_step in a debugger.
    def make_train_function(self, force: bool = False):
        if self.train_function is None or force:
            self.train_function = self._compiled(self.train_step)
        return self.train_function

    def make_test_function(self, force: bool = False):
        if self.test_function is None or force:
            self.test_function = self._compiled(self.test_step)
        return self.test_function

    def _compiled(self, step):
        from .. import function      # the public tf.function (minitf/__init__.py binds it)

        def one_step_on_data(data):
            return step(data)
        traced = function(one_step_on_data, reduce_retracing=True)

        def run(data):
            return step(data) if self.run_eagerly else traced(data)
        run.traced = traced
        return run

    # ---- losses and metrics -------------------------------------------------------------------
    def _output_names(self, y_pred):
        outs = nest.flatten(y_pred)
        names = getattr(self, "output_names", None)
        if names and len(names) == len(outs):
            return list(names)
        return [f"output_{i}" for i in range(len(outs))]

    def _per_output(self, spec, y_pred, kind):
        names = self._output_names(y_pred)
        n = len(names)
        if isinstance(spec, dict):
            return [spec.get(name) for name in names]
        if isinstance(spec, (list, tuple)) and n > 1 and len(spec) == n and kind == "loss":
            return list(spec)
        return [spec] * n

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss (summed over outputs, with ``loss_weights``) plus ``self.losses``."""
        total = None
        if self.loss is not None:
            fns = self._per_output(self.loss, y_pred, "loss")
            weights = self._per_output(self._loss_weights, y_pred, "loss") \
                if self._loss_weights is not None else [None] * len(fns)
            ys = self._match_targets(y, y_pred)
            outs = nest.flatten(y_pred)
            names = self._output_names(y_pred)
            if len(outs) > 1 and self._output_loss_trackers is None:
                self._output_loss_trackers = {
                    i: metrics_mod.Mean(name=f"{names[i]}_loss")
                    for i, fn in enumerate(fns) if fn is not None}
            for i, (fn, w, yt, yp) in enumerate(zip(fns, weights, ys, outs)):
                if fn is None:
                    continue
                value = _as_loss(losses_mod.get(fn))(yt, yp, sample_weight)
                if len(outs) > 1:
                    # Keras logs each output's loss before its loss weight, as a plain mean
                    # over batches (not weighted by batch size, unlike the total).
                    self._output_loss_trackers[i].update_state(value)
                if w is not None:
                    value = value * float(w)
                total = value if total is None else total + value
        extra = self.losses
        if extra:
            reg = extra[0]
            for r in extra[1:]:
                reg = reg + r
            reg = M.cast(convert_to_tensor(reg), "float32") if not isinstance(reg, Tensor) \
                else reg
            total = reg if total is None else total + M.cast(reg, total.dtype)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def _match_targets(self, y, y_pred):
        outs = nest.flatten(y_pred)
        if isinstance(y, dict):
            return [y[n] for n in self._output_names(y_pred)]
        if len(outs) == 1:
            return [y]
        return list(y)

    def _build_metrics(self, y_pred):
        names = self._output_names(y_pred)
        multi = len(names) > 1
        built = []
        for weighted, specs in ((False, self._metric_specs), (True, self._weighted_metric_specs)):
            if specs is None:
                continue
            per = self._per_output(specs, y_pred, "metric") if isinstance(specs, dict) else \
                ([specs] * len(names) if not (multi and isinstance(specs, (list, tuple)) and
                                              len(specs) == len(names) and
                                              all(isinstance(s, (list, tuple)) for s in specs))
                 else list(specs))
            for i, spec in enumerate(per):
                for s in (spec if isinstance(spec, (list, tuple)) else [spec]):
                    if s is None:
                        continue
                    m = self._resolve_metric(s, i)
                    # Keras's own metric keeps the unprefixed name, which the list form of
                    # evaluate looks for in the logs (_flatten_metrics_in_order).
                    m._compile_name = m.name
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    built.append((i, m, weighted))
        self._compiled_metrics = built

    def _resolve_metric(self, s, i):
        if s in ("accuracy", "acc"):
            loss = self._per_output(self.loss, [None] * max(1, i + 1), "loss")[0] \
                if self.loss is not None else None
            lname = loss if isinstance(loss, str) else type(loss).__name__
            lname = lname.lower() if isinstance(lname, str) else ""
            if "sparse" in lname:
                m = metrics_mod.SparseCategoricalAccuracy(name=s)
            elif "binary" in lname:
                m = metrics_mod.BinaryAccuracy(name=s)
            elif "categorical" in lname:
                m = metrics_mod.CategoricalAccuracy(name=s)
            else:
                m = metrics_mod.Accuracy(name=s)
            return m
        m = metrics_mod.get(s)
        if not isinstance(m, metrics_mod.Metric):    # a plain function: compile wraps it
            m = metrics_mod.MeanMetricWrapper(m)
        if isinstance(s, str):
            m.name = s
        return m

    def _update_metrics(self, y, y_pred, sample_weight):
        if self._compiled_metrics is None:
            self._build_metrics(y_pred)
        ys = self._match_targets(y, y_pred)
        outs = nest.flatten(y_pred)
        for i, m, weighted in self._compiled_metrics:
            m.update_state(ys[i], outs[i], sample_weight if weighted else None)

    def _flat_metrics(self) -> list:
        """Every metric object in logs order: the loss, per-output losses, compiled metrics."""
        if not getattr(self, "compiled", False):
            return []
        if self._compiled_metrics is None and (
                self._metric_specs is not None or self._weighted_metric_specs is not None):
            # Build them now (a custom train_step loops over self.metrics before any batch).
            n = len(getattr(self, "outputs", None) or [None])
            self._build_metrics([None] * n)
        ms = [self._loss_tracker] if self.compiled else []
        ms += list((getattr(self, "_output_loss_trackers", None) or {}).values())
        return ms + [m for _, m, _ in (self._compiled_metrics or [])]

    @property
    def metrics(self) -> list:
        """As in Keras 3: the loss tracker, then the compiled metrics grouped in one
        ``CompileMetrics`` container named ``compile_metrics``, then per-output loss trackers.
        Empty before ``compile``."""
        if not self._flat_metrics():
            return []
        ms = [self._loss_tracker]
        if getattr(self, "_compiled_metrics", None):
            group = self.__dict__.get("_compile_metrics_group")
            if group is None or group.metrics != [m for _, m, _ in self._compiled_metrics]:
                group = CompileMetrics(self)
                object.__setattr__(self, "_compile_metrics_group", group)
            ms.append(group)
        return ms + list((getattr(self, "_output_loss_trackers", None) or {}).values())

    @property
    def metrics_names(self) -> list:
        """The names of ``metrics``: ``['loss', 'compile_metrics']`` once compiled with
        metrics, as in Keras 3 (the logs still name each metric)."""
        return [m.name for m in self.metrics]

    def _logs(self) -> dict:
        """The metrics' results as tensors: reading them (float) waits for the device, so fit
        converts them only when a callback or the progress bar needs them."""
        return {m.name: m.result() for m in self._flat_metrics()}

    def reset_metrics(self) -> None:
        """Reset every metric in ``self.metrics``, as fit does at each epoch's start and
        evaluate at its start. A model that overrides the ``metrics`` property (the customizing
        fit guide's trackers) has exactly the metrics it lists reset, as in Keras."""
        for m in self.metrics:
            m.reset_state()

    # ---- steps ------------------------------------------------------------------------------
    def train_step(self, data):
        x, y, sw = _unpack(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sw)
            # A LossScaleOptimizer multiplies the loss by its scale inside the tape (Keras
            # calls optimizer.scale_loss here); the loss tracker sees the unscaled loss.
            scale_loss = getattr(self.optimizer, "scale_loss", None)
            scaled = loss if scale_loss is None else scale_loss(loss)
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self._loss_tracker.update_state(loss, sample_weight=_n_samples(x))
        self._update_metrics(y, y_pred, sw)
        return self._logs()

    def test_step(self, data):
        x, y, sw = _unpack(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sw, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_n_samples(x))
        self._update_metrics(y, y_pred, sw)
        return self._logs()

    def predict_step(self, data):
        x, _, _ = _unpack(data)
        return self(x, training=False)

    # ---- loops ------------------------------------------------------------------------------
    def _batches(self, data, batch_size, shuffle, rng):
        from .data_adapter import batches
        return batches(data, batch_size, shuffle, rng)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs; returns the ``History`` (also ``model.history``).

        With ``shuffle=True`` (the default) array data is fed in Keras-on-TensorFlow's order:
        after ``keras.utils.set_random_seed(s)`` (a global seed) one permutation, TF's
        ``tf.random.shuffle`` of the indices with op seed 0, used for every epoch, so two
        identical programs train identically and as Keras does; without a global seed a new
        random order each epoch. ``validation_split`` holds out the last fraction
        of the samples (before shuffling); it must lie strictly between 0 and 1 and leave
        samples on both sides, or fit raises ValueError before training.
        """
        from .data_adapter import as_data, split_validation
        if not self.compiled:
            raise RuntimeError("You must call `compile()` before using the model.")
        if class_weight is not None:
            sample_weight = _class_weights(y, class_weight, sample_weight)
        data = as_data(x, y, sample_weight)
        if validation_split and validation_data is None:
            data, validation_data = split_validation(data, validation_split)
        batch_size = batch_size or 32
        steps = steps_per_epoch or data.num_batches(batch_size)
        verbose = 1 if verbose == "auto" else verbose
        history = cbks.History()
        cbl = list(callbacks or [])
        if verbose:
            cbl.append(cbks.ProgbarLogger())
        cbl.append(history)
        clist = cbks.CallbackList(cbl, self, {"verbose": verbose, "epochs": epochs,
                                              "steps": steps})
        per_batch = bool(verbose) or bool(callbacks)   # anyone reading logs after each batch?
        self.stop_training = False
        rng = _shuffle_generator()
        train_function = self.make_train_function()
        clist.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            clist.on_epoch_begin(epoch)
            logs = {}
            for step, batch in enumerate(data.batches(batch_size, shuffle, rng,
                                                      steps_per_epoch)):
                clist.on_train_batch_begin(step)
                logs = train_function(batch)
                if per_batch:
                    logs = _floats(logs)
                    clist.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            logs = _floats(logs)
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                vx, vy, vsw = _val_args(validation_data)
                val = self.evaluate(vx, vy, sample_weight=vsw,
                                    batch_size=validation_batch_size or batch_size,
                                    steps=validation_steps, verbose=0, return_dict=True,
                                    callbacks=clist, _internal=True)   # as Keras: fit's callbacks
                                                                       # see on_test_* too
                logs.update({f"val_{k}": v for k, v in val.items()})
            clist.on_epoch_end(epoch, dict(sorted(logs.items())))
            if self.stop_training:
                break
        clist.on_train_end(logs if epochs > initial_epoch else {})
        self.history = history
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, _internal=False):
        from .data_adapter import as_data
        if not self.compiled:
            raise RuntimeError("You must call `compile()` before using the model.")
        data = as_data(x, y, sample_weight)
        batch_size = batch_size or 32
        self.reset_metrics()
        if isinstance(callbacks, cbks.CallbackList):     # fit's own list (its bar stays quiet)
            clist = callbacks
        else:
            clist = cbks.CallbackList(_with_progbar(callbacks, verbose), self, {
                "verbose": verbose, "epochs": 1,
                "steps": steps or _num_batches(data, batch_size)})
        clist.on_test_begin()
        test_function = self.make_test_function()
        logs = {}
        for step, batch in enumerate(data.batches(batch_size, False, None, steps)):
            clist.on_test_batch_begin(step)
            logs = test_function(batch)
            if clist.callbacks:
                clist.on_test_batch_end(step, _floats(logs))
        # As Keras: the metrics' own results when the step's logs name the same entries (a
        # custom test_step may return anything else, which is then kept as it is).
        metric_logs = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(metric_logs):
            logs = metric_logs
        logs = _floats(logs)
        clist.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def get_metrics_result(self) -> dict:
        """The results of ``self.metrics`` as one flat dict (tensors), as Keras's
        ``get_metrics_result``: a metric whose result is a dict (``compile_metrics``)
        contributes its entries.

        >>> import numpy as np, minitf as tf
        >>> model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse", metrics=["mae"])
        >>> sorted(model.get_metrics_result())
        ['loss', 'mae']
        """
        out = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                out.update(r)
            else:
                out[m.name] = r
        return out

    def _flatten_metrics_in_order(self, logs: dict):
        """evaluate's list form, as Keras orders it: the entries named by ``self.metrics``
        (a ``CompileMetrics`` by its metrics' names as given to compile) first, in that
        order, then any other entries by sorted name; a single value comes back alone. With
        several outputs the logs name compiled metrics ``<output>_<name>``, which the first
        pass does not find, so they follow the per-output losses (Keras's order too)."""
        names = []
        for m in self.metrics:
            names += [getattr(s, "_compile_name", s.name) for s in m.metrics] \
                if isinstance(m, CompileMetrics) else [m.name]
        values = [logs[n] for n in names if n in logs]
        values += [logs[k] for k in sorted(logs) if k not in names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        from .data_adapter import as_data
        data = as_data(x, None, None)
        batch_size = batch_size or 32
        clist = cbks.CallbackList(_with_progbar(callbacks, verbose), self, {
            "verbose": verbose, "epochs": 1, "steps": steps or _num_batches(data, batch_size)})
        clist.on_predict_begin()
        outs = []
        for step, batch in enumerate(data.batches(batch_size, False, None, steps)):
            clist.on_predict_batch_begin(step)
            outs.append(nest.map_structure(lambda t: t.numpy(), self.predict_step(batch)))
            clist.on_predict_batch_end(step, {"outputs": outs[-1]})
        clist.on_predict_end()
        if not outs:
            raise ValueError("Expected input data to be non-empty.")
        first = outs[0]
        if isinstance(first, np.ndarray):
            return np.concatenate(outs, axis=0)
        flat = [nest.flatten(o) for o in outs]
        return nest.pack_sequence_as(first, [np.concatenate(parts, axis=0)
                                             for parts in zip(*flat)])

    def train_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self.reset_metrics()
        logs = self.make_train_function()((x, y, sample_weight))
        return _floats(logs) if return_dict else list(_floats(logs, sort=False).values())

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self.reset_metrics()
        logs = self.make_test_function()((x, y, sample_weight))
        return _floats(logs) if return_dict else list(_floats(logs, sort=False).values())

    def predict_on_batch(self, x):
        return nest.map_structure(lambda t: t.numpy(), self(x, training=False))


def _as_loss(fn):
    """A loss function given to ``compile`` wrapped as Keras wraps it: a ``Loss`` whose call
    converts ``y_true`` and ``y_pred`` to ``floatx()`` (integer labels and a float64 model output
    included) and brings their ranks together (``(m,)`` targets against ``(m, 1)`` predictions)
    before the function sees them, then reduces the result with any sample weights."""
    if isinstance(fn, losses_mod.Loss):
        return fn
    return losses_mod.LossFunctionWrapper(fn, name=getattr(fn, "__name__", None))


def _class_weights(y, class_weight: dict, sample_weight):
    """Per-sample weights from a {class: weight} dict (labels, or one-hot rows), multiplied into
    any ``sample_weight``."""
    if isinstance(y, (list, tuple, dict)) and not isinstance(y, np.ndarray) and \
            any(hasattr(e, "shape") for e in nest.flatten(y)) and len(nest.flatten(y)) > 1:
        raise ValueError("`class_weight` is only supported for models with a single output.")
    arr = np.asarray(y.numpy() if hasattr(y, "numpy") else y)
    labels = arr.argmax(-1) if arr.ndim > 1 and arr.shape[-1] > 1 else arr.reshape(-1)
    try:
        w = np.array([class_weight[int(c)] for c in labels], dtype=np.float32)
    except KeyError as e:
        raise ValueError(f"`class_weight` has no entry for class {e.args[0]}") from None
    if sample_weight is not None:
        w = w * np.asarray(sample_weight, dtype=np.float32).reshape(-1)
    return w


class _KerasEpochOrder:
    """fit's sample order for ``shuffle=True``, as Keras 3 on TensorFlow draws it.

    Keras builds a tf.data pipeline whose map function runs ``tf.random.shuffle(tf.range(n))``
    with no op seed. Built in a fresh graph, that op gets op seed 0 under the global seed, and
    each epoch's iterator instantiates the function anew, so its RandomShuffle kernel restarts:
    with a global seed set (``keras.utils.set_random_seed`` sets it) every epoch uses the SAME
    permutation, the Fisher-Yates pass of a Philox stream seeded ``(global_seed, 0)``. Without
    a global seed the kernel picks fresh seeds: a new random order each epoch."""

    def __init__(self):
        from ..ops import random_seed
        self._seeds = random_seed.get_seed(0) if random_seed.global_seed() is not None else None
        self._host = random_seed.host_rng()

    def permutation(self, n: int) -> np.ndarray:
        if self._seeds is None:
            return self._host.permutation(n)
        return _fisher_yates(n, self._seeds)


def _fisher_yates(n: int, seeds: tuple) -> np.ndarray:
    """TF's RandomShuffle of ``range(n)`` from a fresh stream seeded ``seeds``: step ``i`` swaps
    positions ``i`` and ``i + word_i % (n - i)``, one Philox word per step."""
    from ..ops.philox_random import PhiloxRandom
    perm = np.arange(n)
    if n <= 1:
        return perm
    words = PhiloxRandom.from_seeds(*seeds).blocks(-(-(n - 1) // 4)).reshape(-1)[:n - 1]
    targets = (words.astype(np.uint64) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
    for i, j in enumerate((targets + np.arange(n - 1)).tolist()):
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _shuffle_generator() -> "_KerasEpochOrder":
    """The source of fit's shuffling order (see ``_KerasEpochOrder``)."""
    return _KerasEpochOrder()


def _floats(logs: dict, sort: bool = True) -> dict:
    """Logs as Keras hands them to callbacks and returns them as dicts: Python floats, keys in
    sorted order (Keras converts every logs dict that way, so `history.history` lists `accuracy`
    before `loss`). ``sort=False`` keeps the metrics' order, which the list forms of
    `evaluate` and `train_on_batch` follow."""
    out = {}
    # Keras's pythonify_logs: the keys are sorted at each level, and a dict entry (a
    # CompileMetrics result) is flattened into its entries where its own key sorts.
    for k, v in (sorted(logs.items()) if sort else logs.items()):
        if isinstance(v, dict):
            out.update(_floats(v, sort))
        else:
            out[k] = float(np.asarray(v.numpy() if hasattr(v, "numpy") else v))
    return out


def _unpack(data):
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        return data[0], data[1], data[2]
    return data, None, None


def _with_progbar(callbacks, verbose) -> list:
    """The user's callbacks plus Keras's progress bar unless ``verbose`` is 0."""
    out = list(callbacks or [])
    if verbose != 0 and not any(isinstance(c, cbks.ProgbarLogger) for c in out):
        out.append(cbks.ProgbarLogger())
    return out


def _num_batches(data, batch_size):
    try:
        return data.num_batches(batch_size)
    except (TypeError, ValueError):       # a dataset of unknown length: the bar learns it
        return None


def _val_args(validation_data):
    if isinstance(validation_data, tuple):
        if len(validation_data) == 2:
            return validation_data[0], validation_data[1], None
        return validation_data[0], validation_data[1], validation_data[2]
    return validation_data, None, None




class CompileMetrics(metrics_mod.Metric):
    """The metrics given to ``compile(metrics=...)``, grouped as Keras 3 groups them: one
    entry of ``model.metrics`` named ``compile_metrics``, whose ``result()`` is a dict of
    each metric's result, so a custom ``train_step`` that returns
    ``{m.name: m.result() for m in self.metrics}`` still logs every metric by its name.

    >>> import numpy as np, minitf as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse", metrics=["mae"])
    >>> model.metrics_names
    ['loss', 'compile_metrics']
    >>> [m.name for m in model.metrics[1].metrics]
    ['mae']
    """

    def __init__(self, model):
        super().__init__(name="compile_metrics")
        object.__setattr__(self, "_model", model)

    @property
    def metrics(self) -> list:
        """The compiled metric objects, in compile order."""
        return [m for _, m, _ in (self._model._compiled_metrics or [])]

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Update every compiled metric from targets and predictions (per output)."""
        self._model._update_metrics(y_true, y_pred, sample_weight)

    def result(self) -> dict:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()
