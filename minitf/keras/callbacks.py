"""Callbacks for ``fit``/``evaluate``/``predict``, and the progress bar.

The progress bar redraws one line in a terminal (``\\r``) and prints one plain line per epoch
when the output is not a terminal (a log file, CI).
"""
from __future__ import annotations

import csv
import math
import os
import sys
import time
import warnings

import numpy as np


class Callback:
    """Base class of Keras callbacks: override ``on_epoch_end``, ``on_train_batch_end`` and
    the other hooks; ``self.model`` and ``self.params`` are set before training starts."""
    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass


class CallbackList:
    """Calls a hook (``on_epoch_end``, ...) on each callback in turn; what ``fit`` uses."""
    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for c in self.callbacks:
            c.set_model(model)
            c.set_params(params)

    def __getattr__(self, name):
        if name.startswith("on_"):
            def call(*args, **kwargs):
                for c in self.callbacks:
                    getattr(c, name)(*args, **kwargs)
            return call
        raise AttributeError(name)


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"]`` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self


class Progbar:
    """Keras's progress bar (``keras.utils.Progbar``): ``3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 8ms/step -
    loss: 0.1234``, drawn as Keras 3 draws it.

    ``verbose=1`` redraws one line (``\\b``/``\\r``; on POSIX even when the output is a pipe,
    as Keras does), at most every ``interval`` seconds and always on the final update;
    ``verbose=2`` prints one line when finalized: ``3/3 - 0s - 8ms/step - loss: 0.1234``. A
    value is averaged over the steps unless it is stateful (by default all are averaged, as in
    Keras; ``fit``'s logger passes running averages as they are).

    >>> import minitf as tf
    >>> bar = tf.keras.utils.Progbar(3, verbose=2)      # Keras 3.15 prints the same line
    >>> bar.update(1, [("loss", 1.0)]); bar.update(2, [("loss", 3.0)])
    >>> bar.update(3, finalize=True)                    # doctest: +ELLIPSIS
    3/3 - 0s - ...s/step - loss: 2.0000
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be "
                             "provided.")
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        if stateless_metrics is not None:
            self._averaged = lambda k: k in stateless_metrics
        else:
            stateful = set(stateful_metrics or ())
            self._averaged = lambda k: k not in stateful
        # Keras redraws in place when it may: a terminal, a notebook, any POSIX system.
        self._dynamic = (hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) or \
            "ipykernel" in sys.modules or "posix" in sys.modules or \
            "PYCHARM_HOSTED" in os.environ
        self._seen, self._values, self._order = 0, {}, []
        self._start = time.time()
        self._last_update = 0.0
        self._after_first = None
        self._prev_width = 0

    def update(self, current, values=None, finalize=None):
        """Show step ``current`` with ``values`` (``[(name, value), ...]``); ``finalize``
        defaults to ``current >= target``."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or []:
            if k not in self._order:
                self._order.append(k)
            v = float(np.asarray(v))
            if not self._averaged(k) or finalize:
                self._values[k] = [v, 1]
            else:
                n = max(current - self._seen, 1)
                total, count = self._values.get(k, [0.0, 0])
                self._values[k] = [total + v * n, count + n]
        self._seen = current
        now = time.time()
        per_step = self._step_time(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            line = f"%{digits}d/%d - {now - self._start:.0f}s -" % (current, self.target)
            line += _per_step(per_step, self.unit_name)
            for k in self._order:
                avg = self._values[k][0] / max(1, self._values[k][1])
                line += f" - {k}: " + (f"{avg:.4f}" if avg > 1e-3 else f"{avg:.4e}")
            _write(line + "\n")
        self._last_update = now

    def _draw(self, current, now, per_step, finalize):
        out = "\b" * self._prev_width + "\r" if self._dynamic else "\n"
        hidden = 0                        # escape-code characters: not part of the width
        if self.target:
            digits = int(math.log10(self.target)) + 1
            bar = f"\x1b[1m{f'%{digits}d/%d' % (current, self.target)}\x1b[0m "
            done = int(self.width * float(current) / self.target)
            hidden += 8
            if done > 0:
                bar += f"\x1b[32m{'━' * done}\x1b[0m"
                hidden += 9
            bar += f"\x1b[37m{'━' * (self.width - done)}\x1b[0m"
            hidden += 9
        else:
            bar = "%7d/Unknown" % current
        if self.target and not finalize:
            info = f" \x1b[1m{_eta(per_step * (self.target - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        hidden += 8
        info += _per_step(per_step, self.unit_name)
        for k in self._order:
            avg = self._values[k][0] / max(1, self._values[k][1])
            info += f" - {k}: " + (f"{avg:.4f}" if abs(avg) > 1e-3 else f"{avg:.4e}")
        width = len(bar) + len(info) - hidden
        out += bar + info + " " * max(self._prev_width - width, 0)
        _write(out + ("\n" if finalize else ""))
        self._prev_width = width

    def add(self, n, values=None):
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)

    def _step_time(self, current, now):
        # The first step (the trace, warm-up) is left out of the estimate once there are more.
        if not current:
            return 0
        if self._after_first is not None and current > 1:
            per = (now - self._after_first) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._after_first = now
        return per


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _per_step(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _eta(seconds: float) -> str:
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


class ProgbarLogger(Callback):
    """Draws ``fit``'s, ``evaluate``'s and ``predict``'s progress bar, as Keras 3's logger:
    ``Epoch i/n`` (only when there is more than one epoch), one bar per epoch showing the logs
    as they are, the validation logs added on the final draw; ``evaluate`` and ``predict`` draw
    their own bar (``evaluate``'s inside ``fit`` draws none)."""

    def __init__(self):
        super().__init__()
        self.seen, self.progbar, self.target = 0, None, None
        self.verbose, self.epochs, self._in_fit = 1, 1, False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar()

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar()
        if self.verbose and self.epochs > 1:
            _write(f"Epoch {epoch + 1}/{self.epochs}\n")

    def on_train_batch_end(self, batch, logs=None):
        self._step(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._step(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._step(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_end(self, logs=None):
        self._finish(logs)

    def _new_bar(self):
        self.seen = 0
        self.progbar = Progbar(self.target, verbose=self.verbose, stateless_metrics=set())

    def _step(self, batch, logs):
        if self.progbar is None:
            self._new_bar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finish(self, logs):
        if self.progbar is None:
            self._new_bar()
        if self.target is None:
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)


def _monitor_mode(monitor, mode):
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"mode {mode} is unknown, fallback to auto mode.")
        mode = "auto"
    if mode == "auto":
        mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure")
                         or "auc" in monitor or "precision" in monitor
                         or "recall" in monitor) else "min"
    return mode


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = _monitor_mode(monitor, mode)
        self.min_delta = abs(min_delta) * (1 if self.mode == "max" else -1)
        self.stopped_epoch = 0

    def _better(self, a, b):
        return a - self.min_delta > b if self.mode == "max" else a - self.min_delta < b

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs or {})}")
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._better(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._better(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


class ModelCheckpoint(Callback):
    """Save the model after each epoch (``{epoch}`` and log keys format the name), as Keras 3:
    the whole model to a ``.keras`` file, or with ``save_weights_only=True`` the weights to a
    ``.weights.h5`` file (``docs/saving.md``). A ``.npz`` name writes minitf's older weights
    format. Other names are Keras's ValueError."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch"):
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only = save_best_only
        self.mode = _monitor_mode(monitor, mode)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.save_weights_only = save_weights_only or self.filepath.endswith(".npz")
        if self.filepath.endswith(".npz"):
            pass
        elif save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the "
                             "filepath provided must end in `.weights.h5` (Keras weights "
                             f"format). Received: filepath={self.filepath}")
        elif not save_weights_only and not self.filepath.endswith(".keras"):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format; "
                             "minitf does not write Keras's legacy `.h5`). Received: "
                             f"filepath={self.filepath}")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available.")
                return
            better = current < self.best if self.mode == "min" else current > self.best
            if not better:
                return
            self.best = current
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch's start to ``schedule(epoch, lr)``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(self.model.optimizer.learning_rate)
        try:
            new = self.schedule(epoch, lr)
        except TypeError:
            new = self.schedule(epoch)
        self.model.optimizer.learning_rate = float(new)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiplies the optimizer's learning rate by ``factor`` when ``monitor`` has not
    improved by ``min_delta`` for ``patience`` epochs, waiting ``cooldown`` epochs after a cut and
    never going below ``min_lr``."""
    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__()
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Received "
                             f"factor={factor}")
        self.monitor, self.factor, self.patience = monitor, factor, patience
        self.mode = _monitor_mode(monitor, mode)
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self.wait = self.cooldown_counter = 0
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        better = (current < self.best - self.min_delta if self.mode == "min"
                  else current > self.best + self.min_delta)
        if better:
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = float(self.model.optimizer.learning_rate)
                if old > self.min_lr:
                    self.model.optimizer.learning_rate = max(old * self.factor, self.min_lr)
                    self.cooldown_counter, self.wait = self.cooldown, 0


class CSVLogger(Callback):
    """Append one CSV row per epoch (``epoch`` then the sorted log keys)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys = None

    def on_train_begin(self, logs=None):
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.writer is None:
            self.keys = sorted(logs)
            self.writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if not self.append or self._file.tell() == 0:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        self._file.close()


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs:
    ...)``."""
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite."""
    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class TensorBoard(Callback):
    """Write training logs for TensorBoard, as Keras 3's ``TensorBoard`` callback.

    Event files go to ``log_dir/train`` and ``log_dir/validation`` (``tf.summary``):

    - at each epoch's end, ``epoch_<name>`` for every log (training logs in ``train``, the
      ``val_`` logs without their prefix in ``validation``) and ``epoch_learning_rate``, at step
      = the epoch (0-based);
    - with ``update_freq="batch"`` (or an int), ``batch_<name>`` after each training batch, at
      step = the batch's global count (1-based);
    - after each validation, ``evaluation_<name>_vs_iterations`` at step = the optimizer's
      iteration count;
    - every ``histogram_freq`` epochs, a histogram of every weight, tagged
      ``<weight path>/histogram`` (and, with ``write_images``, the weight as an image);
    - with ``write_graph`` (the default), the model's JSON config under the tag ``keras``
      (TensorBoard's "graph_keras_model" plugin), when the model has ``to_json``.

    >>> import tempfile, numpy as np, minitf as tf
    >>> logdir = tempfile.mkdtemp()
    >>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> _ = model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=0,
    ...               callbacks=[tf.keras.callbacks.TensorBoard(logdir)])
    >>> sorted(os.listdir(logdir))
    ['train']

    Not written: the profiler (``profile_batch``), embeddings, and the traced train graph.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self.write_images, self.write_steps_per_second = write_images, write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        if profile_batch or embeddings_freq:
            raise ValueError("minitf's TensorBoard callback has no profiler or embeddings "
                             f"projector. Received: profile_batch={profile_batch}, "
                             f"embeddings_freq={embeddings_freq} (must be 0)")
        self._writers = {}
        self._global_train_batch = self._global_test_batch = 0
        self._contexts = []

    def set_model(self, model):
        super().set_model(model)
        self._writers = {}
        self._graph_pending = bool(self.write_graph)

    def _writer(self, which):
        from .. import summary
        if which not in self._writers:
            sub = "train" if which == "train" else "validation"
            self._writers[which] = summary.create_file_writer(os.path.join(self.log_dir, sub))
        return self._writers[which]

    def _push(self, which, step):
        ctx = self._writer(which).as_default(step=step)
        ctx.__enter__()
        self._contexts.append(ctx)

    def _pop(self):
        if self._contexts:
            self._contexts.pop().__exit__(None, None, None)

    def _scalar(self, name, value, step):
        from .. import summary
        summary.scalar(name, float(np.asarray(value)), step=step)

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._push("train", 0)
        if self._graph_pending:
            self._graph_pending = False
            self._write_model_config()

    def _write_model_config(self):
        to_json = getattr(self.model, "to_json", None)
        if to_json is None:
            return
        from .. import summary
        from tensorboard.compat.proto import summary_pb2
        meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="graph_keras_model", content=b"1"))
        with self._writer("train").as_default():
            summary.write("keras", np.array(to_json(), dtype=object), step=0, metadata=meta)

    def on_train_end(self, logs=None):
        self._pop()
        for w in self._writers.values():
            w.close()

    def on_test_begin(self, logs=None):
        self._push("val", self._global_test_batch)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            step = int(np.asarray(optimizer.iterations.numpy()))
            with self._writer("val").as_default():
                for name, value in (logs or {}).items():
                    self._scalar(f"evaluation_{name}_vs_iterations", value, step)
        self._pop()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop()
            self._push("train", self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.write_steps_per_second:
            self._scalar("batch_steps_per_second", 1.0 / max(time.time() - self._batch_start,
                                                              1e-12), self._global_train_batch)
        if isinstance(logs, dict) and self.update_freq != "epoch" and \
                self._global_train_batch % self.update_freq == 0:
            for name, value in logs.items():
                self._scalar(f"batch_{name}", value, self._global_train_batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop()
            self._push("val", self._global_test_batch)

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start = time.time()
            self._epoch_iterations = int(np.asarray(self.model.optimizer.iterations.numpy()))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        if self.write_steps_per_second:
            done = int(np.asarray(optimizer.iterations.numpy())) - self._epoch_iterations
            train["steps_per_second"] = done / max(time.time() - self._epoch_start, 1e-12)
        for which, group in (("train", train), ("val", val)):
            if group:
                with self._writer(which).as_default():
                    for name, value in group.items():
                        self._scalar(f"epoch_{name}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def _log_weights(self, epoch):
        from .. import summary
        with self._writer("train").as_default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = getattr(weight, "path", weight.name).replace(":", "_")
                    summary.histogram(f"{name}/histogram", weight, step=epoch)
                    if self.write_images:
                        self._log_weight_as_image(weight, f"{name}/image", epoch)

    def _log_weight_as_image(self, weight, name, epoch):
        from .. import summary
        w = np.squeeze(np.asarray(weight.numpy()))
        if w.ndim == 1:
            w = w.reshape(1, w.shape[0], 1, 1)
        elif w.ndim == 2:
            if w.shape[0] > w.shape[1]:
                w = w.T
            w = w.reshape(1, w.shape[0], w.shape[1], 1)
        elif w.ndim == 3:             # a conv kernel: one image per output channel
            w = np.transpose(w, (2, 0, 1))[..., None]
        if w.ndim == 4 and w.shape[-1] in (1, 3, 4):     # 3-D conv kernels are not drawn
            summary.image(name, w, step=epoch)
