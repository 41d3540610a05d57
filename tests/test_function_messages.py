"""tf.function's messages in TF's words: .numpy() on a graph tensor, a tensor leaked from a
finished trace, and errors raised while a converted body is traced ("in user code:").
The expected texts are TF 2.21's (recorded in parity/corpus/goldens/tf_function.json and
compared with TF directly in parity/test_function_messages_parity.py)."""
import inspect
import re

import pytest

import minitf as tf


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_numpy_inside_a_trace_is_an_attribute_error():
    @tf.function
    def f(x):
        return x.numpy()

    with pytest.raises(AttributeError) as info:
        f(tf.constant(1.0))
    assert str(info.value).endswith("AttributeError: 'SymbolicTensor' object has no attribute "
                                    "'numpy'\n")


def test_numpy_of_a_leaked_tensor():
    leaked = []

    @tf.function
    def f(x):
        leaked.append(x + 1)
        return x

    f(tf.constant(1))
    with pytest.raises(AttributeError, match=r"^'SymbolicTensor' object has no attribute 'numpy'$"):
        leaked[0].numpy()


def test_leaked_tensor_in_another_function_is_out_of_scope_not_rewritten():
    leaked = []

    @tf.function
    def leaky(a):
        leaked.append(a + 1)
        return a

    @tf.function
    def uses(b):
        return b + leaked[0]

    leaky(tf.constant(1))
    with pytest.raises(TypeError) as info:
        uses(tf.constant(2))
    text = str(info.value)
    # TF passes this error through AutoGraph unchanged: no "in user code:" around it
    assert text.startswith("<tf.Tensor 'add:0' shape=() dtype=int32> is out of scope and cannot "
                           "be used here. Use return values, explicit Python locals or "
                           "TensorFlow collections to access it.\nPlease see https://www.tensorflow"
                           ".org/guide/function#all_outputs_of_a_tffunction_must_be_return_values"
                           " for more information.\n\n")
    assert re.search(r"defined in FuncGraph\(name=leaky, id=\d+\), which is out of scope\.$", text)


def test_variable_on_a_second_trace_in_user_code_form():
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return v

    with pytest.raises(ValueError) as info:
        f(1.0)
    path = inspect.getsourcefile(f.python_function)
    line = _line_of(f.python_function, "v = tf.Variable(1.0)")
    assert str(info.value) == (
        "in user code:\n\n"
        f'    File "{path}", line {line}, in f  *\n'
        "        v = tf.Variable(1.0)\n\n"
        "    ValueError: tf.function only supports singleton tf.Variables created on the first "
        "call. Make sure the tf.Variable is only created once or created outside tf.function. "
        "See https://www.tensorflow.org/guide/function#creating_tfvariables for more "
        "information.\n")
    assert info.value.__suppress_context__


def _helper(x):
    raise ValueError("refused")


def test_frames_of_converted_helpers_and_nested_functions():
    @tf.function
    def outer(x):
        return inner(x) + 1.0

    @tf.function
    def inner(x):
        return _helper(x * 2.0)

    with pytest.raises(ValueError) as info:
        outer(tf.constant(1.0))
    lines = str(info.value).split("\n")
    heads = [line.strip() for line in lines if line.strip().startswith("File ")]
    # outermost first; every frame is converted user code (helpers called from converted code
    # are converted too), minitf's own frames are left out
    assert [h.rsplit(", in ", 1)[1] for h in heads] == ["outer  *", "inner  *", "_helper  *"]
    assert lines[-2:] == ["    ValueError: refused", ""]


def test_autograph_false_leaves_errors_alone():
    @tf.function(autograph=False)
    def f(x):
        raise ValueError("plain")

    with pytest.raises(ValueError, match="^plain$"):
        f(1.0)


def test_errors_tf_does_not_rebuild_keep_their_message():
    class NeedsTwo(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")

    @tf.function
    def f(x):
        raise NeedsTwo(1, 2)

    with pytest.raises(NeedsTwo, match="^1/2$"):
        f(1.0)


def test_recursive_converted_function_refers_to_its_global_name():
    # The converted code's own name must resolve to the module global (here: the tf.function),
    # not to an empty closure cell (a NameError before).
    # (Python ints: each level is its own trace, as in the guide's recursion example)
    assert int(_countdown(3)) == 0


@tf.function
def _countdown(n):
    if n > 0:
        return _countdown(n - 1)
    else:
        return tf.constant(n)
