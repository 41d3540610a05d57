"""tf.summary.trace_on / trace_export / trace_off write the graphs of new tf.function traces
as TensorBoard's graph_run_metadata_graph summaries, read back with TensorBoard's reader."""
import os

import pytest

import minitf as tf

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator   # noqa: E402
from tensorboard.compat.proto import config_pb2                       # noqa: E402
from tensorboard.util import tensor_util                              # noqa: E402


def _export(logdir, fn, *args, name="my_trace"):
    tf.summary.trace_on(graph=True)
    fn(*args)
    with tf.summary.create_file_writer(logdir).as_default():
        tf.summary.trace_export(name, step=3)


def _read(logdir):
    acc = event_accumulator.EventAccumulator(logdir, size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def test_trace_export_writes_the_traced_graph(tmp_path):
    f = tf.function(lambda x, y: tf.matmul(x, y) * 2.0)
    _export(str(tmp_path), f, tf.ones([2, 2]), tf.ones([2, 2]))
    acc = _read(str(tmp_path))
    assert acc.Tags()["tensors"] == ["my_trace"]
    event = acc.Tensors("my_trace")[0]
    assert event.step == 3
    meta = acc.SummaryMetadata("my_trace")
    assert meta.plugin_data.plugin_name == "graph_run_metadata_graph"
    run_metadata = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(event.tensor_proto).item())
    assert len(run_metadata.function_graphs) == 1
    nodes = run_metadata.function_graphs[0].pre_optimization_graph.node
    assert [n.op for n in nodes] == ["Placeholder", "Placeholder", "MatMul", "Const", "Mul",
                                     "Identity"]
    assert list(nodes[2].input) == ["x", "y"]         # TF 2.21's names
    assert list(nodes[4].input) == ["MatMul", "mul/y"]        # mul reads MatMul and 2.0


def test_only_new_traces_are_collected(tmp_path):
    f = tf.function(lambda x: x + 1.0)
    f(tf.constant(1.0))                     # traced before trace_on
    _export(str(tmp_path), f, tf.constant(2.0))
    acc = _read(str(tmp_path))
    run_metadata = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(acc.Tensors("my_trace")[0].tensor_proto).item())
    assert len(run_metadata.function_graphs) == 0


def test_export_needs_trace_on_and_stops_it(tmp_path):
    with pytest.raises(ValueError, match="Must enable trace before export"):
        tf.summary.trace_export("x", step=0)
    tf.summary.trace_on()
    tf.summary.trace_off()
    with pytest.raises(ValueError, match="Must enable trace before export"):
        tf.summary.trace_export("x", step=0)
    f = tf.function(lambda x: x * 3.0)
    _export(str(tmp_path), f, tf.constant(1.0))
    with pytest.raises(ValueError):        # the export ended the trace
        tf.summary.trace_export("x", step=0)


def test_without_a_writer_nothing_is_written(tmp_path):
    tf.summary.trace_on()
    tf.function(lambda x: x - 1.0)(tf.constant(1.0))
    tf.summary.trace_export("x", step=0)
    assert not os.listdir(tmp_path)


def test_profiler_start_stop_rules(tmp_path):
    with pytest.raises(tf.errors.UnavailableError, match="No profiler is running"):
        tf.profiler.experimental.stop()
    tf.profiler.experimental.start(str(tmp_path))
    try:
        with pytest.raises(tf.errors.AlreadyExistsError, match="Another profiler is running"):
            tf.profiler.experimental.start(str(tmp_path))
    finally:
        tf.profiler.experimental.stop()
    with tf.profiler.experimental.Profile(str(tmp_path)):
        with tf.profiler.experimental.Trace("step", step_num=1):
            pass
