"""``tf.function``: tracing a Python function into a replayable program, on top of the core.

The package (module names after TensorFlow's own):

* ``polymorphic_function`` -- ``tf.function``'s ``Function`` and ``ConcreteFunction``: TF's
  tracing rules (one trace per input signature), the caches, replay.
* ``tracing`` -- recording one run of the body as a flat list of array operations (``Trace``,
  the ``Traced`` array stand-in).
* ``codegen`` -- a trace written out as one Python function over backend arrays (``Program``).
* ``gradients`` -- a tape recording around a traced call: one op whose VJP is a backward
  program split from the same trace.
* ``control_flow`` -- ``tf.cond`` / ``tf.while_loop`` on traced values: blocks of the program.
* ``cuda_graphs`` -- programs on the GPU: CuPy functions called directly, CUDA graphs.
* ``init_scope`` -- ``tf.init_scope``: a block run outside the trace (eagerly), tapes paused.
* ``seam`` -- the hook: registers the traced array type and a ``Tracer`` with
  ``minitf/_backend.py``, the only way the core (tensors, variables, tapes, ops, Keras) reaches
  tf.function. The core never imports this package; it is imported by ``minitf/__init__.py``.
"""
from . import seam as _seam

_seam.install()

from .polymorphic_function import (  # noqa: E402
    ConcreteFunction, Function, function, functions_run_eagerly, run_functions_eagerly)

__all__ = ["ConcreteFunction", "Function", "function", "functions_run_eagerly",
           "run_functions_eagerly"]
