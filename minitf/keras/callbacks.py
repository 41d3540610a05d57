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
    """``12/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.1234``."""

    def __init__(self, target, width=20, stream=None, interactive=None):
        self.target, self.width = target, width
        self.stream = stream or sys.stdout
        self.interactive = (self.stream.isatty() if interactive is None else interactive)
        self.start = time.perf_counter()

    def _line(self, current, values, final):
        elapsed = time.perf_counter() - self.start
        per_step = elapsed / max(current, 1)
        if self.target:
            filled = int(self.width * current / self.target)
            bar = "━" * filled + "─" * (self.width - filled)
            head = f"{current}/{self.target} {bar}"
        else:
            head = f"{current}"
        timing = f"{elapsed:.0f}s {per_step * 1e3:.0f}ms/step" if final else \
            f"{(self.target - current) * per_step if self.target else 0:.0f}s"
        metrics = "".join(f" - {k}: {_fmt(v)}" for k, v in values.items())
        return f"{head} {timing}{metrics}"

    def update(self, current, values=None, finalize=False):
        line = self._line(current, values or {}, finalize)
        if self.interactive:
            self.stream.write("\r" + line + ("\n" if finalize else ""))
            self.stream.flush()
        elif finalize:
            self.stream.write(line + "\n")
            self.stream.flush()


def _fmt(v):
    v = float(v)
    return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.4e}"


class ProgbarLogger(Callback):
    """Prints Keras's progress bar and per-epoch metrics (added by ``fit`` when verbose)."""
    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream
        self.bar = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.params.get("verbose", 1):
            out = self.stream or sys.stdout
            out.write(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}\n")
            self.bar = Progbar(self.params.get("steps"), stream=self.stream,
                               interactive=None if self.params.get("verbose") == 1 else False)

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is not None:
            self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.update(self.params.get("steps") or 0, logs, finalize=True)
            self.bar = None


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
    """Save the model's weights (a .npz file; ``{epoch}`` and log keys format the name)."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=True, mode="auto", save_freq="epoch"):
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only = save_best_only
        self.mode = _monitor_mode(monitor, mode)
        self.best = math.inf if self.mode == "min" else -math.inf
        if not self.filepath.endswith(".npz"):
            raise ValueError("minitf's ModelCheckpoint saves weights only, to a file ending in "
                             f"'.weights.npz'. Received: filepath={self.filepath}")

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
        self.model.save_weights(path)


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
