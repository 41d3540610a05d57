"""``tf.summary``: scalars, histograms, text and images written to TensorBoard event files.

TensorFlow 2's summaries need two things in scope: a *default writer* (``with
writer.as_default():``) and a *step* (the ``step=`` argument, the writer's ``as_default(step=)``,
or ``tf.summary.experimental.set_step``). Without a writer a summary call writes nothing and
returns ``False``; without a step it raises ValueError. Both are per thread, as in TensorFlow.

The files are TensorBoard's own format: a TFRecord stream of ``Event`` protocol buffers named
``events.out.tfevents.<time>.<host>.<pid>.<n>.v2``, beginning with a ``brain.Event:2`` version
record. minitf builds each summary with the ``tensorboard`` package's protobufs and summary
builders and frames the records with its ``RecordWriter`` (masked CRC-32C), so TensorBoard, and
TensorFlow's ``summary_iterator``, read them back. Install it with ``pip install
minitf[tensorboard]``; it is imported only when a writer is made.

>>> import os, tempfile, minitf as tf
>>> logdir = tempfile.mkdtemp()
>>> tf.summary.scalar("loss", 0.5, step=1)     # no default writer: nothing written
<tf.Tensor: shape=(), dtype=bool, numpy=False>
>>> writer = tf.summary.create_file_writer(logdir)
>>> with writer.as_default():
...     for step in range(3):
...         _ = tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
>>> [f.startswith("events.out.tfevents.") and f.endswith(".v2") for f in os.listdir(logdir)]
[True]

``trace_on``/``trace_export`` write the graphs of the tf.function traces made in between, for
TensorBoard's graph dashboard: each trace's ``FuncGraph.as_graph_def()`` (its operations under
TF's op types, with the tensors each reads). What is not here: ``tf.summary.graph``, audio
summaries and the profiler.
"""
from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import threading
import time
from typing import Any

import numpy as np

from . import _backend as B
from .tensor import Tensor, convert_to_tensor, is_tensor

__all__ = ["create_file_writer", "create_noop_writer", "scalar", "histogram", "text", "image",
           "write", "flush", "record_if", "should_record_summaries", "experimental",
           "trace_on", "trace_off", "trace_export",
           "SummaryWriter"]

_FILE_COUNTER = itertools.count()      # the <n> of the file name: unique within the process


def _tensorboard():
    """The tensorboard package's protobufs, summary builders and record framing."""
    try:
        from tensorboard.compat.proto import config_pb2, event_pb2, graph_pb2, summary_pb2
        from tensorboard.plugins.histogram import summary_v2 as histogram_v2
        from tensorboard.plugins.scalar import summary_v2 as scalar_v2
        from tensorboard.plugins.text import summary_v2 as text_v2
        from tensorboard.summary.writer.record_writer import RecordWriter
        from tensorboard.util import tensor_util
    except ImportError as e:     # pragma: no cover - depends on the environment
        raise ImportError("tf.summary writes TensorBoard event files with the `tensorboard` "
                          "package: pip install 'minitf[tensorboard]'") from e
    return dict(event_pb2=event_pb2, summary_pb2=summary_pb2, histogram_v2=histogram_v2,
                config_pb2=config_pb2, graph_pb2=graph_pb2,
                scalar_v2=scalar_v2, text_v2=text_v2, RecordWriter=RecordWriter,
                tensor_util=tensor_util)


class _State(threading.local):
    """The running thread's default writers (a stack) and steps; TF keeps both per thread."""
    writers: list = []
    step: Any = None
    record: list = []

    def __init__(self) -> None:
        self.writers, self.step, self.record = [], None, []


_STATE = _State()


