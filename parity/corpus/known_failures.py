"""The one table of corpus cases minitf does not yet reproduce: ``{case id: (reason, ref)}``.

``reason`` says precisely what differs; ``ref`` is ``"#17"`` (to be fixed under issue #17) or
``"documented difference: docs/<page>.md"`` (a difference minitf keeps on purpose, explained
there). ``parity/test_corpus.py`` marks these cases ``xfail(strict=True)``: a case that starts
to pass fails the test until its row is removed. Cases with a ``SCOPE`` marker are not listed
here: the marker is their reason.
"""

_LEAKED_TENSOR = ("the TypeError of a tensor leaked from a finished trace: minitf prints TF's "
                  "message without its '... was defined here:' listing (the frames where the "
                  "tensor was made, TensorFlow's own internal frames included; minitf does not "
                  "keep a traceback per traced value), and FuncGraph(..., id=N) shows another id",
                  "documented difference: docs/tf-function.md")
_KERAS_FRAMES = ("the printed ValueError of a second Keras optimizer creating its slots in a "
                 "later trace: after the user's frame, TF's 'in user code:' listing goes on "
                 "through Keras's own files (base_optimizer.py, adam.py, ..., marked **), "
                 "which minitf's optimizer does not have; the user's frame, the message and "
                 "the unchanged variable are TF's", "documented difference: docs/tf-function.md")

KNOWN_FAILURES: dict[str, tuple[str, str]] = {
    # seeds
    # tf_tensor
    # tf_variable
    # tf_autodiff
    # tf_basic_training_loops
    # tf_intro_to_modules
    # tf_function
    "tf_function/021_obtaining_concrete_functions": (
        "the printed traceback: TF's TypeError is chained to the errors of its two binding "
        "attempts, raised in TF's own files (function_type_utils.py, concrete_function.py), "
        "and traceback.print_exc shows those frames; minitf's TypeError (the same final "
        "message) is raised alone", "documented difference: docs/tf-function.md"),
    "tf_function/025_autograph_transformations": (
        "tf.autograph.to_code's text: the loop prints TF's values, but TF's converted "
        "source is its own generated code (def tf__f(x): with ag__.ld(...), do_return, "
        "fscope), and minitf's conversion reads differently",
        "documented difference: docs/tf-function.md"),
    "tf_function/039_all_outputs_of_a_tf_function_must_be_ret": _LEAKED_TENSOR,
    "tf_function/041_recursive_tf_functions_are_not_supported": (
        "a tf.function recursing without end: TF wraps the RecursionError in AutoGraph's "
        "StagingError ('in user code:' with one frame per level and the frame of its generated "
        "file /tmp/__autograph_generated_file*.py); minitf raises the RecursionError itself",
        "documented difference: docs/tf-function.md"),
    "tf_function/047_depending_on_python_objects": _LEAKED_TENSOR,
    "tf_function/055_using_with_multiple_keras_optimizers": _KERAS_FRAMES,
    "tf_function/056_using_with_multiple_keras_optimizers": _KERAS_FRAMES,
    "tf_function/057_using_with_multiple_keras_optimizers": _KERAS_FRAMES,
    # tf_intro_to_graphs
    "tf_intro_to_graphs/004_converting_python_functions_to_graphs": (
        "tf.autograph.to_code's text: TF's converted source is its own generated code (def "
        "tf__simple_relu(x): with ag__.FunctionScope, ag__.ld(...), do_return, fscope), and "
        "minitf's conversion reads differently", "documented difference: docs/tf-function.md"),
    "tf_intro_to_graphs/005_converting_python_functions_to_graphs": (
        "the printed GraphDef: minitf's NodeDefs have no attr entries (TF's shape, dtype, "
        "value, T, Tcond, ...), its If has no branch functions (TF's cond_true_N / "
        "cond_false_N, numbered by a counter of TF's process) and no library section",
        "documented difference: docs/tf-function.md"),
    # autograph_reference
    "autograph_reference/002_cf_dispatch_py_function_callback": (
        "a tf.py_function's body runs while tracing in minitf (TF's does not), so the list it "
        "changes already holds 20 when the if statement reads it: the branch printing "
        "'n is 10' is not taken", "documented difference: docs/tf-function.md"),
    "autograph_reference/023_lim_closures_in_loops": (
        "a lambda closing over a name a staged loop assigns: TF's AutoGraph takes the name as "
        "local to the loop and the lambda prints the value from before the loop (0); minitf's "
        "lambda sees the loop's last value (2), as a nested function does in both",
        "documented difference: docs/tf-function.md"),
    "autograph_reference/024_lim_python_collections": (
        "Python collections in a staged loop: appending a loop tensor to a list raises TF's "
        "InaccessibleTensorError, where minitf's list keeps the trace's values; and a dict "
        "rebuilt in the loop (d = {k: v + i ...}) is a loop variable in TF, which minitf "
        "refuses (tensors and numbers only leave a staged loop)",
        "documented difference: docs/tf-function.md"),
    # keras guides and seed notes (E2)
}
