"""``tf.function``: tracing a Python function into a replayable program, on top of the core.

The package (module names after TensorFlow's own):

* ``polymorphic_function`` -- ``tf.function``'s ``Function`` and ``ConcreteFunction``: TF's
  tracing rules (one trace per input signature), the caches, replay.
* ``tracing`` -- recording one run of the body as a flat list of array operations (``Trace``,
  the ``Traced`` array stand-in).
* ``codegen`` -- a trace written out as one Python function over backend arrays (``Program``).
* ``gradients`` -- a tape recording around a traced call: one op whose VJP is a backward
  program split from the same trace.
"""
