"""tf.summary.trace_on / trace_export compared with TensorFlow: both event files, read with
TensorBoard's own reader, hold one graph_run_metadata_graph summary under the same tag and
step, whose RunMetadata has a function graph with the function's MatMul and AddV2; the errors and the
profiler's start/stop rules match."""
import pytest

import minitf

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator   # noqa: E402
from tensorboard.compat.proto import config_pb2                       # noqa: E402
from tensorboard.util import tensor_util                              # noqa: E402


def _export(tf, logdir):
    @tf.function
    def f(x, y):
        return tf.nn.relu(tf.matmul(x, y) + 1.0)
    x, y = tf.ones([2, 2]), tf.ones([2, 2])
    writer = tf.summary.create_file_writer(logdir)
    tf.summary.trace_on(graph=True)
    f(x, y)
    with writer.as_default():
        tf.summary.trace_export("my_func_trace", step=0)
    acc = event_accumulator.EventAccumulator(logdir, size_guidance={"tensors": 0})
    acc.Reload()
    tags = acc.Tags()["tensors"]
    event = acc.Tensors(tags[0])[0]
    run_metadata = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(event.tensor_proto).item())
    # The function's graph (TF adds one more, for the constant trace_export writes): its
    # MatMul and AddV2. Inputs and outputs differ: TF's are _Arg/_Retval nodes, minitf's the
    # Placeholder/Identity of concrete_function.graph.get_operations().
    ops = [{n.op for n in g.pre_optimization_graph.node} for g in run_metadata.function_graphs]
    return (tags, event.step, acc.SummaryMetadata(tags[0]).plugin_data.plugin_name,
            any({"MatMul", "AddV2"} <= g for g in ops))


def test_trace_export_matches_tensorflow(tf_real, tmp_path):
    assert _export(minitf, str(tmp_path / "m")) == _export(tf_real, str(tmp_path / "t"))


def _errors(tf, logdir):
    try:        # no profiler left running by an earlier test in this process
        tf.profiler.experimental.stop()
    except Exception:  # noqa: BLE001 - none was running: the state the test starts from
        pass
    out = []
    for call in (lambda: tf.summary.trace_export("x", step=0), tf.profiler.experimental.stop,
                 lambda: (tf.profiler.experimental.start(logdir),
                          tf.profiler.experimental.start(logdir))):
        try:
            call()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - type and text are compared
            out.append((type(e).__name__, str(e)))
    tf.profiler.experimental.stop()
    return out


def test_errors_match_tensorflow(tf_real, tmp_path):
    assert _errors(minitf, str(tmp_path / "m")) == _errors(tf_real, str(tmp_path / "t"))