class SummaryWriter:
    """A writer of one event file (what ``tf.summary.create_file_writer`` returns).

    The file is created, with its version record, when the writer is made. Records are
    buffered and reach the disk on ``flush()``, on ``close()``, when an ``as_default()`` block
    ends, and at least every ``flush_millis`` milliseconds (120 s by default, as TF).
    """

    def __init__(self, logdir: str, max_queue: int | None = None,
                 flush_millis: int | None = None, filename_suffix: str | None = None) -> None:
        self._tb = _tensorboard()
        self._logdir = os.fspath(logdir)
        self._max_queue = 10 if max_queue is None else int(max_queue)
        self._flush_secs = (120_000 if flush_millis is None else flush_millis) / 1000.0
        self._suffix = ".v2" if filename_suffix is None else filename_suffix
        self._lock = threading.Lock()
        self._file = None
        self._pending = 0
        self.init()

    def init(self) -> None:
        """Open the event file (done on creation; again after ``close()``)."""
        with self._lock:
            if self._file is not None:
                return
            os.makedirs(self._logdir, exist_ok=True)
            name = "events.out.tfevents.%010d.%s.%d.%d%s" % (
                time.time(), socket.gethostname(), os.getpid(), next(_FILE_COUNTER),
                self._suffix)
            self._path = os.path.join(self._logdir, name)
            self._file = open(self._path, "wb")
            self._records = self._tb["RecordWriter"](self._file)
            self._last_flush = time.monotonic()
            event = self._tb["event_pb2"].Event(
                wall_time=time.time(), file_version="brain.Event:2",
                source_metadata=self._tb["event_pb2"].SourceMetadata(writer="minitf.summary"))
            self._records.write(event.SerializeToString())
            self._file.flush()

    def _write(self, summary, step: int) -> None:
        event = self._tb["event_pb2"].Event(wall_time=time.time(), step=step, summary=summary)
        data = event.SerializeToString()
        if self._file is None:           # closed: reopen, as TF's writer does on next use
            self.init()
        with self._lock:
            self._records.write(data)       # one whole record per call: never half a record
            self._pending += 1
            if self._pending >= self._max_queue or \
                    time.monotonic() - self._last_flush >= self._flush_secs:
                self._flush_locked()

    def _flush_locked(self) -> None:
        if self._file is not None:
            self._file.flush()
        self._pending, self._last_flush = 0, time.monotonic()

    def flush(self) -> None:
        """Write the buffered records to the file."""
        with self._lock:
            self._flush_locked()

    def close(self) -> None:
        """Flush and close the file; a later summary reopens a new file (as ``init()``)."""
        with self._lock:
            if self._file is not None:
                self._file.flush()
                self._file.close()
                self._file = None

    @contextlib.contextmanager
    def as_default(self, step: Any = None):
        """Make this the default writer inside the block (and ``step`` the default step, if
        given); both are restored, and the writer flushed, when the block ends."""
        _STATE.writers.append(self)
        saved_step = _STATE.step
        if step is not None:
            _STATE.step = step
        try:
            yield self
        finally:
            _STATE.writers.pop()
            if step is not None:
                _STATE.step = saved_step
            self.flush()

    def set_as_default(self, step: Any = None) -> None:
        """Make this the default writer from now on (until another is set)."""
        _STATE.writers[:] = [self]
        if step is not None:
            _STATE.step = step


