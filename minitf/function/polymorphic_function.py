"""``tf.function``: trace a Python function once per input signature, then replay the trace.

What TensorFlow does, and minitf with it:

* **Tracing.** The first call with a new *input signature* runs the Python body ("traces" it).
  Tensors count by shape and dtype, Python values by value, other objects by identity. Later
  calls with the same signature do not run the Python body: Python side effects (``print``,
  appending to a list) happen only while tracing; ``tf.print`` runs on every call.
* **input_signature** fixes the signature (``None`` dimensions accept any size): one trace
  serves every compatible call, an incompatible call is a TypeError. ``reduce_retracing=True``
  relaxes a dimension to ``None`` once two calls differ in it.
* **Variables** may be created only on the first trace (the ``if self.v is None:`` pattern);
  a function that creates them on every call is a ValueError, as in TF.
* **Replay** (minitf's way to be fast): a trace is a flat program of backend array calls
  (tracing.py) written out as one Python function (codegen.py), replayed without
  creating Tensors or consulting tapes. Variables are read and written in place.

A trace in minitf executes for real (the first call is an ordinary call that also records), so
the program has concrete shapes. A signature with ``None`` dimensions is one *logical* trace,
as in TF (one count, one set of Python side effects); minitf specialises its program to each new
concrete shape by tracing again with the Python body's printed output silenced. The body still
sees TF's static shapes (``x.shape[0]`` is None for a ``None`` dimension): the trace computes
them from shadow values (``tracing.Traced.static_shape``).

>>> import minitf as tf
>>> @tf.function
... def f(x):
...     print("tracing with", x.shape)
...     return x * x + 1.0
>>> print(f(tf.constant(2.0)))
tracing with ()
tf.Tensor(5.0, shape=(), dtype=float32)
>>> print(f(tf.constant(3.0)))          # same signature: replayed, no Python print
tf.Tensor(10.0, shape=(), dtype=float32)
>>> f.experimental_get_tracing_count()
1
"""
from __future__ import annotations

import contextlib
import functools
import io
import threading
import weakref
from typing import Any, Callable

import numpy as np

from .. import _backend as B
from .. import nest
from . import tracing
from .. import tape as _tape
from ..ops import random_ops
from ..tensor import Tensor, TensorSpec, _make, convert_to_tensor
from .arguments import (_is_tensor_like, _is_variable, _output_tensor,  # noqa: F401
                        traced_arguments)
from .codegen import Program, strip_values
from .cuda_graphs import CudaGraphRunner, graphs_enabled
from .function_type import FunctionType, output_constraint
from .gradients import call_recorded
from ..types.trace import trace_type_of
from .tracing import Trace, Traced

_RUN_EAGERLY = [False]

_CREATED_ON_LATER_TRACE = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure the "
    "tf.Variable is only created once or created outside tf.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information.")


