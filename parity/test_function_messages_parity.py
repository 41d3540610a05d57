"""tf.function's error messages against TensorFlow's: ``.numpy()`` on a graph tensor, a tensor
leaked from a finished trace, and an error raised while a converted body is traced ("in user
code:" with the user's frames).

The user code lives in one module file that both frameworks import (with ``tf`` set to each),
so the file names and line numbers in the messages are the same for both.
"""
import importlib.util
import re
import textwrap

import pytest

import minitf

SOURCE = textwrap.dedent('''
    leaked = []

    @tf.function
    def leaky(a):
        x = a + 1
        leaked.append(x)
        return a + 2

    @tf.function
    def makes_variable(x):
        v = tf.Variable(1.0)
        return v

    def helper(x):
        raise ValueError("helper refused " + str(x.shape))

    @tf.function
    def calls_helper(x):
        y = x * 2.0
        return helper(y)

    @tf.function
    def inner(x):
        raise TypeError("inner failed")

    @tf.function
    def outer(x):
        return inner(x) + 1.0

    @tf.function
    def uses_leaked(b):
        return b + leaked[0]
''')


@pytest.fixture
def frameworks(tf_real, tmp_path):
    path = tmp_path / "user_code.py"
    path.write_text(SOURCE)
    mods = []
    for i, lib in enumerate((tf_real, minitf)):
        spec = importlib.util.spec_from_file_location(f"user_code_{i}", path)
        mod = importlib.util.module_from_spec(spec)
        mod.tf = lib
        spec.loader.exec_module(mod)
        mods.append((lib, mod))
    return mods


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def test_numpy_of_a_leaked_graph_tensor(frameworks):
    got = []
    for lib, mod in frameworks:
        mod.leaky(lib.constant(1))
        e = _error(lambda: mod.leaked[0].numpy())
        got.append((type(e).__name__, str(e)))
    assert got[0] == got[1] == ("AttributeError", "'SymbolicTensor' object has no attribute 'numpy'")


def test_a_leaked_tensor_used_later_is_out_of_scope(frameworks):
    got = []
    for lib, mod in frameworks:
        mod.leaky(lib.constant(1))
        eager = _error(lambda: mod.leaked[0] + 1)
        traced = _error(lambda: mod.uses_leaked(lib.constant(2)))
        got.append((eager, traced))
    for (tf_e, mt_e) in zip(got[0], got[1]):
        assert type(mt_e) is type(tf_e) is TypeError
        tf_lines, mt_lines = str(tf_e).split("\n"), str(mt_e).split("\n")
        # TF's first two lines, then (after its listing of where the tensor was made, which
        # minitf leaves out) the last line, the graph's id aside (an address-like number).
        assert mt_lines[:2] == tf_lines[:2]
        assert re.sub(r"id=\d+", "id=N", mt_lines[-1]) == re.sub(r"id=\d+", "id=N", tf_lines[-1])
        # the tensor named as TF names it
        assert mt_lines[0].startswith("<tf.Tensor 'add:0' shape=() dtype=int32> is out of scope")


def test_a_leaked_tensor_message_names_the_defining_function(frameworks):
    lib, mod = frameworks[1]
    mod.leaky(lib.constant(1))
    e = _error(lambda: mod.leaked[0] * 3)
    assert re.search(r"because it was defined in FuncGraph\(name=leaky, id=\d+\), which is out "
                     r"of scope\.$", str(e))


@pytest.mark.parametrize("call", [
    lambda lib, mod: (mod.makes_variable(1.0), mod.makes_variable(2.0)),
    lambda lib, mod: mod.calls_helper(lib.constant([1.0, 2.0])),
    lambda lib, mod: mod.outer(lib.constant(1.0)),
], ids=["variable_on_second_trace", "error_in_a_called_helper", "nested_tf_functions"])
def test_in_user_code_messages(frameworks, call):
    got = []
    for lib, mod in frameworks:
        e = _error(lambda: call(lib, mod))
        got.append((type(e).__name__, str(e)))
    assert got[1] == got[0]