class _NoopWriter(SummaryWriter):
    """A default writer that writes nothing (``tf.summary.create_noop_writer``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def init(self) -> None:
        pass

    def _write(self, summary, step: int) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def create_file_writer(logdir: str, max_queue: int | None = None,
                       flush_millis: int | None = None, filename_suffix: str | None = None,
                       name: str | None = None) -> SummaryWriter:
    """A writer of a new event file in ``logdir`` (created if missing), as
    ``tf.summary.create_file_writer``.

    >>> import tempfile, minitf as tf
    >>> w = tf.summary.create_file_writer(tempfile.mkdtemp())
    >>> with w.as_default(step=5):
    ...     tf.summary.experimental.get_step()
    5
    """
    return SummaryWriter(logdir, max_queue, flush_millis, filename_suffix)


def create_noop_writer() -> SummaryWriter:
    """A writer that discards everything (``tf.summary.create_noop_writer``): as the default
    writer, summaries record nothing and need no step.

    >>> import minitf as tf
    >>> with tf.summary.create_noop_writer().as_default():
    ...     bool(tf.summary.scalar("x", 1.0))
    False
    """
    return _NoopWriter()


def _bool(value: bool) -> Tensor:
    return convert_to_tensor(value)


def should_record_summaries() -> Tensor:
    """Whether a summary written now would be recorded: a default writer is set and every
    enclosing ``record_if`` condition holds (a boolean tensor, as TF returns).

    >>> import minitf as tf
    >>> bool(tf.summary.should_record_summaries())
    False
    """
    if not _STATE.writers or isinstance(_STATE.writers[-1], _NoopWriter):
        return _bool(False)
    for cond in _STATE.record:
        if not bool(cond() if callable(cond) else cond):
            return _bool(False)
    return _bool(True)


@contextlib.contextmanager
def record_if(condition: Any):
    """Record summaries inside the block only while ``condition`` (a bool, a boolean tensor or
    a function returning one, evaluated at each summary) holds.

    >>> import tempfile, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default(step=0):
    ...     with tf.summary.record_if(False):
    ...         bool(tf.summary.scalar("skipped", 1.0))
    False
    """
    _STATE.record.append(condition)
    try:
        yield
    finally:
        _STATE.record.pop()


def _step(step: Any) -> int:
    if step is None:
        step = _STATE.step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument "
                         "or through tf.summary.experimental.set_step()")
    if is_tensor(step):
        step = _host(step, "step")
    arr = np.asarray(step)
    if arr.shape != () or arr.dtype.kind not in "iub":
        raise TypeError(f"Cannot convert {step!r} to EagerTensor of dtype int64")
    return int(arr)


def _writer_or_none():
    if not _STATE.writers or not bool(should_record_summaries()):
        return None
    return _STATE.writers[-1]


def _tag(name: str) -> str:
    from .variable import current_name_scope
    scope = current_name_scope()
    return scope + name          # the scope ends in "/" (or is "")


def _host(data: Any, what: str) -> np.ndarray:
    """``data`` as a host NumPy array (a tensor's value copied from the GPU if needed)."""
    if is_tensor(data):
        t = data._read_for_op() if hasattr(data, "_read_for_op") else data
        return np.asarray(B.to_host(t._value))
    return np.asarray(data)


def _emit(build, step: Any) -> Tensor:
    writer = _writer_or_none()
    if writer is None:
        return _bool(False)
    writer._write(build(writer._tb), _step(step))
    return _bool(True)


def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> Tensor:
    """Write a scalar, stored as float32 (``tf.summary.scalar``); returns whether it was
    written.

    >>> import tempfile, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.scalar("a", [1.0, 2.0], step=0)
    Traceback (most recent call last):
    ...
    ValueError: Expected scalar shape, saw shape: (2,).
    """
    arr = _host(data, "scalar")
    if _writer_or_none() is None:
        return _bool(False)
    if arr.shape != ():
        raise ValueError(f"Expected scalar shape, saw shape: {arr.shape}.")
    if arr.dtype.kind not in "biuf":
        from .errors import UnimplementedError
        raise UnimplementedError(None, None, f"Cast {_kind_name(arr)} to float is not supported")
    return _emit(lambda tb: tb["scalar_v2"].scalar_pb(_tag(name), arr.astype(np.float32),
                                                      description), step)


def histogram(name: str, data: Any, step: Any = None, buckets: int | None = None,
              description: str | None = None) -> Tensor:
    """Write a histogram of ``data`` (any shape, as float64): ``buckets`` (30) equal-width
    buckets from its min to its max, each a row ``[left, right, count]``
    (``tf.summary.histogram``).

    >>> import tempfile, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     bool(tf.summary.histogram("w", tf.random.normal([100]), step=0))
    True
    """
    arr = _host(data, "histogram").astype(np.float64)
    return _emit(lambda tb: tb["histogram_v2"].histogram_pb(_tag(name), arr, buckets,
                                                            description), step)


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> Tensor:
    """Write a string tensor (Markdown in TensorBoard's text dashboard) (``tf.summary.text``).

    >>> import tempfile, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.text("note", 3, step=0)
    Traceback (most recent call last):
    ...
    TypeError: tensor must be of type tf.string; got tf.int32
    """
    t = convert_to_tensor(data)
    if t.dtype.name != "string":
        raise TypeError(f"tensor must be of type tf.string; got tf.{t.dtype.name}")
    arr = np.asarray(t.numpy(), dtype=object)
    return _emit(lambda tb: tb["text_v2"].text_pb(_tag(name), arr, description), step)


def _png(image: np.ndarray) -> bytes:
    try:
        from PIL import Image
    except ImportError as e:     # pragma: no cover - depends on the environment
        raise ImportError("tf.summary.image encodes PNG with Pillow: "
                          "pip install 'minitf[tensorboard]'") from e
    import io
    if image.shape[-1] == 1:
        image = image[..., 0]
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def image(name: str, data: Any, step: Any = None, max_outputs: int = 3,
          description: str | None = None) -> Tensor:
    """Write up to ``max_outputs`` images from a ``[k, h, w, c]`` batch (c = 1, 3 or 4) as
    PNG (``tf.summary.image``). Floats are taken as [0, 1] and converted as TF's
    ``convert_image_dtype(..., uint8, saturate=True)``: ``x * 255.5``, clipped, truncated.

    >>> import tempfile, numpy as np, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.image("img", np.zeros((4, 5, 3)), step=0)
    Traceback (most recent call last):
    ...
    ValueError: Tensor  must have rank 4.  Received rank 3, shape (4, 5, 3)
    """
    arr = _host(data, "image")
    if arr.ndim != 4:
        raise ValueError(f"Tensor  must have rank 4.  Received rank {arr.ndim}, shape "
                         f"{arr.shape}")
    if arr.dtype.kind == "f":
        arr = np.trunc(np.clip(arr.astype(np.float64) * 255.5, 0, 255)).astype(np.uint8)
    elif arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)

    def build(tb):
        tensor_util, summary_pb2 = tb["tensor_util"], tb["summary_pb2"]
        h, w = arr.shape[1], arr.shape[2]
        content = [str(w).encode(), str(h).encode()] + [_png(a) for a in arr[:max_outputs]]
        proto = tensor_util.make_tensor_proto(np.array(content, dtype=object))
        meta = summary_pb2.SummaryMetadata(
            summary_description=description or "",
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="images"))
        summary = summary_pb2.Summary()
        summary.value.add(tag=_tag(name), metadata=meta, tensor=proto)
        return summary
    return _emit(build, step)


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None) -> Tensor:
    """Write a tensor under ``tag`` with optional ``SummaryMetadata`` (``tf.summary.write``,
    the primitive the other summaries use).

    >>> import tempfile, minitf as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default(step=0):
    ...     bool(tf.summary.write("raw", tf.constant([1, 2])))
    True
    """
    arr = _host(tensor, "write")

    def build(tb):
        summary = tb["summary_pb2"].Summary()
        value = summary.value.add(tag=tag, tensor=tb["tensor_util"].make_tensor_proto(arr))
        if metadata is not None:
            value.metadata.CopyFrom(metadata)
        return summary
    return _emit(build, step)