def run_functions_eagerly(run_eagerly: bool) -> None:
    """``tf.config.run_functions_eagerly``: call the Python bodies directly (for debugging)."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    return _RUN_EAGERLY[0]


# ---- signatures ------------------------------------------------------------------------------

def _leaf_key(x):
    if _is_variable(x):
        return ("V", id(x))
    if _is_tensor_like(x):
        t = convert_to_tensor(x) if not isinstance(x, Tensor) else x
        return ("T", tuple(t._value.shape), t._dtype)
    if x is None or isinstance(x, (bool, int, float, str, bytes)):
        return (type(x).__name__, x)
    own = trace_type_of(x)       # the tracing protocol: the object's own TraceType decides
    if own is not None:
        return ("P", own)
    return ("O", id(x))


def _structure_key(s):
    if isinstance(s, dict):
        return ("dict", tuple((k, _structure_key(s[k])) for k in sorted(s)))
    if isinstance(s, (list, tuple)):
        return (type(s).__name__, tuple(_structure_key(v) for v in s))
    return "."


def _spec_of(x) -> TensorSpec | Any:
    if _is_tensor_like(x) and not _is_variable(x):
        t = convert_to_tensor(x) if not isinstance(x, Tensor) else x
        return TensorSpec(t.shape, t.dtype)
    return x


def _incompatible(spec_text: str, got, args, kwargs, signature) -> TypeError:
    return TypeError(
        f"Binding inputs to tf.function failed due to `Can not cast {got!r} to {spec_text}`. "
        f"Received args: {args!r} and kwargs: {kwargs!r} for signature: {signature}.")


# ---- concrete functions --------------------------------------------------------------------

# Callables told of every new trace, as ``listener(function_name, FuncGraph)``:
# tf.summary.trace_on adds one to collect the graphs it exports (TF's graph collection).
TRACE_LISTENERS: list = []


class FuncGraph:
    """What a trace recorded: its operations (after dropping unused ones) and the replayed
    program's source. minitf has no graph of symbolic tensors; this is the flat program."""

    def __init__(self, program, n_outputs: int = 0):
        self._program = program
        self._n_outputs = n_outputs

    def get_operations(self) -> list:
        """The operations as TF lists them: placeholders, variable reads, constants, the ops
        under TF's op types (``Mul``, ``MatMul``), an ``Identity`` per output (graph_ops.py)."""
        from .graph_ops import operations
        return operations(self._program, self._n_outputs)

    def as_graph_def(self):
        """The graph as TF's ``GraphDef``: a ``node`` list of ``NodeDef``s (name, op type,
        inputs), one per operation of ``get_operations()`` (graph_def.py)."""
        from .graph_def import graph_def
        return graph_def(self.get_operations())

    @property
    def source(self) -> str:
        return self._program.source

    @property
    def variables(self) -> list:
        seen: dict = {}
        for v in self._program.variables_read + self._program.variables_written:
            seen.setdefault(id(v), v)
        return list(seen.values())


class _Specialisation:
    """A program for one concrete input shape, with how to rebuild its outputs."""

    __slots__ = ("program", "out_structure", "out_kinds", "graph_runner")

    def __init__(self, program, out_structure, out_kinds):
        self.program, self.out_structure, self.out_kinds = program, out_structure, out_kinds
        self.graph_runner = None

    def outputs(self, values):
        flat = [_make(v, k) if k is not None else v for v, k in zip(values, self.out_kinds)]
        return nest.pack_sequence_as(self.out_structure, flat)


class ConcreteFunction:
    """One trace of a ``Function``: a fixed input signature and its replayable programs.

    ``structured_input_signature`` is ``(args, kwargs)`` with TensorSpecs for tensors and the
    Python values the trace was made for; ``function_type`` says how calls bind to it and how it
    prints (function_type.py); ``graph.get_operations()`` lists the recorded array operations;
    ``graph.source`` is the program minitf replays.
    """

    def __init__(self, function: "Function", args_spec, kwargs_spec, structured_outputs=None):
        self._function = function
        self.structured_input_signature = (args_spec, kwargs_spec)
        self.structured_outputs = structured_outputs
        self._specialisations: dict = {}
        # How calls bind (positional/keyword, Python values baked in) and how it prints;
        # None where Python cannot bind the traced arguments to the function's signature.
        self.function_type = FunctionType.of(function.python_function, function._name,
                                             tuple(args_spec), dict(kwargs_spec))

    def _set_signature(self, args_spec, kwargs_spec) -> None:
        self.structured_input_signature = (args_spec, kwargs_spec)
        self.function_type = FunctionType.of(self._function.python_function,
                                             self._function._name, tuple(args_spec),
                                             dict(kwargs_spec))

    @property
    def name(self) -> str:
        return self._function.__name__

    @property
    def graph(self) -> FuncGraph:
        spec = next(iter(self._specialisations.values()))
        return FuncGraph(spec.program, sum(k is not None for k in spec.out_kinds))

    @property
    def variables(self) -> list:
        return self.graph.variables

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    def __call__(self, *args, **kwargs):
        if self.function_type is None:
            leaves, args, kwargs = self._function._bind(args, kwargs, self)
        else:
            # TF's rules (function_type.py): bound to every parameter, else to the tensor
            # parameters only; either way put back in the form the trace was made with.
            args, kwargs = self.function_type.bind(args, kwargs)
            leaves = nest.flatten((args, kwargs))
        return self._function._call_concrete(self, leaves, args, kwargs)

    def pretty_printed_signature(self, verbose: bool = True) -> str:
        """TF's description of this trace: each input parameter with its kind and what it
        accepts, the output type (static shapes: None where unknown) and the captured
        variables; ``verbose=False`` gives the one-line ``(a: ..., b: ...) -> ...`` form."""
        ft = self.function_type
        if ft is None:
            args, kwargs = self.structured_input_signature
            return f"{self.name}{(args, kwargs)!r}"
        if self._specialisations:
            ft.captures = self.variables
        return ft.pretty(verbose)

    def __str__(self) -> str:
        return f"ConcreteFunction {self.pretty_printed_signature()}"

    def __repr__(self) -> str:
        if self.function_type is None:
            return f"<ConcreteFunction {self.name}{self.structured_input_signature}>"
        return (f"<ConcreteFunction {self.pretty_printed_signature(verbose=False)} "
                f"at 0x{id(self):X}>")


