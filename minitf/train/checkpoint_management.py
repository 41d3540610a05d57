"""Which checkpoints a directory holds: the ``checkpoint`` state file, ``latest_checkpoint``
and ``CheckpointManager``.

TensorFlow keeps, beside the checkpoint files, a small text file named ``checkpoint`` (a
text-format ``CheckpointState``) that names the newest checkpoint and the ones still kept,
relative to the directory::

    model_checkpoint_path: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-3"

``CheckpointManager`` numbers saves, keeps the newest ``max_to_keep`` and deletes the rest.

>>> import minitf as tf, tempfile
>>> d = tempfile.mkdtemp()
>>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), d,
...                                      max_to_keep=2)
>>> [os.path.basename(manager.save()) for _ in range(3)]
['ckpt-1', 'ckpt-2', 'ckpt-3']
>>> [os.path.basename(p) for p in manager.checkpoints]
['ckpt-2', 'ckpt-3']
>>> tf.train.latest_checkpoint(d) == manager.latest_checkpoint
True
"""
from __future__ import annotations

import glob
import json
import os
import re
import time
import uuid

from . import tensor_bundle

STATE_FILE = "checkpoint"


class CheckpointState:
    """The parsed ``checkpoint`` file: ``model_checkpoint_path`` and
    ``all_model_checkpoint_paths``, made absolute against the directory."""

    def __init__(self, model_checkpoint_path: str, all_model_checkpoint_paths: list,
                 all_model_checkpoint_timestamps: list = (), last_preserved_timestamp=None):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self) -> str:
        return (f"model_checkpoint_path: {self.model_checkpoint_path!r}\n"
                f"all_model_checkpoint_paths: {self.all_model_checkpoint_paths!r}")


def _quote(s: str) -> str:
    return json.dumps(s)       # the text format's string escapes agree with JSON's for paths


_LINE = re.compile(r'^\s*(\w+)\s*:\s*(.*?)\s*$')


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The directory's ``CheckpointState``, or ``None`` when it has no state file."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    if not os.path.exists(path):
        return None
    fields = {"model_checkpoint_path": [], "all_model_checkpoint_paths": [],
              "all_model_checkpoint_timestamps": [], "last_preserved_timestamp": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _LINE.match(line)
            if not m or m.group(1) not in fields:
                continue
            raw = m.group(2)
            fields[m.group(1)].append(json.loads(raw) if raw.startswith('"') else float(raw))
    if not fields["model_checkpoint_path"]:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"Invalid checkpoint state loaded from "
                                   f"{checkpoint_dir}")

    def absolute(p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)

    return CheckpointState(absolute(fields["model_checkpoint_path"][-1]),
                           [absolute(p) for p in fields["all_model_checkpoint_paths"]],
                           fields["all_model_checkpoint_timestamps"],
                           (fields["last_preserved_timestamp"] or [None])[-1])


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: list, timestamps=None,
                            last_preserved_timestamp=None) -> None:
    """Rewrite ``save_dir/checkpoint`` atomically, with paths relative to ``save_dir``."""
    def rel(p: str) -> str:
        p = os.fspath(p)
        return os.path.relpath(p, save_dir) if os.path.isabs(p) else p

    lines = [f"model_checkpoint_path: {_quote(rel(model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(rel(p))}"
              for p in all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in timestamps or ()]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved_timestamp!r}")
    target = os.path.join(save_dir, STATE_FILE)
    tmp = f"{target}.tmp{uuid.uuid4().hex}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, target)


def checkpoint_exists(prefix: str) -> bool:
    return os.path.exists(tensor_bundle.index_path(prefix))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint the directory's state file names, or ``None``
    when there is no state file or its newest checkpoint's files are gone."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def _delete(prefix: str) -> None:
    for p in [tensor_bundle.index_path(prefix)] + glob.glob(glob.escape(prefix) + ".data-*"):
        if os.path.exists(p):
            os.remove(p)


class CheckpointManager:
    """Saves a ``Checkpoint`` as ``directory/checkpoint_name-N`` and keeps the newest
    ``max_to_keep`` (``None`` keeps all), deleting older ones as TensorFlow does; the
    directory's state file lists what is kept, so a new manager on the same directory
    carries on where the last one stopped."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name: str = "ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got "
                             f"{max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not "
                             "None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_s = (None if keep_checkpoint_every_n_hours is None
                              else keep_checkpoint_every_n_hours * 3600)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._interval = checkpoint_interval
        self._last_step = None
        self._init_fn = init_fn
        state = get_checkpoint_state(self._directory) if os.path.isdir(self._directory) else None
        self._latest = None
        self._kept = []              # [(prefix, timestamp)], oldest first
        self._last_preserved = time.time()
        if state is not None:
            times = state.all_model_checkpoint_timestamps
            self._kept = [(p, times[i] if i < len(times) else time.time())
                          for i, p in enumerate(state.all_model_checkpoint_paths)]
            self._latest = state.model_checkpoint_path
            if state.last_preserved_timestamp is not None:
                self._last_preserved = state.last_preserved_timestamp

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._interval

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or ``None`` before the first save."""
        return self._latest if self._latest and checkpoint_exists(self._latest) else None

    @property
    def checkpoints(self) -> list:
        """The prefixes of the kept checkpoints, oldest first."""
        return [p for p, _ in self._kept]

    def restore_or_initialize(self):
        """Restore the latest checkpoint if there is one (returning its prefix), else run
        ``init_fn`` and return ``None``."""
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None

    def save(self, checkpoint_number=None, check_interval: bool = True, options=None):
        """Write the next checkpoint and delete the oldest beyond ``max_to_keep``. Returns
        its prefix, or ``None`` when ``checkpoint_interval`` says it is too early."""
        if self._interval is not None and check_interval:
            step = int(self._step_counter.numpy())
            if self._last_step is not None and step < self._last_step + self._interval:
                return None
            self._last_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = int(counter.numpy())
        else:
            checkpoint_number = int(getattr(checkpoint_number, "numpy", lambda: checkpoint_number)())
        os.makedirs(self._directory, exist_ok=True)
        prefix = self._checkpoint.write(f"{self._prefix}-{checkpoint_number}")
        now = time.time()
        self._kept = [(p, t) for p, t in self._kept if p != prefix] + [(prefix, now)]
        self._latest = prefix
        self._sweep()
        update_checkpoint_state(self._directory, prefix, self.checkpoints,
                                [t for _, t in self._kept], self._last_preserved)
        return prefix

    def _sweep(self) -> None:
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            prefix, stamp = self._kept.pop(0)
            if self._keep_every_s is not None and stamp - self._last_preserved >= self._keep_every_s:
                self._last_preserved = stamp      # preserved for good: kept, no longer listed
                continue
            _delete(prefix)