def flush(writer: SummaryWriter | None = None) -> None:
    """Flush ``writer``, or the default writer (``tf.summary.flush``)."""
    if writer is None:
        writer = _STATE.writers[-1] if _STATE.writers else None
    if writer is not None:
        writer.flush()


# ---- graph traces (trace_on / trace_export / trace_off) --------------------------------------
# As in TF the trace is one for the whole process (every thread's tf.functions are collected).
_TRACE_LOCK = threading.Lock()
_TRACE: dict = {}          # while a trace is on: {"graph": bool, "graphs": [(name, FuncGraph)]}
_log = logging.getLogger("minitf.summary")


def _collect(name: str, graph) -> None:
    with _TRACE_LOCK:
        if _TRACE.get("graph"):
            _TRACE["graphs"].append((name, graph))


def _listeners() -> list:
    from .function import polymorphic_function    # lazily: tf.function builds on the core
    return polymorphic_function.TRACE_LISTENERS


def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir: str | None = None
             ) -> None:
    """Start collecting the graphs of the ``tf.function`` traces made from now on (TF's
    graph collection), for ``trace_export`` to write. Only new traces are collected: call a
    function that has not been traced yet for these arguments. minitf has no profiler, so
    ``profiler=True`` collects the graphs only (a warning says so). A trace already on is
    left as it is (TF's warning).

    >>> import tempfile, minitf as tf
    >>> f = tf.function(lambda x: x * 2.0 + 1.0)
    >>> tf.summary.trace_on(graph=True)
    >>> _ = f(tf.constant(1.0))
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.trace_export("f_trace", step=0)
    """
    with _TRACE_LOCK:
        if _TRACE:
            _log.warning("Trace already enabled")
            return
        if profiler:
            _log.warning("minitf has no profiler: trace_on(profiler=True) collects the graphs "
                         "only")
        _TRACE.update(graph=bool(graph or profiler), graphs=[])
        if _collect not in _listeners():
            _listeners().append(_collect)