# ---- Function ------------------------------------------------------------------------------

class Function:
    """A callable that traces ``python_function`` per input signature and replays the traces.
    Made by ``tf.function``; see the module docstring."""

    def __init__(self, python_function: Callable, input_signature=None,
                 reduce_retracing: bool = False, name: str | None = None,
                 autograph: bool = True, jit_compile=None, graph: bool = True):
        functools.update_wrapper(self, python_function)
        self.python_function = python_function
        self.input_signature = None if input_signature is None else list(input_signature)
        self._reduce_retracing = reduce_retracing
        self._name = name or getattr(python_function, "__name__", "function")
        self._graph = graph
        self._autograph = autograph
        self._converted: Callable | None = None     # what traces run (see _body)
        self._concrete: dict = {}         # logical signature key -> ConcreteFunction
        self._by_structure: dict = {}     # structure key -> [logical keys] (reduce_retracing)
        self._tracing_count = 0
        self._traced_once = False
        self._bound: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        # Tracing and every change to the caches above happen under this lock, as in TF: threads
        # calling a new signature at once trace it once. Replays of finished traces take no lock.
        self._lock = threading.RLock()
        if self.input_signature is not None:
            for s in nest.flatten(self.input_signature):
                if not isinstance(s, TensorSpec):
                    raise TypeError(f"input_signature must be a possibly nested sequence of "
                                    f"TensorSpec objects, got invalid args {s!r}")

    # methods decorated with @tf.function: one Function per instance, as in TF
    def __get__(self, instance, owner):
        if instance is None:
            return self
        try:
            return self._bound[instance]
        except (KeyError, TypeError):
            pass
        with self._lock:        # threads binding one instance at once share one Function
            try:
                return self._bound[instance]
            except (KeyError, TypeError):
                pass
            f = Function(functools.partial(self.python_function, instance), self.input_signature,
                         self._reduce_retracing, self._name, autograph=self._autograph,
                         graph=self._graph)
            functools.update_wrapper(f, self.python_function)
            try:
                self._bound[instance] = f
            except TypeError:
                pass
            return f

    def _body(self) -> Callable:
        """The Python function a trace runs. AutoGraph's one call site: with ``autograph=True``
        (TF's default) ``python_function`` is converted once, here, before its first trace, so
        that ``if``/``while``/``for`` on tensors become tf.cond / tf.while_loop
        (minitf/autograph/); with ``autograph=False`` it runs as written."""
        body = self._converted
        if body is None:
            body = self.python_function
            if self._autograph:
                from ..autograph.conversion import convert_entity
                body = convert_entity(body)
            self._converted = body
        return body

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python body was traced (TF's experimental tracing counter)."""
        return self._tracing_count

    def _arg_names(self, n: int) -> list:
        import inspect
        try:
            params = list(inspect.signature(self.python_function).parameters)
        except (TypeError, ValueError):
            params = []
        return (params + [f"arg{i}" for i in range(len(params), n)])[:n]

    # ---- binding calls to signatures ----------------------------------------------------
    def _bind(self, args, kwargs, concrete: ConcreteFunction | None = None):
        """Check a call against ``input_signature`` (or a concrete function's) and convert
        Python values that stand for tensors. Returns (flat leaves, args, kwargs)."""
        sig = None
        if concrete is not None:
            sig = list(concrete.structured_input_signature[0])
        elif self.input_signature is not None:
            sig = self.input_signature
        if sig is None:
            return nest.flatten((args, kwargs)), args, kwargs
        if kwargs:
            names = self._arg_names(len(sig))
            args = tuple(args) + tuple(kwargs.pop(n) for n in names[len(args):] if n in kwargs)
        text = "(" + ", ".join(f"{n}: {s!r}" for n, s in zip(self._arg_names(len(sig)), sig)) \
            + ")"
        if len(args) != len(sig) or kwargs:
            raise TypeError(f"Binding inputs to tf.function failed: {self._name}() expected "
                            f"{len(sig)} arguments matching its signature {text}, got "
                            f"{len(args)} positional and keyword arguments {sorted(kwargs)}.")
        out = []
        for a, s in zip(args, sig):
            if isinstance(s, TensorSpec):
                try:
                    t = a if isinstance(a, Tensor) else (
                        a._read_for_op() if _is_variable(a) else convert_to_tensor(a, s.dtype))
                except (TypeError, ValueError):
                    raise _incompatible(repr(s), a, args, kwargs, text) from None
                if not s.is_compatible_with(t):
                    raise _incompatible(repr(s), TensorSpec(t.shape, t.dtype), args, kwargs,
                                        text)
                out.append(t)
            else:
                if a != s:
                    raise TypeError(f"Binding inputs to tf.function failed: expected {s!r}, "
                                    f"got {a!r} for signature {text}.")
                out.append(a)
        args = tuple(out)
        return nest.flatten((args, {})), args, {}

    def _logical_key(self, leaf_keys, args, kwargs):
        if self.input_signature is not None:
            return ("sig",)
        return (_structure_key((args, kwargs)), leaf_keys)

    def _relaxed(self, key, leaves, args, kwargs):
        """reduce_retracing: an earlier signature of the same structure, ranks and dtypes
        generalised to ``None`` where the dimensions differ (or ``key`` if none)."""
        skey = (key[0], tuple(k[0] if k[0] != "T" else ("T", len(k[1]), k[2])
                              for k in key[1]))
        for old in self._by_structure.get(skey, []):
            if old == key:
                return key
            merged = []
            for a, b in zip(old[1], key[1]):
                if a[0] == "T":
                    merged.append(("T", tuple(x if x == y else None for x, y in zip(a[1], b[1])),
                                   a[2]))
                elif a != b:
                    break
                else:
                    merged.append(a)
            else:
                new = (old[0], tuple(merged))
                if new != old:
                    self._by_structure[skey].append(new)
                return new
        self._by_structure.setdefault(skey, []).append(key)
        return key

    # ---- calling --------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if _RUN_EAGERLY[0]:
            return self.python_function(*args, **kwargs)
        if any(getattr(r, "_forward", False) for r in _tape.TAPES.recording):
            # Under a ForwardAccumulator the (AutoGraph-converted) body runs op by op, so each
            # op pushes tangents and tapes around or inside see every op (TF traces a
            # forward-mode variant of the function; the values are the same, but here Python
            # side effects run at every such call). Inside another trace it is inlined, as below.
            return self._body()(*args, **kwargs)
        if tracing.current() is not None:
            # Inside another trace (of this thread), a tf.function is inlined (its operations
            # join that trace).
            return self._body()(*args, **kwargs)
        leaves, args, kwargs = self._bind(args, kwargs)
        leaf_keys = tuple(_leaf_key(x) for x in leaves)    # also the specialisation's key
        key = self._logical_key(leaf_keys, args, kwargs)
        concrete = self._concrete.get(key)
        if concrete is None:
            return self._first_call(key, leaves, leaf_keys, args, kwargs)
        return self._call_concrete(concrete, leaves, args, kwargs, leaf_keys)

    def _first_call(self, key, leaves, leaf_keys, args, kwargs):
        """A call whose signature has no trace yet: trace it, one thread at a time. A thread
        that waited for the lock finds the trace made and replays it."""
        with self._lock:
            concrete = self._concrete.get(key)
            if concrete is None and self._reduce_retracing and self.input_signature is None:
                key = self._relaxed(key, leaves, args, kwargs)
                concrete = self._concrete.get(key)
            if concrete is None:
                concrete = self._new_concrete(key, leaves, args, kwargs)
                return self._trace_call(concrete, leaves, args, kwargs, counted=True,
                                        skey=leaf_keys)
        return self._call_concrete(concrete, leaves, args, kwargs, leaf_keys)

    def _new_concrete(self, key, leaves, args, kwargs) -> ConcreteFunction:
        if self.input_signature is not None:
            a_spec = tuple(self.input_signature)
        elif key[0] != "sig" and any(k[0] == "T" and (k[1] is None or None in k[1])
                                     for k in key[1]):
            keys = iter(key[1])
            a_spec = nest.map_structure(
                lambda x: (lambda k: TensorSpec(k[1], k[2]) if k[0] == "T" else x)(next(keys)),
                (tuple(args), dict(kwargs)))
            a_spec, k_spec = a_spec
            c = ConcreteFunction(self, tuple(a_spec), k_spec)
            self._concrete[key] = c
            return c
        else:
            a_spec = tuple(nest.map_structure(_spec_of, list(args)))
        k_spec = nest.map_structure(_spec_of, dict(kwargs))
        c = ConcreteFunction(self, a_spec, k_spec)
        self._concrete[key] = c
        return c

    def _call_concrete(self, concrete, leaves, args, kwargs, skey=None):
        if skey is None:
            skey = tuple(_leaf_key(x) for x in leaves)
        spec = concrete._specialisations.get(skey)
        if spec is None:
            with self._lock:
                spec = concrete._specialisations.get(skey)   # another thread may have made it
                if spec is None:
                    return self._trace_call(concrete, leaves, args, kwargs, counted=False,
                                            skey=skey)
        if _tape.TAPES.recording:
            return call_recorded(self, concrete, skey, leaves, args, kwargs)
        arrays = [x._value if isinstance(x, Tensor) else convert_to_tensor(x)._value
                  for x in leaves if _is_tensor_like(x) and not _is_variable(x)]
        if spec.graph_runner is not None:
            with self._lock:            # a CUDA graph replays into buffers of its own
                runner = spec.graph_runner
                out = None if runner is None else runner(arrays)
                if out is not None:
                    return spec.outputs(out)
                if runner is not None and runner.failed:
                    spec.graph_runner = None
        return spec.outputs(spec.program.run(arrays))

    def _trace_call(self, concrete, leaves, args, kwargs, counted: bool, dry: bool = False,
                    skey=None):
        """Run the Python body on traced inputs; record, compile and (unless ``dry``) commit
        its effects. Returns the call's outputs (``None`` when dry)."""
        with self._lock:
            return self._trace_call_locked(concrete, leaves, args, kwargs, counted, dry, skey)

    def _trace_call_locked(self, concrete, leaves, args, kwargs, counted, dry, skey):
        if skey is None:
            skey = tuple(_leaf_key(x) for x in leaves)
        if _tape.TAPES.recording and not dry:
            # A tape records this call: trace (without effects), then run it as one recorded op.
            self._trace_call(concrete, leaves, args, kwargs, counted, dry=True, skey=skey)
            return call_recorded(self, concrete, skey, leaves, args, kwargs)
        first = not self._traced_once
        if counted:
            self._tracing_count += 1
        quiet = contextlib.redirect_stdout(io.StringIO()) if not counted else \
            contextlib.nullcontext()
        with quiet:
            result, spec, tr = self._trace(leaves, args, kwargs, dry,
                                           _static_shapes(concrete, leaves))
        self._traced_once = True
        if tr.created and not first:
            raise ValueError(_CREATED_ON_LATER_TRACE)
        if tr.created and first and not dry:
            # TF traces a variable-creating function a second time to check that the
            # variables are singletons (created under `if ... is None`).
            self._tracing_count += 1
            _, _, tr2 = self._trace(leaves, args, kwargs, dry=True,
                                    shapes=_static_shapes(concrete, leaves))
            if tr2.created:
                raise ValueError(_CREATED_ON_LATER_TRACE)
        concrete._specialisations[skey] = spec
        if concrete.structured_outputs is None:
            concrete.structured_outputs = result
            if concrete.function_type is not None:
                concrete.function_type.output = output_constraint(result, tr.output_specs)
        return None if dry else result

    def _trace(self, leaves, args, kwargs, dry: bool, shapes=None):
        tr = Trace()
        tr.dry = dry
        tr.name = self.__name__
        tr.argument_ids = frozenset(id(x) for x in leaves)
        if self._traced_once:
            tr.forbid_variables = _CREATED_ON_LATER_TRACE
        inputs, t_args, t_kwargs, _ = traced_arguments(tr, leaves, args, kwargs,
                                                       self.python_function, shapes)
        rng = random_ops.snapshot() if dry else None
        try:
            # Outer tapes see the call, not its inside.
            with _tape.suspended_tapes(), tr.active():
                try:
                    out = self._body()(*t_args, **t_kwargs)
                except Exception as e:
                    if not self._autograph:
                        raise
                    from ..autograph.error_utils import user_code_error
                    shown = user_code_error(e)     # TF's "in user code:" form
                    if shown is None:
                        raise
                    raise shown from None
                # Read returned variables while the trace still runs: `return v.assign_add(1)`
                # returns the value after this call's update, not the one from trace time.
                flat = [o._snapshot() if _is_variable(o) else o for o in nest.flatten(out)]
                # the graph listing reads a returned variable anew (graph_ops.py)
                tr.returned_variables = [getattr(o, "_parent", o) if _is_variable(o) else None
                                         for o in nest.flatten(out)]
        finally:
            if rng is not None:
                random_ops.restore(rng)       # a thrown-away trace uses up no draws
        writes = tr.finish_vars()
        values, kinds, real = [], [], []
        tr.output_specs = []          # the output type's leaves (static shapes)
        for o in flat:
            o = _output_tensor(o, self.python_function)
            tr.output_specs.append(_output_spec(o))
            if isinstance(o, Tensor):
                v = o._value
                values.append(v)
                kinds.append(o._dtype)
                real.append(_make(v.v if type(v) is Traced else v, o._dtype))
            else:
                values.append(o)
                kinds.append(None)
                real.append(o)
        result = nest.pack_sequence_as(out, real)
        program = Program(tr, inputs, values, writes, strip=False)
        graph_program = None
        if self._graph and not dry and not tr.has_host_nodes() and \
                B.is_device_array(program.first_array) and graphs_enabled():
            graph_program = Program(tr, inputs, values, writes, graph=True, strip=False)
        strip_values(tr)
        spec = _Specialisation(program, out, kinds)
        if TRACE_LISTENERS and not dry:
            graph = FuncGraph(program, sum(k is not None for k in kinds))
            for listener in list(TRACE_LISTENERS):
                listener(self._name, graph)
        if graph_program is not None:
            spec.graph_runner = CudaGraphRunner(graph_program, program)
        return result, spec, tr

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The concrete function for these arguments (tensors or TensorSpecs), tracing it if
        needed. Tracing here does not execute the function's effects on Variables."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        specs = nest.flatten((args, kwargs))
        if any(isinstance(s, TensorSpec) for s in specs):
            leaves = [_zeros_for(s) if isinstance(s, TensorSpec) else s for s in specs]
            args, kwargs = nest.pack_sequence_as((tuple(args), dict(kwargs)), leaves)
            given = specs
        else:
            given = None
        leaves, b_args, b_kwargs = self._bind(tuple(args), dict(kwargs))
        key = self._logical_key(tuple(_leaf_key(x) for x in leaves), b_args, b_kwargs)
        if given is not None and self.input_signature is None and any(
                isinstance(s, TensorSpec) and not s.shape.is_fully_defined() for s in given):
            key = (key[0], tuple(("T", _dims_key(s.shape), s.dtype) if isinstance(
                s, TensorSpec) else k for s, k in zip(given, key[1])))
        with self._lock:
            concrete = self._concrete.get(key)
            if concrete is None:
                concrete = self._new_concrete(key, leaves, b_args, b_kwargs)
                if given is not None and self.input_signature is None:
                    # the caller's specs, names included (TF prints a given name)
                    concrete._set_signature(*nest.pack_sequence_as(
                        (tuple(b_args), dict(b_kwargs)), given))
                self._trace_call(concrete, leaves, b_args, b_kwargs, counted=True, dry=True)
            elif not concrete._specialisations:
                self._trace_call(concrete, leaves, b_args, b_kwargs, counted=False, dry=True)
        return concrete

    def pretty_printed_concrete_signatures(self, verbose: bool = True) -> str:
        """Every concrete function's ``pretty_printed_signature(verbose)``: TF separates the
        full listings by a blank line, the one-line forms by a newline."""
        return ("\n\n" if verbose else "\n").join(
            c.pretty_printed_signature(verbose) for c in self._concrete.values())

    def __repr__(self) -> str:
        return f"<minitf.Function {self._name}>"


def _dims_key(shape):
    """A shape in a signature key: a tuple (None for an unknown dimension), None for an
    unknown rank."""
    return None if shape.rank is None else tuple(shape)


def _static_shapes(concrete, leaves):
    """The static shape of each leaf of a call to ``concrete`` where its signature leaves
    dimensions (or the rank) unknown, else None; None if every shape is known."""
    a_spec, k_spec = concrete.structured_input_signature
    flat = nest.flatten((tuple(a_spec), dict(k_spec)))
    if len(flat) != len(leaves):
        return None
    shapes = [s.shape if isinstance(s, TensorSpec) and not s.shape.is_fully_defined() else None
              for s in flat]
    return shapes if any(s is not None for s in shapes) else None


def _output_spec(o):
    """An output's entry in the output type: its TensorSpec with the static shape."""
    if not isinstance(o, Tensor):
        return o
    v = o._value
    shape = v.static_shape() if type(v) is Traced else np.shape(v)    # np.shape: a bytes scalar
    return TensorSpec(shape, o.dtype)


def _zeros_for(spec: TensorSpec) -> Tensor:
    # a stand-in of the spec: 1 for each unknown dimension, a scalar for an unknown rank
    shape = () if spec.shape.rank is None else tuple(1 if d is None else d for d in spec.shape)
    arr = np.ones(shape, spec.dtype._np) if spec.dtype.is_floating else \
        np.zeros(shape, spec.dtype._np)
    return convert_to_tensor(arr)


def function(func: Callable | None = None, input_signature=None, autograph: bool = True,
             jit_compile=None, reduce_retracing: bool = False,
             experimental_relax_shapes=None, name: str | None = None, **kwargs):
    """``tf.function``: a callable that traces ``func`` per input signature and replays the
    trace (see this module's docstring). Usable as ``@tf.function`` or
    ``@tf.function(input_signature=[...])``."""
    if experimental_relax_shapes is not None:
        reduce_retracing = reduce_retracing or experimental_relax_shapes

    def wrap(f):
        return Function(f, input_signature=input_signature, reduce_retracing=reduce_retracing,
                        name=name, autograph=autograph, jit_compile=jit_compile)

    return wrap if func is None else wrap(func)