def trace_off() -> None:
    """Stop the trace and discard what it collected (nothing happens if none is on)."""
    with _TRACE_LOCK:
        _TRACE.clear()
        if _collect in _listeners():
            _listeners().remove(_collect)


def _graph_def(tb, graph):
    """TensorBoard's ``GraphDef`` protobuf of a trace (``FuncGraph.as_graph_def()``: one node
    per operation under TF's op type, with the names of the tensors it reads)."""
    graph_def = tb["graph_pb2"].GraphDef()
    for n in graph.as_graph_def().node:
        graph_def.node.add(name=n.name, op=n.op, input=n.input, device=n.device)
    return graph_def


def trace_export(name: str, step: Any = None, profiler_outdir: str | None = None) -> None:
    """Write the graphs collected since ``trace_on`` to the default writer, then stop the
    trace (TF's ``trace_export``): one summary under ``name`` holding a serialized
    ``RunMetadata`` with a ``FunctionGraphs`` entry per traced function, tagged for
    TensorBoard's graph dashboard (plugin ``graph_run_metadata_graph``). ``profiler_outdir``
    is ignored, as in TF 2.21. ValueError if no trace is on."""
    with _TRACE_LOCK:
        if not _TRACE:
            raise ValueError("Must enable trace before export through tf.summary.trace_on.")
        graphs = list(_TRACE["graphs"])
    writer = _writer_or_none()
    if writer is not None:
        tb = writer._tb
        run_metadata = tb["config_pb2"].RunMetadata()
        for _, graph in graphs:
            run_metadata.function_graphs.add().pre_optimization_graph.CopyFrom(
                _graph_def(tb, graph))
        meta = tb["summary_pb2"].SummaryMetadata()
        meta.plugin_data.plugin_name = "graph_run_metadata_graph"
        meta.plugin_data.content = b"1"
        write(_tag(name), np.array(run_metadata.SerializeToString(), dtype=object),
              step=step, metadata=meta)
    trace_off()


def _kind_name(arr: np.ndarray) -> str:
    return "string" if arr.dtype.kind in "OSU" else arr.dtype.name


class _Experimental:
    """``tf.summary.experimental``: the default step."""

    @staticmethod
    def set_step(step: Any) -> None:
        """Set the running thread's default step (None clears it).

        >>> import minitf as tf
        >>> tf.summary.experimental.set_step(7); tf.summary.experimental.get_step()
        7
        >>> tf.summary.experimental.set_step(None)
        """
        _STATE.step = step

    @staticmethod
    def get_step() -> Any:
        """The running thread's default step, or None."""
        return _STATE.step


experimental = _Experimental()
